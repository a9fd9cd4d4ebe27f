"""Math functions. Expected values from Microsoft's function pages on support.microsoft.com
(ROUND, ROUNDUP, ROUNDDOWN, INT, TRUNC, ABS, SIGN, MOD, POWER, SQRT, SUM, AVERAGE, MIN, MAX,
PRODUCT) and excel-semantics.md's rounding traps."""

from __future__ import annotations

from pyspark.sql import SparkSession

from tests.xv_helpers import assert_formulas

ROW = {"Blank": None, "Txt": "7", "T": True, "NA": {"error": "#N/A"}, "X": 2.675}


def test_rounding(spark: SparkSession) -> None:
    assert_formulas(
        spark,
        {
            # ROUND: round-function-c018c5d8-40fb-4053-90b1-b3e7f61a213c
            "=ROUND(2.15,1)": 2.2,
            "=ROUND(2.149,1)": 2.1,
            "=ROUND(-1.475,2)": -1.48,
            "=ROUND(21.5,-1)": 20,
            "=ROUND(626.3,-3)": 1000,
            "=ROUND(1.98,-1)": 0,
            "=ROUND(-50.55,-2)": -100,
            # excel-semantics.md: half away from zero, on the 15-digit value
            "=ROUND(2.5,0)": 3,
            "=ROUND(-2.5,0)": -3,
            "=ROUND([X],2)": 2.68,
            "=ROUND(1.005,2)": 1.01,
            "=ROUND(0.1+0.2,16)": 0.3,
            "=ROUND(1234.5678,[Blank])": 1235,
            '=ROUND("a",1)': {"error": "#VALUE!"},
            "=ROUND([NA],1)": {"error": "#N/A"},
            # ROUNDUP: roundup-function-f8bc9b23-e795-47db-8703-db171d0c42a7
            "=ROUNDUP(3.2,0)": 4,
            "=ROUNDUP(76.9,0)": 77,
            "=ROUNDUP(3.14159,3)": 3.142,
            "=ROUNDUP(-3.14159,1)": -3.2,
            "=ROUNDUP(31415.92654,-2)": 31500,
            "=ROUNDUP(0.1+0.2,1)": 0.3,
            # ROUNDDOWN: rounddown-function-2ec94c73-241f-4b01-8c6f-17e6d7968f53
            "=ROUNDDOWN(3.2,0)": 3,
            "=ROUNDDOWN(76.9,0)": 76,
            "=ROUNDDOWN(3.14159,3)": 3.141,
            "=ROUNDDOWN(-3.14159,1)": -3.1,
            "=ROUNDDOWN(31415.92654,-2)": 31400,
            # INT: int-function-a6c4af9e-356d-4369-ab6a-cb1fd9d343ef ; TRUNC: trunc-function-8b86a64c-...
            "=INT(8.9)": 8,
            "=INT(-8.9)": -9,
            "=TRUNC(8.9)": 8,
            "=TRUNC(-8.9)": -8,
            "=TRUNC(0.45)": 0,
            "=TRUNC(3.14159,2)": 3.14,
        },
        ROW,
    )


def test_arithmetic_functions(spark: SparkSession) -> None:
    assert_formulas(
        spark,
        {
            # ABS, SIGN, MOD, POWER, SQRT (Microsoft's examples)
            "=ABS(2)": 2,
            "=ABS(-2)": 2,
            "=SIGN(10)": 1,
            "=SIGN(4-4)": 0,
            "=SIGN(-0.00001)": -1,
            "=MOD(3,2)": 1,
            "=MOD(-3,2)": 1,
            "=MOD(3,-2)": -1,
            "=MOD(-3,-2)": -1,
            "=MOD(5,0)": {"error": "#DIV/0!"},
            "=POWER(5,2)": 25,
            "=POWER(98.6,3.2)": 2401077.2220695773,
            "=POWER(4,5/4)": 5.656854249492381,
            "=SQRT(16)": 4,
            "=SQRT(-16)": {"error": "#NUM!"},
            "=SQRT(ABS(-16))": 4,
        },
        ROW,
    )


def test_aggregates_over_arguments(spark: SparkSession) -> None:
    assert_formulas(
        spark,
        {
            # SUM: sum-function-043e1c7d-7726-4e80-8f32-07b23e057f89 ("5",15,TRUE → 21)
            "=SUM(3,2)": 5,
            '=SUM("5",15,TRUE)': 21,
            "=SUM([Txt],[T],1)": 1,  # text and logicals in references are ignored
            '=SUM("a",1)': {"error": "#VALUE!"},
            "=SUM([NA],1)": {"error": "#N/A"},
            "=SUM([Blank])": 0,
            # AVERAGE/MIN/MAX/PRODUCT: Microsoft's examples 10,7,9,27,2
            "=AVERAGE(10,7,9,27,2)": 11,
            "=AVERAGE([Txt])": {"error": "#DIV/0!"},
            "=MIN(10,7,9,27,2)": 2,
            "=MAX(10,7,9,27,2)": 27,
            "=MAX([Txt])": 0,
            "=MIN(0,-1,TRUE)": -1,
            "=PRODUCT(5,15,30)": 2250,
            "=PRODUCT([Txt])": 0,
        },
        ROW,
    )
