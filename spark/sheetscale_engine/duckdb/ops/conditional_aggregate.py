"""SUMIF(S) / COUNTIF(S) / AVERAGEIF(S) over another source on DuckDB, one value per row.

The Spark lowering's rules (spark/ops/conditional_aggregate.py), aggregate-then-join:

- a criterion that reads no column (``">100"``, ``"<>"``, ``"a*"``, ``">"&DATE(2024,1,1)``) is
  taken apart once while planning and filters the source (criteria.matches_constant_sql);
- with constant criteria only, the one aggregate is computed while planning and every row gets
  it as a literal (the rows keep their order);
- a criterion that depends on the row (``A2``) is, for rows whose value is a plain value (a number,
  text without an operator or wildcard, a logical), an equality: the filtered source aggregated by
  the criteria columns' equality keys, joined to the rows on the criterion's key;
- rows whose criterion value is itself an operator or wildcard criterion (a column holding
  ``">100"``): each *distinct* such criterion is joined to the filtered source with the criteria
  test as the join condition and aggregated, then joined back to those rows. The nested loop is
  (distinct criteria) x (filtered source rows), never rows x source.

Sums follow Excel: only numbers of the sum range are added, an error there is the result (the first
in source order), no match gives 0 (SUMIF, COUNTIF) or #DIV/0! (AVERAGEIF).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from sheetscale_engine.core.planner import references
from sheetscale_engine.duckdb import criteria as C  # noqa: N812
from sheetscale_engine.duckdb import values as V  # noqa: N812
from sheetscale_engine.duckdb.compile import compile_formulas, staged_select
from sheetscale_engine.duckdb.table import ROW, PlanContext, StepMetrics, Table, fresh_name
from sheetscale_engine.duckdb.values import Val, ident
from sheetscale_engine.errors import ConfigInvalidError, describe_step

_VALUE: Final = "__ca_v"
_SRC_ROW: Final = "__ca_r"
_COMPLEX: Final = "__ca_cx"


def _cell(i: int) -> str:
    return f"__ca_c{i}"


def _cell_key(i: int) -> str:
    return f"__ca_ck{i}"


def _crit(i: int) -> str:
    return f"__ca_k{i}"


def _row_key(i: int) -> str:
    return f"__ca_ek{i}"


@dataclass(frozen=True)
class _Aggregates:
    """The aggregate columns' names in one relation: sum of numbers, count of numbers, count of
    rows, first error of the value column (each None when the function does not need it)."""

    total: str | None
    numbers: str | None
    rows: str | None
    error: str | None


def apply(table: Table, step: dict[str, Any], ctx: PlanContext, metrics: StepMetrics) -> Table:
    function: str = step["function"]
    source = ctx.source(step["source"]).table
    where = describe_step(step)
    value_column = step.get("valueColumn")
    for name in [*(c["column"] for c in step["criteria"]), *([value_column] if value_column else [])]:
        if name not in source.columns:
            raise ConfigInvalidError(
                f"{where}: source '{step['source']}' has no column '{name}' "
                f"(it has: {', '.join(source.columns)}).",
                hint="Record the step again, or bind the source to a file with that column.",
            )
    constant = [c for c in step["criteria"] if not references(c["criterion"])]
    per_row = [c for c in step["criteria"] if references(c["criterion"])]

    # The filtered source: per-row criteria's cells and their equality keys, the value, the order.
    predicates = []
    for c in constant:
        crit = _constant_value(c["criterion"], ctx, where)
        parsed = C.constant_criterion(ctx.con, crit, ctx.date_system)
        predicates.append(C.matches_constant_sql(source.val(c["column"]), parsed, ctx.date_system))
    value = source.val(value_column) if value_column else V.blank()
    cells = [source.val(c["column"]) for c in per_row]
    select = [f"{v.sql} AS {ident(_cell(i))}" for i, v in enumerate(cells)]
    select += [
        f"{C.equality_key_sql(v, ctx.date_system)} AS {ident(_cell_key(i))}" for i, v in enumerate(cells)
    ]
    select += [f"{value.sql} AS {ident(_VALUE)}", f"{ident(ROW)} AS {ident(_SRC_ROW)}"]
    condition = " AND ".join(p for p in predicates if p != "TRUE") or "TRUE"
    filtered = f"(SELECT {', '.join(select)} FROM {source.from_sql} AS _s WHERE {condition})"
    f_value = Val(ident(_VALUE), value.kinds, value.layout)
    f_cells = [Val(ident(_cell(i)), v.kinds, v.layout) for i, v in enumerate(cells)]

    name = step["column"]
    if not per_row:
        result = _constant_result(function, filtered, f_value, ctx)
        return _with_result(
            table,
            step,
            f"SELECT {_select_with(table, name, result)} FROM {table.from_sql} AS _t",
            result,
            table.ordered,
        )

    # The rows with their per-row criteria values.
    compiled = compile_formulas(
        [(_crit(i), c["criterion"]) for i, c in enumerate(per_row)],
        table.vals(),
        ctx.eval_ctx,
        where={_crit(i): where for i in range(len(per_row))},
        formula_result=False,
    )
    crits = [compiled.results[_crit(i)] for i in range(len(per_row))]
    final = [(c, ident(c)) for c in table.columns] + [(ROW, ident(ROW))]
    final += [(_crit(i), v.sql) for i, v in enumerate(crits)]
    with_crits = f"({staged_select(table.from_sql, [*table.columns, ROW], compiled, final)})"
    k_vals = [Val(ident(_crit(i)), v.kinds, v.layout) for i, v in enumerate(crits)]
    complex_sql = " OR ".join(C.is_operator_criterion_sql(k) for k in k_vals)
    may_be_complex = any(V.TEXT in k.kinds for k in k_vals)
    if may_be_complex:
        # Read twice (aggregated by key, and scanned by the operator criteria): computed once.
        name_f = fresh_name("ca_source")
        ctx.con.execute(f"CREATE TEMP TABLE {ident(name_f)} AS SELECT * FROM {filtered} AS _f")
        filtered = ident(name_f)
    complex_sql = complex_sql if may_be_complex else "FALSE"
    cx = ident(_COMPLEX)
    row_keys = [
        f"(CASE WHEN NOT {cx} THEN {C.equality_key_sql(k, ctx.date_system)} END) AS {ident(_row_key(i))}"
        for i, k in enumerate(k_vals)
    ]
    flagged = f"(SELECT *, {complex_sql} AS {cx} FROM {with_crits} AS _k)"
    rows = f"(SELECT *, {', '.join(row_keys)} FROM {flagged} AS _x)"

    eq_aggs = _needed(function, "__ca_s", "__ca_n", "__ca_c", "__ca_e")
    eq_keys = ", ".join(ident(_cell_key(i)) for i in range(len(per_row)))
    equal = (
        f"(SELECT {eq_keys}, {_aggregate_list(function, f_value, eq_aggs)} "
        f"FROM {filtered} AS _f GROUP BY {eq_keys})"
    )
    eq_on = " AND ".join(f"_m.{ident(_row_key(i))} = _eq.{ident(_cell_key(i))}" for i in range(len(per_row)))
    joins = f"LEFT JOIN {equal} AS _eq ON {eq_on}"
    parts = [eq_aggs]
    if may_be_complex:
        cx_aggs = _needed(function, "__ca_xs", "__ca_xn", "__ca_xc", "__ca_xe")
        crit_cols = [_crit(i) for i in range(len(per_row))]
        distinct = (
            f"(SELECT DISTINCT {', '.join(ident(c) for c in crit_cols)} FROM {rows} AS _d "
            f"WHERE {ident(_COMPLEX)})"
        )
        with_parts, crit_parts = C.parts_relation(
            distinct, crit_cols, [(f"__ca_p{i}", k) for i, k in enumerate(k_vals)], ctx.date_system
        )
        tests = " AND ".join(
            C.matches_sql(cell, ident(_cell_key(i)), p)
            for i, (cell, p) in enumerate(zip(f_cells, crit_parts, strict=True))
        )
        crit_list = ", ".join(f"_cp.{ident(c)}" for c in crit_cols)
        scanned = (
            f"(SELECT {crit_list}, {_aggregate_list(function, f_value, cx_aggs)} "
            f"FROM {with_parts} AS _cp JOIN {filtered} AS _f ON {tests} GROUP BY {crit_list})"
        )
        cx_on = " AND ".join(f"_m.{ident(c)} IS NOT DISTINCT FROM _cx.{ident(c)}" for c in crit_cols)
        joins += f" LEFT JOIN {scanned} AS _cx ON _m.{ident(_COMPLEX)} AND {cx_on}"
        parts.append(cx_aggs)

    def combined(field: str) -> str | None:
        names = [getattr(a, field) for a in parts]
        if names[0] is None:
            return None
        return f"coalesce({', '.join(ident(n) for n in names)})"

    result = _result(
        function,
        _Aggregates(combined("total"), combined("numbers"), combined("rows"), combined("error")),
        f_value,
    )
    sql = f"SELECT {_select_with(table, name, result, qualifier='_m')} FROM {rows} AS _m {joins}"
    return _with_result(table, step, sql, result, False)


def _constant_value(expr: dict[str, Any], ctx: PlanContext, where: str) -> Val:
    """A criterion that reads no column, computed now and used as a literal (the criteria tests
    read it many times: a literal is folded away, an expression such as ">"&DATE(...) is not)."""
    compiled = compile_formulas(
        [("__cv", expr)], {}, ctx.eval_ctx, where={"__cv": where}, formula_result=False
    )
    v = compiled.results["__cv"]
    sql = staged_select("(SELECT 1 AS __one)", [], compiled, [("__cv", v.sql)])
    raw = ctx.fetch(sql)[0][0]
    return _literal(V.python_value(v.layout, raw))


def _literal(value: object) -> Val:
    if isinstance(value, dict):
        return V.error(str(value["error"]))
    if value is None or isinstance(value, (bool, int, float, str)):
        return V.literal(value)
    raise TypeError(f"not an Excel value: {value!r}")


def _aggregate_list(function: str, value: Val, names: _Aggregates) -> str:
    """SELECT items of the aggregates ``function`` needs over the filtered source's value."""
    n = (
        f"(CASE WHEN {V.is_kind(value, V.NUMBER)} THEN {V.num_sql(value)} END)"
        if V.NUMBER in value.kinds
        else "CAST(NULL AS DOUBLE)"
    )
    items = []
    if names.total is not None:
        items.append(f"sum({n}) AS {ident(names.total)}")
    if names.numbers is not None:
        items.append(f"count({n}) AS {ident(names.numbers)}")
    if names.rows is not None:
        items.append(f"count(*) AS {ident(names.rows)}")
    if names.error is not None:
        if V.ERROR in value.kinds and not function.startswith("COUNT"):
            first = f"arg_min({value.sql}, {ident(_SRC_ROW)}) FILTER (WHERE {V.is_error(value)})"
            items.append(f"{first} AS {ident(names.error)}")
        else:
            items.append(f"CAST(NULL AS {V.XV_TYPE}) AS {ident(names.error)}")
    return ", ".join(items)


def _result(function: str, agg: _Aggregates, value: Val) -> Val:
    """The step's value from the aggregates' SQL (NULL aggregates: no source row matched)."""
    if function.startswith("COUNT"):
        return V.number(f"CAST(coalesce({agg.rows}, 0) AS DOUBLE)")
    total = f"coalesce({agg.total}, 0.0)"
    if function.startswith("SUM"):
        base = V.number_result(total)
    else:
        base = V.cases(
            [(f"coalesce({agg.numbers}, 0) = 0", V.error(V.DIV0))],
            V.number_result(f"({total} / {agg.numbers})"),
        )
    if V.ERROR not in value.kinds or agg.error is None:
        return base
    return V.cases([(f"{agg.error} IS NOT NULL", Val(agg.error, frozenset({V.ERROR}), "xv"))], base)


def _constant_result(function: str, filtered: str, value: Val, ctx: PlanContext) -> Val:
    """Constant criteria only: the one aggregate, computed now, as a literal in the kinds and layout
    the step's result has in general."""
    names = _needed(function, "__ca_s", "__ca_n", "__ca_c", "__ca_e")
    general = _result(function, _columns(names), value)
    aggregated = f"(SELECT {_aggregate_list(function, value, names)} FROM {filtered} AS _f)"
    raw = ctx.fetch(f"SELECT {general.sql} FROM {aggregated} AS _a")[0][0]
    literal = _literal(V.python_value(general.layout, raw))
    return Val(V.in_layout(literal, general.layout), general.kinds, general.layout)


def _needed(function: str, total: str, numbers: str, rows: str, error: str) -> _Aggregates:
    """The aggregates ``function`` reads, named."""
    if function.startswith("COUNT"):
        return _Aggregates(None, None, rows, None)
    if function.startswith("SUM"):
        return _Aggregates(total, None, None, error)
    return _Aggregates(total, numbers, None, error)


def _columns(names: _Aggregates) -> _Aggregates:
    """The aggregates as column references."""
    return _Aggregates(
        *(None if n is None else ident(n) for n in (names.total, names.numbers, names.rows, names.error))
    )


def _select_with(table: Table, name: str, result: Val, qualifier: str | None = None) -> str:
    """The table's columns (``name`` replaced when it exists), the result, ``__row``."""
    q = f"{qualifier}." if qualifier else ""
    cols = [f"{q}{ident(c)}" if c != name else f"{result.sql} AS {ident(c)}" for c in table.columns]
    if name not in table.columns:
        cols.append(f"{result.sql} AS {ident(name)}")
    return ", ".join([*cols, f"{q}{ident(ROW)}"])


def _with_result(table: Table, step: dict[str, Any], sql: str, result: Val, ordered: bool) -> Table:
    name = step["column"]
    columns = table.columns if name in table.columns else (*table.columns, name)
    return table.with_sql(
        sql,
        columns=columns,
        kinds={**table.kinds, name: result.kinds},
        hidden=table.hidden | ({name} if step.get("hidden") else set()),
        ordered=ordered,
    )
