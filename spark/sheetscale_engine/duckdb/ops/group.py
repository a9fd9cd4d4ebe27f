"""Group on DuckDB: one row per group of equal key values (as Excel compares them: match keys), in
order of first appearance, with the key columns (their first row's value) and the aggregates.

One ``GROUP BY`` of the match keys; the group's ``__row`` is its first row's, so the groups come
out in order of first appearance. The aggregates follow Excel's summary functions over a range
(see the Spark lowering's ops/aggregates.py): only numbers count (text and logicals are skipped),
an error in the group is the result (the first one in row order), and no numbers gives 0 (SUM,
MAX, MIN, PRODUCT) or #DIV/0! (AVERAGE, and the deviations and variances without enough numbers).
"""

from __future__ import annotations

from typing import Any, Final

from sheetscale_engine.duckdb import values as V  # noqa: N812
from sheetscale_engine.duckdb.table import ROW, PlanContext, StepMetrics, Table
from sheetscale_engine.duckdb.values import Val

FUNCTIONS: Final = (
    "sum",
    "count",
    "countNumbers",
    "countRows",
    "average",
    "max",
    "min",
    "product",
    "standardDeviation",
    "standardDeviationP",
    "variance",
    "varianceP",
    "first",
    "last",
)


def numbers_sql(v: Val) -> str:
    """The number of a number cell, NULL for every other kind (what SUM & co. read)."""
    if V.NUMBER not in v.kinds:
        return "CAST(NULL AS DOUBLE)"
    if v.layout == "number":
        return f"({v.sql})"
    return f"(CASE WHEN {V.is_kind(v, V.NUMBER)} THEN {V.num_sql(v)} END)"


def first_error_sql(v: Val) -> str:
    """SQL aggregate: the code of the group's first error in row order (NULL when none)."""
    return f"arg_min({V.error_code_sql(v)}, {V.ident(ROW)}) FILTER (WHERE {V.is_error(v)})"


def _with_errors(v: Val, value: Val) -> Val:
    """``value`` unless the group holds an error: then its first error."""
    if V.ERROR not in v.kinds:
        return value
    err = Val(V.xv_struct("4", s=first_error_sql(v)), frozenset({V.ERROR}), "xv")
    return V.cases([(f"(count(*) FILTER (WHERE {V.is_error(v)}) > 0)", err)], value)


def aggregate(function: str, v: Val) -> Val:
    """One aggregate over the group's cells ``v`` as an Excel value (SQL of aggregates)."""
    n = numbers_sql(v)
    count_n = f"count({n})"
    row = V.ident(ROW)
    if function == "sum":
        return _with_errors(v, V.number(f"coalesce(sum({n}), 0.0)"))
    if function == "count":
        return V.number(f"CAST(count(*) FILTER (WHERE NOT {V.is_blank(v)}) AS DOUBLE)")
    if function == "countNumbers":
        return V.number(f"CAST({count_n} AS DOUBLE)")
    if function == "countRows":
        return V.number("CAST(count(*) AS DOUBLE)")
    if function == "average":
        return _with_errors(v, V.cases([(f"({count_n} = 0)", V.error(V.DIV0))], V.number(f"avg({n})")))
    if function == "max":
        return _with_errors(v, V.number(f"coalesce(max({n}), 0.0)"))
    if function == "min":
        return _with_errors(v, V.number(f"coalesce(min({n}), 0.0)"))
    if function == "product":
        return _with_errors(v, V.number(f"(CASE WHEN {count_n} = 0 THEN 0.0 ELSE product({n}) END)"))
    if function in ("standardDeviation", "variance"):
        fn = "stddev_samp" if function == "standardDeviation" else "var_samp"
        return _with_errors(v, V.cases([(f"({count_n} < 2)", V.error(V.DIV0))], V.number(f"{fn}({n})")))
    if function in ("standardDeviationP", "varianceP"):
        fn = "stddev_pop" if function == "standardDeviationP" else "var_pop"
        return _with_errors(v, V.cases([(f"({count_n} < 1)", V.error(V.DIV0))], V.number(f"{fn}({n})")))
    if function == "first":
        return Val(f"arg_min_null({v.sql}, {row})", v.kinds, v.layout)
    if function == "last":
        return Val(f"arg_max_null({v.sql}, {row})", v.kinds, v.layout)
    raise ValueError(f"unknown summary function {function!r}")


def apply(table: Table, step: dict[str, Any], ctx: PlanContext, metrics: StepMetrics) -> Table:
    by: list[str] = list(dict.fromkeys(step["by"]))
    row = V.ident(ROW)
    selects = [f"arg_min_null({V.ident(c)}, {row}) AS {V.ident(c)}" for c in by]
    kinds: dict[str, frozenset[int]] = {c: table.kinds[c] for c in by}
    for a in step["aggregates"]:
        source = table.val(a["column"]) if a["function"] != "countRows" else V.blank()
        value = aggregate(a["function"], source)
        if value.layout != V.layout_for(value.kinds):
            raise AssertionError(
                f"aggregate {a['function']}: layout {value.layout} for kinds {sorted(value.kinds)}"
            )
        selects.append(f"{value.sql} AS {V.ident(a['as'])}")
        kinds[a["as"]] = value.kinds
    columns = tuple(dict.fromkeys([*by, *[a["as"] for a in step["aggregates"]]]))
    group_by = f" GROUP BY {', '.join(V.match_key_sql(table.val(c)) for c in by)}" if by else ""
    sql = (
        f"SELECT {', '.join(selects)}, coalesce(min({row}), 0) AS {row} FROM {table.from_sql} AS _g{group_by}"
    )
    return table.with_sql(sql, columns=columns, kinds=kinds, hidden=frozenset(), ordered=False)
