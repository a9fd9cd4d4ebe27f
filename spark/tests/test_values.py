"""The XV value model: constructors, coercions, General format, match keys and sort order."""

from __future__ import annotations

import json
from typing import Any

from pyspark.sql import Column, SparkSession
from pyspark.sql import functions as F  # noqa: N812

from sheetscale_engine.config.error_codes import error_codes
from sheetscale_engine.spark import values as V  # noqa: N812
from tests.xv_helpers import evaluate, xv_json


def test_error_codes_come_from_the_schema() -> None:
    for code in (V.NULL_ERROR, V.DIV0, V.VALUE, V.REF, V.NAME, V.NUM, V.NA):
        assert code in error_codes()


def test_constructors_and_predicates(spark: SparkSession) -> None:
    cases: dict[str, Column] = {
        "blank": V.xv_blank(),
        "num": V.xv_number(3),
        "null_num": V.xv_number(F.lit(None).cast("double")),
        "nan": V.xv_number(F.lit(float("nan"))),
        "inf": V.xv_number(F.lit(float("inf"))),
        "text": V.xv_text("a"),
        "empty_text": V.xv_text(""),
        "null_text": V.xv_text(F.lit(None).cast("string")),
        "true": V.xv_logical(True),
        "err": V.xv_error("#N/A"),
        "err_col": V.xv_error_col(F.lit("#DIV/0!")),
    }
    got = evaluate(spark, cases)
    assert got == {
        "blank": None,
        "num": 3,
        "null_num": None,
        "nan": {"error": "#NUM!"},
        "inf": {"error": "#NUM!"},
        "text": "a",
        "empty_text": "",
        "null_text": None,
        "true": True,
        "err": {"error": "#N/A"},
        "err_col": {"error": "#DIV/0!"},
    }
    preds = evaluate(
        spark,
        {
            "blank_is_blank": V.xv_from_bool(V.is_blank(V.xv_blank())),
            "empty_text_is_not_blank": V.xv_from_bool(V.is_blank(V.xv_text(""))),
            "is_error": V.xv_from_bool(V.is_error(V.xv_error("#REF!"))),
        },
    )
    assert preds == {"blank_is_blank": True, "empty_text_is_not_blank": False, "is_error": True}


def test_xv_error_rejects_unknown_codes() -> None:
    try:
        V.xv_error("#OOPS")
    except ValueError as e:
        assert "#OOPS" in str(e)
    else:
        raise AssertionError("expected ValueError")


# General format: Excel's number → text (=A1&""), with 15 significant digits.
GENERAL_CASES: list[tuple[float, str]] = [
    (10000000.0, "10000000"),
    (0.1 + 0.2, "0.3"),
    (0.0, "0"),
    (-0.0, "0"),
    (1.0, "1"),
    (-1.5, "-1.5"),
    (1 / 3, "0.333333333333333"),
    (2 / 3, "0.666666666666667"),
    (123456789012345.0, "123456789012345"),
    (2.0**50, "1.12589990684262E+15"),
    (1e15, "1E+15"),
    (1e21, "1E+21"),
    (-1.5e300, "-1.5E+300"),
    (0.001, "0.001"),
    (1.5e-20, "1.5E-20"),
    (100.25, "100.25"),
    (3.14159, "3.14159"),
    (45306.0, "45306"),
]


def test_general_text(spark: SparkSession) -> None:
    cols = {f"c{i}": V.xv_text(V.general_text(F.lit(x))) for i, (x, _) in enumerate(GENERAL_CASES)}
    got = evaluate(spark, cols)
    for i, (x, want) in enumerate(GENERAL_CASES):
        assert got[f"c{i}"] == want, f"General({x!r})"


def test_round15(spark: SparkSession) -> None:
    got = evaluate(
        spark,
        {
            "a": V.xv_number(V.round15(F.lit(0.1) + F.lit(0.2))),
            "b": V.xv_number(V.round15(F.lit(2.675))),
        },
    )
    assert got == {"a": 0.3, "b": 2.675}


def test_to_number(spark: SparkSession) -> None:
    inputs: list[tuple[Column, Any]] = [
        (V.xv_number(2.5), 2.5),
        (V.xv_blank(), 0),
        (V.xv_logical(True), 1),
        (V.xv_logical(False), 0),
        (V.xv_text("3"), 3),
        (V.xv_text(" 3 "), 3),
        (V.xv_text("1,000"), 1000),
        (V.xv_text("$5"), 5),
        (V.xv_text("50%"), 0.5),
        (V.xv_text("-1.5E3"), -1500),
        (V.xv_text("2024-01-15"), 45306),
        (V.xv_text("1/15/2024"), 45306),
        (V.xv_text("a"), {"error": "#VALUE!"}),
        (V.xv_text(""), {"error": "#VALUE!"}),
        (V.xv_text("1,00"), {"error": "#VALUE!"}),
        (V.xv_error("#N/A"), {"error": "#N/A"}),
    ]
    got = evaluate(spark, {f"c{i}": V.to_number(x) for i, (x, _) in enumerate(inputs)})
    for i, (_, want) in enumerate(inputs):
        assert got[f"c{i}"] == want, f"case {i}"


def test_to_text_and_to_logical(spark: SparkSession) -> None:
    got = evaluate(
        spark,
        {
            "t_blank": V.to_text(V.xv_blank()),
            "t_num": V.to_text(V.xv_number(10000000)),
            "t_true": V.to_text(V.xv_logical(True)),
            "t_err": V.to_text(V.xv_error("#N/A")),
            "l_num": V.to_logical(V.xv_number(2)),
            "l_zero": V.to_logical(V.xv_number(0)),
            "l_blank": V.to_logical(V.xv_blank()),
            "l_text": V.to_logical(V.xv_text("true")),
            "l_bad": V.to_logical(V.xv_text("yes")),
        },
    )
    assert got == {
        "t_blank": "",
        "t_num": "10000000",
        "t_true": "TRUE",
        "t_err": {"error": "#N/A"},
        "l_num": True,
        "l_zero": False,
        "l_blank": False,
        "l_text": True,
        "l_bad": {"error": "#VALUE!"},
    }


def test_match_key(spark: SparkSession) -> None:
    keys = {
        "num1": V.match_key(V.xv_number(1)),
        "num1_again": V.match_key(V.xv_number(F.lit(0.1) * 10)),
        "text1": V.match_key(V.xv_text("1")),
        "abc": V.match_key(V.xv_text("ABC")),
        "abc_lower": V.match_key(V.xv_text("abc")),
        "abc_space": V.match_key(V.xv_text("abc ")),
        "true": V.match_key(V.xv_logical(True)),
        "text_true": V.match_key(V.xv_text("TRUE")),
        "blank": V.match_key(V.xv_blank()),
        "empty": V.match_key(V.xv_text("")),
    }
    row = spark.range(1).select(*[c.alias(n) for n, c in keys.items()]).collect()[0].asDict()
    assert row["num1"] == row["num1_again"]
    assert row["num1"] != row["text1"]
    assert row["abc"] == row["abc_lower"]
    assert row["abc"] != row["abc_space"]
    assert row["true"] != row["text_true"]
    assert row["blank"] != row["empty"]


def test_sort_keys_follow_excel_order(spark: SparkSession) -> None:
    data = [json.dumps(v) for v in [None, "b", 10, True, {"error": "#N/A"}, "A", -1, False, 2.5, None, "a"]]
    df = spark.createDataFrame([(i, d) for i, d in enumerate(data)], "__row long, j string")
    xv = V.xv_from_json(F.col("j"))
    asc = df.select("__row", xv.alias("v")).orderBy(*V.sort_keys(F.col("v")), "__row")
    desc = df.select("__row", xv.alias("v")).orderBy(*V.sort_keys(F.col("v"), descending=True), "__row")
    asc_values = [V.xv_to_json_value(r["v"]) for r in asc.collect()]
    desc_values = [V.xv_to_json_value(r["v"]) for r in desc.collect()]
    # Excel: numbers < text (case-insensitive, stable) < FALSE < TRUE < errors; blanks last.
    assert asc_values == [-1, 2.5, 10, "A", "a", "b", False, True, {"error": "#N/A"}, None, None]
    assert desc_values == [{"error": "#N/A"}, True, False, "b", "A", "a", 10, 2.5, -1, None, None]


def test_xv_json_round_trip(spark: SparkSession) -> None:
    values: list[Any] = [None, 1, 2.5, "x", "", True, False, {"error": "#DIV/0!"}]
    got = evaluate(spark, {f"c{i}": V.xv_from_json(F.lit(json.dumps(v))) for i, v in enumerate(values)})
    assert [got[f"c{i}"] for i in range(len(values))] == values
    assert xv_json({"k": 1, "n": 3.0, "s": None, "b": None}) == 3
