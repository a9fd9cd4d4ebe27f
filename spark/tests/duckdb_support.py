"""Test helpers for the DuckDB lowering: evaluate Excel formulas over rows of JSON-encoded values.

Each column is laid out twice: *typed* (the layout its values' kinds allow: a column of numbers and
blanks is a DOUBLE) and *mixed* (always the XV struct), so both code paths of every function run
on the same cases.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping, Sequence
from typing import Any

import duckdb

from sheetscale_engine.duckdb import values as V  # noqa: N812
from sheetscale_engine.duckdb.compile import EvalContext, compile_formulas, staged_select
from sheetscale_engine.duckdb.table import ROW
from tests.excel_formula import parse


@functools.cache
def connection() -> duckdb.DuckDBPyConnection:
    """One in-memory DuckDB connection for the test session (cheap; no JVM)."""
    return duckdb.connect(":memory:", config={"threads": 2})


def _kind_of(value: Any) -> int:
    if value is None:
        return V.BLANK
    if isinstance(value, bool):
        return V.LOGICAL
    if isinstance(value, (int, float)):
        return V.NUMBER
    if isinstance(value, dict):
        return V.ERROR
    return V.TEXT


def _value_sql(value: Any, layout: str) -> str:
    if layout != "xv":
        if value is None:
            return f"CAST(NULL AS {V.SQL_TYPES[layout]})"
        return V.literal(value).sql
    if isinstance(value, dict):
        return V.error(str(value["error"])).sql
    return V.as_xv_sql(V.literal(value))


def rows_relation(rows: Sequence[Mapping[str, Any]], mixed: bool) -> tuple[str, dict[str, V.Val]]:
    """A SQL relation of the rows (plus ``__row``) and the columns as values."""
    names = list(rows[0]) if rows else []
    kinds = {n: frozenset(_kind_of(r.get(n)) for r in rows) | frozenset() for n in names}
    layouts = {n: "xv" if mixed else V.layout_for(kinds[n]) for n in names}
    selects = []
    for i, r in enumerate(rows):
        cols = [f"CAST({i} AS BIGINT) AS {V.ident(ROW)}"]
        cols += [f"{_value_sql(r.get(n), layouts[n])} AS {V.ident(n)}" for n in names]
        selects.append("SELECT " + ", ".join(cols))
    relation = "(" + " UNION ALL ".join(selects or [f"SELECT CAST(0 AS BIGINT) AS {V.ident(ROW)}"]) + ")"
    vals = {n: V.Val(V.ident(n), kinds[n] if not mixed else V.ALL_KINDS, layouts[n]) for n in names}
    return relation, vals


def formulas_on_rows(
    formulas: Sequence[str],
    rows: Sequence[Mapping[str, Any]],
    *,
    today: dt.date = dt.date(2024, 1, 15),
    now: dt.datetime | None = None,
    date_system: str = "1900",
    mixed: bool = False,
) -> list[dict[str, Any]]:
    """Evaluate Excel formulas (text) over rows of JSON-encoded values on DuckDB."""
    rows = list(rows) if rows else [{}]
    relation, vals = rows_relation(rows, mixed)
    exprs = [(f"f{i}", parse(f)) for i, f in enumerate(formulas)]
    compiled = compile_formulas(exprs, vals, EvalContext(today=today, now=now, date_system=date_system))
    final = [(ROW, V.ident(ROW))] + [(n, compiled.results[n].sql) for n, _ in exprs]
    sql = staged_select(relation, [ROW, *vals], compiled, final) + f" ORDER BY {V.ident(ROW)}"
    out = connection().execute(sql).fetchall()
    layouts = {n: compiled.results[n].layout for n, _ in exprs}
    return [{f: V.python_value(layouts[f"f{i}"], r[1 + i]) for i, f in enumerate(formulas)} for r in out]
