"""The flowing table between steps, and what every op receives to build its SQL.

A ``Table`` is a SQL query (or a table name) whose columns are the Excel columns, each in the
layout its kinds allow (see values.py), plus ``__row``: the row's position in Excel's order (a
BIGINT; an order key, not necessarily dense).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Final

import duckdb

from sheetscale_engine.duckdb import values as V  # noqa: N812
from sheetscale_engine.duckdb.compile import EvalContext
from sheetscale_engine.duckdb.values import Val

ROW: Final = "__row"
_names = itertools.count(1)


def fresh_name(prefix: str) -> str:
    """A name for a temporary table or helper column that no config column can take."""
    return f"__{prefix}{next(_names)}"


@dataclass(frozen=True)
class Column:
    """An Excel column of a table: its kinds decide its physical layout."""

    kinds: frozenset[int]

    @property
    def layout(self) -> str:
        return V.layout_for(self.kinds)


@dataclass(frozen=True)
class Table:
    """Rows of Excel columns plus ``__row``.

    ``sql`` is a relation: a table name or ``(SELECT ...)``; use ``from_sql`` in a FROM clause.
    ``ordered`` is True when the rows come out in ``__row`` order without a sort.
    """

    sql: str
    columns: tuple[str, ...]
    kinds: Mapping[str, frozenset[int]]
    hidden: frozenset[str] = frozenset()
    ordered: bool = True

    def val(self, name: str, qualifier: str | None = None) -> Val:
        """The column ``name`` as a value (optionally qualified by a table alias)."""
        kinds = self.kinds[name]
        ref = V.ident(name) if qualifier is None else f"{qualifier}.{V.ident(name)}"
        return Val(ref, kinds, V.layout_for(kinds))

    def vals(self, qualifier: str | None = None) -> dict[str, Val]:
        """name → value, what the expression compiler resolves column references with."""
        return {c: self.val(c, qualifier) for c in self.columns}

    @property
    def from_sql(self) -> str:
        return self.sql if not self.sql.lstrip().upper().startswith("SELECT") else f"({self.sql})"

    def select_list(self, qualifier: str | None = None, drop: frozenset[str] = frozenset()) -> str:
        """Every column (and ``__row``) for a SELECT list."""
        q = f"{qualifier}." if qualifier else ""
        cols = [f"{q}{V.ident(c)}" for c in self.columns if c not in drop]
        return ", ".join([*cols, f"{q}{V.ident(ROW)}"])

    def with_sql(self, sql: str, **changes: Any) -> Table:
        return replace(self, sql=sql, **changes)


@dataclass
class StepMetrics:
    """What summary.json reports for one step."""

    step: dict[str, Any]
    rows_in: int | None = None
    rows_out: int | None = None
    errors: dict[str, int] = field(default_factory=dict)
    extra: dict[str, int] = field(default_factory=dict)  # unmatched, duplicateKeys, ...
    seconds: float = 0.0
    # Boolean helper columns an op leaves on its output: counted (true) under the metric's name,
    # then dropped, e.g. "__lk_hit_3" → "unmatched".
    flags: dict[str, str] = field(default_factory=dict)


@dataclass
class PivotResult:
    name: str
    step: dict[str, Any]
    header: list[Any] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)


@dataclass
class SourceTable:
    """A source read into a table, with its bad rows (see reader.py)."""

    name: str
    config: dict[str, Any]
    table: Table
    column_types: list[tuple[str, str]]
    bad_count: int = 0
    examples: list[Any] = field(default_factory=list)


@dataclass
class PlanContext:
    """What a step may use: the connection, the other sources (read on demand), run constants."""

    con: duckdb.DuckDBPyConnection
    read: Callable[[str], SourceTable]
    eval_ctx: EvalContext
    date_system: str = "1900"
    pivots: list[PivotResult] = field(default_factory=list)
    metrics: list[StepMetrics] = field(default_factory=list)

    def source(self, name: str) -> SourceTable:
        return self.read(name)

    def materialize(self, table: Table, prefix: str = "t", in_row_order: bool = False) -> Table:
        """Compute ``table`` once into a temporary table (spills to disk under the memory limit).

        ``in_row_order``: a join or a sort left the rows out of ``__row`` order; sorting them back
        here, while the table is narrow, is cheaper than sorting the wide result at the end (and
        DuckDB keeps a table's insertion order through later projections).
        """
        name = fresh_name(prefix)
        order = f" ORDER BY {V.ident(ROW)}" if in_row_order and not table.ordered else ""
        self.con.execute(f"CREATE TEMP TABLE {V.ident(name)} AS SELECT * FROM {table.from_sql} AS _m{order}")
        return table.with_sql(V.ident(name), ordered=table.ordered or bool(order))

    def fetch(self, sql: str) -> list[tuple[Any, ...]]:
        return self.con.execute(sql).fetchall()


def error_count_sql(v: Val) -> str:
    """SQL aggregate: how many rows hold an error in ``v``."""
    if V.ERROR not in v.kinds:
        return "0"
    return f"count(*) FILTER (WHERE {V.is_error(v)})"
