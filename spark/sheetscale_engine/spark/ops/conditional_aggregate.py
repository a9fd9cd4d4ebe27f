"""SUMIF(S) / COUNTIF(S) / AVERAGEIF(S) over another source, one value per row of the main table.

Aggregate-then-join, never a row-by-row scan for the common case:
- a criterion whose expression is constant (``">100"``, ``"<>"``, ``"a*"``) filters the source
  once, in Excel's criteria language (criteria.py);
- a criterion that depends on the row (``A2``) is, for rows whose value is a plain value (a number,
  text without an operator or wildcard, a logical), an equality: the filtered source is aggregated
  by the criteria columns' equality keys and joined to the rows (broadcast when small);
- rows whose criterion value is itself an operator or wildcard criterion (a column holding
  ``">100"``) take the correct, slower path: the filtered source as an array, scanned with the
  criteria for those rows only.
Sums follow Excel: only numbers of the sum range are added, an error there is the result, no
match gives 0 (SUMIF, COUNTIF) or #DIV/0! (AVERAGEIF).
"""

from __future__ import annotations

from typing import Any, Final

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F  # noqa: N812 (PySpark's convention)

from sheetscale_engine.spark import values as V  # noqa: N812
from sheetscale_engine.spark.expressions import compile_expr
from sheetscale_engine.spark.names import ROW, col
from sheetscale_engine.spark.ops import criteria_api as criteria
from sheetscale_engine.spark.table import PlanContext, StepMetrics, Table

_SUM: Final = "__ca_sum"
_CNUM: Final = "__ca_cnum"
_COUNT: Final = "__ca_count"
_ERR: Final = "__ca_err"
_COMPLEX: Final = "__ca_complex"
_ARR: Final = "__ca_arr"


def _refers_to_columns(expr: Any) -> bool:
    if isinstance(expr, dict):
        if expr.get("kind") == "column":
            return True
        return any(_refers_to_columns(v) for v in expr.values() if isinstance(v, (dict, list)))
    if isinstance(expr, list):
        return any(_refers_to_columns(v) for v in expr)
    return False


def _constant(ctx: PlanContext, value: Column) -> Column:
    """A constant criterion evaluated once (a one-row query) and used as a literal: the criteria
    language reads its criterion many times, and a literal is cheap to copy where an expression
    tree (e.g. ">"&DATE(2024,1,1)) is not."""
    row = ctx.spark.range(1).select(value.alias("v")).first()
    v = row["v"] if row is not None else None
    if v is None:
        return V.xv_blank()
    return V.xv_of(
        int(v["k"]),
        n=F.lit(v["n"]).cast("double"),
        s=F.lit(v["s"]).cast("string"),
        b=F.lit(v["b"]).cast("boolean"),
    )


def apply(table: Table, step: dict[str, Any], ctx: PlanContext, metrics: StepMetrics) -> Table:
    function: str = step["function"]
    source = ctx.source(step["source"]).df
    value_column = step.get("valueColumn")
    constant = [c for c in step["criteria"] if not _refers_to_columns(c["criterion"])]
    per_row = [c for c in step["criteria"] if _refers_to_columns(c["criterion"])]

    filtered = source
    for c in constant:
        crit = _constant(ctx, compile_expr(c["criterion"], {}, ctx.eval_ctx, formula_result=False))
        filtered = filtered.where(criteria.matches(col(c["column"]), crit))
    value = col(value_column) if value_column else V.xv_blank()
    cells = filtered.select(
        *[col(c["column"]).alias(f"__ca_c{i}") for i, c in enumerate(per_row)],
        value.alias("__ca_v"),
        col(ROW).alias("__ca_r"),
    )

    row_crit = [
        compile_expr(c["criterion"], table.refs(), table.eval_ctx(ctx.eval_ctx), formula_result=False)
        for c in per_row
    ]
    base = table.df.select("*", *[c.alias(f"__ca_k{i}") for i, c in enumerate(row_crit)])
    complex_row: Column = F.lit(False)
    for i in range(len(per_row)):
        complex_row = complex_row | criteria.is_operator_criterion(col(f"__ca_k{i}"))
    base = base.select("*", complex_row.alias(_COMPLEX))

    v = col("__ca_v")
    n = F.when(V.is_number(v), V.num(v))
    group_keys = [criteria.equality_key(col(f"__ca_c{i}")).alias(f"__ca_g{i}") for i in range(len(per_row))]
    aggregated = cells.groupBy(*group_keys).agg(
        F.sum(n).alias(_SUM),
        F.count(n).alias(_CNUM),
        F.count(F.lit(1)).alias(_COUNT),
        F.min_by(F.when(V.is_error(v), v), F.when(V.is_error(v), col("__ca_r"))).alias(_ERR),
    )
    if per_row:
        small = ctx.is_small(cells)
        right = F.broadcast(aggregated) if small else aggregated
        condition: Column = F.lit(True)
        for i in range(len(per_row)):
            main_key = F.when(~col(_COMPLEX), criteria.equality_key(col(f"__ca_k{i}")))
            condition = condition & (main_key == right[f"__ca_g{i}"])
        joined = base.join(right, condition, "left")
        ordered = table.ordered and small
    else:
        # Only constant criteria: one aggregate for every row.
        joined = base.crossJoin(F.broadcast(aggregated))
        ordered = table.ordered
    keep = [c for c in base.columns]
    joined = joined.select(*[col(c) for c in keep], col(_SUM), col(_CNUM), col(_COUNT), col(_ERR))
    if per_row:
        joined = _complex_rows(joined, cells, len(per_row))

    total = F.coalesce(col(_SUM), F.lit(0.0))
    cnum = F.coalesce(col(_CNUM), F.lit(0))
    count = F.coalesce(col(_COUNT), F.lit(0))
    if function.startswith("COUNT"):
        result = V.xv_number(count.cast("double"))
    elif function.startswith("SUM"):
        result = F.when(col(_ERR).isNotNull(), col(_ERR)).otherwise(V.xv_number(total))
    else:
        result = (
            F.when(col(_ERR).isNotNull(), col(_ERR))
            .when(cnum == 0, V.xv_error(V.DIV0))
            .otherwise(V.xv_number(total / cnum))
        )
    # An error as a criterion value is the result (Excel: =SUMIF(A:A, #N/A) matches #N/A cells,
    # but an error produced while computing the criterion, e.g. ">"&#DIV/0!, propagates).
    name = step["column"]
    out = joined.select(*[col(c) for c in table.columns], result.alias(name), col(ROW))
    return table.with_df(
        out,
        columns=(*table.columns, name),
        hidden=table.hidden | ({name} if step.get("hidden") else set()),
        ordered=ordered,
        kinds=table.with_kinds({name: frozenset({V.NUMBER, V.ERROR})}),
    )


def _complex_rows(joined: DataFrame, cells: DataFrame, n_criteria: int) -> DataFrame:
    """Rows whose criterion values are operators or wildcards: scan the source array with them."""
    entry = F.struct(
        col("__ca_r").alias("r"),
        *[col(f"__ca_c{i}").alias(f"c{i}") for i in range(n_criteria)],
        col("__ca_v").alias("v"),
    )
    array = cells.agg(F.array_sort(F.collect_list(entry)).alias(_ARR)).select(
        F.lit(True).alias("__ca_w"), _ARR
    )
    with_array = joined.join(F.broadcast(array), joined[_COMPLEX] == array["__ca_w"], "left")

    def matched_entry(e: Column) -> Column:
        ok: Column = F.lit(True)
        for i in range(n_criteria):
            ok = ok & criteria.matches(e.getField(f"c{i}"), col(f"__ca_k{i}"))
        return ok

    matched = F.filter(col(_ARR), matched_entry)
    numbers = F.filter(matched, lambda e: V.is_number(e.getField("v")))
    errors = F.filter(matched, lambda e: V.is_error(e.getField("v")))
    total = F.aggregate(numbers, F.lit(0.0), lambda acc, e: acc + V.num(e.getField("v")))
    c = col(_COMPLEX)
    return with_array.select(
        *[col(x) for x in joined.columns if x not in (_SUM, _CNUM, _COUNT, _ERR)],
        F.when(c, total).otherwise(col(_SUM)).alias(_SUM),
        F.when(c, F.size(numbers)).otherwise(col(_CNUM)).alias(_CNUM),
        F.when(c, F.size(matched)).otherwise(col(_COUNT)).alias(_COUNT),
        F.when(c, F.element_at(errors, 1).getField("v")).otherwise(col(_ERR)).alias(_ERR),
    )
