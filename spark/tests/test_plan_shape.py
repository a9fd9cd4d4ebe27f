"""The shape of the plans that matter for speed: lookups of one row share a join, formulas over
typed columns leave out what those columns cannot hold. (The values are the golden cases' job.)"""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

from pyspark.sql import SparkSession
from pyspark.sql import functions as F  # noqa: N812

from sheetscale_engine.spark import values as V  # noqa: N812
from sheetscale_engine.spark.expressions import compile_expr
from sheetscale_engine.spark.functions.base import EvalContext
from sheetscale_engine.spark.job import plan_job

CASES = Path(__file__).resolve().parents[2] / "test" / "fixtures" / "cases"
ONE_ROW = CASES / "op-vlookup-columns-of-one-row"


def _config(case: Path) -> dict[str, Any]:
    config: dict[str, Any] = json.loads((case / "config.json").read_text(encoding="utf-8"))
    return config


def _physical_plan(spark: SparkSession, case: Path, config: dict[str, Any]) -> str:
    bindings = {s["name"]: [str(case / "inputs" / f"{s['name']}.csv")] for s in config["sources"]}
    job = plan_job(spark, config, bindings, EvalContext(today=dt.date(2024, 1, 15)))
    return str(job.final._jdf.queryExecution().executedPlan().toString())


def _joins(plan: str) -> int:
    return sum(plan.count(j) for j in ("BroadcastHashJoin", "SortMergeJoin", "BroadcastNestedLoopJoin"))


def test_lookups_of_one_row_share_one_join(spark: SparkSession) -> None:
    both = _config(ONE_ROW)
    one = copy.deepcopy(both)
    one["steps"] = [s for s in one["steps"] if s["id"] == "last"]
    joins_one = _joins(_physical_plan(spark, ONE_ROW, one))
    assert joins_one >= 1
    # Two VLOOKUPs of the same Id (and a formula over both) join the table no more than one does.
    assert _joins(_physical_plan(spark, ONE_ROW, both)) == joins_one


def test_lookups_of_different_values_are_not_fused(spark: SparkSession) -> None:
    config = _config(ONE_ROW)
    second = next(s for s in config["steps"] if s["id"] == "first")
    second["key"] = {
        "kind": "binary",
        "op": "+",
        "left": {"kind": "column", "name": "Id"},
        "right": {"kind": "number", "value": 1},
    }
    one = copy.deepcopy(config)
    one["steps"] = [s for s in one["steps"] if s["id"] == "last"]
    assert _joins(_physical_plan(spark, ONE_ROW, config)) == 2 * _joins(_physical_plan(spark, ONE_ROW, one))


def test_arithmetic_on_number_columns_never_parses_text(spark: SparkSession) -> None:
    times_two = {
        "kind": "binary",
        "op": "*",
        "left": {"kind": "column", "name": "Id"},
        "right": {"kind": "number", "value": 2},
    }
    ids = {"Id": F.col("Id")}
    # A number column holds numbers, blanks and errors: text-to-number coercion (which reads
    # dates such as "March 15, 2021" with to_date) cannot apply, so it is left out.
    typed = EvalContext(column_kinds={"Id": V.TYPE_KINDS["number"]})
    assert "to_date" not in str(compile_expr(times_two, ids, typed))
    assert "to_date" in str(compile_expr(times_two, ids, EvalContext()))


def test_column_kinds_flow_from_source_types_through_lookups_and_formulas(spark: SparkSession) -> None:
    config = _config(ONE_ROW)
    bindings = {s["name"]: [str(ONE_ROW / "inputs" / f"{s['name']}.csv")] for s in config["sources"]}
    table = plan_job(spark, config, bindings, EvalContext()).table
    assert table.kinds_of("Id") == {V.BLANK, V.NUMBER, V.ERROR}
    # A looked-up text column (a blank shows as 0) or #N/A; text & text is text or an error.
    assert table.kinds_of("Last name") == {V.TEXT, V.NUMBER, V.ERROR}
    assert table.kinds_of("Full name") == {V.TEXT, V.ERROR}
