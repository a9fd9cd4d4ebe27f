"""The job entry point on the DuckDB engine, end to end and in process (no JVM): summary.json,
the result files, error.json, bad rows, every input format (tests/test_job.py for Spark)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
from pathlib import Path
from typing import Any

import duckdb
import pytest

from sheetscale_engine.duckdb import job as duckdb_job
from sheetscale_engine.job import main

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
DATA = EXAMPLES / "data"


def _run(
    tmp_path: Path,
    config: dict[str, Any] | Path,
    inputs: list[tuple[str, str]],
    *extra: str,
    capsys: pytest.CaptureFixture[str] | None = None,
) -> tuple[int, Path]:
    if isinstance(config, Path):
        cfg = config
    else:
        cfg = tmp_path / "config.json"
        cfg.write_text(json.dumps(config), encoding="utf-8")
    out = tmp_path / "out"
    argv = ["--config", str(cfg), "--output", str(out), "--engine", "duckdb", *extra]
    for name, uri in inputs:
        argv += ["--input", f"{name}={uri}"]
    return main(argv), out


def _summary(out: Path) -> dict[str, Any]:
    assert not (out / "error.json").exists(), (out / "error.json").read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    return loaded


def _error(out: Path) -> dict[str, Any]:
    assert not (out / "summary.json").exists()
    loaded: dict[str, Any] = json.loads((out / "error.json").read_text(encoding="utf-8"))
    return loaded


def _parquet(out: Path) -> tuple[list[tuple[str, str]], list[tuple[Any, ...]]]:
    """The result's (column, type) pairs and rows, in file order."""
    path = str(out / "result" / "part-00000.parquet")
    con = duckdb.connect()
    try:
        schema = [
            (str(r[0]), str(r[1]))
            for r in con.execute(f"DESCRIBE SELECT * FROM read_parquet('{path}')").fetchall()
        ]
        rows = con.execute(f"SELECT * FROM read_parquet('{path}')").fetchall()
    finally:
        con.close()
    return schema, rows


def _csv_rows(out: Path) -> list[list[str]]:
    text = (out / "result" / "part-00000.csv").read_text(encoding="utf-8")
    return list(csv.reader(io.StringIO(text, newline="")))


REC = ["ledger", "accounts", "fx_rates"]


def _example_inputs(**override: str) -> list[tuple[str, str]]:
    files = {
        "ledger": DATA / "ledger.csv",
        "accounts": DATA / "accounts.csv",
        "fx_rates": DATA / "fx_rates.csv",
    }
    return [(name, override.get(name, str(files[name]))) for name in REC]


# ------------------------------------------------------------------------------------------------
# The example
# ------------------------------------------------------------------------------------------------


def test_example_runs_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(
        tmp_path,
        EXAMPLES / "reconcile.config.json",
        [
            ("ledger", str(DATA / "ledger.csv")),
            ("accounts", str(DATA / "accounts.csv")),
            ("fx_rates", f"file://{DATA / 'fx_rates.csv'}"),
        ],
        "--today",
        "2024-04-02",
    )
    assert code == 0
    events = [json.loads(line) for line in capsys.readouterr().out.splitlines()]  # stdout: JSON lines only
    assert events[-1] == {"event": "done", "status": "succeeded"}
    phases = [e["phase"] for e in events if e["event"] == "progress"]
    assert set(phases) >= {"reading", "computing", "writing", "summarizing"}
    assert any(e.get("message", "").startswith("computed step") for e in events)  # per run of steps
    summary = _summary(out)
    assert summary["status"] == "succeeded" and summary["engine"] == "duckdb"
    assert (
        summary["engineVersion"] == duckdb.__version__
        and summary["engineReason"] == "asked for (--engine duckdb)"
    )
    assert summary["configHash"].startswith("sha256:") and summary["today"] == "2024-04-02"
    steps = {s["id"]: s for s in summary["steps"]}
    assert steps["dedupe"]["rowsIn"] == 1000 and steps["dedupe"]["rowsOut"] == 980
    assert steps["account-type"]["unmatched"] == steps["account-name"]["unmatched"] > 0
    assert steps["fx"]["unmatched"] > 0 and steps["fx"]["errors"] == {"Rate": steps["fx"]["unmatched"]}
    assert steps["keep-types"]["rowsIn"] == 980
    assert summary["rowCount"] == steps["keep-types"]["rowsOut"] < 980 - steps["account-type"]["unmatched"]
    assert summary["result"] == {
        **summary["result"],
        "format": "parquet",
        "path": "result",
        "rowCount": summary["rowCount"],
    }
    assert len(summary["firstRows"]) == 20
    names = [c["name"] for c in summary["columns"]]
    types = {c["name"]: c["type"] for c in summary["columns"]}
    assert types["Date"] == "date" and types["Amount"] == "number" and types["EntryId"] == "text"
    assert types["Amount USD"] == "mixed"  # numbers and #N/A
    dates = [row[names.index("Date")] for row in summary["firstRows"]]
    assert dates == sorted(dates)  # sorted by date
    assert summary["totals"]["Amount USD"] == {"error": "#N/A"}  # SUM over a column with #N/A is #N/A
    assert isinstance(summary["totals"]["Amount"], float)
    assert summary["pivots"][0]["name"] == "By type and period"
    assert summary["pivots"][0]["rows"][-1][0] == "Grand Total"
    assert summary["badRows"] == {"count": 0, "examples": []}
    assert set(summary["timings"]) == {
        "totalSeconds",
        "readSeconds",
        "computeSeconds",
        "writeSeconds",
        "summarySeconds",
    }

    # The Parquet result: columns of one kind typed, the others JSON text; rows as firstRows.
    schema, rows = _parquet(out)
    assert [n for n, _ in schema] == names and len(rows) == summary["rowCount"]
    encodings = summary["result"]["encodings"]
    sql_types = dict(schema)
    assert encodings["Amount"] == "double" and sql_types["Amount"] == "DOUBLE"
    assert encodings["EntryId"] == "string" and sql_types["EntryId"] == "VARCHAR"
    assert encodings["Amount USD"] == "json" and sql_types["Amount USD"] == "VARCHAR"
    decoded = [
        [json.loads(v) if encodings[n] == "json" else v for n, v in zip(names, r, strict=True)]
        for r in rows[:20]
    ]
    expected = [
        [
            float(v) if isinstance(v, int) and encodings[n] == "double" else v
            for n, v in zip(names, r, strict=True)
        ]
        for r in summary["firstRows"]
    ]
    assert decoded == expected
    # The spill folder is gone.
    assert not list(tmp_path.glob(".sheetscale-duckdb-spill-*"))


def test_failure_names_the_step_formula_and_cell(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The accounts file bound at run time lacks the column the VLOOKUP searches.
    bad_accounts = tmp_path / "accounts.csv"
    bad_accounts.write_text("Acct,Name,Type\n1000,Cash,Asset\n", encoding="utf-8")
    code, out = _run(
        tmp_path, EXAMPLES / "reconcile.config.json", _example_inputs(accounts=str(bad_accounts))
    )
    assert code == 1
    error = _error(out)
    assert error["status"] == "failed" and error["code"] == "CONFIG_INVALID"
    assert error["step"]["id"] == "account-name" and error["step"]["op"] == "lookup"
    assert error["step"]["provenance"]["cell"] == "H2"
    assert error["step"]["provenance"]["formula"] == "=VLOOKUP([@Account],Accounts!A:C,2,FALSE)"
    assert error["location"]["source"] == "accounts" and error["location"]["column"] == "Account"
    assert "Account" in error["message"] and error["hint"]
    assert error["startedAt"] <= error["failedAt"]
    assert json.loads(capsys.readouterr().out.splitlines()[-1]) == {"event": "done", "status": "failed"}


def test_missing_input_file_is_source_not_found(tmp_path: Path) -> None:
    code, out = _run(
        tmp_path, EXAMPLES / "reconcile.config.json", _example_inputs(ledger=str(tmp_path / "nope.csv"))
    )
    assert code == 1
    error = _error(out)
    assert error["code"] == "SOURCE_NOT_FOUND" and error["location"]["source"] == "ledger"
    assert "nope.csv" in error["message"] and error["hint"]


def test_unbound_source_is_source_not_found(tmp_path: Path) -> None:
    code, out = _run(tmp_path, EXAMPLES / "reconcile.config.json", _example_inputs()[:2])
    assert code == 1
    error = _error(out)
    assert error["code"] == "SOURCE_NOT_FOUND" and "fx_rates" in error["message"]


def test_invalid_config_is_config_invalid_naming_the_step(tmp_path: Path) -> None:
    config = _ledger_config("fail", {})
    config["steps"] = [
        {
            "op": "formula",
            "id": "double",
            "provenance": {"sheet": "Ledger", "cell": "C2", "formula": "=[@Amount]*2"},
            "column": "Double",
            "expr": {"kind": "binary", "op": "*", "left": {"kind": "column", "name": "Amount"}},
        }
    ]
    code, out = _run(tmp_path, config, [("ledger", str(_ledger_file(tmp_path)))])
    assert code == 1
    error = _error(out)
    assert error["code"] == "CONFIG_INVALID" and error["step"]["id"] == "double"
    assert "steps[0]" in error["message"] and error["hint"]


def test_config_that_is_not_json_is_config_invalid(tmp_path: Path) -> None:
    cfg = tmp_path / "broken.json"
    cfg.write_text("{not json", encoding="utf-8")
    code, out = _run(tmp_path, cfg, [("ledger", str(_ledger_file(tmp_path)))])
    assert code == 1 and _error(out)["code"] == "CONFIG_INVALID"


# ------------------------------------------------------------------------------------------------
# Bad rows
# ------------------------------------------------------------------------------------------------


def _ledger_config(
    on_bad_row: str, output: dict[str, Any], fmt: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A ledger of EntryId (text) and Amount (number), no steps."""
    return {
        "version": 1,
        "main": "ledger",
        "sources": [
            {
                "name": "ledger",
                "format": fmt or {"type": "csv"},
                "onBadRow": on_bad_row,
                "columns": [{"name": "EntryId", "type": "text"}, {"name": "Amount", "type": "number"}],
            }
        ],
        "steps": [],
        "output": output,
    }


def _ledger_file(
    tmp_path: Path, text: str = "EntryId,Amount\nJE-1,10\nJE-2,2.5\n", name: str = "ledger.csv"
) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_bad_row_fails_the_job_with_file_line_and_column(tmp_path: Path) -> None:
    ledger = _ledger_file(tmp_path, "EntryId,Amount\nJE-1,10\n\nJE-2,1o.5\nJE-3,3\n")
    code, out = _run(tmp_path, _ledger_config("fail", {}), [("ledger", str(ledger))])
    assert code == 1
    error = _error(out)
    assert error["code"] == "BAD_INPUT_ROW"
    assert error["location"] == {"source": "ledger", "file": str(ledger), "line": 4, "column": "Amount"}
    assert "1o.5" in error["message"] and "line 4" in error["message"] and error["hint"]


def test_malformed_line_fails_the_job_with_its_line(tmp_path: Path) -> None:
    # A quoted field may span lines (line 2-3); line 5 has a field too many.
    ledger = _ledger_file(tmp_path, 'EntryId,Amount\n"JE\n1",10\nJE-2,3\nJE-3,3,extra\nJE-4,x\n')
    code, out = _run(tmp_path, _ledger_config("fail", {}), [("ledger", str(ledger))])
    assert code == 1
    error = _error(out)
    assert error["code"] == "BAD_INPUT_ROW"
    assert error["location"]["line"] == 5 and error["location"]["column"] is None
    assert "expected 2 fields, found 3" in error["message"]


def test_bad_rows_with_on_bad_row_error_are_counted_with_lines(tmp_path: Path) -> None:
    ledger = _ledger_file(tmp_path, "EntryId,Amount\nJE-1,10\nJE-2,x\nJE-3,3,extra\nJE-4,4\n")
    config = _ledger_config("error", {"format": "csv", "summary": {"totals": ["Amount"]}})
    code, out = _run(tmp_path, config, [("ledger", str(ledger))])
    assert code == 0
    summary = _summary(out)
    assert summary["badRows"]["count"] == 2
    examples = summary["badRows"]["examples"]
    assert [(e["line"], e["column"]) for e in examples] == [(3, "Amount"), (4, None)]
    assert examples[0] == {
        "source": "ledger",
        "file": str(ledger),
        "line": 3,
        "column": "Amount",
        "value": "x",
        "reason": "not a number",
    }
    assert examples[1]["reason"] == "expected 2 fields, found 3"
    # The malformed line stays in its place, every cell #VALUE!.
    assert summary["firstRows"] == [
        ["JE-1", 10],
        ["JE-2", {"error": "#VALUE!"}],
        [{"error": "#VALUE!"}, {"error": "#VALUE!"}],
        ["JE-4", 4],
    ]
    assert summary["totals"]["Amount"] == {"error": "#VALUE!"}
    assert {c["name"]: c["type"] for c in summary["columns"]} == {"EntryId": "mixed", "Amount": "mixed"}
    csv_text = (out / "result" / "part-00000.csv").read_text(encoding="utf-8")
    assert "JE-2,#VALUE!" in csv_text and "#VALUE!,#VALUE!" in csv_text


def test_malformed_lines_keep_their_place_after_a_record_spanning_lines(tmp_path: Path) -> None:
    # Lines: 1 header, 2-3 one record (a quoted line break), 4 empty, 5 a field too many, 6-7 good,
    # 8 a field missing, 9 not a number.
    ledger = _ledger_file(tmp_path, 'EntryId,Amount\n"JE\n1",10\n\nJE-2,1,2\nJE-3,3\nJE-4,4\nJE-5\nJE-6,zz\n')
    code, out = _run(tmp_path, _ledger_config("error", {}), [("ledger", str(ledger))])
    assert code == 0
    summary = _summary(out)
    v = {"error": "#VALUE!"}
    assert summary["firstRows"] == [["JE\n1", 10], [v, v], ["JE-3", 3], ["JE-4", 4], [v, v], ["JE-6", v]]
    assert [(e["line"], e["column"], e["reason"]) for e in summary["badRows"]["examples"]] == [
        (5, None, "expected 2 fields, found 3"),
        (8, None, "expected 2 fields, found 1"),
        (9, "Amount", "not a number"),
    ]


def test_bad_row_examples_are_the_first_ten_across_files(tmp_path: Path) -> None:
    folder = tmp_path / "ledger"
    folder.mkdir()
    _ledger_file(folder, "EntryId,Amount\n" + "".join(f"A-{i},x{i}\n" for i in range(6)), "a.csv")
    _ledger_file(folder, "EntryId,Amount\nB-0,1\n" + "".join(f"B-{i},y{i}\n" for i in range(1, 8)), "b.csv")
    code, out = _run(tmp_path, _ledger_config("error", {}), [("ledger", str(folder))])
    assert code == 0
    summary = _summary(out)
    assert summary["badRows"]["count"] == 13
    examples = summary["badRows"]["examples"]
    assert len(examples) == 10
    assert [(Path(e["file"]).name, e["line"], e["value"]) for e in examples[5:7]] == [
        ("a.csv", 7, "x5"),
        ("b.csv", 3, "y1"),
    ]


# ------------------------------------------------------------------------------------------------
# Result encodings
# ------------------------------------------------------------------------------------------------


def _mixed_config(output: dict[str, Any]) -> dict[str, Any]:
    """Text, a number, a logical and a mixed column, and formulas with operators only."""

    def col(name: str) -> dict[str, Any]:
        return {"kind": "column", "name": name}

    def formula(step_id: str, column: str, expr: dict[str, Any]) -> dict[str, Any]:
        return {
            "op": "formula",
            "id": step_id,
            "provenance": {"sheet": "Data", "cell": "F2", "formula": "=..."},
            "column": column,
            "expr": expr,
        }

    return {
        "version": 1,
        "main": "data",
        "sources": [
            {
                "name": "data",
                "format": {"type": "csv"},
                "columns": [
                    {"name": "Name", "type": "text"},
                    {"name": "Amount", "type": "number"},
                    {"name": "Flag", "type": "logical"},
                    {"name": "Any", "type": "mixed"},
                ],
            }
        ],
        "steps": [
            formula(
                "big",
                "Big",
                {"kind": "binary", "op": ">", "left": col("Amount"), "right": {"kind": "number", "value": 5}},
            ),
            formula(
                "ratio",
                "Ratio",
                {"kind": "binary", "op": "/", "left": col("Amount"), "right": {"kind": "number", "value": 4}},
            ),
            formula(
                "label", "Label", {"kind": "binary", "op": "&", "left": col("Name"), "right": col("Amount")}
            ),
            formula(
                "per-zero",
                "PerZero",
                {"kind": "binary", "op": "/", "left": col("Amount"), "right": {"kind": "number", "value": 0}},
            ),
        ],
        "output": output,
    }


_MIXED_CSV = (
    "Name,Amount,Flag,Any\n"
    '"a,b",10,TRUE,12.5\n'
    '"say ""hi""",0.1,false,#N/A\n'
    '"multi\nline",-3,,text\n'
    "  lead,,TRUE,\n"
    '"",1234567890123456789,FALSE,true\n'
)


def test_parquet_keeps_typed_columns_and_json_encodes_mixed_ones(tmp_path: Path) -> None:
    data = _ledger_file(tmp_path, _MIXED_CSV, "data.csv")
    code, out = _run(tmp_path, _mixed_config({}), [("data", str(data))])
    assert code == 0
    summary = _summary(out)
    encodings = summary["result"]["encodings"]
    assert encodings == {
        "Name": "string",
        "Amount": "double",
        "Flag": "boolean",
        "Any": "json",
        "Big": "boolean",
        "Ratio": "json",  # a division can give #DIV/0! / #NUM!: its kinds are not one
        "Label": "string",  # text & number: always text
        "PerZero": "json",
    }
    schema, rows = _parquet(out)
    assert dict(schema) == {
        "Name": "VARCHAR",
        "Amount": "DOUBLE",
        "Flag": "BOOLEAN",
        "Any": "VARCHAR",
        "Big": "BOOLEAN",
        "Ratio": "VARCHAR",
        "Label": "VARCHAR",
        "PerZero": "VARCHAR",
    }
    assert rows[0] == ("a,b", 10.0, True, "12.5", True, "2.5", "a,b10", '{"error":"#DIV/0!"}')
    assert rows[3][:4] == ("  lead", None, True, "null")  # blank: null, or JSON null
    assert rows[4][0] is None  # "" read as an empty cell: blank
    assert [json.loads(r[3]) for r in rows] == [12.5, {"error": "#N/A"}, "text", None, True]
    types = {c["name"]: c["type"] for c in summary["columns"]}
    assert types == {
        "Name": "text",
        "Amount": "number",
        "Flag": "logical",
        "Any": "mixed",
        "Big": "logical",
        "Ratio": "number",
        "Label": "text",
        "PerZero": "mixed",
    }
    assert summary["firstRows"][1][:4] == ['say "hi"', 0.1, False, {"error": "#N/A"}]


def test_csv_output_round_trips_quotes_commas_newlines_and_spaces(tmp_path: Path) -> None:
    data = _ledger_file(tmp_path, _MIXED_CSV, "data.csv")
    code, out = _run(tmp_path, _mixed_config({"format": "csv"}), [("data", str(data))])
    assert code == 0
    summary = _summary(out)
    assert summary["result"]["format"] == "csv"
    assert set(summary["result"]["encodings"].values()) == {"text"}
    rows = _csv_rows(out)
    assert rows[0] == ["Name", "Amount", "Flag", "Any", "Big", "Ratio", "Label", "PerZero"]
    assert rows[1:] == [
        ["a,b", "10", "TRUE", "12.5", "TRUE", "2.5", "a,b10", "#DIV/0!"],
        ['say "hi"', "0.1", "FALSE", "#N/A", "FALSE", "0.025", 'say "hi"0.1', "#DIV/0!"],
        ["multi\nline", "-3", "", "text", "FALSE", "-0.75", "multi\nline-3", "#DIV/0!"],
        ["  lead", "", "TRUE", "", "FALSE", "0", "  lead", "#DIV/0!"],
        [
            "",
            "1.23456789012346E+18",
            "FALSE",
            "TRUE",
            "TRUE",
            "3.08641972530864E+17",
            "1.23456789012346E+18",
            "#DIV/0!",
        ],
    ]
    # A blank is an empty field, text "" would be "" (quoted); first rows keep the kinds.
    assert summary["firstRows"][3][:4] == ["  lead", None, True, None]


# ------------------------------------------------------------------------------------------------
# Inputs: several files, CSV options, JSON Lines, Parquet
# ------------------------------------------------------------------------------------------------


def test_several_files_are_read_in_path_order(tmp_path: Path) -> None:
    folder = tmp_path / "parts"
    folder.mkdir()
    _ledger_file(folder, "EntryId,Amount\nB-1,3\nB-2,4\n", "part-b.csv")
    _ledger_file(folder, "Amount,EntryId\n1,A-1\n2,A-2\n", "part-a.csv")  # its own header order
    _ledger_file(folder, "ignored\n", "_SUCCESS")
    extra = _ledger_file(tmp_path, "EntryId,Amount\nC-1,5\n", "c.csv")
    config = _ledger_config("fail", {"summary": {"totals": ["Amount"]}})
    code, out = _run(tmp_path, config, [("ledger", str(folder)), ("ledger", str(extra))])
    assert code == 0
    summary = _summary(out)
    assert summary["firstRows"] == [["A-1", 1], ["A-2", 2], ["B-1", 3], ["B-2", 4], ["C-1", 5]]
    assert summary["totals"]["Amount"] == 15 and summary["rowCount"] == 5


def test_csv_options_delimiter_quote_escape_and_no_header(tmp_path: Path) -> None:
    data = _ledger_file(tmp_path, "JE-1;'a;b'\nJE-2;'it\\'s'\n", "semi.csv")
    config: dict[str, Any] = {
        "version": 1,
        "main": "t",
        "sources": [
            {
                "name": "t",
                "format": {"type": "csv", "delimiter": ";", "quote": "'", "escape": "\\", "header": False},
                "columns": [{"name": "Id", "type": "text"}, {"name": "Note", "type": "text"}],
            }
        ],
        "steps": [],
        "output": {},
    }
    code, out = _run(tmp_path, config, [("t", str(data))])
    assert code == 0
    assert _summary(out)["firstRows"] == [["JE-1", "a;b"], ["JE-2", "it's"]]


def test_only_utf8_is_read(tmp_path: Path) -> None:
    config = _ledger_config("fail", {}, {"type": "csv", "encoding": "ISO-8859-1"})
    code, out = _run(tmp_path, config, [("ledger", str(_ledger_file(tmp_path)))])
    assert code == 1
    error = _error(out)
    assert error["code"] == "CONFIG_INVALID" and "UTF-8" in error["message"]


def test_header_without_a_column_names_it(tmp_path: Path) -> None:
    ledger = _ledger_file(tmp_path, "EntryId,Total\nJE-1,1\n")
    code, out = _run(tmp_path, _ledger_config("fail", {}), [("ledger", str(ledger))])
    assert code == 1
    error = _error(out)
    assert error["code"] == "CONFIG_INVALID"
    assert error["location"] == {"source": "ledger", "file": str(ledger), "line": 1, "column": "Amount"}
    assert "EntryId, Total" in error["message"]


def test_json_lines_input(tmp_path: Path) -> None:
    lines = [
        '{"EntryId": "JE-1", "Amount": 12.5, "Ok": true}',
        "",
        '{"EntryId": "JE-2", "Amount": "7", "Ok": "FALSE", "extra": [1]}',
        "not json",
        '{"EntryId": "JE-4", "Amount": "seven"}',
        '{"EntryId": "JE-5"}',
    ]
    data = _ledger_file(tmp_path, "\n".join(lines) + "\n", "data.jsonl")
    config = _ledger_config("error", {}, {"type": "jsonl"})
    config["sources"][0]["columns"].append({"name": "Ok", "type": "logical"})
    code, out = _run(tmp_path, config, [("ledger", str(data))])
    assert code == 0
    summary = _summary(out)
    v = {"error": "#VALUE!"}
    assert summary["firstRows"] == [
        ["JE-1", 12.5, True],
        ["JE-2", 7, False],
        [v, v, v],
        ["JE-4", v, None],
        ["JE-5", None, None],
    ]
    assert summary["badRows"]["count"] == 2
    assert [(e["line"], e["column"], e["value"], e["reason"]) for e in summary["badRows"]["examples"]] == [
        (4, None, None, "the line is not a JSON object"),
        (5, "Amount", "seven", "not a number"),
    ]
    # With onBadRow "fail" the first bad line stops the job.
    config["sources"][0]["onBadRow"] = "fail"
    code, out = _run(tmp_path, config, [("ledger", str(data))])
    assert code == 1
    assert _error(out)["location"]["line"] == 4


def test_parquet_input_keeps_typed_values(tmp_path: Path) -> None:
    path = tmp_path / "data.parquet"
    con = duckdb.connect()
    con.execute(
        f"""COPY (SELECT * FROM (VALUES
            ('JE-1', 12.5::DOUBLE, 3::INTEGER, DATE '2024-03-01', TIMESTAMP '2024-03-01 12:00:00',
             TRUE, 0.1::DOUBLE),
            ('JE-2', NULL, NULL, NULL, NULL, NULL, NULL)
        ) t(EntryId, Amount, Qty, Day, Stamp, Ok, Note)) TO '{path}' (FORMAT parquet)"""
    )
    con.close()
    config: dict[str, Any] = {
        "version": 1,
        "main": "t",
        "sources": [
            {
                "name": "t",
                "format": {"type": "parquet"},
                "columns": [
                    {"name": "EntryId", "type": "text"},
                    {"name": "Amount", "type": "number"},
                    {"name": "Qty", "type": "mixed"},
                    {"name": "Day", "type": "date"},
                    {"name": "Stamp", "type": "date"},
                    {"name": "Ok", "type": "logical"},
                    {"name": "Note", "type": "text"},
                ],
            }
        ],
        "steps": [],
        "output": {},
    }
    code, out = _run(tmp_path, config, [("t", str(path))])
    assert code == 0
    summary = _summary(out)
    serial = (dt.date(2024, 3, 1) - dt.date(1899, 12, 30)).days
    assert summary["firstRows"] == [
        ["JE-1", 12.5, 3, serial, serial + 0.5, True, "0.10000000000000001"],
        ["JE-2", None, None, None, None, None, None],
    ]
    # A column the file lacks is a config problem naming it.
    config["sources"][0]["columns"].append({"name": "Missing", "type": "text"})
    code, out = _run(tmp_path, config, [("t", str(path))])
    assert code == 1
    error = _error(out)
    assert error["code"] == "CONFIG_INVALID" and error["location"]["column"] == "Missing"


# ------------------------------------------------------------------------------------------------
# Engine choice and settings
# ------------------------------------------------------------------------------------------------


def test_auto_runs_duckdb_for_local_inputs(tmp_path: Path) -> None:
    cfg = tmp_path / "config.json"
    cfg.write_text(json.dumps(_ledger_config("fail", {})), encoding="utf-8")
    out = tmp_path / "out"
    code = main(["--config", str(cfg), "--input", f"ledger={_ledger_file(tmp_path)}", "--output", str(out)])
    assert code == 0
    summary = _summary(out)
    assert summary["engine"] == "duckdb" and summary["engineReason"].startswith(
        "auto: every input is on this machine"
    )
    assert summary["firstRows"] == [["JE-1", 10], ["JE-2", 2.5]]


def test_memory_limit_is_applied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}
    real_connect = duckdb_job.connect

    def spying_connect(
        memory_limit: str | None = None, temp_directory: str | None = None, threads: int | None = None
    ) -> duckdb.DuckDBPyConnection:
        con = real_connect(memory_limit, temp_directory, threads)
        seen["memory_limit"] = con.execute("SELECT current_setting('memory_limit')").fetchone()
        seen["temp_directory"] = temp_directory
        seen["threads"] = con.execute("SELECT current_setting('threads')").fetchone()
        return con

    monkeypatch.setattr(duckdb_job, "connect", spying_connect)
    code, out = _run(
        tmp_path,
        _ledger_config("fail", {}),
        [("ledger", str(_ledger_file(tmp_path)))],
        "--memory-limit",
        "200MB",
    )
    assert code == 0
    reference = duckdb.connect(config={"memory_limit": "200MB"})
    assert seen["memory_limit"] == reference.execute("SELECT current_setting('memory_limit')").fetchone()
    reference.close()
    assert Path(seen["temp_directory"]).parent == tmp_path and not Path(seen["temp_directory"]).exists()
    assert _summary(out)["rowCount"] == 2


def test_default_memory_limit_is_sixty_percent_of_memory() -> None:
    limit = duckdb_job.default_memory_limit()
    assert limit is not None and limit.endswith("MB")
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    assert abs(int(limit[:-2]) * 1_000_000 - 0.6 * total) < 2_000_000


def test_bad_memory_limit_leaves_error_json(tmp_path: Path) -> None:
    code, out = _run(
        tmp_path,
        _ledger_config("fail", {}),
        [("ledger", str(_ledger_file(tmp_path)))],
        "--memory-limit",
        "lots",
    )
    assert code == 1
    error = _error(out)
    assert "--memory-limit" in error["message"] and "Traceback" not in error["message"]
