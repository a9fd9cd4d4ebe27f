"""selectColumns, renameColumns, deleteColumns on DuckDB: one projection each, rows untouched."""

from __future__ import annotations

from typing import Any

from sheetscale_engine.duckdb.table import ROW, PlanContext, StepMetrics, Table
from sheetscale_engine.duckdb.values import ident


def _project(
    table: Table, pairs: list[tuple[str, str]], hidden: frozenset[str], kinds: dict[str, Any]
) -> Table:
    cols = ", ".join([*(f"{ident(src)} AS {ident(dst)}" for src, dst in pairs), ident(ROW)])
    return table.with_sql(
        f"SELECT {cols} FROM {table.from_sql} AS _c",
        columns=tuple(dst for _, dst in pairs),
        hidden=hidden,
        kinds=kinds,
    )


def select_columns(table: Table, step: dict[str, Any], ctx: PlanContext, metrics: StepMetrics) -> Table:
    keep = [c for c in step["columns"] if c in table.columns]
    return _project(
        table,
        [(c, c) for c in keep],
        frozenset(h for h in table.hidden if h in keep),
        {c: table.kinds[c] for c in keep},
    )


def rename_columns(table: Table, step: dict[str, Any], ctx: PlanContext, metrics: StepMetrics) -> Table:
    renames = {r["from"]: r["to"] for r in step["renames"]}
    pairs = [(c, renames.get(c, c)) for c in table.columns]
    return _project(
        table,
        pairs,
        frozenset(renames.get(h, h) for h in table.hidden),
        {dst: table.kinds[src] for src, dst in pairs},
    )


def delete_columns(table: Table, step: dict[str, Any], ctx: PlanContext, metrics: StepMetrics) -> Table:
    drop = set(step["columns"])
    keep = [c for c in table.columns if c not in drop]
    return _project(
        table,
        [(c, c) for c in keep],
        frozenset(h for h in table.hidden if h in keep),
        {c: table.kinds[c] for c in keep},
    )
