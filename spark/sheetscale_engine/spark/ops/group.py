"""Group: one row per group of equal key values (as Excel compares them), in order of first
appearance, with the key columns (their first row's value) and the aggregates."""

from __future__ import annotations

from typing import Any

from pyspark.sql import functions as F  # noqa: N812 (PySpark's convention)

from sheetscale_engine.spark import values as V  # noqa: N812
from sheetscale_engine.spark.names import ROW, col
from sheetscale_engine.spark.ops.aggregates import aggregate
from sheetscale_engine.spark.table import PlanContext, StepMetrics, Table


def apply(table: Table, step: dict[str, Any], ctx: PlanContext, metrics: StepMetrics) -> Table:
    by: list[str] = list(dict.fromkeys(step["by"]))
    keys = [V.match_key(col(c)).alias(f"__gk{i}") for i, c in enumerate(by)]
    aggs = [F.min_by(col(c), col(ROW)).alias(c) for c in by]
    for a in step["aggregates"]:
        source = col(a["column"]) if a["function"] != "countRows" else V.xv_blank()
        aggs.append(aggregate(a["function"], source).alias(a["as"]))
    grouped = table.df.groupBy(*keys).agg(*aggs, F.min(col(ROW)).alias(ROW))
    columns = [*by, *[a["as"] for a in step["aggregates"]]]
    out = grouped.select(*[col(c) for c in columns], col(ROW))
    # The keys keep their kinds; an aggregate may hold anything its function gives.
    kinds = {c: table.kinds_of(c) for c in by}
    return table.with_df(out, columns=tuple(columns), hidden=frozenset(), ordered=False, kinds=kinds)
