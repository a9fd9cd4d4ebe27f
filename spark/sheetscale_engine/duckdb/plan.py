"""Config → a chain of DuckDB queries over the main source, one per run of steps (core.planner).

Each run's result is computed once into a temporary table (DuckDB spills it to disk under its
memory limit) and measured with one aggregate over it: rows, errors in the columns the run made,
and the op's flags (e.g. unmatched lookups). Exact per-step metrics for the price of a column scan.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Final

from sheetscale_engine.core.planner import formula_levels, step_runs
from sheetscale_engine.duckdb import values as V  # noqa: N812
from sheetscale_engine.duckdb.compile import EvalContext, ExpressionError, compile_formulas, staged_select
from sheetscale_engine.duckdb.ops import (
    append,
    columns,
    conditional_aggregate,
    filter,
    group,
    lookup,
    pivot,
    remove_duplicates,
    sort,
)
from sheetscale_engine.duckdb.table import ROW, PlanContext, SourceTable, StepMetrics, Table, error_count_sql
from sheetscale_engine.errors import ConfigInvalidError, StepFailedError, describe_step, step_ref

Op = Callable[[Table, dict[str, Any], PlanContext, StepMetrics], Table]

# Lookups are not here: build() hands each run of fusable lookups to lookup.apply_group.
OPS: Final[dict[str, Op]] = {
    "conditionalAggregate": conditional_aggregate.apply,
    "filter": filter.apply,
    "sort": sort.apply,
    "removeDuplicates": remove_duplicates.apply,
    "pivot": pivot.apply,
    "group": group.apply,
    "selectColumns": columns.select_columns,
    "renameColumns": columns.rename_columns,
    "deleteColumns": columns.delete_columns,
    "append": append.apply,
}


def build(config: dict[str, Any], main: SourceTable, ctx: PlanContext) -> Table:
    """The transformed table (materialized) and, in ``ctx.metrics``, one StepMetrics per step."""
    table = main.table
    read_rows = ctx.fetch(f"SELECT count(*) FROM {table.from_sql} AS _r")[0][0]
    previous_rows = int(read_rows)
    for run in step_runs(config["steps"]):
        first = run[0]
        metrics = [StepMetrics(step=s) for s in run]
        t0 = time.perf_counter()
        try:
            if first["op"] == "formula":
                table, new_columns = formulas(table, run, ctx)
            else:
                before = set(table.columns)
                if first["op"] == "lookup":
                    table = lookup.apply_group(table, run, ctx, metrics)
                else:
                    table = OPS[first["op"]](table, first, ctx, metrics[0])
                new_columns = [c for c in table.columns if c not in before]
            table = _measure(table, metrics, new_columns, ctx, previous_rows)
        except ExpressionError as exc:
            failing = next(
                (s for s in run if exc.column is not None and s.get("column") == exc.column), first
            )
            message = str(exc) if exc.column is not None else f"{describe_step(first)}: {exc}"
            raise StepFailedError(
                f"{message} — this formula cannot be run.",
                hint="Change the formula in Excel and record it again.",
                step=step_ref(failing),
            ) from exc
        except (ConfigInvalidError, StepFailedError) as exc:
            raise exc.with_step(step_ref(first)) from exc
        seconds = time.perf_counter() - t0
        for m in metrics:
            m.seconds = seconds / len(metrics)
        previous_rows = metrics[-1].rows_out or 0
        ctx.metrics.extend(metrics)
    return table


def formulas(table: Table, run: list[dict[str, Any]], ctx: PlanContext) -> tuple[Table, list[str]]:
    """A run of formula columns: one stacked projection per dependency level (core.planner)."""
    current = table
    hidden = set(table.hidden)
    for steps in formula_levels(run):
        exprs = [(s["column"], s["expr"]) for s in steps]
        compiled = compile_formulas(
            exprs,
            current.vals(),
            ctx.eval_ctx,
            where={s["column"]: describe_step(s) for s in steps},
        )
        kinds = dict(current.kinds)
        names = list(current.columns)
        for name, v in compiled.results.items():
            kinds[name] = v.kinds
            if name not in names:
                names.append(name)
        final = [(c, compiled.results[c].sql if c in compiled.results else V.ident(c)) for c in names] + [
            (ROW, V.ident(ROW))
        ]
        sql = staged_select(current.from_sql, [*current.columns, ROW], compiled, final)
        hidden |= {s["column"] for s in steps if s.get("hidden")}
        current = current.with_sql(sql, columns=tuple(names), kinds=kinds)
    # Columns in the order of the steps (Excel's column order), whatever their level.
    ordered = tuple(dict.fromkeys((*table.columns, *[s["column"] for s in run])))
    return current.with_sql(current.sql, columns=ordered, hidden=frozenset(hidden)), [
        s["column"] for s in run
    ]


def _measure(
    table: Table, metrics: list[StepMetrics], new_columns: list[str], ctx: PlanContext, rows_in: int
) -> Table:
    """Materialize the run's result and fill its metrics (rows, errors per new column, flags)."""
    flags = {flag: (m, name) for m in metrics for flag, name in m.flags.items()}
    materialized = ctx.materialize(table, "step", in_row_order=True)
    exprs = ["count(*)"]
    exprs += [error_count_sql(table.val(c)) for c in new_columns]
    exprs += [f"count(*) FILTER (WHERE {V.ident(f)})" for f in flags]
    row = ctx.fetch(f"SELECT {', '.join(exprs)} FROM {materialized.from_sql} AS _s")[0]
    rows = int(row[0])
    errors = {c: int(n) for c, n in zip(new_columns, row[1 : 1 + len(new_columns)], strict=True)}
    for (m, name), n in zip(flags.values(), row[1 + len(new_columns) :], strict=True):
        m.extra[name] = int(n or 0)
    for i, m in enumerate(metrics):
        m.rows_in = rows_in if i == 0 else rows
        m.rows_out = rows
        own = m.step.get("column")
        m.errors = {c: n for c, n in errors.items() if own is None or c == own}
    if flags:
        keep = ", ".join([*(V.ident(c) for c in table.columns), V.ident(ROW)])
        return materialized.with_sql(f"SELECT {keep} FROM {materialized.from_sql} AS _d")
    return materialized


def eval_context(ctx: EvalContext, where: str) -> EvalContext:
    return EvalContext(ctx.today, ctx.now, ctx.date_system, where)
