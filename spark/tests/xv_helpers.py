"""Test helpers: evaluate many XV expressions or Excel formulas in ONE select, decoded to JSON values."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F  # noqa: N812

from sheetscale_engine.spark.expressions import EvalContext, add_expr_columns
from sheetscale_engine.spark.values import xv_from_json, xv_to_json_value
from tests import duckdb_support
from tests.excel_formula import parse


def xv_json(value: object) -> Any:
    return xv_to_json_value(value)


def evaluate(spark: SparkSession, cols: Mapping[str, Column], df: DataFrame | None = None) -> dict[str, Any]:
    """Evaluate XV columns on a one-row frame (or the first row of ``df``) in ONE select."""
    base = df if df is not None else spark.range(1)
    row = base.select(*[c.alias(name) for name, c in cols.items()]).collect()[0]
    return {name: xv_json(row[name]) for name in cols}


def json_frame(spark: SparkSession, rows: Sequence[Mapping[str, Any]]) -> tuple[DataFrame, dict[str, Column]]:
    """A frame of XV columns from JSON-encoded values (all rows share the first row's keys).

    Built inside the JVM (no Python RDD, so no Python worker is started for it)."""
    names = list(rows[0]) if rows else []
    structs = [
        F.struct(F.lit(i).cast("long").alias("__row"), *[F.lit(json.dumps(r.get(k))).alias(k) for k in names])
        for i, r in enumerate(rows)
    ]
    raw = spark.range(1).select(F.inline(F.array(*structs)))
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
    with interpreted(spark):
        out = add_expr_columns(df, exprs, columns, ctx).orderBy("__row").collect()
    return [{f: xv_json(r[f"f{i}"]) for i, f in enumerate(formulas)} for r in out]


@contextmanager
def interpreted(spark: SparkSession) -> Iterator[None]:
    """Evaluate without generating Java code: for one-row checks of many formulas, compiling the
    generated code costs far more than evaluating it (the many-rows and golden tests keep code
    generation on)."""
    keys = {"spark.sql.codegen.wholeStage": "false", "spark.sql.codegen.factoryMode": "NO_CODEGEN"}
    before = {k: spark.conf.get(k, None) for k in keys}
    for k, v in keys.items():
        spark.conf.set(k, v)
    try:
        yield
    finally:
        for k, old in before.items():
            if old is None:
                spark.conf.unset(k)
            else:
                spark.conf.set(k, old)


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
    """The formulas give Excel's values on BOTH engines (Spark, and DuckDB with the columns laid
    out typed and as mixed XV structs): one set of cases, three code paths."""
    today = ctx.today if ctx is not None else dt.date(2024, 1, 15)
    now = ctx.now if ctx is not None else None
    system = ctx.date_system if ctx is not None else "1900"
    results = {"spark": formulas(spark, cases, row, ctx)}
    for mixed in (False, True):
        got = duckdb_support.formulas_on_rows(
            list(cases), [row or {}], today=today, now=now, date_system=system, mixed=mixed
        )[0]
        results["duckdb-mixed" if mixed else "duckdb-typed"] = got
    lines = [
        f"  [{engine}] {f}: got {got[f]!r}, expected {want!r}"
        for engine, got in results.items()
        for f, want in cases.items()
        if not same(got[f], want)
    ]
    assert not lines, "formulas that differ from Excel:\n" + "\n".join(lines)


def same(got: Any, want: Any) -> bool:
    """Equal as Excel shows values: numbers on 15 significant digits, everything else exactly."""
    if isinstance(want, bool) or isinstance(got, bool):
        return got is want
    if isinstance(want, (int, float)) and isinstance(got, (int, float)):
        return got == want or f"{float(got):.14e}" == f"{float(want):.14e}"
    return bool(got == want)
