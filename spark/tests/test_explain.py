"""explain prints readable PySpark, one block per step with the Excel formula and cell."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from sheetscale_engine.spark.explain import explain_config, expr_text


def test_explain_fixture_configs(fixtures_dir: Path) -> None:
    for name in ("formula.json", "lookup-vlookup.json", "conditional-aggregate.json"):
        config = json.loads((fixtures_dir / "configs" / "valid" / name).read_text(encoding="utf-8"))
        text = explain_config(config)
        for step in config["steps"]:
            assert f"# step {step['id']} ({step['op']})" in text
            formula = step["provenance"].get("formula")
            if formula:
                assert formula in text
        if name == "lookup-vlookup.json":
            assert "dropDuplicates" in text and "broadcast" in text


def test_expr_text() -> None:
    e = {
        "kind": "call",
        "name": "ROUND",
        "args": [
            {
                "kind": "binary",
                "op": "*",
                "left": {"kind": "column", "name": "Qty"},
                "right": {"kind": "number", "value": 2.0},
            },
            {"kind": "number", "value": 2},
        ],
    }
    assert expr_text(e) == "ROUND(([Qty]*2),2)"


def test_explain_command_line(fixtures_dir: Path) -> None:
    path = fixtures_dir / "configs" / "valid" / "formula.json"
    done = subprocess.run(
        [sys.executable, "-m", "sheetscale_engine.spark.explain", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "add_expr_columns" in done.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "sheetscale_engine.spark.explain"], capture_output=True, text=True, check=False
    )
    assert bad.returncode == 2
