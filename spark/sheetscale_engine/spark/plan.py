"""Config → a pipeline of DataFrame transformations over the main source (``df.transform`` style).

Each step is a function Table → Table (see ops/). Consecutive formula steps are fused: all the
formulas of a run that do not depend on one another are computed in ONE projection, those that
refer to a formula of the same run in the next one (see _formulas).

Metrics cost no extra pass: after each step an Observation counts the rows, the errors in the
columns the step made, and the op's flags (e.g. unmatched lookups); Spark fills them in during the
job's single write.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from pyspark.sql import Observation
from pyspark.sql import functions as F  # noqa: N812 (PySpark's convention)

from sheetscale_engine.core.planner import formula_levels, step_runs
from sheetscale_engine.errors import ConfigInvalidError, StepFailedError, describe_step, step_ref
from sheetscale_engine.spark.expressions import add_expr_columns_with_kinds
from sheetscale_engine.spark.functions.base import ExpressionError
from sheetscale_engine.spark.names import ROW, col
from sheetscale_engine.spark.ops import (
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
from sheetscale_engine.spark.reader import SourceTable
from sheetscale_engine.spark.table import PlanContext, StepMetrics, Table, error_count, order_by_row

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


def main_table(main: SourceTable) -> Table:
    return Table(df=main.df, columns=tuple(n for n, _ in main.column_types), kinds=main.column_kinds)


def build(config: dict[str, Any], main: SourceTable, ctx: PlanContext) -> Table:
    """The transformed table (lazy) and, in ``ctx.metrics``, one StepMetrics per step."""
    table = main_table(main)
    read_metrics = StepMetrics(step={"id": "(read)", "op": "read"})
    table = _observe(table, read_metrics, [], "read")
    previous = read_metrics
    for run in step_runs(config["steps"]):
        first = run[0]
        metrics = [StepMetrics(step=s) for s in run]
        try:
            if first["op"] == "formula":
                table, new_columns = _formulas(_in_row_order(table), run, ctx)
            else:
                before = set(table.columns)
                if first["op"] == "lookup":
                    table = lookup.apply_group(table, run, ctx, metrics)
                else:
                    table = OPS[first["op"]](table, first, ctx, metrics[0])
                new_columns = [c for c in table.columns if c not in before]
        except ExpressionError as exc:
            raise StepFailedError(
                f"{describe_step(first)} cannot be run: {exc}",
                hint="Change the formula in Excel and record it again.",
                step=step_ref(first),
            ) from exc
        except (ConfigInvalidError, StepFailedError) as exc:
            raise exc.with_step(step_ref(first)) from exc
        table = _observe(table, metrics[0], new_columns, first["id"], metrics[1:])
        for m in metrics:
            m.rows_in_from = previous
        previous = metrics[-1]
        ctx.metrics.extend(metrics)
    return table


def _in_row_order(table: Table) -> Table:
    """The table sorted back into row order if a join (a lookup into a large source) shuffled it.

    The result must come out in row order anyway; sorting before formula columns widen the rows
    moves far fewer bytes than sorting the wide result at the end.
    """
    if table.ordered:
        return table
    return table.with_df(order_by_row(table.df), ordered=True)


def _formulas(table: Table, run: list[dict[str, Any]], ctx: PlanContext) -> tuple[Table, list[str]]:
    """A run of formula columns in as few projections as the dependencies allow.

    Formulas that do not depend on each other share one projection; a formula that refers to
    another formula of the run goes into the next projection (its dependency level). Inlining the
    referenced expression instead would copy it into every place that reads it (an Excel operator
    reads its operands several times), and the trees would grow exponentially along a chain.
    """
    current = table
    hidden = set(table.hidden)
    for steps in formula_levels(run):
        exprs = [(s["column"], s["expr"]) for s in steps]
        df, kinds = add_expr_columns_with_kinds(
            current.df,
            exprs,
            current.refs(),
            current.eval_ctx(ctx.eval_ctx),
            where={s["column"]: describe_step(s) for s in steps},
        )
        hidden |= {s["column"] for s in steps if s.get("hidden")}
        names = [n for n, _ in exprs if n not in current.columns]
        current = current.with_df(df, columns=(*current.columns, *names), kinds=current.with_kinds(kinds))
    # Columns in the order of the steps (Excel's column order), whatever their level.
    ordered = tuple(dict.fromkeys((*table.columns, *[s["column"] for s in run])))
    return current.with_df(current.df, columns=ordered, hidden=frozenset(hidden)), [s["column"] for s in run]


def _observe(
    table: Table,
    metrics: StepMetrics,
    new_columns: list[str],
    name: str,
    also: list[StepMetrics] | None = None,
) -> Table:
    """Attach the step's Observation (rows, errors per new column, flags) and drop the flags."""
    observation = Observation(f"step:{name}")
    exprs = [F.count(F.lit(1)).alias("rows")]
    exprs += [error_count(col(c)).alias(f"errors:{c}") for c in new_columns]
    exprs += [
        F.sum(F.when(col(flag), 1).otherwise(0)).alias(f"flag:{metric}")
        for flag, metric in metrics.flags.items()
    ]
    observed = table.df.observe(observation, *exprs)
    if metrics.flags:
        observed = observed.select(*[col(c) for c in table.columns], col(ROW))
    metrics.observation = observation
    metrics.error_columns = list(new_columns)
    for other in also or []:
        other.observation = observation
        other.error_columns = list(new_columns)
    return table.with_df(observed)


def collect_metrics(ctx: PlanContext, read: StepMetrics | None = None) -> None:
    """After the job ran: fill every StepMetrics from its observations."""
    for m in ctx.metrics:
        if m.observation is None:
            continue
        values = m.observation.get
        m.rows_out = int(values.get("rows") or 0)
        own = m.step.get("column")
        m.errors = {
            c: int(values.get(f"errors:{c}") or 0) for c in m.error_columns if own is None or c == own
        }
        for key, value in values.items():
            if key.startswith("flag:"):
                m.extra[key[5:]] = int(value or 0)
        for extra in m.observations:
            for key, value in extra.get.items():
                m.extra[key] = int(value or 0)
        prev = m.rows_in_from
        if prev is not None:
            if prev.rows_out is None and prev.observation is not None:
                prev.rows_out = int(prev.observation.get.get("rows") or 0)
            m.rows_in = prev.rows_out
