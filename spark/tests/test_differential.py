"""Random differential tests: seeded random data and random formula configs run on BOTH engines,
which must agree cell by cell (numbers on 15 significant digits, errors by code, blank ≠ "").

The expected values of Excel's semantics come from Excel in the golden cases and the function
tests; this suite checks the two lowerings of the one core against each other on inputs nobody
wrote by hand: mixed columns, blanks, errors, numeric text, duplicate keys, nested calls.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
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
from tests.xv_helpers import same

SEEDS = [11, 23, 37]
ROWS = 40
FORMULAS = 30
TODAY = dt.date(2024, 1, 15)

# name → (type, generator of one cell's CSV text)
NUMBER_TEXTS = [
    "0",
    "1",
    "-1",
    "2.5",
    "-2.5",
    "2.675",
    "1000000",
    "0.1",
    "1e-3",
    "123456.789",
    "45306",
    "3",
    "7",
]
TEXTS = ["", "a", "A", "abc", "Abc ", " x", "1", "10", "TRUE", "b*c", "hello world", "x-y", "ABC"]
MIXED = [*NUMBER_TEXTS[:8], "", "", "a", "B", "TRUE", "FALSE", "#N/A", "#DIV/0!", "#VALUE!", "12", " 5 "]


def _columns(rng: random.Random) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {"N1": [], "N2": [], "T1": [], "T2": [], "M1": [], "M2": [], "D1": []}
    for _ in range(ROWS):
        data["N1"].append(rng.choice([*NUMBER_TEXTS, ""]))
        data["N2"].append(rng.choice(NUMBER_TEXTS))
        data["T1"].append(rng.choice(TEXTS))
        data["T2"].append(rng.choice(TEXTS[1:]))
        data["M1"].append(rng.choice(MIXED))
        data["M2"].append(rng.choice(MIXED))
        data["D1"].append(
            rng.choice(["2024-01-15", "2023-12-31", "2024-02-29", "1900-03-01", "2020-06-30", ""])
        )
    return data


TYPES = {
    "N1": "number",
    "N2": "number",
    "T1": "text",
    "T2": "text",
    "M1": "mixed",
    "M2": "mixed",
    "D1": "date",
}

# Functions both engines implement, with how many arguments to generate.
CALLS: dict[str, tuple[int, int]] = {
    "IF": (3, 3),
    "IFERROR": (2, 2),
    "IFNA": (2, 2),
    "AND": (1, 3),
    "OR": (1, 3),
    "NOT": (1, 1),
    "ISBLANK": (1, 1),
    "ISNUMBER": (1, 1),
    "ISTEXT": (1, 1),
    "ISERROR": (1, 1),
    "ROUND": (2, 2),
    "ROUNDUP": (2, 2),
    "ROUNDDOWN": (2, 2),
    "INT": (1, 1),
    "TRUNC": (1, 2),
    "ABS": (1, 1),
    "MOD": (2, 2),
    "SUM": (1, 3),
    "MIN": (1, 3),
    "MAX": (1, 3),
    "LEFT": (1, 2),
    "RIGHT": (1, 2),
    "MID": (3, 3),
    "LEN": (1, 1),
    "UPPER": (1, 1),
    "LOWER": (1, 1),
    "TRIM": (1, 1),
    "CONCATENATE": (2, 3),
    "SUBSTITUTE": (3, 3),
    "VALUE": (1, 1),
    "YEAR": (1, 1),
    "MONTH": (1, 1),
    "EXACT": (2, 2),
}
OPS = ["+", "-", "*", "/", "&", "=", "<>", "<", ">", "<=", ">="]


def _leaf(rng: random.Random) -> dict[str, Any]:
    r = rng.random()
    if r < 0.55:
        return {"kind": "column", "name": rng.choice(list(TYPES))}
    if r < 0.75:
        return {"kind": "number", "value": rng.choice([0, 1, 2, 3, -1, 0.5, 2.675, 10, 100, 1e15])}
    if r < 0.93:
        return {"kind": "text", "value": rng.choice(["", "a", "B", "1", "2.5", "x*", "TRUE", " "])}
    return {"kind": "logical", "value": rng.random() < 0.5}


def _expr(rng: random.Random, depth: int) -> dict[str, Any]:
    if depth <= 0 or rng.random() < 0.25:
        return _leaf(rng)
    r = rng.random()
    if r < 0.4:
        return {
            "kind": "binary",
            "op": rng.choice(OPS),
            "left": _expr(rng, depth - 1),
            "right": _expr(rng, depth - 1),
        }
    if r < 0.47:
        return {"kind": "unary", "op": rng.choice(["-", "%"]), "arg": _expr(rng, depth - 1)}
    name = rng.choice(list(CALLS))
    lo, hi = CALLS[name]
    return {"kind": "call", "name": name, "args": [_expr(rng, depth - 1) for _ in range(rng.randint(lo, hi))]}


def _config(rng: random.Random) -> dict[str, Any]:
    steps = []
    for i in range(FORMULAS):
        steps.append(
            {
                "op": "formula",
                "id": f"f{i}",
                "provenance": {"sheet": "Data", "cell": f"H{i + 2}", "formula": f"(random formula {i})"},
                "column": f"F{i}",
                "expr": _expr(rng, rng.randint(1, 4)),
            }
        )
    return {
        "version": 1,
        "main": "data",
        "sources": [
            {
                "name": "data",
                "format": {"type": "csv"},
                "columns": [{"name": n, "type": t} for n, t in TYPES.items()],
            }
        ],
        "steps": steps,
        "output": {},
    }


def _write_case(tmp_path: Path, seed: int) -> tuple[dict[str, Any], dict[str, list[str]]]:
    rng = random.Random(seed)
    data = _columns(rng)
    config = _config(rng)
    issues = validate_config(config)
    assert not issues, [str(i) for i in issues]
    with (tmp_path / "data.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(list(data))
        for i in range(ROWS):
            w.writerow([data[c][i] for c in data])
    return config, {"data": [str(tmp_path / "data.csv")]}


def _spark_rows(
    spark: SparkSession, config: dict[str, Any], bindings: dict[str, list[str]]
) -> list[list[Any]]:
    job = plan_job(spark, config, bindings, EvalContext(today=TODAY))
    df = job.table.df.select(*[col(c) for c in job.out_columns], col(ROW))
    return [
        [xv_to_json_value(r[c]) for c in job.out_columns]
        for r in sorted(df.collect(), key=lambda r: int(r[ROW]))
    ]


def _duckdb_rows(config: dict[str, Any], bindings: dict[str, list[str]]) -> list[list[Any]]:
    con = duckdb_job.connect(threads=2)
    try:
        job = duckdb_job.plan_job(con, config, bindings, DuckEvalContext(today=TODAY))
        cols = ", ".join(ident(c) for c in job.out_columns)
        got = con.execute(
            f"SELECT {cols} FROM {job.table.from_sql} AS _d ORDER BY {ident(DUCK_ROW)}"
        ).fetchall()
        layouts = [job.table.val(c).layout for c in job.out_columns]
        return [[python_value(lay, v) for lay, v in zip(layouts, r, strict=True)] for r in got]
    finally:
        con.close()


@pytest.mark.parametrize("seed", SEEDS)
def test_engines_agree_on_random_formulas(spark: SparkSession, tmp_path: Path, seed: int) -> None:
    config, bindings = _write_case(tmp_path, seed)
    spark_rows = _spark_rows(spark, config, bindings)
    duck_rows = _duckdb_rows(config, bindings)
    assert len(spark_rows) == len(duck_rows) == ROWS
    names = [c["name"] for c in config["sources"][0]["columns"]] + [s["column"] for s in config["steps"]]
    data = list(csv.reader((tmp_path / "data.csv").read_text(encoding="utf-8").splitlines()))[1:]
    diffs = []
    for i, (s_row, d_row) in enumerate(zip(spark_rows, duck_rows, strict=True)):
        for j, (a, b) in enumerate(zip(s_row, d_row, strict=True)):
            if not same(b, a):
                step = config["steps"][j - len(TYPES)] if j >= len(TYPES) else None
                diffs.append(
                    f"row {i} col {names[j]}: spark {a!r} duckdb {b!r} inputs {data[i]}"
                    + (f" expr {json.dumps(step['expr'])}" if step else "")
                )
    assert not diffs, f"seed {seed}: {len(diffs)} cells differ:\n" + "\n".join(diffs[:15])
