"""Test helpers: evaluate many XV expressions in one select and decode them to JSON values."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pyspark.sql import Column, DataFrame, SparkSession

from sheetscale_engine.values import xv_to_json_value


def xv_json(value: object) -> Any:
    return xv_to_json_value(value)


def evaluate(spark: SparkSession, cols: Mapping[str, Column], df: DataFrame | None = None) -> dict[str, Any]:
    """Evaluate XV columns on a one-row frame (or the first row of ``df``) in ONE select."""
    base = df if df is not None else spark.range(1)
    row = base.select(*[c.alias(name) for name, c in cols.items()]).collect()[0]
    return {name: xv_json(row[name]) for name in cols}


def evaluate_rows(df: DataFrame, cols: Mapping[str, Column]) -> list[dict[str, Any]]:
    """Evaluate XV columns on every row of ``df`` (ordered by ``__row`` when present)."""
    out = df.select(*df.columns, *[c.alias(name) for name, c in cols.items()])
    if "__row" in df.columns:
        out = out.orderBy("__row")
    return [{name: xv_json(r[name]) for name in cols} for r in out.collect()]
