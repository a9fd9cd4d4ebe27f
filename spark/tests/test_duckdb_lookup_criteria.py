"""Lookups and Excel's criteria language on the DuckDB lowering: the behaviours test_criteria.py,
test_ops_large_sources.py and test_plan_shape.py check on Spark (same examples, same expected
values), plus the lookup rules of docs/excel-semantics.md (first match, duplicate keys counted,
case-insensitive, no trim, no coercion, wildcards, approximate match, unmatched counts)."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest

from sheetscale_engine.config import validate_config
from sheetscale_engine.duckdb import criteria as C  # noqa: N812
from sheetscale_engine.duckdb import job as duckdb_job
from sheetscale_engine.duckdb import plan as duckdb_plan
from sheetscale_engine.duckdb import values as V  # noqa: N812
from sheetscale_engine.duckdb.compile import EvalContext
from sheetscale_engine.duckdb.table import ROW, StepMetrics, Table
from tests.duckdb_support import connection, rows_relation
from tests.excel_formula import parse
from tests.test_golden import CASES, run_case_duckdb, same_value

NA = {"error": "#N/A"}
ONE_ROW = CASES / "op-vlookup-columns-of-one-row"

# ---------------------------------------------------------------------------------------------
# Running configs on small CSV inputs
# ---------------------------------------------------------------------------------------------

Columns = list[tuple[str, str]]  # (name, type)
Rows = Sequence[Sequence[Any]]
Input = tuple[Columns, Rows]


@dataclass
class Run:
    rows: list[dict[str, Any]]
    metrics: dict[str, StepMetrics]
    table: Table


def _write_csv(path: Path, columns: Columns, rows: Rows) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow([name for name, _ in columns])
        for r in rows:
            w.writerow(["" if v is None else v for v in r])


def _lookup(
    id_: str,
    column: str,
    key: str,
    lookup_in: tuple[str, str, str | None],
    match: str,
    **extra: Any,
) -> dict[str, Any]:
    """A lookup of ``key`` in ``lookup_in`` = (source, key column, return column or None for MATCH)."""
    source, key_column, return_column = lookup_in
    step: dict[str, Any] = {
        "op": "lookup",
        "id": id_,
        "provenance": {"sheet": "Sheet1", "cell": "C2"},
        "column": column,
        "function": "MATCH" if return_column is None else "XLOOKUP",
        "key": parse(key),
        "source": source,
        "keyColumn": key_column,
        "match": match,
        **extra,
    }
    if return_column is not None:
        step["returnColumn"] = return_column
    return step


def _aggregate(
    id_: str,
    column: str,
    function: str,
    source: str,
    criteria: list[tuple[str, str]],
    *,
    value_column: str | None = None,
) -> dict[str, Any]:
    step: dict[str, Any] = {
        "op": "conditionalAggregate",
        "id": id_,
        "provenance": {"sheet": "Sheet1", "cell": "C2"},
        "column": column,
        "function": function,
        "source": source,
        "criteria": [{"column": c, "criterion": parse(e)} for c, e in criteria],
    }
    if value_column is not None:
        step["valueColumn"] = value_column
    return step


def run_config(
    tmp_path: Path,
    sources: dict[str, Input],
    main: str,
    steps: list[dict[str, Any]],
) -> Run:
    config: dict[str, Any] = {
        "version": 1,
        "main": main,
        "sources": [
            {"name": n, "format": {"type": "csv"}, "columns": [{"name": c, "type": t} for c, t in cols]}
            for n, (cols, _) in sources.items()
        ],
        "steps": steps,
        "output": {},
    }
    issues = validate_config(config)
    assert not issues, [str(i) for i in issues]
    bindings = {}
    for name, (cols, rows) in sources.items():
        path = tmp_path / f"{name}.csv"
        _write_csv(path, cols, rows)
        bindings[name] = [str(path)]
    con = duckdb_job.connect(threads=2)
    try:
        job = duckdb_job.plan_job(con, config, bindings, EvalContext(today=dt.date(2024, 1, 15)))
        names = job.out_columns
        cols_sql = ", ".join(V.ident(c) for c in names)
        fetched = con.execute(
            f"SELECT {cols_sql} FROM {job.table.from_sql} AS _t ORDER BY {V.ident(ROW)}"
        ).fetchall()
        layouts = [job.table.val(c).layout for c in names]
        out = [
            {c: V.python_value(layout, v) for c, layout, v in zip(names, layouts, r, strict=True)}
            for r in fetched
        ]
        return Run(out, {m.step["id"]: m for m in job.ctx.metrics}, job.table)
    finally:
        con.close()


def column(run: Run, name: str) -> list[Any]:
    return [r[name] for r in run.rows]


def assert_values(got: list[Any], want: list[Any]) -> None:
    assert len(got) == len(want), got
    for g, w in zip(got, want, strict=True):
        assert same_value(g, w), f"got {got}, expected {want}"


# ---------------------------------------------------------------------------------------------
# Exact lookups
# ---------------------------------------------------------------------------------------------


def test_exact_match_first_row_case_insensitive_no_trim_duplicates_counted(tmp_path: Path) -> None:
    ref: Input = (
        [("Key", "text"), ("Price", "number")],
        [["apple", 1], ["Banana", 2], ["APPLE", 3], ["cherry", 4], ["banana", 5], [" kiwi", 6]],
    )
    main: Input = (
        [("Fruit", "text"), ("Id", "number")],
        [[f, i] for i, f in enumerate(["Apple", "BANANA", "kiwi", "cherry", "grape", None])],
    )
    run = run_config(
        tmp_path,
        {"q": main, "ref": ref},
        "q",
        [
            _lookup("first", "First", "[Fruit]", ("ref", "Key", "Price"), "wildcard"),
            _lookup("last", "Last", "[Fruit]", ("ref", "Key", "Price"), "exact", search="lastToFirst"),
        ],
    )
    # VLOOKUP(...,FALSE) returns the first matching row; " kiwi" is not "kiwi"; a blank finds nothing.
    assert_values(column(run, "First"), [1, 2, NA, 4, NA, NA])
    # XLOOKUP search_mode -1 returns the last.
    assert_values(column(run, "Last"), [3, 5, NA, 4, NA, NA])
    for step in ("first", "last"):
        m = run.metrics[step]
        assert m.extra["duplicateKeys"] == 2  # apple/APPLE, Banana/banana
        assert m.extra["unmatched"] == 3
        assert m.rows_in == m.rows_out == 6  # rows never multiply


def test_exact_match_does_not_coerce_and_compares_15_digits(tmp_path: Path) -> None:
    ref: Input = (
        [("N", "number"), ("T", "text"), ("Name", "text")],
        [[1, "2", "one"], [2, "1", "two"], [0.3, "x", "three tenths"]],
    )
    main: Input = ([("Num", "number"), ("Txt", "text")], [[1, "1"], [2, "2"], ["0.30000000000000004", "X"]])
    run = run_config(
        tmp_path,
        {"q": main, "ref": ref},
        "q",
        [
            _lookup("nn", "num in N", "[Num]", ("ref", "N", "Name"), "wildcard"),
            _lookup("nt", "num in T", "[Num]", ("ref", "T", "Name"), "wildcard"),
            _lookup("tn", "txt in N", "[Txt]", ("ref", "N", "Name"), "wildcard"),
            _lookup("tt", "txt in T", "[Txt]", ("ref", "T", "Name"), "wildcard"),
        ],
    )
    assert_values(column(run, "num in N"), ["one", "two", "three tenths"])
    assert_values(column(run, "num in T"), [NA, NA, NA])  # 1 never matches "1"
    assert_values(column(run, "txt in N"), [NA, NA, NA])
    assert_values(column(run, "txt in T"), ["two", "one", "three tenths"])


def test_wildcard_rows_and_escapes(tmp_path: Path) -> None:
    ref: Input = (
        [("Key", "mixed"), ("Value", "number")],
        [["Davis", 1], [123, 2], ["Fontana", 3], ["Fo*", 4], ["Leal", 5], ["a_b%c", 6]],
    )
    keys = ["Fo*", "F?ntana", "~*", "Fo~*", "d*", "*", "1*", "a?b%c", "A_B~%C", "FONTANA"]
    main: Input = ([("Name", "text")], [[k] for k in keys])
    run = run_config(
        tmp_path,
        {"q": main, "ref": ref},
        "q",
        [
            _lookup("wild", "Wildcard", "[Name]", ("ref", "Key", "Value"), "wildcard"),
            _lookup("exact", "Exact", "[Name]", ("ref", "Key", "Value"), "exact"),
            _lookup("pos", "Position", "[Name]", ("ref", "Key", None), "wildcard"),
            _lookup("last", "Last", "[Name]", ("ref", "Key", "Value"), "wildcard", search="lastToFirst"),
        ],
    )
    # "Fo*" is a pattern: the first text key it matches (Fontana), not the literal "Fo*" (row 4);
    # "~*" is a literal "*"; "1*" never matches the number 123 (wildcards match text only); LIKE's
    # own % and _ are ordinary characters.
    assert_values(column(run, "Wildcard"), [3, 3, NA, 4, 1, 1, NA, 6, NA, 3])
    assert_values(column(run, "Position"), [3, 3, NA, 4, 1, 1, NA, 6, NA, 3])
    assert_values(column(run, "Last"), [4, 3, NA, 4, 1, 6, NA, 6, NA, 3])
    # XLOOKUP's exact mode (match_mode 0) has no wildcards.
    assert_values(column(run, "Exact"), [4, NA, NA, NA, NA, NA, NA, NA, NA, 3])
    assert run.metrics["wild"].extra["unmatched"] == 3
    assert run.metrics["exact"].extra["unmatched"] == 8


def test_error_value_is_the_result_and_not_unmatched(tmp_path: Path) -> None:
    ref: Input = ([("Key", "text"), ("Value", "number")], [["a", 1], ["b", None]])
    main: Input = ([("K", "mixed")], [["a"], ["#DIV/0!"], ["zz"], ["b"]])
    run = run_config(
        tmp_path,
        {"q": main, "ref": ref},
        "q",
        [
            _lookup("v", "Value", "[K]", ("ref", "Key", "Value"), "wildcard"),
            _lookup("x", "Or", "[K]", ("ref", "Key", "Value"), "exact", ifNotFound=parse('"none"')),
        ],
    )
    # A returned empty cell shows 0, as any formula referring to it.
    assert_values(column(run, "Value"), [1, {"error": "#DIV/0!"}, NA, 0])
    assert_values(column(run, "Or"), [1, {"error": "#DIV/0!"}, "none", 0])
    assert run.metrics["v"].extra["unmatched"] == 1
    assert run.metrics["x"].extra["unmatched"] == 1


# ---------------------------------------------------------------------------------------------
# Approximate lookups
# ---------------------------------------------------------------------------------------------


def test_approximate_modes(tmp_path: Path) -> None:
    ref: Input = ([("K", "number"), ("V", "number")], [[10, 1], [20, 2], [20, 3], [30, 4]])
    main: Input = (
        [("X", "number"), ("Id", "number")],
        [[x, i] for i, x in enumerate([5, 10, 20, 25, 35, None])],
    )
    run = run_config(
        tmp_path,
        {"q": main, "ref": ref},
        "q",
        [
            _lookup("approx", "Approx", "[X]", ("ref", "K", "V"), "approximate"),
            _lookup("smaller", "Smaller", "[X]", ("ref", "K", "V"), "nextSmaller"),
            _lookup(
                "smaller_last", "Smaller last", "[X]", ("ref", "K", "V"), "nextSmaller", search="lastToFirst"
            ),
            _lookup("larger", "Larger", "[X]", ("ref", "K", "V"), "nextLarger", ifNotFound=parse('"above"')),
            _lookup("match1", "Match 1", "[X]", ("ref", "K", None), "approximate"),
        ],
    )
    # Below the smallest key: #N/A. Among equal keys VLOOKUP TRUE / MATCH 1 take the last,
    # XLOOKUP the first (the last with search_mode -1).
    assert_values(column(run, "Approx"), [NA, 1, 3, 3, 4, NA])
    assert_values(column(run, "Smaller"), [NA, 1, 2, 2, 4, NA])
    assert_values(column(run, "Smaller last"), [NA, 1, 3, 3, 4, NA])
    assert_values(column(run, "Larger"), [1, 1, 2, 4, "above", "above"])
    assert_values(column(run, "Match 1"), [NA, 1, 3, 3, 4, NA])
    assert run.metrics["approx"].extra["unmatched"] == 2
    assert run.metrics["larger"].extra["unmatched"] == 2


def test_approximate_compares_within_a_kind(tmp_path: Path) -> None:
    ref: Input = (
        [("K", "mixed"), ("V", "number")],
        [["apple", 1], [5, 2], ["Banana", 3], ["cherry", 4], [50, 5]],
    )
    main: Input = ([("X", "mixed")], [["blueberry"], ["Aardvark"], [7], ["zebra"], [1], [100]])
    run = run_config(
        tmp_path,
        {"q": main, "ref": ref},
        "q",
        [
            _lookup("approx", "Approx", "[X]", ("ref", "K", "V"), "approximate"),
            _lookup("desc", "Desc", "[X]", ("ref", "K", "V"), "approximateDescending"),
        ],
    )
    # Text with text (case-insensitive), numbers with numbers.
    assert_values(column(run, "Approx"), [3, NA, 2, 4, NA, 5])
    assert_values(column(run, "Desc"), [4, 1, 5, NA, 2, NA])


def _force_asof_operator(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """DuckDB answers an ASOF join against a few rows with a nested loop; force its ASOF operator
    (the one large sources get) and collect each step's plan."""
    plans: list[str] = []
    connect = duckdb_job.connect

    def forced(*args: Any, **kwargs: Any) -> duckdb.DuckDBPyConnection:
        con = connect(*args, **kwargs)
        con.execute("SET asof_loop_join_threshold = 0")
        return con

    measure: Callable[..., Table] = duckdb_plan._measure

    def spy(
        table: Table, metrics: list[StepMetrics], new_columns: list[str], ctx: Any, rows_in: int
    ) -> Table:
        plans.append(str(ctx.fetch(f"EXPLAIN SELECT * FROM {table.from_sql} AS _x")[0][1]))
        return measure(table, metrics, new_columns, ctx, rows_in)

    monkeypatch.setattr(duckdb_job, "connect", forced)
    monkeypatch.setattr(duckdb_plan, "_measure", spy)
    return plans


@pytest.mark.parametrize("name", ["op-vlookup-approximate", "op-xlookup-modes", "op-match-index"])
def test_asof_operator_path_gives_the_same_values(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    plans = _force_asof_operator(monkeypatch)
    case = CASES / name
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    _, rows, _ = run_case_duckdb(case, dt.date(2024, 1, 15))
    assert any("ASOF_JOIN" in p for p in plans)
    assert not any("CROSS_PRODUCT" in p for p in plans)
    assert len(rows) == len(expected["rows"])
    for got, want in zip(rows, expected["rows"], strict=True):
        assert same_value(got, want), f"{name}: got {got}, expected {want}"


# ---------------------------------------------------------------------------------------------
# Plan shape (test_plan_shape.py)
# ---------------------------------------------------------------------------------------------


def _join_count(monkeypatch: pytest.MonkeyPatch, config: dict[str, Any]) -> int:
    plans: list[str] = []
    measure = duckdb_plan._measure

    def spy(
        table: Table, metrics: list[StepMetrics], new_columns: list[str], ctx: Any, rows_in: int
    ) -> Table:
        plans.append(str(ctx.fetch(f"EXPLAIN SELECT * FROM {table.from_sql} AS _x")[0][1]))
        return measure(table, metrics, new_columns, ctx, rows_in)

    with monkeypatch.context() as m:
        m.setattr(duckdb_plan, "_measure", spy)
        bindings = {s["name"]: [str(ONE_ROW / "inputs" / f"{s['name']}.csv")] for s in config["sources"]}
        con = duckdb_job.connect(threads=2)
        try:
            duckdb_job.plan_job(con, config, bindings, EvalContext(today=dt.date(2024, 1, 15)))
        finally:
            con.close()
    return sum(len(re.findall(r"\b[A-Z_]*JOIN\b", p)) for p in plans)


def _lookups_only(config: dict[str, Any], ids: list[str]) -> dict[str, Any]:
    out = copy.deepcopy(config)
    out["steps"] = [s for s in out["steps"] if s["id"] in ids]
    return out


def test_lookups_of_one_row_share_one_join(monkeypatch: pytest.MonkeyPatch) -> None:
    config = json.loads((ONE_ROW / "config.json").read_text(encoding="utf-8"))
    one = _join_count(monkeypatch, _lookups_only(config, ["last"]))
    assert one >= 1
    assert _join_count(monkeypatch, _lookups_only(config, ["last", "first"])) == one


def test_lookups_of_different_values_are_not_fused(monkeypatch: pytest.MonkeyPatch) -> None:
    config = _lookups_only(
        json.loads((ONE_ROW / "config.json").read_text(encoding="utf-8")), ["last", "first"]
    )
    second = next(s for s in config["steps"] if s["id"] == "first")
    second["key"] = parse("[Id]+1")
    one = _join_count(monkeypatch, _lookups_only(config, ["last"]))
    assert _join_count(monkeypatch, config) == 2 * one


def test_column_kinds_flow_from_source_types_through_lookups(tmp_path: Path) -> None:
    config = _lookups_only(
        json.loads((ONE_ROW / "config.json").read_text(encoding="utf-8")), ["last", "first"]
    )
    bindings = {s["name"]: [str(ONE_ROW / "inputs" / f"{s['name']}.csv")] for s in config["sources"]}
    con = duckdb_job.connect(threads=2)
    try:
        table = duckdb_job.plan_job(con, config, bindings, EvalContext()).table
    finally:
        con.close()
    # A looked-up text column (a blank shows as 0) or #N/A.
    assert table.kinds["Last name"] == {V.TEXT, V.NUMBER, V.ERROR}
    # The join shuffled the rows; the step's materialization put them back in row order.
    assert table.ordered is True


# ---------------------------------------------------------------------------------------------
# The criteria language (test_criteria.py): both ways a criterion is tested
# ---------------------------------------------------------------------------------------------


def _literal(value: Any) -> V.Val:
    if isinstance(value, dict):
        return V.error(str(value["error"]))
    return V.literal(value)


def count_matches(cells: list[Any], crits: list[Any], mixed: bool) -> list[int]:
    """How many cells each criterion matches: as a constant criterion and as one known per row
    (a column of criteria taken apart by parts_relation); both must agree."""
    con = connection()
    relation, vals = rows_relation([{"v": c} for c in cells], mixed)
    cell = vals["v"]
    constant = []
    for crit in crits:
        parsed = C.constant_criterion(con, _literal(crit), "1900")
        test = C.matches_constant_sql(cell, parsed)
        constant.append(
            int(con.execute(f"SELECT count(*) FILTER (WHERE {test}) FROM {relation} AS _c").fetchall()[0][0])
        )
    crit_rel, crit_vals = rows_relation([{"crit": c} for c in crits], True)
    with_parts, (parts,) = C.parts_relation(crit_rel, [ROW, "crit"], [("__p", crit_vals["crit"])])
    test = C.matches_sql(cell, C.equality_key_sql(cell), parts)
    per_row = con.execute(
        f"SELECT _p.{V.ident(ROW)}, count(*) FILTER (WHERE {test}) FROM {with_parts} AS _p, {relation} AS _c "
        f"GROUP BY 1 ORDER BY 1"
    ).fetchall()
    assert [int(n) for _, n in per_row] == constant, (constant, per_row)
    return constant


@pytest.fixture(params=[False, True], ids=["typed", "mixed"])
def mixed(request: pytest.FixtureRequest) -> Iterator[bool]:
    yield bool(request.param)


def test_countif_documentation_examples(mixed: bool) -> None:
    fruit = ["apples", "oranges", "peaches", "apples"]
    crits: list[Any] = ["apples", "peaches", "*", "?????es", "APPLES", "<>apples"]
    assert count_matches(fruit, crits, mixed) == [2, 1, 4, 2, 2, 2]
    numbers = [32, 54, 75, 86]
    got = count_matches(numbers, [">55", "<>75", ">=32", ">85", 75, "75", "=75"], mixed)
    assert got == [2, 3, 4, 1, 1, 1, 1]  # doc: ">=32" minus ">85" = 3


def test_criteria_traps(mixed: bool) -> None:
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
        ">b",  # text comparison, case-insensitive: none
        "<b",  # text cells only: "100", "", "a*b", "axb", "Apple"
    ]
    assert count_matches(cells, crits, mixed) == [2, 2, 1, 9, 2, 1, 2, 1, 1, 1, 1, 0, 5]


def test_equality_key_and_operator_detection() -> None:
    con = connection()
    relation, vals = rows_relation([{"v": 1}, {"v": "1"}, {"v": ">1"}, {"v": "a*"}, {"v": "A"}], True)
    v = vals["v"]
    select = f"{C.equality_key_sql(v)}, {C.is_operator_criterion_sql(v)}"
    rows = con.execute(f"SELECT {select} FROM {relation} AS _r ORDER BY {V.ident(ROW)}").fetchall()
    assert rows[0][0] == rows[1][0]
    assert [r[1] for r in rows] == [False, False, True, True, False]


def test_wildcard_like_patterns() -> None:
    con = connection()
    cases = [
        ("a*b", "axxb", True),
        ("a?b", "ab", False),
        ("a~*b", "a*b", True),
        ("a~*b", "axb", False),
        ("a~~b", "a~b", True),
        ("100%", "100%", True),
        ("100%", "1000", False),
        ("a_b", "axb", False),
        ("a\\b*", "a\\bc", True),
        ("é?", "éx", True),
    ]
    for pattern, text, want in cases:
        sql = C.like_sql(V.sql_text(text), C.wildcard_like_sql(f"lower({V.sql_text(pattern)})"))
        assert con.execute(f"SELECT {sql}").fetchall()[0][0] is want, (pattern, text)


# ---------------------------------------------------------------------------------------------
# Conditional aggregates through the job
# ---------------------------------------------------------------------------------------------


def test_sumif_documentation_examples_with_per_row_criteria(tmp_path: Path) -> None:
    # SUMIF's examples with the criteria in a column of the main table instead of constants.
    prop: Input = (
        [("Value", "number"), ("Commission", "number")],
        [[100000, 7000], [200000, 14000], [300000, 21000], [400000, 28000]],
    )
    food: Input = (
        [("Category", "text"), ("Food", "text"), ("Sales", "number")],
        [
            ["Vegetables", "Tomatoes", 2300],
            ["Vegetables", "Celery", 5500],
            ["Fruits", "Oranges", 800],
            [None, "Butter", 400],
            ["Vegetables", "Carrots", 4200],
            ["Fruits", "Apples", 1200],
        ],
    )
    q: Input = (
        [("ValueCrit", "mixed"), ("FoodCrit", "text")],
        [[">160000", "Fruits"], [300000, "Vegetables"], ["300000", "fruits"]],
    )
    run = run_config(
        tmp_path,
        {"q": q, "property": prop, "food": food},
        "q",
        [
            _aggregate(
                "a", "Commission", "SUMIF", "property", [("Value", "[ValueCrit]")], value_column="Commission"
            ),
            _aggregate("b", "Sales", "SUMIF", "food", [("Category", "[FoodCrit]")], value_column="Sales"),
            _aggregate("c", "Ends in es", "SUMIF", "food", [("Food", '"*es"')], value_column="Sales"),
            _aggregate("d", "Count", "COUNTIFS", "food", [("Category", "[FoodCrit]"), ("Sales", '">1000"')]),
        ],
    )
    assert_values(column(run, "Commission"), [63000, 21000, 21000])
    assert_values(column(run, "Sales"), [2000, 12000, 2000])
    assert_values(column(run, "Ends in es"), [4300, 4300, 4300])
    assert_values(column(run, "Count"), [1, 3, 1])


def test_averageif_errors_and_empty_matches(tmp_path: Path) -> None:
    data: Input = (
        [("K", "text"), ("V", "mixed"), ("Day", "date")],
        [
            ["a", 1, "2024-01-10"],
            ["b", "#N/A", "2024-01-15"],
            ["a", 3, "2024-01-20"],
            ["b", "#DIV/0!", "2024-02-01"],
            ["c", "text", "2024-03-01"],
        ],
    )
    q: Input = ([("K", "text")], [["a"], ["b"], ["c"], ["zz"]])
    run = run_config(
        tmp_path,
        {"q": q, "data": data},
        "q",
        [
            _aggregate("avg", "Avg", "AVERAGEIF", "data", [("K", "[K]")], value_column="V"),
            _aggregate("sum", "Sum", "SUMIF", "data", [("K", "[K]")], value_column="V"),
            _aggregate("cnt", "Count", "COUNTIF", "data", [("K", "[K]")]),
            _aggregate("since", "Since", "COUNTIFS", "data", [("K", "[K]"), ("Day", '">=2024-01-15"')]),
            _aggregate(
                "ops",
                "Ops",
                "SUMIFS",
                "data",
                [("K", '"<>b"'), ("Day", '"<"&DATE(2024,2,1)')],
                value_column="V",
            ),
        ],
    )
    # The first error of the matched values (in source order) is the result; text is skipped;
    # no numbers: AVERAGEIF #DIV/0!, SUMIF 0.
    assert_values(column(run, "Avg"), [2, NA, {"error": "#DIV/0!"}, {"error": "#DIV/0!"}])
    assert_values(column(run, "Sum"), [4, NA, 0, 0])
    assert_values(column(run, "Count"), [2, 2, 1, 0])
    assert_values(column(run, "Since"), [1, 2, 1, 0])
    assert_values(column(run, "Ops"), [4, 4, 4, 4])


def test_per_row_operator_and_plain_criteria(tmp_path: Path) -> None:
    fruit: Input = (
        [("Fruit", "text"), ("Count", "number")],
        [["apples", 32], ["oranges", 54], ["peaches", 75], ["apples", 86]],
    )
    crits: list[Any] = [">55", "<>75", ">55", "apples", 32, "?????es", None]
    q: Input = ([("Crit", "mixed"), ("Id", "number")], [[c, i] for i, c in enumerate(crits)])
    run = run_config(
        tmp_path,
        {"q": q, "fruit": fruit},
        "q",
        [
            _aggregate("n", "By count", "COUNTIF", "fruit", [("Count", "[Crit]")]),
            _aggregate("f", "By fruit", "SUMIF", "fruit", [("Fruit", "[Crit]")], value_column="Count"),
        ],
    )
    assert_values(column(run, "By count"), [2, 3, 2, 0, 1, 0, 0])
    assert_values(column(run, "By fruit"), [0, 247, 0, 118, 0, 129, 0])
    # The join shuffled the rows; the step's materialization put them back in row order.
    assert run.table.ordered is True
