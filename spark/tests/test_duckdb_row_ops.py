"""The row ops on DuckDB (filter, sort, removeDuplicates, group, pivot, append): Excel's rules on
inputs written as CSV files, run through ``duckdb.job.plan_job`` as the golden cases are, and the
same configs on both engines, which must agree cell by cell and pivot by pivot."""

from __future__ import annotations

import csv
import datetime as dt
import json
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
from tests.test_golden import same_value

TODAY = dt.date(2024, 1, 15)
PROVENANCE = {"sheet": "Sheet1", "cell": "A1"}

Source = tuple[list[tuple[str, str]], list[list[str]]]  # (name, type) columns, CSV rows


def _config(
    sources: dict[str, Source], steps: list[dict[str, Any]], main: str | None = None
) -> dict[str, Any]:
    return {
        "version": 1,
        "main": main or next(iter(sources)),
        "sources": [
            {
                "name": name,
                "format": {"type": "csv"},
                "columns": [{"name": c, "type": t} for c, t in cols],
                "onBadRow": "error",
            }
            for name, (cols, _) in sources.items()
        ],
        "steps": [{"id": f"s{i}", "provenance": PROVENANCE, **s} for i, s in enumerate(steps)],
        "output": {},
    }


def _write(tmp_path: Path, sources: dict[str, Source]) -> dict[str, list[str]]:
    bindings: dict[str, list[str]] = {}
    for name, (cols, rows) in sources.items():
        path = tmp_path / f"{name}.csv"
        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow([c for c, _ in cols])
            writer.writerows(rows)
        bindings[name] = [str(path)]
    return bindings


class Result:
    def __init__(self, columns: list[str], rows: list[list[Any]], pivots: dict[str, Any], metrics: list[Any]):
        self.columns = columns
        self.rows = rows
        self.pivots = pivots
        self.metrics = metrics

    def column(self, name: str) -> list[Any]:
        i = self.columns.index(name)
        return [r[i] for r in self.rows]


def run_duckdb(
    tmp_path: Path, sources: dict[str, Source], steps: list[dict[str, Any]], main: str | None = None
) -> Result:
    config = _config(sources, steps, main)
    assert not validate_config(config), [str(i) for i in validate_config(config)]
    bindings = _write(tmp_path, sources)
    con = duckdb_job.connect(threads=2)
    try:
        job = duckdb_job.plan_job(con, config, bindings, DuckEvalContext(today=TODAY))
        cols = ", ".join(ident(c) for c in job.out_columns)
        fetched = con.execute(
            f"SELECT {cols}, {ident(DUCK_ROW)} FROM {job.table.from_sql} AS _t ORDER BY {ident(DUCK_ROW)}"
        ).fetchall()
        # Every column's SQL type is the layout its declared kinds give.
        described = con.execute(f"DESCRIBE SELECT * FROM {job.table.from_sql} AS _t").fetchall()
        types = {str(r[0]): str(r[1]) for r in described}
        for c in job.table.columns:
            layout = job.table.val(c).layout
            want = {"number": "DOUBLE", "text": "VARCHAR", "logical": "BOOLEAN"}.get(layout, "STRUCT(")
            assert types[c].startswith(want), (c, layout, types[c])
        row_ids = [r[-1] for r in fetched]
        assert len(set(row_ids)) == len(row_ids), "__row must be unique"
        layouts = [job.table.val(c).layout for c in job.out_columns]
        rows = [[python_value(lay, v) for lay, v in zip(layouts, r[:-1], strict=True)] for r in fetched]
        pivots = {p.name: {"header": p.header, "rows": p.rows} for p in job.ctx.pivots}
        return Result(job.out_columns, rows, pivots, job.ctx.metrics)
    finally:
        con.close()


def run_spark(
    spark: SparkSession, tmp_path: Path, sources: dict[str, Source], steps: list[dict[str, Any]]
) -> Result:
    config = _config(sources, steps)
    bindings = _write(tmp_path, sources)
    job = plan_job(spark, config, bindings, EvalContext(today=TODAY))
    unordered = job.table.df.select(*[col(c) for c in job.out_columns], col(ROW))
    collected = sorted(unordered.collect(), key=lambda r: int(r[ROW]))
    rows = [[xv_to_json_value(r[c]) for c in job.out_columns] for r in collected]
    pivots: dict[str, Any] = {}
    for p in job.ctx.pivots:
        assert p.compute is not None
        header, prow = p.compute()
        pivots[p.name] = {"header": header, "rows": prow}
    return Result(job.out_columns, rows, pivots, [])


MIXED_KEYS = ["b", "10", "", "TRUE", "A", "-2", "#N/A", "a", "FALSE", "10", "#DIV/0!", "", "B", "1e1", "2.5"]


def _mixed_source() -> dict[str, Source]:
    rows = [[k, str(i + 1)] for i, k in enumerate(MIXED_KEYS)]
    return {"t": ([("Key", "mixed"), ("Seq", "number")], rows)}


# ---------------------------------------------------------------------------------------------
# Sort
# ---------------------------------------------------------------------------------------------


def test_sort_is_excel_order_stable_and_renumbers_rows(tmp_path: Path) -> None:
    got = run_duckdb(tmp_path, _mixed_source(), [{"op": "sort", "keys": [{"column": "Key"}]}])
    assert got.column("Key") == [
        -2, 2.5, 10, 10, 10, "A", "a", "b", "B", False, True,
        {"error": "#N/A"}, {"error": "#DIV/0!"}, None, None,
    ]  # fmt: skip
    # Ties (10, "10", 1e1; "A"/"a"; "b"/"B"; the errors; the blanks) keep their order.
    assert got.column("Seq") == [6, 15, 2, 10, 14, 5, 8, 1, 13, 9, 4, 7, 11, 3, 12]


def test_sort_descending_keeps_blanks_last_and_the_next_steps_see_the_sorted_order(tmp_path: Path) -> None:
    steps: list[dict[str, Any]] = [
        {"op": "sort", "keys": [{"column": "Key", "descending": True}]},
        # Keep first: the first in the sorted order, not in the file.
        {"op": "removeDuplicates", "columns": ["Key"]},
    ]
    got = run_duckdb(tmp_path, _mixed_source(), steps)
    assert got.column("Key") == [
        {"error": "#N/A"},
        {"error": "#DIV/0!"},
        True,
        False,
        "b",
        "A",
        10,
        2.5,
        -2,
        None,
    ]
    assert got.column("Seq") == [7, 11, 4, 9, 1, 5, 2, 15, 6, 3]


def test_sort_match_case_puts_lower_case_first(tmp_path: Path) -> None:
    rows = [["B", "1"], ["a", "2"], ["b", "3"], ["A", "4"], ["", "5"]]
    source = {"t": ([("Name", "text"), ("Seq", "number")], rows)}
    got = run_duckdb(tmp_path, source, [{"op": "sort", "keys": [{"column": "Name"}], "matchCase": True}])
    assert got.column("Name") == ["a", "A", "b", "B", None]


def test_two_sorts_are_stable_over_each_other(tmp_path: Path) -> None:
    rows = [["x", "2", "1"], ["y", "1", "2"], ["x", "1", "3"], ["y", "2", "4"], ["X", "1", "5"]]
    source = {"t": ([("K", "text"), ("N", "number"), ("Seq", "number")], rows)}
    steps = [{"op": "sort", "keys": [{"column": "N"}]}, {"op": "sort", "keys": [{"column": "K"}]}]
    assert run_duckdb(tmp_path, source, steps).column("Seq") == [3, 5, 1, 2, 4]


# ---------------------------------------------------------------------------------------------
# Remove duplicates
# ---------------------------------------------------------------------------------------------


def test_remove_duplicates_keeps_the_first_and_counts_rows(tmp_path: Path) -> None:
    # 100 entries, every tenth one repeated with another case: 110 lines, 100 kept.
    rows = [[f"JE-{i}", str(i)] for i in range(100)]
    rows += [[f"je-{i}", str(1000 + i)] for i in range(0, 100, 10)]
    source = {"ledger": ([("EntryId", "text"), ("Amount", "number")], rows)}
    got = run_duckdb(tmp_path, source, [{"op": "removeDuplicates", "columns": ["EntryId"]}])
    assert got.metrics[0].rows_in == 110 and got.metrics[0].rows_out == 100
    assert got.column("Amount") == list(range(100))


def test_remove_duplicates_compares_as_excel(tmp_path: Path) -> None:
    # Numbers on 15 digits (1 = 1.0 = 1e0), "a" = "A", TRUE ≠ "TRUE" text? (mixed reads TRUE as a
    # logical), errors by code, blanks equal each other; 1 ≠ " 1" (text, not trimmed).
    keys = ["1", "1.0", "a", "A", "TRUE", "true", "#N/A", "#n/a", "", "", "0.1", "0.10000000000000001", " a"]
    source = {"t": ([("K", "mixed"), ("Seq", "number")], [[k, str(i)] for i, k in enumerate(keys)])}
    got = run_duckdb(tmp_path, source, [{"op": "removeDuplicates", "columns": ["K"]}])
    assert got.column("Seq") == [0, 2, 4, 6, 8, 10, 12]


def test_remove_duplicates_on_several_columns(tmp_path: Path) -> None:
    rows = [["a", "1"], ["A", "2"], ["a", "1"], ["", "1"], ["", ""], ["", ""]]
    source = {"t": ([("K", "text"), ("N", "number")], rows)}
    got = run_duckdb(tmp_path, source, [{"op": "removeDuplicates", "columns": ["K", "N"]}])
    assert got.rows == [["a", 1], ["A", 2], [None, 1], [None, None]]


# ---------------------------------------------------------------------------------------------
# Filter
# ---------------------------------------------------------------------------------------------


def _filter(tmp_path: Path, source: dict[str, Source], *conditions: dict[str, Any]) -> Result:
    return run_duckdb(tmp_path, source, [{"op": "filter", "conditions": list(conditions)}])


def test_filter_values_match_numbers_text_logicals_errors_and_blanks(tmp_path: Path) -> None:
    got = _filter(
        tmp_path,
        _mixed_source(),
        {"column": "Key", "filterOn": "values", "values": ["A", 10, "2.5", True, "#n/a"], "blanks": True},
    )
    # "A" matches "A" and "a"; 10 matches 10 and 1e1; the text item "2.5" matches the number as
    # the filter list shows it; TRUE the logical; "#n/a" the error; (Blanks) the blanks.
    assert got.column("Seq") == [2, 3, 4, 5, 7, 8, 10, 12, 14, 15]


def test_filter_values_on_a_number_column(tmp_path: Path) -> None:
    rows = [["1", "1"], ["0.3", "2"], ["", "3"], ["2", "4"], ["x", "5"]]
    source = {"t": ([("N", "number"), ("Seq", "number")], rows)}
    # 0.1+0.2 is not 0.3 in binary, but Excel shows and compares 15 digits.
    got = _filter(
        tmp_path, source, {"column": "N", "filterOn": "values", "values": [0.30000000000000004, "2"]}
    )
    assert got.column("Seq") == [2, 4]
    assert _filter(tmp_path, source, {"column": "N", "filterOn": "values", "values": []}).rows == []


def test_filter_custom_criteria(tmp_path: Path) -> None:
    names = ["Ann", "anne", "Bob", "a*b", "axb", "100", "", "Zed", "B?", "Bx"]
    source = {"t": ([("Name", "text"), ("Seq", "number")], [[n, str(i)] for i, n in enumerate(names)])}

    def seqs(c1: str, c2: str | None = None, operator: str = "and") -> list[Any]:
        cond: dict[str, Any] = {"column": "Name", "filterOn": "custom", "criterion1": c1}
        if c2 is not None:
            cond.update(criterion2=c2, operator=operator)
        return _filter(tmp_path, source, cond).column("Seq")

    assert seqs("=ann*") == [0, 1]  # wildcard, case-insensitive
    assert seqs("a~*b") == [3]  # ~ escapes a wildcard
    assert seqs("a*b") == [3, 4]
    assert seqs("B~?") == [8]
    assert seqs("<>a*") == [2, 5, 6, 7, 8, 9]  # <> with wildcards keeps blanks
    assert seqs("=") == [6]  # blank only
    assert seqs("<>") == [0, 1, 2, 3, 4, 5, 7, 8, 9]
    assert seqs("=100") == [5]  # text that reads as the number
    assert seqs(">b") == [2, 7, 8, 9]  # text with text, case-insensitive ("bob" > "b")
    assert seqs(">=b", "<c") == [2, 8, 9]
    assert seqs("=Ann", "=Zed", "or") == [0, 7]
    assert seqs(">50") == []  # a number criterion never matches text


def test_filter_custom_criteria_on_numbers_and_dates(tmp_path: Path) -> None:
    rows = [["10", "2024-01-15", "1"], ["-5", "2023-12-31", "2"], ["", "", "3"], ["250", "2024-03-01", "4"]]
    source = {"t": ([("N", "number"), ("D", "date"), ("Seq", "number")], rows)}
    not_ten = _filter(tmp_path, source, {"column": "N", "filterOn": "custom", "criterion1": "<>10"})
    assert not_ten.column("Seq") == [2, 3, 4]  # <> keeps blanks
    by_date = _filter(tmp_path, source, {"column": "D", "filterOn": "custom", "criterion1": ">=2024-01-01"})
    assert by_date.column("Seq") == [1, 4]
    text_vs_number = _filter(tmp_path, source, {"column": "N", "filterOn": "custom", "criterion1": ">a"})
    assert text_vs_number.rows == []


def test_filter_top_bottom_and_average(tmp_path: Path) -> None:
    amounts = ["5", "1", "5", "", "3", "x", "9", "2", "5", "7"]
    source = {"t": ([("A", "mixed"), ("Seq", "number")], [[a, str(i)] for i, a in enumerate(amounts)])}

    def seqs(kind: str, count: float | None = None) -> list[Any]:
        cond: dict[str, Any] = {"column": "A", "filterOn": kind}
        if count is not None:
            cond["count"] = count
        return _filter(tmp_path, source, cond).column("Seq")

    # Numbers 5 1 5 3 9 2 5 7 (8 of them; text and blanks never pass).
    assert seqs("topItems", 3) == [0, 2, 6, 8, 9]  # ties with the 3rd largest (5) are kept
    assert seqs("bottomItems", 2) == [1, 7]
    assert seqs("topItems", 100) == [0, 1, 2, 4, 6, 7, 8, 9]
    assert seqs("topPercent", 25) == [6, 9]  # floor(8 * 25%) = 2 numbers
    assert seqs("bottomPercent", 1) == [1]  # at least one
    assert seqs("topPercent", 75) == [0, 2, 4, 6, 8, 9]  # 6 numbers: down to 3
    assert seqs("bottomPercent", 75) == [0, 1, 2, 4, 7, 8]  # 6 numbers: up to 5 (ties kept)
    assert seqs("topPercent", 200) == [0, 1, 2, 4, 6, 7, 8, 9]
    assert seqs("aboveAverage") == [0, 2, 6, 8, 9]  # average 37/8 = 4.625
    assert seqs("belowAverage") == [1, 4, 7]


def test_filter_thresholds_are_over_the_steps_input_and_conditions_are_anded(tmp_path: Path) -> None:
    rows = [["e", "10"], ["w", "20"], ["e", "30"], ["w", "40"]]
    source = {"t": ([("R", "text"), ("A", "number")], rows)}
    got = _filter(
        tmp_path,
        source,
        {"column": "R", "filterOn": "values", "values": ["E"]},
        {"column": "A", "filterOn": "aboveAverage"},
    )
    assert got.rows == [["e", 30]]  # average of all four (25), not of the "e" rows
    none = _filter(tmp_path, source, {"column": "R", "filterOn": "topItems", "count": 1})
    assert none.rows == []  # no numbers: nothing is in the top
    assert none.metrics[0].rows_in == 4 and none.metrics[0].rows_out == 0


# ---------------------------------------------------------------------------------------------
# Group
# ---------------------------------------------------------------------------------------------


def test_group_aggregates_as_excel(tmp_path: Path) -> None:
    rows = [
        ["West", "5"],
        ["east", "3"],
        ["East", "n/a"],
        ["West", "#DIV/0!"],
        ["", "1"],
        ["east", "4"],
        ["WEST", "#N/A"],
        ["", ""],
    ]
    source = {"t": ([("Region", "text"), ("Amount", "mixed")], rows)}
    functions = [
        "sum", "count", "countNumbers", "countRows", "average", "max", "min", "product",
        "standardDeviation", "standardDeviationP", "variance", "varianceP", "first", "last",
    ]  # fmt: skip
    aggregates = [{"column": "Amount", "function": f, "as": f} for f in functions]
    got = run_duckdb(tmp_path, source, [{"op": "group", "by": ["Region"], "aggregates": aggregates}])
    assert got.columns == ["Region", *functions]
    div0 = {"error": "#DIV/0!"}
    assert got.rows[0] == [
        "West",
        div0,
        3,
        1,
        3,
        div0,
        div0,
        div0,
        div0,
        div0,
        div0,
        div0,
        div0,
        5,
        {"error": "#N/A"},
    ]
    east = got.rows[1]
    assert east[:9] == ["east", 7, 3, 2, 3, 3.5, 4, 3, 12]
    assert same_value(east[9:13], [0.7071067811865476, 0.5, 0.5, 0.25])
    assert east[13:] == [3, 4]
    # The blank group: SUM of one number; its last cell is blank.
    assert got.rows[2] == [None, 1, 1, 1, 2, 1, 1, 1, 1, div0, 0, div0, 0, 1, None]


def test_group_without_keys_is_one_row(tmp_path: Path) -> None:
    source = {"t": ([("A", "number")], [["1"], ["2"], [""]])}
    steps = [{"op": "group", "by": [], "aggregates": [{"column": "A", "function": "sum", "as": "Total"}]}]
    assert run_duckdb(tmp_path, source, steps).rows == [[3]]


# ---------------------------------------------------------------------------------------------
# Pivot
# ---------------------------------------------------------------------------------------------

SALES: dict[str, Source] = {
    "sales": (
        [("Region", "text"), ("Year", "number"), ("Amount", "number"), ("Note", "mixed")],
        [
            ["East", "2023", "10", "ok"],
            ["West", "2024", "20", ""],
            ["east", "2024", "5", "1"],
            ["West", "2024", "1", "#N/A"],
            ["", "2023", "2", "x"],
            ["North", "", "", "TRUE"],
        ],
    )
}


def test_pivot_defaults_captions_and_leaves_the_rows_alone(tmp_path: Path) -> None:
    steps = [
        {"op": "pivot", "name": "P", "rows": ["Region"], "values": [{"column": "Amount"}, {"column": "Note"}]}
    ]
    got = run_duckdb(tmp_path, SALES, steps)
    assert len(got.rows) == 6 and got.columns == ["Region", "Year", "Amount", "Note"]
    assert got.pivots["P"] == {
        "header": ["Region", "Count of Amount", "Count of Note"],
        "rows": [
            ["East", 2, 2],
            ["North", None, 1],
            ["West", 2, 1],
            ["(blank)", 1, 1],
            ["Grand Total", 5, 5],
        ],
    }


def test_pivot_with_column_fields_several_values_and_filters(tmp_path: Path) -> None:
    rows = [[r[0].capitalize(), *r[1:]] for r in SALES["sales"][1] if r[2]]  # no "east" next to "East"
    numbers: dict[str, Source] = {"sales": (SALES["sales"][0], rows)}
    steps = [
        {
            "op": "pivot",
            "name": "P",
            "rows": ["Region"],
            "columns": ["Year"],
            "values": [{"column": "Amount"}, {"column": "Amount", "summarizeBy": "average", "name": "Mean"}],
            "filters": [{"column": "Region", "values": ["EAST", "West"]}],
        }
    ]
    got = run_duckdb(tmp_path, numbers, steps)
    assert got.pivots["P"] == {
        "header": ["Region", "2023 - Sum of Amount", "2023 - Mean", "2024 - Sum of Amount", "2024 - Mean",
                   "Total Sum of Amount", "Total Mean"],
        "rows": [
            ["East", 10, 10, 5, 5, 15, 7.5],
            ["West", None, None, 21, 10.5, 21, 10.5],
            ["Grand Total", 10, 10, 26, 26 / 3, 36, 9],
        ],
    }  # fmt: skip


def test_pivot_items_differing_in_case_are_one_item_shown_as_first_seen(tmp_path: Path) -> None:
    # "East" (2023) and "east" (2024) fall in different cells: still one row item, "East".
    value = {"column": "Amount", "summarizeBy": "sum"}
    steps = [{"op": "pivot", "name": "P", "rows": ["Region"], "columns": ["Year"], "values": [value]}]
    got = run_duckdb(tmp_path, SALES, steps)
    assert got.pivots["P"] == {
        "header": ["Region", 2023, 2024, "(blank)", "Grand Total"],
        "rows": [
            ["East", 10, 5, None, 15],
            ["North", None, None, None, None],
            ["West", None, 21, None, 21],
            ["(blank)", 2, None, None, 2],
            ["Grand Total", 12, 26, None, 38],
        ],
    }


def test_pivot_logical_items_are_not_numbers(tmp_path: Path) -> None:
    # TRUE and 1 (FALSE and 0) are different items, whatever order the cells are fetched in.
    rows = [["1", "10"], ["TRUE", "20"], ["0", "1"], ["FALSE", "2"], ["1", "100"]]
    source = {"t": ([("K", "mixed"), ("A", "number")], rows)}
    steps = [{"op": "pivot", "name": "P", "rows": ["K"], "values": [{"column": "A"}]}]
    got = run_duckdb(tmp_path, source, steps)
    assert got.pivots["P"]["rows"] == [[0, 1], [1, 110], [False, 2], [True, 20], ["Grand Total", 133]]
    assert [type(r[0]) for r in got.pivots["P"]["rows"][:4]] == [int, int, bool, bool]


def test_pivot_errors_and_grand_totals_off(tmp_path: Path) -> None:
    steps = [
        {
            "op": "pivot",
            "name": "P",
            "rows": ["Year"],
            "values": [
                {"column": "Note", "summarizeBy": "sum"},
                {"column": "Note", "summarizeBy": "countNumbers"},
            ],
            "grandTotals": {"rows": False},
        }
    ]
    got = run_duckdb(tmp_path, SALES, steps)
    assert got.pivots["P"] == {
        "header": ["Year", "Sum of Note", "Count of Note"],
        "rows": [[2023, None, None], [2024, {"error": "#N/A"}, 1], ["(blank)", None, None]],
    }


# ---------------------------------------------------------------------------------------------
# Append
# ---------------------------------------------------------------------------------------------


def test_append_unions_by_name_with_blanks_and_rows_after(tmp_path: Path) -> None:
    sources: dict[str, Source] = {
        "jan": ([("Account", "text"), ("Amount", "number")], [["1000", "10"], ["2000", "x"]]),
        "feb": ([("Amount", "text"), ("Memo", "text"), ("Account", "text")], [["30", "late", "1000"]]),
        "mar": ([("Flag", "logical"), ("Account", "text")], [["TRUE", "3000"], ["", "3001"]]),
    }
    steps = [{"op": "append", "sources": ["feb"]}, {"op": "append", "sources": ["mar", "feb"]}]
    got = run_duckdb(tmp_path, sources, steps, main="jan")
    assert got.columns == ["Account", "Amount", "Memo", "Flag"]
    assert got.rows == [
        ["1000", 10, None, None],
        ["2000", {"error": "#VALUE!"}, None, None],
        ["1000", "30", "late", None],  # feb's Amount is text
        ["3000", None, None, True],
        ["3001", None, None, None],
        ["1000", "30", "late", None],
    ]
    assert got.metrics[0].rows_out == 3 and got.metrics[1].rows_out == 6


def test_append_then_sort_and_dedupe_see_the_appended_order(tmp_path: Path) -> None:
    sources: dict[str, Source] = {
        "a": ([("K", "text"), ("N", "number")], [["x", "1"], ["y", "2"]]),
        "b": ([("K", "text"), ("N", "number")], [["X", "3"], ["z", "4"]]),
    }
    steps: list[dict[str, Any]] = [
        {"op": "append", "sources": ["b"]},
        {"op": "removeDuplicates", "columns": ["K"]},
        {"op": "sort", "keys": [{"column": "N"}]},
    ]
    assert run_duckdb(tmp_path, sources, steps).rows == [["x", 1], ["y", 2], ["z", 4]]


# ---------------------------------------------------------------------------------------------
# The example job (test_job.py's end-to-end assertions about the row ops)
# ---------------------------------------------------------------------------------------------

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_reconcile_example_row_ops() -> None:
    config = json.loads((EXAMPLES / "reconcile.config.json").read_text(encoding="utf-8"))
    data = EXAMPLES / "data"
    bindings = {n: [str(data / f"{n}.csv")] for n in ("ledger", "accounts", "fx_rates")}
    con = duckdb_job.connect(threads=2)
    try:
        job = duckdb_job.plan_job(con, config, bindings, DuckEvalContext(today=dt.date(2024, 4, 2)))
        steps = {m.step["id"]: m for m in job.ctx.metrics}
        # 1,000 lines, 20 repeated entry ids removed.
        assert steps["dedupe"].rows_in == 1000 and steps["dedupe"].rows_out == 980
        unmatched = steps["account-type"].extra["unmatched"]
        assert unmatched == steps["account-name"].extra["unmatched"] > 0
        # Unknown accounts (#N/A type) and Equity lines are filtered out.
        assert steps["keep-types"].rows_in == 980
        kept = steps["keep-types"].rows_out
        assert kept is not None and kept < 980 - unmatched
        assert steps["by-date"].rows_in == steps["by-date"].rows_out == steps["pivot"].rows_out == kept
        dates = [
            r[0]
            for r in con.execute(
                f"SELECT {ident('Date')} FROM {job.table.from_sql} AS _t ORDER BY {ident(DUCK_ROW)} LIMIT 20"
            ).fetchall()
        ]
        assert len(dates) == 20 and dates == sorted(dates)  # sorted by date
        (pivot,) = job.ctx.pivots
        assert pivot.name == "By type and period" and pivot.rows[-1][0] == "Grand Total"
        assert pivot.rows[-1][-1] == kept  # a count: Amount USD holds #N/A where no rate was found
    finally:
        con.close()


# ---------------------------------------------------------------------------------------------
# Both engines agree
# ---------------------------------------------------------------------------------------------

AGREE: dict[str, list[dict[str, Any]]] = {
    "sort": [{"op": "sort", "keys": [{"column": "M"}, {"column": "N", "descending": True}]}],
    "dedupe": [{"op": "removeDuplicates", "columns": ["M", "T"]}],
    "filter": [
        {
            "op": "filter",
            "conditions": [
                {
                    "column": "T",
                    "filterOn": "custom",
                    "criterion1": "<>b*",
                    "criterion2": "=",
                    "operator": "or",
                },
                {"column": "N", "filterOn": "topPercent", "count": 60},
                {"column": "M", "filterOn": "values", "values": ["a", 1, True, "#N/A"], "blanks": True},
            ],
        }
    ],
    "group": [
        {
            "op": "group",
            "by": ["T"],
            "aggregates": [
                {"column": "M", "function": f, "as": f}
                for f in ("sum", "count", "average", "max", "product", "variance", "first", "last")
            ],
        }
    ],
    # Pivot fields without both TRUE and 1 (see test_pivot_logical_items_are_not_numbers).
    "pivot": [
        {
            "op": "pivot",
            "name": "P1",
            "rows": ["T"],
            "columns": ["N"],
            "values": [{"column": "M"}],
        },
        {
            "op": "pivot",
            "name": "P2",
            "rows": ["N", "T"],
            "values": [
                {"column": "M", "summarizeBy": "sum"},
                {"column": "N", "summarizeBy": "standardDeviation"},
            ],
        },
        {"op": "pivot", "name": "P3", "rows": [], "values": [{"column": "N", "summarizeBy": "max"}]},
    ],
    "append": [{"op": "append", "sources": ["other"]}],
}


@pytest.fixture(scope="module")
def small_spark(spark: SparkSession) -> Iterator[SparkSession]:
    """The shared session with adaptive execution off (as for the golden cases: tiny inputs)."""
    before = spark.conf.get("spark.sql.adaptive.enabled")
    spark.conf.set("spark.sql.adaptive.enabled", "false")
    yield spark
    spark.conf.set("spark.sql.adaptive.enabled", before or "true")


@pytest.mark.parametrize("name", sorted(AGREE))
def test_both_engines_agree(small_spark: SparkSession, tmp_path: Path, name: str) -> None:
    spark = small_spark
    mixed = ["1", "a", "A", "", "TRUE", "#N/A", "2.5", "b", "1.0", "#DIV/0!", "FALSE", "", "-3"]
    texts = ["a", "B", "b", "", "ab", "c"]
    rows = [
        [mixed[i % len(mixed)], texts[(i * 5) % len(texts)], str((i * 7) % 11) if i % 4 else ""]
        for i in range(40)
    ]
    sources: dict[str, Source] = {
        "t": ([("M", "mixed"), ("T", "text"), ("N", "number")], rows),
        "other": ([("T", "text"), ("X", "number")], [["z", "1"], ["A", "2"]]),
    }
    if name == "pivot":
        # Items differing only in case across cells are one item on DuckDB, two on Spark (the
        # Spark lowering labels items per cell): keep them out of the comparison.
        rows = [[m, t.lower(), n] for m, t, n in rows]
        sources["t"] = (sources["t"][0], rows)
    (tmp_path / "d").mkdir()
    (tmp_path / "s").mkdir()
    duck = run_duckdb(tmp_path / "d", sources, AGREE[name])
    spark_result = run_spark(spark, tmp_path / "s", sources, AGREE[name])
    assert duck.columns == spark_result.columns
    assert len(duck.rows) == len(spark_result.rows), (duck.rows, spark_result.rows)
    for d, s in zip(duck.rows, spark_result.rows, strict=True):
        assert same_value(d, s), f"duckdb {d} spark {s}"
    assert sorted(duck.pivots) == sorted(spark_result.pivots)
    for pname, want in spark_result.pivots.items():
        got = duck.pivots[pname]
        assert same_value(got["header"], want["header"]), (got["header"], want["header"])
        assert len(got["rows"]) == len(want["rows"]), json.dumps([got["rows"], want["rows"]])
        for g, w in zip(got["rows"], want["rows"], strict=True):
            assert same_value(g, w), f"{pname}: duckdb {g} spark {w}"
