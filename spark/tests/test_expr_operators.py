"""Operators and the value rules of excel-semantics.md, on one row of mixed values.

Expected values: Excel's documented behaviour (support.microsoft.com "Calculation operators and
precedence in Excel", "Using the General number format") and the rules in excel-semantics.md.
"""

from __future__ import annotations

from typing import Any

from pyspark.sql import SparkSession

from sheetscale_engine.spark.expressions import EvalContext, ExpressionError, add_expr_columns, compile_expr
from tests.excel_formula import parse
from tests.xv_helpers import assert_formulas, evaluate, json_frame, xv_json

ROW = {
    "Blank": None,
    "Empty": "",
    "Three": "3",
    "A": "a",
    "Upper": "A",
    "Num": 10,
    "T": True,
    "NA": {"error": "#N/A"},
}


def test_arithmetic_and_coercion(spark: SparkSession) -> None:
    assert_formulas(
        spark,
        {
            "=1+2": 3,
            '="3"+1': 4,
            "=[Three]+1": 4,
            '="a"+1': {"error": "#VALUE!"},
            "=[A]*2": {"error": "#VALUE!"},
            "=[Blank]+5": 5,
            "=[Blank]*5": 0,
            "=[T]+1": 2,
            '=" 2 "*3': 6,
            '="1,000"+1': 1001,
            '="50%"*2': 1,
            "=1/0": {"error": "#DIV/0!"},
            "=[Blank]/[Blank]": {"error": "#DIV/0!"},
            "=[NA]+1": {"error": "#N/A"},
            "=1/0+[NA]": {"error": "#DIV/0!"},  # left operand's error first
            "=[NA]+1/0": {"error": "#N/A"},
            "=2^10": 1024,
            "=-2^2": 4,  # negation binds tighter than ^ in Excel
            "=2^-1": 0.5,
            "=0^0": {"error": "#NUM!"},
            "=(-8)^(1/3)": {"error": "#NUM!"},
            "=10^400": {"error": "#NUM!"},
            "=1E308*10": {"error": "#NUM!"},
            "=50%": 0.5,
            "=-[Num]": -10,
            '=+"a"': "a",
            "=5-[Blank]": 5,
            "=0.1+0.2": 0.30000000000000004,
        },
        ROW,
    )


def test_concatenation_uses_general_format(spark: SparkSession) -> None:
    assert_formulas(
        spark,
        {
            '=10000000&""': "10000000",
            '=(0.1+0.2)&""': "0.3",
            '=[Blank]&"x"': "x",
            '=[Empty]&"x"': "x",
            '=1/3&""': "0.333333333333333",
            '=[T]&""': "TRUE",
            '=1E+21&""': "1E+21",
            '=[NA]&"x"': {"error": "#N/A"},
            '="a"&1/0': {"error": "#DIV/0!"},
            '=2^50&""': "1.12589990684262E+15",
        },
        ROW,
    )


def test_comparisons(spark: SparkSession) -> None:
    assert_formulas(
        spark,
        {
            '="a"="A"': True,
            "=[A]=[Upper]": True,
            '="a"<"B"': True,
            '=1<"1"': True,  # numbers < text
            '="z"<TRUE': True,  # text < logicals
            "=FALSE<TRUE": True,
            "=[Blank]=0": True,
            '=[Blank]=""': True,
            "=[Blank]=FALSE": True,
            "=[Blank]=[Blank]": True,
            '=[Empty]=""': True,
            "=[Empty]=0": False,
            "=0.1+0.2=0.3": True,  # 15 significant digits
            "=1=1.0000000000000002": True,
            '="1"=1': False,
            "=[NA]=1": {"error": "#N/A"},
            "=1<>2": True,
            "=2>=2": True,
            "=3<=2": False,
        },
        ROW,
    )


def test_formula_result_blank_becomes_zero(spark: SparkSession) -> None:
    assert_formulas(spark, {"=[Blank]": 0, "=[Empty]": "", "=IF(TRUE,[Blank])": 0}, ROW)


def test_many_rows_one_projection(spark: SparkSession) -> None:
    rows: list[dict[str, Any]] = [
        {"X": 1, "Y": 2},
        {"X": "b", "Y": 2},
        {"X": None, "Y": 0},
        {"X": {"error": "#REF!"}, "Y": 1},
    ]
    # With code generation on (formulas_on_rows turns it off): the generated code must compile.
    df, columns = json_frame(spark, rows)
    exprs = [(f, parse(f)) for f in ["=[X]*[Y]", "=[X]/[Y]", '=[X]&"-"&[Y]']]
    out = add_expr_columns(df, exprs, columns).orderBy("__row").collect()
    got = [{f: xv_json(r[f]) for f, _ in exprs} for r in out]
    assert got == [
        {"=[X]*[Y]": 2, "=[X]/[Y]": 0.5, '=[X]&"-"&[Y]': "1-2"},
        {"=[X]*[Y]": {"error": "#VALUE!"}, "=[X]/[Y]": {"error": "#VALUE!"}, '=[X]&"-"&[Y]': "b-2"},
        {"=[X]*[Y]": 0, "=[X]/[Y]": {"error": "#DIV/0!"}, '=[X]&"-"&[Y]': "-0"},
        {"=[X]*[Y]": {"error": "#REF!"}, "=[X]/[Y]": {"error": "#REF!"}, '=[X]&"-"&[Y]': {"error": "#REF!"}},
    ]


def test_compile_expr_single_column_and_errors(spark: SparkSession) -> None:
    expr = parse('=IF(ROUND([X]*2,1)>1,"big","small")')
    from pyspark.sql import functions as F  # noqa: N812, PLC0415

    from sheetscale_engine.spark.values import xv_number  # noqa: PLC0415 (avoids an import cycle / optional)

    col = compile_expr(expr, {"X": xv_number(F.lit(0.75))}, EvalContext())
    assert evaluate(spark, {"r": col}) == {"r": "big"}
    try:
        compile_expr(parse("=[Nope]+1"), {}, EvalContext(where="step s1 (Sheet1!C2)"))
    except ExpressionError as e:
        assert "Nope" in str(e) and "s1" in str(e)
    else:
        raise AssertionError("expected ExpressionError")
    try:
        compile_expr({"kind": "call", "name": "VLOOKUP", "args": []}, {}, EvalContext())
    except ExpressionError as e:
        assert "lookup" in str(e)
    else:
        raise AssertionError("expected ExpressionError")
