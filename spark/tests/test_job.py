"""The job entry point end to end: the example as a subprocess, failures in process (same session)."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from pyspark.sql import SparkSession

from sheetscale_engine.job import main, parse_args, run
from sheetscale_engine.progress import Progress
from sheetscale_engine.spark.package import build

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"


def test_example_runs_end_to_end_as_a_subprocess(tmp_path: Path) -> None:
    out = tmp_path / "out"
    cmd = [
        sys.executable,
        "-m",
        "sheetscale_engine.job",
        "--config",
        str(EXAMPLES / "reconcile.config.json"),
        "--input",
        f"ledger={EXAMPLES / 'data' / 'ledger.csv'}",
        "--input",
        f"accounts={EXAMPLES / 'data' / 'accounts.csv'}",
        "--input",
        f"fx_rates=file://{EXAMPLES / 'data' / 'fx_rates.csv'}",
        "--output",
        str(out),
        "--engine",
        "spark",
        "--master",
        "local[2]",
        "--local-small",
        "--today",
        "2024-04-02",
    ]
    env = {**os.environ, "PYSPARK_SUBMIT_ARGS": "--driver-memory 1g pyspark-shell"}
    proc = subprocess.run(
        cmd, cwd=REPO / "spark", env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    events = [json.loads(line) for line in proc.stdout.splitlines()]  # stdout is JSON lines only
    assert events[-1] == {"event": "done", "status": "succeeded"}
    assert {e["phase"] for e in events if e["event"] == "progress"} >= {
        "reading",
        "computing",
        "writing",
        "summarizing",
    }
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert not (out / "error.json").exists()
    assert (
        summary["status"] == "succeeded"
        and summary["engine"] == "spark"
        and summary["engineVersion"] == "3.5.6"
    )
    assert summary["configHash"].startswith("sha256:") and summary["today"] == "2024-04-02"
    # 1,000 lines, 20 repeated entry ids removed, lines of unknown accounts (#N/A type) filtered out.
    steps = {s["id"]: s for s in summary["steps"]}
    assert steps["dedupe"]["rowsIn"] == 1000 and steps["dedupe"]["rowsOut"] == 980
    assert steps["account-type"]["unmatched"] == steps["account-name"]["unmatched"] > 0
    assert steps["fx"]["unmatched"] > 0 and steps["fx"]["errors"] == {"Rate": steps["fx"]["unmatched"]}
    assert steps["keep-types"]["rowsIn"] == 980
    # Unknown accounts (#N/A type) and Equity lines are filtered out.
    assert summary["rowCount"] == steps["keep-types"]["rowsOut"] < 980 - steps["account-type"]["unmatched"]
    assert summary["result"] == {
        **summary["result"],
        "format": "parquet",
        "path": "result",
        "rowCount": summary["rowCount"],
    }
    assert len(summary["firstRows"]) == 20
    names = [c["name"] for c in summary["columns"]]
    dates = [row[names.index("Date")] for row in summary["firstRows"]]
    assert dates == sorted(dates)  # sorted by date
    assert summary["totals"]["Amount USD"] == {"error": "#N/A"}  # SUM over a column with #N/A is #N/A
    assert summary["pivots"][0]["name"] == "By type and period"
    assert summary["pivots"][0]["rows"][-1][0] == "Grand Total"
    assert summary["badRows"] == {"count": 0, "examples": []}
    parquet = list((out / "result").glob("part-*.parquet"))
    assert parquet


def _args(tmp_path: Path, config: dict[str, object], inputs: dict[str, str]) -> list[str]:
    cfg = tmp_path / "config.json"
    cfg.write_text(json.dumps(config), encoding="utf-8")
    argv = ["--config", str(cfg), "--output", str(tmp_path / "out"), "--engine", "spark"]
    for name, uri in inputs.items():
        argv += ["--input", f"{name}={uri}"]
    return argv


def _example_config() -> dict[str, object]:
    loaded: dict[str, object] = json.loads((EXAMPLES / "reconcile.config.json").read_text(encoding="utf-8"))
    return loaded


def test_failure_names_the_step_formula_and_cell(spark: SparkSession, tmp_path: Path) -> None:
    # The accounts file bound at run time lacks the column the VLOOKUP searches.
    bad_accounts = tmp_path / "accounts.csv"
    bad_accounts.write_text("Acct,Name,Type\n1000,Cash,Asset\n", encoding="utf-8")
    data = EXAMPLES / "data"
    argv = _args(
        tmp_path,
        _example_config(),
        {
            "ledger": str(data / "ledger.csv"),
            "accounts": str(bad_accounts),
            "fx_rates": str(data / "fx_rates.csv"),
        },
    )
    lines: list[str] = []

    class Capture:
        def write(self, s: str) -> int:
            lines.append(s)
            return len(s)

        def flush(self) -> None:
            pass

    code = run(parse_args(argv), Progress(Capture()))  # type: ignore[arg-type]
    assert code == 1
    error = json.loads((tmp_path / "out" / "error.json").read_text(encoding="utf-8"))
    assert not (tmp_path / "out" / "summary.json").exists()
    assert error["status"] == "failed" and error["code"] == "CONFIG_INVALID"
    assert error["step"]["id"] == "account-name" and error["step"]["op"] == "lookup"
    assert error["step"]["provenance"]["cell"] == "H2"
    assert error["step"]["provenance"]["formula"] == "=VLOOKUP([@Account],Accounts!A:C,2,FALSE)"
    assert error["location"]["source"] == "accounts" and error["location"]["column"] == "Account"
    assert "Account" in error["message"] and error["hint"]
    assert json.loads("".join(lines).splitlines()[-1]) == {"event": "done", "status": "failed"}


def _ledger_config(on_bad_row: str, output: dict[str, Any]) -> dict[str, Any]:
    """A ledger of EntryId (text) and Amount (number), no steps."""
    return {
        "version": 1,
        "main": "ledger",
        "sources": [
            {
                "name": "ledger",
                "format": {"type": "csv"},
                "onBadRow": on_bad_row,
                "columns": [{"name": "EntryId", "type": "text"}, {"name": "Amount", "type": "number"}],
            }
        ],
        "steps": [],
        "output": output,
    }


def test_bad_row_fails_the_job_with_file_line_and_column(spark: SparkSession, tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.csv"
    ledger.write_text("EntryId,Amount\nJE-1,10\n\nJE-2,1o.5\nJE-3,3\n", encoding="utf-8")
    config = _ledger_config("fail", {})
    code = run(parse_args(_args(tmp_path, config, {"ledger": str(ledger)})), Progress(io.StringIO()))
    assert code == 1
    error = json.loads((tmp_path / "out" / "error.json").read_text(encoding="utf-8"))
    assert error["code"] == "BAD_INPUT_ROW"
    assert error["location"]["line"] == 4 and error["location"]["column"] == "Amount"
    assert error["location"]["file"].endswith("ledger.csv")
    assert "1o.5" in error["message"]


def test_bad_rows_with_on_bad_row_error_are_counted_with_lines(spark: SparkSession, tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.csv"
    ledger.write_text("EntryId,Amount\nJE-1,10\nJE-2,x\nJE-3,3,extra\nJE-4,4\n", encoding="utf-8")
    config = _ledger_config("error", {"format": "csv", "summary": {"totals": ["Amount"]}})
    code = run(parse_args(_args(tmp_path, config, {"ledger": str(ledger)})), Progress(io.StringIO()))
    assert code == 0
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["badRows"]["count"] == 2
    assert [(e["line"], e["column"]) for e in summary["badRows"]["examples"]] == [(3, "Amount"), (4, None)]
    assert summary["firstRows"][1] == ["JE-2", {"error": "#VALUE!"}]
    assert summary["totals"]["Amount"] == {"error": "#VALUE!"}
    csv_text = "".join(
        p.read_text(encoding="utf-8") for p in sorted((tmp_path / "out" / "result").glob("part-*.csv"))
    )
    assert "JE-2,#VALUE!" in csv_text


def test_bad_usage_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", "x.json"]) == 2
    assert "usage error" in capsys.readouterr().err


def test_package_builds_entry_point_and_zip(tmp_path: Path) -> None:
    entry, archive = build(tmp_path / "dist")
    names = zipfile.ZipFile(archive).namelist()
    assert "spark/sheetscale_engine/job.py" in names and "schema/config.schema.json" in names
    assert "spark/sheetscale_engine/config/schema/functions.json" in names
    # The entry point unpacks the zip and runs the job: --help proves the imports work from the zip.
    shutil.copy(archive, tmp_path / "run-here.zip")
    proc = subprocess.run(
        [sys.executable, str(entry), "--help"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "PYTHONPATH": str(archive)},
    )
    assert proc.returncode == 0, proc.stderr
    assert "--config" in proc.stdout
