"""The Spark lowering against Excel's value vectors (test/fixtures/values): General format, rounding,
text → number, dates and 15-digit equality, through sheetscale_engine.spark's own functions.

All cases of a file are evaluated in ONE select on a one-row frame (one Spark job per file),
computed once per session; each case is then its own test. A case marked
``knownSparkDifference`` is skipped with that reason: the Spark lowering disagrees with Excel there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from pyspark.sql import Column, SparkSession
from pyspark.sql import functions as F  # noqa: N812

from sheetscale_engine.spark import values as V  # noqa: N812
from sheetscale_engine.spark.functions.base import EvalContext
from sheetscale_engine.spark.functions.dates import date_parts
from sheetscale_engine.spark.functions.math import round_digits
from tests.test_value_vectors import case_id, load_vectors, same_value
from tests.xv_helpers import interpreted

_ROUND_MODES = {"ROUND": "half", "ROUNDUP": "up", "ROUNDDOWN": "down", "TRUNC": "down"}


def _num(value: Any) -> Column:
    return F.lit(float(value))


def _text(value: str) -> Column:
    return F.lit(value)


def _general(args: list[Any]) -> Column:
    return V.general_text(_num(args[0]))


def _round(args: list[Any]) -> Column:
    name, x = args[0], _num(args[1])
    if name == "INT":
        # INT as functions/math.py computes it: floor of the 15-digit value.
        return F.floor(V.round15(x)).cast("double")
    digits = _num(args[2] if len(args) > 2 else 0)
    return round_digits(x, digits, _ROUND_MODES[name], EvalContext())


def _text_to_number(args: list[Any]) -> Column:
    parsed = V.text_to_number(_text(args[0]), *args[1:])
    return F.when(parsed.isNull(), F.lit(None)).otherwise(parsed)


def _dates(args: list[Any]) -> Column:
    op, value, system = args
    if op == "date_to_serial":
        return V.date_serial(_text(value).cast("date"), system)
    y, m, d = date_parts(_num(value), EvalContext(date_system=system))
    return F.array(y.cast("long"), m.cast("long"), d.cast("long"))


def _equal(args: list[Any]) -> Column:
    return V.round15(_num(args[0])) == V.round15(_num(args[1]))


def _decode_text_to_number(value: Any) -> Any:
    return {"error": V.VALUE} if value is None else value


_FILES: dict[str, tuple[Callable[[list[Any]], Column], Callable[[Any], Any]]] = {
    "general-format.json": (_general, lambda v: v),
    "round.json": (_round, lambda v: v),
    "text-to-number.json": (_text_to_number, _decode_text_to_number),
    "dates.json": (_dates, lambda v: list(v) if isinstance(v, list) else v),
    "equality-15-digits.json": (_equal, lambda v: v),
}


class _SparkResults:
    """Each file's results, computed on first use with one select of all its cases."""

    def __init__(self, spark: SparkSession) -> None:
        self.spark = spark
        self.by_file: dict[str, list[Any]] = {}

    def get(self, name: str) -> list[Any]:
        if name not in self.by_file:
            build, decode = _FILES[name]
            cases = load_vectors(name)["cases"]
            cols = [build(c["args"]).alias(f"c{i}") for i, c in enumerate(cases)]
            with interpreted(self.spark):
                row = self.spark.range(1).select(*cols).collect()[0]
            self.by_file[name] = [decode(row[f"c{i}"]) for i in range(len(cases))]
        return self.by_file[name]


@pytest.fixture(scope="module")
def spark_results(spark: SparkSession) -> _SparkResults:
    return _SparkResults(spark)


def _spark_cases() -> list[Any]:
    params = []
    for name in _FILES:
        for i, case in enumerate(load_vectors(name)["cases"]):
            params.append(pytest.param(name, i, case, id=case_id(name, i, case)))
    return params


@pytest.mark.parametrize(("name", "index", "case"), _spark_cases())
def test_spark_lowering(name: str, index: int, case: dict[str, Any], spark_results: _SparkResults) -> None:
    if "knownSparkDifference" in case:
        pytest.skip(f"known Spark difference from Excel: {case['knownSparkDifference']}")
    got, want = spark_results.get(name)[index], case["expected"]
    assert same_value(got, want), f"{name} {case['args']}: Spark gives {got!r}, Excel {want!r}"
