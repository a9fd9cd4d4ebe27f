"""Excel's criteria language, checked against Microsoft's COUNTIF and SUMIF examples
(support.microsoft.com/office/countif-function-e0de10c6-f885-4e71-abb4-1f464816df34,
support.microsoft.com/office/sumif-function-169b8c99-c05c-4483-a712-1697a653039b)."""

from __future__ import annotations

from typing import Any

from pyspark.sql import Column, SparkSession
from pyspark.sql import functions as F  # noqa: N812

from sheetscale_engine.spark import criteria
from sheetscale_engine.spark.values import xv_from_json
from tests.xv_helpers import interpreted, json_frame


def _lit(value: Any) -> Column:
    import json  # noqa: PLC0415 (avoids an import cycle / optional)

    return xv_from_json(F.lit(json.dumps(value)))


def count_matches(spark: SparkSession, cells: list[Any], crits: list[Any]) -> list[int]:
    df, cols = json_frame(spark, [{"v": c} for c in cells])
    aggs = [
        F.sum(F.when(criteria.matches(cols["v"], _lit(c)), 1).otherwise(0)).alias(f"c{i}")
        for i, c in enumerate(crits)
    ]
    with interpreted(spark):
        row = df.agg(*aggs).collect()[0]
    return [int(row[f"c{i}"]) for i in range(len(crits))]


def test_countif_documentation_examples(spark: SparkSession) -> None:
    fruit = ["apples", "oranges", "peaches", "apples"]
    assert count_matches(spark, fruit, ["apples", "peaches", "*", "?????es", "APPLES", "<>apples"]) == [
        2,
        1,
        4,
        2,
        2,
        2,
    ]
    numbers = [32, 54, 75, 86]
    got = count_matches(spark, numbers, [">55", "<>75", ">=32", ">85", 75, "75", "=75"])
    assert got == [2, 3, 4, 1, 1, 1, 1]  # doc: ">=32" minus ">85" = 3


def test_sumif_documentation_examples(spark: SparkSession) -> None:
    values = [100000, 200000, 300000, 400000]
    commissions = [7000, 14000, 21000, 28000]
    df, cols = json_frame(spark, [{"v": v, "c": c} for v, c in zip(values, commissions, strict=True)])
    v, c = cols["v"], cols["c"]
    with interpreted(spark):
        row = df.agg(
            F.sum(F.when(criteria.matches(v, _lit(">160000")), c.getField("n"))).alias("a"),
            F.sum(F.when(criteria.matches(v, _lit(">160000")), v.getField("n"))).alias("b"),
            F.sum(F.when(criteria.matches(v, _lit(300000)), c.getField("n"))).alias("c"),
        ).collect()[0]
    assert (row["a"], row["b"], row["c"]) == (63000, 900000, 21000)
    foods = ["Tomatoes", "Celery", "Oranges", "Butter", "Carrots", "Apples"]
    cats = ["Vegetables", "Vegetables", "Fruits", None, "Vegetables", "Fruits"]
    sales = [2300, 5500, 800, 400, 4200, 1200]
    df2, c2 = json_frame(
        spark, [{"f": f, "k": k, "s": s} for f, k, s in zip(foods, cats, sales, strict=True)]
    )
    with interpreted(spark):
        row2 = df2.agg(
            F.sum(F.when(criteria.matches(c2["k"], _lit("Fruits")), c2["s"].getField("n"))).alias("fruits"),
            F.sum(F.when(criteria.matches(c2["k"], _lit("Vegetables")), c2["s"].getField("n"))).alias("veg"),
            F.sum(F.when(criteria.matches(c2["f"], _lit("*es")), c2["s"].getField("n"))).alias("es"),
            F.sum(F.when(criteria.matches(c2["k"], _lit("")), c2["s"].getField("n"))).alias("blank"),
        ).collect()[0]
    assert (row2["fruits"], row2["veg"], row2["es"], row2["blank"]) == (2000, 12000, 4300, 400)


def test_criteria_traps(spark: SparkSession) -> None:
    cells: list[Any] = [100, "100", None, "", "a*b", "axb", True, {"error": "#N/A"}, 45306, "Apple"]
    crits: list[Any] = [
        100,  # number 100 and text "100"
        "100",
        "=",  # blank only
        "<>",  # everything but blank
        "",  # blank and empty text
        "a~*b",  # escaped wildcard: only the literal a*b
        "a?b",
        "TRUE",
        True,
        {"error": "#N/A"},
        ">=2024-01-15",  # a date as text is a date serial (45306)
        ">b",  # text comparison, case-insensitive: "axb"? no ("a..." < "b"); none
        "<b",  # text cells only: "100", "", "a*b", "axb", "Apple"
    ]
    got = count_matches(spark, cells, crits)
    assert got == [2, 2, 1, 9, 2, 1, 2, 1, 1, 1, 1, 0, 5], got


def test_equality_key_and_operator_detection(spark: SparkSession) -> None:
    df, cols = json_frame(spark, [{"v": 1}, {"v": "1"}, {"v": ">1"}, {"v": "a*"}, {"v": "A"}])
    rows = (
        df.select(
            criteria.equality_key(cols["v"]).alias("key"),
            criteria.is_operator_criterion(cols["v"]).alias("op"),
        )
        .orderBy(F.monotonically_increasing_id())
        .collect()
    )
    assert rows[0]["key"] == rows[1]["key"]
    assert [r["op"] for r in rows] == [False, False, True, True, False]
    assert criteria.describe(">100") == "greater than '100'"
