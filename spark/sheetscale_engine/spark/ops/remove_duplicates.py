"""Remove Duplicates: keep the first row (in the current order) of each group of rows whose values
in the given columns are equal as Excel compares them (case-insensitive, 1 ≠ "1")."""

from __future__ import annotations

from typing import Any

from pyspark.sql import Window
from pyspark.sql import functions as F  # noqa: N812 (PySpark's convention)

from sheetscale_engine.spark import values as V  # noqa: N812
from sheetscale_engine.spark.names import ROW, col
from sheetscale_engine.spark.table import PlanContext, StepMetrics, Table

_RANK = "__dup_rank"


def apply(table: Table, step: dict[str, Any], ctx: PlanContext, metrics: StepMetrics) -> Table:
    keys = [V.match_key(col(c)) for c in step["columns"]]
    window = Window.partitionBy(*keys).orderBy(col(ROW))
    kept = table.df.select("*", F.row_number().over(window).alias(_RANK)).where(F.col(_RANK) == 1).drop(_RANK)
    return table.with_df(kept, ordered=False)
