"""Text and date functions. Expected values from Microsoft's function pages on
support.microsoft.com (LEFT, RIGHT, MID, LEN, UPPER, LOWER, PROPER, TRIM, CLEAN, CONCAT,
CONCATENATE, TEXTJOIN, SUBSTITUTE, REPLACE, FIND, SEARCH, EXACT, REPT, VALUE, TEXT, DATE, YEAR,
MONTH, DAY, EDATE, EOMONTH, WEEKDAY, DAYS, DATEDIF, TODAY, NOW)."""

from __future__ import annotations

import datetime as dt

from pyspark.sql import SparkSession

from sheetscale_engine.spark.expressions import EvalContext
from sheetscale_engine.spark.functions import IMPLEMENTATIONS, scalar_function_names
from tests.xv_helpers import assert_formulas

ROW = {"Blank": None, "Ctl": "\tMonthly report\n", "NA": {"error": "#N/A"}}


def test_text_functions(spark: SparkSession) -> None:
    assert_formulas(
        spark,
        {
            '=LEFT("Sale Price",4)': "Sale",
            '=LEFT("Sweden")': "S",
            '=RIGHT("Sale Price",5)': "Price",
            '=RIGHT("Stock Number")': "r",
            '=MID("Fluid Flow",1,5)': "Fluid",
            '=MID("Fluid Flow",7,20)': "Flow",
            '=MID("Fluid Flow",20,5)': "",
            '=LEFT("abc",-1)': {"error": "#VALUE!"},
            '=LEN("Phoenix, AZ")': 11,
            '=LEN("")': 0,
            '=LEN("     One   ")': 11,
            '=UPPER("total")': "TOTAL",
            '=LOWER("E. E. Cummings")': "e. e. cummings",
            '=PROPER("this is a TITLE")': "This Is A Title",
            '=PROPER("2-way street")': "2-Way Street",
            '=PROPER("76BudGet")': "76Budget",
            '=TRIM(" First Quarter   Earnings ")': "First Quarter Earnings",
            "=CLEAN([Ctl])": "Monthly report",
            '=CONCAT("The"," ","sun")': "The sun",
            '=CONCATENATE("Stream population for ","species"," is ",32,"/mile")': "Stream population for species is 32/mile",  # noqa: E501
            '=TEXTJOIN(", ",TRUE,"US Dollar","","Australian Dollar")': "US Dollar, Australian Dollar",
            '=TEXTJOIN("-",FALSE,"a",[Blank],"b")': "a--b",
            '=SUBSTITUTE("Sales Data","Sales","Cost")': "Cost Data",
            '=SUBSTITUTE("Quarter 1, 2008","1","2",1)': "Quarter 2, 2008",
            '=SUBSTITUTE("Quarter 1, 2011","1","2",3)': "Quarter 1, 2012",
            '=REPLACE("abcdefghijk",6,5,"*")': "abcde*k",
            '=REPLACE("2009",3,2,"10")': "2010",
            '=REPLACE("123456",1,3,"@")': "@456",
            '=FIND("M","Miriam McGovern")': 1,
            '=FIND("m","Miriam McGovern")': 6,
            '=FIND("M","Miriam McGovern",3)': 8,
            '=FIND("z","abc")': {"error": "#VALUE!"},
            '=SEARCH("e","Statements",6)': 7,
            '=SEARCH("margin","Profit Margin")': 8,
            '=SEARCH("p*e","Statement price")': 11,
            '=EXACT("word","word")': True,
            '=EXACT("Word","word")': False,
            '=EXACT("w ord","word")': False,
            '=REPT("*-",3)': "*-*-*-",
            '=REPT("-",10)': "----------",
            '=VALUE("$1,000")': 1000,
            '=VALUE("16:48:00")-VALUE("12:00:00")': 0.2,
            "=VALUE(TRUE)": {"error": "#VALUE!"},
            "=LEN([NA])": {"error": "#N/A"},
            '=TEXT(1234.567,"$#,##0.00")': "$1,234.57",
            '=TEXT(0.285,"0.0%")': "28.5%",
            '=TEXT(2.5,"0")': "3",
            '=TEXT(1234.5,"#,##0")': "1,235",
            '=TEXT(-1234.5,"0.00")': "-1234.50",
            '=TEXT(0.125,"0%")': "13%",
            '=TEXT(45306,"yyyy-mm-dd")': "2024-01-15",
            '=TEXT(45306,"dd/mm/yyyy")': "15/01/2024",
            '=TEXT(45306,"mm/dd/yyyy")': "01/15/2024",
            '=TEXT(45306,"d-mmm-yy")': "15-Jan-24",
            '=TEXT(45306,"mmm yyyy")': "Jan 2024",
            '=TEXT(45306,"dddd")': "Monday",
            '=TEXT(0.1+0.2,"General")': "0.3",
            '=TEXT("abc","0.00")': "abc",
        },
        ROW,
    )


def test_date_functions(spark: SparkSession) -> None:
    ctx = EvalContext(today=dt.date(2024, 1, 15), now=dt.datetime(2024, 1, 15, 12, 0, 0))
    assert_formulas(
        spark,
        {
            "=DATE(2008,1,2)": 39449,
            "=DATE(108,1,2)": 39449,
            "=DATE(2008,14,2)": 39846,
            "=DATE(2008,1,35)": 39482,
            "=DATE(2008,-3,2)": 39327,
            "=DATE(1900,2,29)": 60,  # the phantom 1900-02-29
            "=DATE(1900,3,1)": 61,
            "=DATE(-1,1,1)": {"error": "#NUM!"},
            "=YEAR(DATE(2008,7,5))": 2008,
            '=MONTH("15-Apr-2011")': 4,
            '=DAY("15-Apr-2011")': 15,
            "=DAY(60)": 29,
            "=MONTH(60)": 2,
            "=EDATE(DATE(2011,1,15),1)": 40589,
            "=EDATE(DATE(2011,1,15),-1)": 40527,
            "=EDATE(DATE(2011,1,31),1)": 40602,
            "=EOMONTH(DATE(2011,1,1),1)": 40602,
            "=EOMONTH(DATE(2011,1,1),-3)": 40482,
            "=WEEKDAY(DATE(2008,2,14))": 5,
            "=WEEKDAY(DATE(2008,2,14),2)": 4,
            "=WEEKDAY(DATE(2008,2,14),3)": 3,
            "=WEEKDAY(DATE(2008,2,14),11)": 4,
            "=WEEKDAY(DATE(2008,2,14),17)": 5,
            "=WEEKDAY(DATE(2008,2,14),9)": {"error": "#NUM!"},
            '=DAYS("15-MAR-2021","1-FEB-2021")': 42,
            "=DAYS(DATE(2021,12,31),DATE(2021,1,1))": 364,
            '=DATEDIF(DATE(2001,1,1),DATE(2003,1,1),"Y")': 2,
            '=DATEDIF(DATE(2001,6,1),DATE(2002,8,15),"D")': 440,
            '=DATEDIF(DATE(2001,6,1),DATE(2002,8,15),"YD")': 75,
            '=DATEDIF(DATE(2001,6,1),DATE(2002,8,15),"M")': 14,
            '=DATEDIF(DATE(2001,6,1),DATE(2002,8,15),"YM")': 2,
            '=DATEDIF(DATE(2001,6,1),DATE(2002,8,15),"MD")': 14,
            '=DATEDIF(DATE(2003,1,1),DATE(2001,1,1),"Y")': {"error": "#NUM!"},
            "=TODAY()": 45306,
            "=NOW()": 45306.5,
        },
        ROW,
        ctx,
    )


def test_every_scalar_function_is_implemented_and_tested() -> None:
    import pathlib  # noqa: PLC0415 (avoids an import cycle / optional)
    import re  # noqa: PLC0415 (avoids an import cycle / optional)

    here = pathlib.Path(__file__).parent
    tested: set[str] = set()
    for path in here.glob("test_fn_*.py"):
        tested |= set(re.findall(r"\b([A-Z][A-Z0-9.]*)\(", path.read_text(encoding="utf-8")))
    names = scalar_function_names()
    assert [n for n in names if n not in IMPLEMENTATIONS] == []
    assert [n for n in names if n not in tested] == []
