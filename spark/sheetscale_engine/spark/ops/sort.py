"""Excel's Sort: stable (ties keep their order), case-insensitive unless matchCase, numbers < text <
logicals < errors, blanks last in both directions (the order keys come from values.sort_keys)."""

from __future__ import annotations

import string
from typing import Any

from pyspark.sql import Column
from pyspark.sql import functions as F  # noqa: N812 (PySpark's convention)

from sheetscale_engine.spark import values as V  # noqa: N812
from sheetscale_engine.spark.names import ROW, col
from sheetscale_engine.spark.table import PlanContext, StepMetrics, Table, order_by_row

_SWAP_FROM = string.ascii_lowercase + string.ascii_uppercase
_SWAP_TO = string.ascii_uppercase + string.ascii_lowercase


def sort_columns(table: Table, keys: list[dict[str, Any]], match_case: bool = False) -> list[Column]:
    out: list[Column] = []
    for key in keys:
        xv = col(key["column"])
        descending = bool(key.get("descending", False))
        parts = V.sort_keys(xv, descending)
        if match_case:
            # Excel's case-sensitive sort puts lower case before upper case among equal letters:
            # swapping the case makes Spark's ordinal order do that.
            swapped = F.when(V.is_text(xv), F.translate(V.text(xv), _SWAP_FROM, _SWAP_TO))
            parts.append(swapped.desc_nulls_last() if descending else swapped.asc_nulls_last())
        out.extend(parts)
    return out


def apply(table: Table, step: dict[str, Any], ctx: PlanContext, metrics: StepMetrics) -> Table:
    ordered = order_by_row(table.df, *sort_columns(table, step["keys"], bool(step.get("matchCase", False))))
    # After a global sort the partitions are in the new order, so a fresh increasing id is the
    # new row order (later "keep first" and the next stable sort build on it).
    renumbered = ordered.select(*[col(c) for c in table.columns], F.monotonically_increasing_id().alias(ROW))
    return table.with_df(renumbered, ordered=True)
