"""Excel's Sort on DuckDB: stable (ties keep their order), case-insensitive unless matchCase, numbers
< text < logicals < errors, errors all equal, blanks last in both directions (values.sort_keys_sql).

One window: the new ``__row`` is the row's position in the sorted order (``row_number`` over the
sort keys and the old ``__row`` as the tie-breaker), so later steps (keep first, the next stable
sort, the output order) build on the sorted order.
"""

from __future__ import annotations

import string
from typing import Any, Final

from sheetscale_engine.duckdb import values as V  # noqa: N812
from sheetscale_engine.duckdb.table import ROW, PlanContext, StepMetrics, Table

_SWAP_FROM: Final = string.ascii_lowercase + string.ascii_uppercase
_SWAP_TO: Final = string.ascii_uppercase + string.ascii_lowercase


def order_items(table: Table, keys: list[dict[str, Any]], match_case: bool = False) -> list[str]:
    """ORDER BY items for the sort keys, without the tie-breaker."""
    out: list[str] = []
    for key in keys:
        v = table.val(key["column"])
        descending = bool(key.get("descending", False))
        out.extend(V.sort_keys_sql(v, descending))
        if match_case and V.TEXT in v.kinds:
            # Excel's case-sensitive sort puts lower case before upper case among equal letters:
            # swapping the case makes the byte order do that.
            swapped = f"translate({V.text_sql(v)}, {V.sql_text(_SWAP_FROM)}, {V.sql_text(_SWAP_TO)})"
            out.append(f"{swapped} {'DESC' if descending else 'ASC'} NULLS LAST")
    return out


def apply(table: Table, step: dict[str, Any], ctx: PlanContext, metrics: StepMetrics) -> Table:
    items = order_items(table, step["keys"], bool(step.get("matchCase", False)))
    window = ", ".join([*items, f"{V.ident(ROW)} ASC"])
    cols = ", ".join(V.ident(c) for c in table.columns)
    select = f"{cols}, " if cols else ""
    sql = (
        f"SELECT {select}row_number() OVER (ORDER BY {window}) AS {V.ident(ROW)} FROM {table.from_sql} AS _s"
    )
    return table.with_sql(sql, ordered=False)
