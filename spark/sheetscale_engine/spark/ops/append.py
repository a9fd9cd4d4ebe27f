"""Append: the rows of other sources below the current rows, columns matched by name; a column a
source lacks is blank, columns only the appended source has are added at the right."""

from __future__ import annotations

from typing import Any, Final

from pyspark.sql import functions as F  # noqa: N812 (PySpark's convention)

from sheetscale_engine.spark import values as V  # noqa: N812
from sheetscale_engine.spark.names import ROW, col
from sheetscale_engine.spark.table import PlanContext, StepMetrics, Table

# Appended source i gets row order ids above every id of the rows before it.
APPEND_SHIFT: Final = 58


def apply(table: Table, step: dict[str, Any], ctx: PlanContext, metrics: StepMetrics) -> Table:
    columns = list(table.columns)
    sources = [ctx.source(name) for name in step["sources"]]
    for source in sources:
        for name, _ in source.column_types:
            if name not in columns:
                columns.append(name)

    def shaped(df_columns: list[str], df: Any, offset: int) -> Any:
        return df.select(
            *[(col(c) if c in df_columns else V.xv_blank()).alias(c) for c in columns],
            (col(ROW) + F.lit(offset << APPEND_SHIFT)).alias(ROW) if offset else col(ROW),
        )

    out = shaped(list(table.columns), table.df, 0)
    for i, source in enumerate(sources, start=1):
        out = out.unionByName(shaped([n for n, _ in source.column_types], source.df, i))
    # A column holds what any of the appended tables holds there (blank where one lacks it).
    kinds: dict[str, frozenset[int]] = {}
    for c in columns:
        holders = [table.kinds_of(c) if c in table.columns else frozenset({V.BLANK})]
        holders += [s.column_kinds.get(c, frozenset({V.BLANK})) for s in sources]
        kinds[c] = frozenset().union(*holders)
    return table.with_df(out, columns=tuple(columns), ordered=table.ordered, kinds=kinds)
