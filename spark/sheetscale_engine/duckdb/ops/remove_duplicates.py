"""Remove Duplicates on DuckDB: keep the first row (by ``__row``) of each group of rows whose values in
the given columns are equal as Excel compares them (case-insensitive, 15 digits, 1 ≠ "1").

One window: ``row_number() OVER (PARTITION BY match keys ORDER BY __row) = 1``.
"""

from __future__ import annotations

from typing import Any

from sheetscale_engine.duckdb import values as V  # noqa: N812
from sheetscale_engine.duckdb.table import ROW, PlanContext, StepMetrics, Table


def apply(table: Table, step: dict[str, Any], ctx: PlanContext, metrics: StepMetrics) -> Table:
    names = list(dict.fromkeys(step["columns"]))
    keys = ", ".join(V.match_key_sql(table.val(c)) for c in names)
    sql = (
        f"SELECT {table.select_list()} FROM {table.from_sql} AS _d "
        f"QUALIFY row_number() OVER (PARTITION BY {keys} ORDER BY {V.ident(ROW)}) = 1"
    )
    return table.with_sql(sql, ordered=False)
