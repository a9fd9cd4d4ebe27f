"""Logical and information functions. Expected values from Microsoft's function pages
(support.microsoft.com: IF, IFS, AND, OR, NOT, XOR, IFERROR, IFNA, SWITCH, CHOOSE, IS functions,
ISEVEN, ISODD), cited per group."""

from __future__ import annotations

from pyspark.sql import SparkSession

from tests.xv_helpers import assert_formulas

ROW = {
    "Blank": None,
    "Empty": "",
    "Num": 5,
    "Txt": "Region1",
    "NA": {"error": "#N/A"},
    "Div": {"error": "#DIV/0!"},
}


def test_logical_functions(spark: SparkSession) -> None:
    assert_formulas(
        spark,
        {
            # IF: support.microsoft.com/office/if-function-69aed7c9-4e8a-4755-a9bc-aa8bbff73be2
            '=IF(1500>1000,"Over Budget","OK")': "Over Budget",
            '=IF(900>1000,"Over Budget","OK")': "OK",
            "=IF(FALSE,1)": False,
            "=IF(FALSE,1,)": 0,
            '=IF("x",1,2)': {"error": "#VALUE!"},
            "=IF([NA],1,2)": {"error": "#N/A"},
            "=IF(1/0>0,1,2)": {"error": "#DIV/0!"},
            "=IF(TRUE,1,1/0)": 1,  # the branch not taken is not evaluated
            # IFS: support.microsoft.com/office/ifs-function-36329a26-37b2-467c-972b-4a39bd951d45
            '=IFS(93>89,"A",93>79,"B",93>69,"C",93>59,"D",TRUE,"F")': "A",
            '=IFS(60>89,"A",60>79,"B",60>69,"C",60>59,"D",TRUE,"F")': "D",
            '=IFS(1>2,"A")': {"error": "#N/A"},
            # AND / OR / XOR / NOT: AND-function-5f19b2e8..., OR-function-7d17ad14..., XOR-function-1548d4c2...  # noqa: E501
            "=AND(TRUE,TRUE)": True,
            "=AND(TRUE,FALSE)": False,
            "=AND(2+2=4,2+3=5)": True,
            "=AND([Txt],TRUE)": True,  # text from a reference is ignored
            '=AND("a",TRUE)': {"error": "#VALUE!"},
            "=AND([Blank])": {"error": "#VALUE!"},
            "=OR(TRUE,FALSE)": True,
            "=OR(1+1=1,2+2=5)": False,
            "=OR(1,0)": True,
            "=XOR(3>0,2<9)": False,
            "=XOR(3>12,4>6)": False,
            "=XOR(3>0,2>9)": True,
            "=NOT(FALSE)": True,
            "=NOT(1+1=2)": False,
            "=NOT([Blank])": True,
            # IFERROR: iferror-function-c526fd07-caeb-47b8-8bb6-63f3e417f611
            '=IFERROR(210/35,"Error in calculation")': 6,
            '=IFERROR(55/0,"Error in calculation")': "Error in calculation",
            '=IFERROR([Blank]/23,"Error in calculation")': 0,
            "=IFERROR([NA],0)": 0,
            "=IFERROR([Txt],0)": "Region1",
            # IFNA catches #N/A only: ifna-function-6626c961-a569-42fc-a49d-79b4951fd461
            '=IFNA([NA],"Not found")': "Not found",
            '=IFNA([Div],"Not found")': {"error": "#DIV/0!"},
            "=IFNA(NA(),1)": 1,
            "=NA()": {"error": "#N/A"},
            # SWITCH: switch-function-47ab33c0-28ce-4530-8a45-d532ec4aa25e
            '=SWITCH(2,1,"Sunday",2,"Monday",3,"Tuesday","No match")': "Monday",
            '=SWITCH(99,1,"Sunday",2,"Monday",3,"Tuesday","No match")': "No match",
            '=SWITCH(99,1,"Sunday",2,"Monday",3,"Tuesday")': {"error": "#N/A"},
            '=SWITCH("b","A",1,"B",2)': 2,
            # CHOOSE: choose-function-fc5c184f-cb62-4ec7-a46e-38653b98f5bc
            '=CHOOSE(2,"1st","2nd","3rd","Finished")': "2nd",
            '=CHOOSE(4,"1st","2nd","3rd","Finished")': "Finished",
            '=CHOOSE(2.9,"a","b","c")': "b",
            '=CHOOSE(5,"a","b")': {"error": "#VALUE!"},
        },
        ROW,
    )


def test_information_functions(spark: SparkSession) -> None:
    assert_formulas(
        spark,
        {
            # IS functions: is-functions-0f2d7971-6019-40a0-a171-f2d869135665
            "=ISBLANK([Blank])": True,
            "=ISBLANK([Empty])": False,
            '=ISBLANK("")': False,
            "=ISNUMBER([Num])": True,
            '=ISNUMBER("5")': False,
            "=ISTEXT([Txt])": True,
            "=ISTEXT([Empty])": True,
            "=ISLOGICAL(TRUE)": True,
            '=ISLOGICAL("TRUE")': False,
            "=ISERROR([NA])": True,
            "=ISERROR([Num])": False,
            "=ISERR([NA])": False,
            "=ISERR([Div])": True,
            "=ISNA([NA])": True,
            "=ISNA([Div])": False,
            # ISEVEN/ISODD: iseven-function-aa15929a-d77b-4fbb-92f4-2f479af55356, isodd-function-1208a56d-...
            "=ISEVEN(-1)": False,
            "=ISEVEN(2.5)": True,
            "=ISEVEN(5)": False,
            "=ISEVEN(0)": True,
            "=ISEVEN(TRUE)": {"error": "#VALUE!"},
            '=ISEVEN("a")': {"error": "#VALUE!"},
            "=ISODD(-1)": True,
            "=ISODD(2.5)": False,
            "=ISODD(5)": True,
        },
        ROW,
    )
