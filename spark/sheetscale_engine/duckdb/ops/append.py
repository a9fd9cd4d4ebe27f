"""Append on DuckDB: the rows of other sources below the current rows, columns matched by name; a
column a source lacks is blank, columns only an appended source has are added at the right.

One ``UNION ALL``: each column in the layout of the union of what every side holds there (blank
where a side lacks it). The appended rows' ``__row`` is shifted past every ``__row`` before them
(each shift is the previous part's largest ``__row`` + 1, a scalar subquery), so they come after.
"""

from __future__ import annotations

from typing import Any

from sheetscale_engine.duckdb import values as V  # noqa: N812
from sheetscale_engine.duckdb.table import ROW, PlanContext, StepMetrics, Table


def apply(table: Table, step: dict[str, Any], ctx: PlanContext, metrics: StepMetrics) -> Table:
    parts: list[Table] = [table] + [ctx.source(name).table for name in step["sources"]]
    columns = list(table.columns)
    for part in parts[1:]:
        for name in part.columns:
            if name not in columns:
                columns.append(name)
    # A column holds what any of the appended tables holds there (blank where one lacks it).
    kinds: dict[str, frozenset[int]] = {
        c: frozenset().union(*(p.kinds[c] if c in p.columns else frozenset({V.BLANK}) for p in parts))
        for c in columns
    }
    row = V.ident(ROW)
    selects: list[str] = []
    offset = "0"
    for i, part in enumerate(parts):
        cols = []
        for c in columns:
            layout = V.layout_for(kinds[c])
            value = part.val(c) if c in part.columns else V.blank()
            cols.append(f"{V.in_layout(value, layout)} AS {V.ident(c)}")
        shifted = row if i == 0 else f"{row} + {offset}"
        cols.append(f"CAST({shifted} AS BIGINT) AS {row}")
        selects.append(f"SELECT {', '.join(cols)} FROM {part.from_sql} AS _a{i}")
        # The next part starts after every row so far.
        offset = f"({offset} + (SELECT coalesce(max({row}) + 1, 0) FROM {part.from_sql} AS _m{i}))"
    sql = " UNION ALL ".join(f"({s})" for s in selects)
    return table.with_sql(f"SELECT * FROM ({sql}) AS _u", columns=tuple(columns), kinds=kinds, ordered=False)
