"""AutoFilter: keeps the rows meeting every column's condition; values are never changed.

- values: the ticked items (text case-insensitively, numbers by value, also matching a number's
  General-format text as the filter list shows it; error items by code) and (Blanks);
- custom: one or two criteria ("=a*", ">=100", "<>x") joined by and/or, in Excel's criteria
  language (criteria.py);
- top/bottom N items: numbers >= LARGE(column, N) (<= SMALL), ties kept; top/bottom N percent:
  the same with N = max(1, floor(count of numbers * percent / 100));
- above/below average: numbers strictly above/below the AVERAGE of the column's numbers.
The column-wide thresholds are one small aggregate joined (broadcast) to the rows.
"""

from __future__ import annotations

from typing import Any

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F  # noqa: N812 (PySpark's convention)

from sheetscale_engine.spark import values as V  # noqa: N812
from sheetscale_engine.spark.names import col
from sheetscale_engine.spark.ops import criteria_api as criteria
from sheetscale_engine.spark.table import PlanContext, StepMetrics, Table


def _values_condition(xv: Column, cond: dict[str, Any]) -> Column:
    keep: Column = F.lit(False)
    for item in cond.get("values", []):
        if isinstance(item, bool):
            keep = keep | (V.is_logical(xv) & (V.logical(xv) == F.lit(item)))
        elif isinstance(item, (int, float)):
            keep = keep | (V.is_number(xv) & (V.round15(V.num(xv)) == V.round15(F.lit(float(item)))))
        else:
            lowered = F.lit(str(item).lower())
            keep = keep | (
                (V.is_text(xv) & (F.lower(V.text(xv)) == lowered))
                | (V.is_number(xv) & (V.general_text(V.num(xv)) == lowered))
                | (V.is_logical(xv) & (F.lower(V.logical_text(V.logical(xv))) == lowered))
                | (V.is_error(xv) & (F.lower(V.text(xv)) == lowered))
            )
    if cond.get("blanks"):
        keep = keep | V.is_blank(xv) | (V.is_text(xv) & (V.text(xv) == ""))
    return keep


def _custom_condition(xv: Column, cond: dict[str, Any]) -> Column:
    first = criteria.matches(xv, V.xv_text(F.lit(cond["criterion1"])))
    if cond.get("criterion2") is None:
        return first
    second = criteria.matches(xv, V.xv_text(F.lit(cond["criterion2"])))
    return (first | second) if cond.get("operator") == "or" else (first & second)


def apply(table: Table, step: dict[str, Any], ctx: PlanContext, metrics: StepMetrics) -> Table:
    df: DataFrame = table.df
    condition: Column = F.lit(True)
    thresholds: list[Column] = []
    for i, cond in enumerate(step["conditions"]):
        xv = col(cond["column"])
        kind = cond["filterOn"]
        n = F.when(V.is_number(xv), V.num(xv))
        if kind == "values":
            condition = condition & _values_condition(xv, cond)
        elif kind == "custom":
            condition = condition & _custom_condition(xv, cond)
        elif kind in ("aboveAverage", "belowAverage"):
            name = f"__flt{i}"
            thresholds.append(F.avg(n).alias(name))
            condition = condition & (n > F.col(name) if kind == "aboveAverage" else n < F.col(name))
        else:
            name = f"__flt{i}"
            top = kind.startswith("top")
            sorted_numbers = F.sort_array(F.collect_list(n), asc=not top)
            count = F.size(sorted_numbers)
            if kind.endswith("Percent"):
                take = F.greatest(F.lit(1), F.floor(count * F.lit(float(cond["count"])) / 100).cast("int"))
            else:
                take = F.lit(int(cond["count"]))
            thresholds.append(F.element_at(sorted_numbers, F.least(take, count)).alias(name))
            condition = condition & (n >= F.col(name) if top else n <= F.col(name))
    if thresholds:
        limits = df.agg(*thresholds)
        df = df.crossJoin(F.broadcast(limits))
        kept = df.where(F.coalesce(condition, F.lit(False))).select(*table.df.columns)
    else:
        kept = df.where(F.coalesce(condition, F.lit(False)))
    return table.with_df(kept)
