"""The paths taken when a lookup or criteria source is too large to broadcast, checked against the
same golden cases (Spark's size estimate is forced to "large")."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from pyspark.sql import SparkSession

from sheetscale_engine.spark.table import PlanContext
from tests.test_golden import CASES, run_case, same_value


@pytest.mark.parametrize(
    "name", ["op-vlookup-exact-wildcards", "op-xlookup-modes", "op-countif-per-row-criteria"]
)
def test_large_source_path_gives_the_same_values(
    spark: SparkSession, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.setattr(PlanContext, "is_small", lambda self, df: False)
    case = CASES / name
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    _, rows, _, plan = run_case(spark, case, dt.date(2024, 1, 15))
    assert "BatchEvalPython" not in plan
    assert len(rows) == len(expected["rows"])
    for got, want in zip(rows, expected["rows"], strict=True):
        assert same_value(got, want), f"{name}: got {got}, expected {want}"
