"""Test helpers: evaluate many XV expressions or Excel formulas in ONE select, decoded to JSON values."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F  # noqa: N812

from sheetscale_engine.expressions import EvalContext, add_expr_columns
from sheetscale_engine.values import xv_from_json, xv_to_json_value
from tests.excel_formula import parse


def xv_json(value: object) -> Any:
    return xv_to_json_value(value)


def evaluate(spark: SparkSession, cols: Mapping[str, Column], df: DataFrame | None = None) -> dict[str, Any]:
    """Evaluate XV columns on a one-row frame (or the first row of ``df``) in ONE select."""
    base = df if df is not None else spark.range(1)
    row = base.select(*[c.alias(name) for name, c in cols.items()]).collect()[0]
    return {name: xv_json(row[name]) for name in cols}


def json_frame(spark: SparkSession, rows: Sequence[Mapping[str, Any]]) -> tuple[DataFrame, dict[str, Column]]:
    """A frame of XV columns from JSON-encoded values (all rows share the first row's keys)."""
    names = list(rows[0]) if rows else []
    schema = ", ".join(["`__row` long", *[f"`{k}` string" for k in names]])
    data = [(i, *[json.dumps(r.get(k)) for k in names]) for i, r in enumerate(rows)]
    raw = spark.createDataFrame(data, schema)
    df = raw.select("__row", *[xv_from_json(F.col(f"`{k}`")).alias(k) for k in names])
    return df, {k: F.col(f"`{k}`") for k in names}


def formulas_on_rows(
    spark: SparkSession,
    formulas: Sequence[str],
    rows: Sequence[Mapping[str, Any]],
    ctx: EvalContext | None = None,
) -> list[dict[str, Any]]:
    """Evaluate Excel formulas over rows of JSON-encoded values (one projection chain)."""
    df, columns = json_frame(spark, rows if rows else [{}])
    exprs = [(f"f{i}", parse(f)) for i, f in enumerate(formulas)]
    out = add_expr_columns(df, exprs, columns, ctx).orderBy("__row").collect()
    return [{f: xv_json(r[f"f{i}"]) for i, f in enumerate(formulas)} for r in out]


def formulas(
    spark: SparkSession,
    cases: Mapping[str, Any] | Sequence[str],
    row: Mapping[str, Any] | None = None,
    ctx: EvalContext | None = None,
) -> dict[str, Any]:
    """Evaluate Excel formulas (text) over one row of JSON-encoded column values."""
    return formulas_on_rows(spark, list(cases), [row or {}], ctx)[0]


def assert_formulas(
    spark: SparkSession,
    cases: Mapping[str, Any],
    row: Mapping[str, Any] | None = None,
    ctx: EvalContext | None = None,
) -> None:
    got = formulas(spark, cases, row, ctx)
    wrong = {f: (got[f], want) for f, want in cases.items() if not same(got[f], want)}
    lines = "\n".join(f"  {f}: got {g!r}, expected {w!r}" for f, (g, w) in wrong.items())
    assert not wrong, "formulas that differ from Excel:\n" + lines


def same(got: Any, want: Any) -> bool:
    if isinstance(want, bool) or isinstance(got, bool):
        return got is want
    if isinstance(want, (int, float)) and isinstance(got, (int, float)):
        return abs(got - want) <= 1e-9 * max(1.0, abs(want))
    return bool(got == want)
