"""Excel's value rules as data: every vector of test/fixtures/values/*.json against the pure-Python
reference (sheetscale_engine.core.excel_values). No Spark, no DuckDB: fast.

A case marked ``knownPythonDifference`` is a place where the reference, which mirrors the
engines, disagrees with Excel: it is expected to fail (strict xfail, so that a fix shows up).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sheetscale_engine.config.error_codes import error_codes
from sheetscale_engine.core import excel_values as X  # noqa: N812

VECTORS_DIR = Path(__file__).resolve().parents[2] / "test" / "fixtures" / "values"


# --------------------------------------------------------------------------------------------
# Helpers shared with test_value_vectors_spark.py (names not starting with test_)
# --------------------------------------------------------------------------------------------


def load_vectors(name: str) -> dict[str, Any]:
    """One vector file, checked for the shape test/fixtures/values/README.md describes."""
    doc = json.loads((VECTORS_DIR / name).read_text(encoding="utf-8"))
    assert isinstance(doc, dict), name
    assert isinstance(doc.get("source"), str) and doc["source"], f"{name}: a file needs a source"
    sources = doc.get("sources", {})
    cases = doc.get("cases")
    assert isinstance(cases, list) and cases, f"{name}: no cases"
    for i, case in enumerate(cases):
        assert isinstance(case.get("args"), list), f"{name}[{i}]: args must be a list"
        assert "expected" in case, f"{name}[{i}]: no expected value"
        ref = case.get("source")
        assert ref is None or ref in sources or len(ref) > 20, f"{name}[{i}]: unknown source {ref!r}"
    return doc


def vector_files() -> list[str]:
    return sorted(p.name for p in VECTORS_DIR.glob("*.json"))


def decode(value: Any) -> X.CellValue:
    """The contract's JSON encoding → a Python cell value ({"error": code} → ExcelError)."""
    if isinstance(value, dict):
        return X.ExcelError(str(value["error"]))
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"not a JSON cell value: {value!r}")


def encode(value: object) -> Any:
    """A result → the JSON encoding, for comparison with ``expected``."""
    if isinstance(value, X.ExcelError):
        return {"error": value.code}
    if isinstance(value, tuple):
        return [encode(v) for v in value]
    return value


def same_value(got: Any, want: Any) -> bool:
    """Numbers agree to 15 significant digits (as the golden cases compare); else equal and of
    the same JSON type (True is not 1)."""
    if isinstance(want, bool) or isinstance(got, bool):
        return got is want
    if isinstance(want, (int, float)) and isinstance(got, (int, float)):
        if math.isnan(got) or math.isinf(got):
            return False
        return got == want or abs(got - want) <= 1e-14 * max(abs(got), abs(want))
    if isinstance(want, list) and isinstance(got, list):
        return len(got) == len(want) and all(same_value(g, w) for g, w in zip(got, want, strict=True))
    return bool(got == want)


def case_id(name: str, index: int, case: dict[str, Any]) -> str:
    return f"{name.removesuffix('.json')}[{index}]:{json.dumps(case['args'], ensure_ascii=False)[:60]}"


# --------------------------------------------------------------------------------------------
# The Python reference, one runner per file
# --------------------------------------------------------------------------------------------

_ROUNDING: dict[str, Callable[..., float]] = {
    "ROUND": X.excel_round,
    "ROUNDUP": X.roundup,
    "ROUNDDOWN": X.rounddown,
    "TRUNC": X.excel_trunc,
    "INT": X.excel_int,
}


def _text_to_number(args: list[Any]) -> Any:
    parsed = X.text_to_number(args[0], *args[1:])
    return {"error": X.VALUE} if parsed is None else parsed


def _dates(args: list[Any]) -> Any:
    op, value, system = args
    if op == "date_to_serial":
        return X.date_to_serial(dt.date.fromisoformat(value), system)
    if op == "serial_to_ymd":
        return list(X.serial_to_ymd(value, system))
    raise ValueError(f"unknown dates operation {op!r}")


def _logical(args: list[Any]) -> Any:
    op, value = args
    conversions: dict[str, Callable[[X.CellValue], object]] = {
        "to_text": X.to_text,
        "to_number": X.to_number,
        "to_logical": X.to_logical,
    }
    return encode(conversions[op](decode(value)))


RUNNERS: dict[str, Callable[[list[Any]], Any]] = {
    "general-format.json": lambda a: X.general_text(float(a[0])),
    "round.json": lambda a: _ROUNDING[a[0]](*a[1:]),
    "text-to-number.json": _text_to_number,
    "dates.json": _dates,
    "criteria.json": lambda a: X.criterion_matches(decode(a[0]), decode(a[1])),
    "wildcards.json": lambda a: X.wildcard_match(a[0], a[1]),
    "logical.json": _logical,
    "equality-15-digits.json": lambda a: X.same15(float(a[0]), float(a[1])),
    "match-key.json": lambda a: X.match_key(decode(a[0])) == X.match_key(decode(a[1])),
}


def _python_cases() -> list[Any]:
    params = []
    for name in vector_files():
        for i, case in enumerate(load_vectors(name)["cases"]):
            marks = []
            if "knownPythonDifference" in case:
                reason = f"known difference from Excel: {case['knownPythonDifference']}"
                marks.append(pytest.mark.xfail(strict=True, reason=reason))
            params.append(pytest.param(name, case, id=case_id(name, i, case), marks=marks))
    return params


def test_every_vector_file_has_a_runner() -> None:
    assert vector_files(), f"no vector files in {VECTORS_DIR}"
    assert set(vector_files()) == set(RUNNERS), "a vector file without a runner, or a runner without a file"


@pytest.mark.parametrize(("name", "case"), _python_cases())
def test_python_reference(name: str, case: dict[str, Any]) -> None:
    got, want = RUNNERS[name](case["args"]), case["expected"]
    assert same_value(got, want), f"{name} {case['args']}: got {got!r}, Excel gives {want!r}"


# --------------------------------------------------------------------------------------------
# The reference's own rules beyond the vector files
# --------------------------------------------------------------------------------------------


def test_error_codes_come_from_the_schema() -> None:
    for code in (X.NULL_ERROR, X.DIV0, X.VALUE, X.REF, X.NAME, X.NUM, X.NA):
        assert code in error_codes()
    assert X.ExcelError("#N/A").code == X.NA
    with pytest.raises(ValueError, match="#OOPS"):
        X.ExcelError("#OOPS")


def test_kinds() -> None:
    assert [X.kind_of(v) for v in (None, 1, 2.5, "a", True, X.ExcelError(X.NA))] == [
        X.BLANK,
        X.NUMBER,
        X.NUMBER,
        X.TEXT,
        X.LOGICAL,
        X.ERROR,
    ]
    assert frozenset(X.KIND_NAMES) == X.ALL_KINDS
    assert X.TYPE_KINDS["mixed"] == X.ALL_KINDS


def test_sort_order_follows_excel() -> None:
    # https://support.microsoft.com/en-us/office/sort-data-in-a-range-or-table-62d0b95d-2a90-4610-a6ae-2e545c4a4654
    # (golden case op-sort-ascending-excel-order): numbers < text (case-insensitive, stable) <
    # FALSE < TRUE < errors (all equal); blanks last in both directions.
    na = X.ExcelError(X.NA)
    values: list[X.CellValue] = [None, "b", 10, True, na, "A", -1, False, 2.5, None, "a"]
    ascending: list[X.CellValue] = [-1, 2.5, 10, "A", "a", "b", False, True, na, None, None]
    descending: list[X.CellValue] = [na, True, False, "b", "A", "a", 10, 2.5, -1, None, None]
    assert X.excel_sorted(values) == ascending
    assert X.excel_sorted(values, descending=True) == descending
    assert [X.sort_rank(v) for v in (1, "x", True, na, None)] == [0, 1, 2, 3, None]


def test_match_keys_are_the_spark_strings() -> None:
    # The same strings as sheetscale_engine.spark.values.match_key builds (Java's Double.toString).
    assert X.match_key(1) == "1:1.0"
    assert X.match_key(0.1 + 0.2) == "1:0.3"
    assert X.match_key(10000000) == "1:1.0E7"
    assert X.match_key(0.0001) == "1:1.0E-4"
    assert X.match_key(-0.0) == "1:0.0"
    assert X.match_key("ABC") == "2:abc"
    assert X.match_key(True) == "3:TRUE"
    assert X.match_key(X.ExcelError(X.NA)) == "4:#N/A"
    assert X.match_key(None) == "0:"
    assert X.match_key("") == "2:"


def test_parse_criterion() -> None:
    c = X.parse_criterion(">100")
    assert (c.is_text, c.op, c.rest, c.number) == (True, ">", "100", 100.0)
    assert X.parse_criterion("<>").op == "<>" and X.parse_criterion("<>").rest == ""
    assert X.parse_criterion("=").op == "=" and X.parse_criterion("").op == ""
    assert X.parse_criterion("a*").wildcard and not X.parse_criterion("100").wildcard
    assert X.parse_criterion("100").number == 100.0
    number = X.parse_criterion(100)
    assert not number.is_text and number.plain == X.parse_criterion("100").key
    assert X.criterion_matches("100", 100), "numeric text cells match a number criterion"


def test_sci15_and_java_double_strings() -> None:
    assert X.sci15(0.1 + 0.2) == "3.00000000000000E-01"
    assert X.sci15(-2.5e300) == "-2.50000000000000E+300"
    assert X.sci15(-0.0) == "0.00000000000000E+00"
    assert X.round15(2.675) == 2.675 and X.round15(0.1 + 0.2) == 0.3
    assert [X.java_double_string(x) for x in (100.0, 1e7, 1234.5, 0.001, 1.5e-20, -2.0)] == [
        "100.0",
        "1.0E7",
        "1234.5",
        "0.001",
        "1.5E-20",
        "-2.0",
    ]


def test_dates_round_trip() -> None:
    for system in ("1900", "1904"):
        for day in (dt.date(1904, 1, 1), dt.date(2024, 1, 15), dt.date(9999, 12, 31)):
            assert X.serial_to_date(X.date_to_serial(day, system), system) == day
    assert X.serial_to_date(45306.75) == dt.date(2024, 1, 15), "a time fraction is dropped"
    assert X.text_to_date("March 15, 2021") == dt.date(2021, 3, 15)
    assert X.text_to_date("2023-02-30") is None
