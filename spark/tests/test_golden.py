"""Golden cases: every test/fixtures/cases/<name>/ run on BOTH engines (local Spark and DuckDB),
compared with Excel's values.

The case format is engine-neutral (see test/fixtures/cases/README.md). All Spark cases share the
one SparkSession of conftest.py; each also has its physical plan checked: no Python evaluation node
may appear (no UDFs, no Arrow/pandas evaluation), so everything ran as native Spark. The DuckDB
lowering builds SQL only (no Python functions are registered on its connection).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pyspark.sql import SparkSession

from sheetscale_engine.config import validate_config
from sheetscale_engine.duckdb import job as duckdb_job
from sheetscale_engine.duckdb.compile import EvalContext as DuckEvalContext
from sheetscale_engine.duckdb.table import ROW as DUCK_ROW
from sheetscale_engine.duckdb.values import ident, python_value
from sheetscale_engine.spark.functions.base import EvalContext
from sheetscale_engine.spark.job import plan_job
from sheetscale_engine.spark.names import ROW, col
from sheetscale_engine.spark.values import xv_to_json_value

CASES = Path(__file__).resolve().parents[2] / "test" / "fixtures" / "cases"
PYTHON_NODES = (
    "BatchEvalPython",
    "ArrowEvalPython",
    "PythonUDF",
    "FlatMapGroupsInPandas",
    "MapInPandas",
    "PythonMapInArrow",
    "AggregateInPandas",
    "WindowInPandas",
    "FlatMapCoGroupsInPandas",
)


def case_dirs() -> list[Path]:
    return sorted(p for p in CASES.iterdir() if (p / "config.json").is_file()) if CASES.is_dir() else []


def same_value(actual: Any, expected: Any) -> bool:
    """Equal as Excel shows values: numbers to 15 significant digits, everything else exactly."""
    if isinstance(expected, bool) or isinstance(actual, bool):
        return actual is expected
    if isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        if expected == actual:
            return True
        if not (math.isfinite(expected) and math.isfinite(actual)):
            return False
        return f"{float(actual):.14e}" == f"{float(expected):.14e}"
    if isinstance(expected, list) and isinstance(actual, list):
        return len(expected) == len(actual) and all(
            same_value(a, e) for a, e in zip(actual, expected, strict=True)
        )
    return bool(actual == expected)


def run_case_duckdb(
    case: Path, today: dt.date
) -> tuple[dict[str, Any], list[list[Any]], list[dict[str, Any]]]:
    config = json.loads((case / "config.json").read_text(encoding="utf-8"))
    assert not validate_config(config)
    bindings = {s["name"]: [str(case / "inputs" / f"{s['name']}.csv")] for s in config["sources"]}
    con = duckdb_job.connect(threads=2)
    try:
        job = duckdb_job.plan_job(con, config, bindings, DuckEvalContext(today=today))
        cols = ", ".join(ident(c) for c in job.out_columns)
        fetched = con.execute(
            f"SELECT {cols} FROM {job.table.from_sql} AS _g ORDER BY {ident(DUCK_ROW)}"
        ).fetchall()
        layouts = [job.table.val(c).layout for c in job.out_columns]
        rows = [[python_value(layout, v) for layout, v in zip(layouts, r, strict=True)] for r in fetched]
        pivots = [{"name": p.name, "header": p.header, "rows": p.rows} for p in job.ctx.pivots]
    finally:
        con.close()
    return {"columns": job.out_columns}, rows, pivots


def run_case(
    spark: SparkSession, case: Path, today: dt.date
) -> tuple[dict[str, Any], list[list[Any]], list[dict[str, Any]], str]:
    config = json.loads((case / "config.json").read_text(encoding="utf-8"))
    issues = validate_config(config)
    assert not issues, f"{case.name}: config invalid: {[str(i) for i in issues]}"
    bindings = {s["name"]: [str(case / "inputs" / f"{s['name']}.csv")] for s in config["sources"]}
    job = plan_job(spark, config, bindings, EvalContext(today=today))
    # The rows in __row order, sorted here rather than by a global sort in Spark (the job's own
    # final ordering is covered by the end-to-end job test): a few tiny stages less per case.
    unordered = job.table.df.select(*[col(c) for c in job.out_columns], col(ROW))
    collected = sorted(unordered.collect(), key=lambda r: int(r[ROW]))
    rows = [[xv_to_json_value(r[c]) for c in job.out_columns] for r in collected]
    pivots: list[dict[str, Any]] = []
    for p in job.ctx.pivots:
        assert p.compute is not None
        header, prow = p.compute()
        pivots.append({"name": p.name, "header": header, "rows": prow})
    plan = unordered._jdf.queryExecution().executedPlan().toString()
    return {"columns": job.out_columns}, rows, pivots, plan


@pytest.fixture(scope="module")
def golden_spark(spark: SparkSession) -> Iterator[SparkSession]:
    """The shared session with adaptive execution off while the golden cases run: on a few rows its
    re-planning at every stage costs more than it saves (the job itself keeps it on)."""
    before = spark.conf.get("spark.sql.adaptive.enabled")
    spark.conf.set("spark.sql.adaptive.enabled", "false")
    yield spark
    spark.conf.set("spark.sql.adaptive.enabled", before or "true")


@pytest.mark.parametrize("case", case_dirs(), ids=lambda p: p.name)
def test_golden_case(golden_spark: SparkSession, case: Path) -> None:
    spark = golden_spark
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    assert expected.get("source"), f"{case.name}: expected.json must cite where its values come from"
    today = dt.date.fromisoformat(expected.get("today", "2024-01-15"))
    meta, rows, pivots, plan = run_case(spark, case, today)
    for node in PYTHON_NODES:
        assert node not in plan, f"{case.name}: the physical plan evaluates Python ({node}):\n{plan}"
    check_case(case, expected, meta, rows, pivots)


@pytest.mark.parametrize("case", case_dirs(), ids=lambda p: p.name)
def test_golden_case_duckdb(case: Path) -> None:
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    today = dt.date.fromisoformat(expected.get("today", "2024-01-15"))
    meta, rows, pivots = run_case_duckdb(case, today)
    check_case(case, expected, meta, rows, pivots)


def check_case(
    case: Path,
    expected: dict[str, Any],
    meta: dict[str, Any],
    rows: list[list[Any]],
    pivots: list[dict[str, Any]],
) -> None:
    assert meta["columns"] == expected["columns"]
    want = expected["rows"]
    if expected.get("ordered", True):
        got = rows
    else:
        got = sorted(rows, key=json.dumps)
        want = sorted(want, key=json.dumps)
    assert len(got) == len(want), f"{case.name}: {len(got)} rows, expected {len(want)}:\n{got}"
    for i, (g, w) in enumerate(zip(got, want, strict=True)):
        assert same_value(g, w), f"{case.name}: row {i}: got {g}, expected {w}"
    for want_pivot in expected.get("pivots", []):
        got_pivot = next((p for p in pivots if p["name"] == want_pivot["name"]), None)
        assert got_pivot is not None, f"{case.name}: no pivot named {want_pivot['name']}"
        assert same_value(got_pivot["header"], want_pivot["header"]), (
            f"{case.name}: header {got_pivot['header']}"
        )
        assert len(got_pivot["rows"]) == len(want_pivot["rows"]), (
            f"{case.name}: pivot rows {got_pivot['rows']}"
        )
        for g, w in zip(got_pivot["rows"], want_pivot["rows"], strict=True):
            assert same_value(g, w), f"{case.name}: pivot row {g}, expected {w}"


def test_there_are_golden_cases() -> None:
    assert len(case_dirs()) >= 10
