"""selectColumns, renameColumns, deleteColumns: one projection each, rows untouched."""

from __future__ import annotations

from typing import Any

from sheetscale_engine.spark.names import ROW, col
from sheetscale_engine.spark.table import PlanContext, StepMetrics, Table


def select_columns(table: Table, step: dict[str, Any], ctx: PlanContext, metrics: StepMetrics) -> Table:
    keep = [c for c in step["columns"] if c in table.columns]
    return table.with_df(
        table.df.select(*[col(c) for c in keep], col(ROW)),
        columns=tuple(keep),
        hidden=frozenset(h for h in table.hidden if h in keep),
    )


def rename_columns(table: Table, step: dict[str, Any], ctx: PlanContext, metrics: StepMetrics) -> Table:
    renames = {r["from"]: r["to"] for r in step["renames"]}
    names = [renames.get(c, c) for c in table.columns]
    return table.with_df(
        table.df.select(*[col(c).alias(n) for c, n in zip(table.columns, names, strict=True)], col(ROW)),
        columns=tuple(names),
        hidden=frozenset(renames.get(h, h) for h in table.hidden),
        kinds={n: table.kinds_of(c) for c, n in zip(table.columns, names, strict=True)},
    )


def delete_columns(table: Table, step: dict[str, Any], ctx: PlanContext, metrics: StepMetrics) -> Table:
    drop = set(step["columns"])
    keep = [c for c in table.columns if c not in drop]
    return table.with_df(
        table.df.select(*[col(c) for c in keep], col(ROW)),
        columns=tuple(keep),
        hidden=frozenset(h for h in table.hidden if h in keep),
    )
