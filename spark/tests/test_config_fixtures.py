"""Runs every shared config fixture through the Python validator and asserts the exact issues.

test/config/fixtures.test.ts asserts the same files against the TypeScript validator, so the two
validators provably agree (architecture contract 1). No Spark needed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sheetscale_engine.config import ConfigValidationError, format_issue, load_config, validate_config

CONFIGS = Path(__file__).resolve().parents[2] / "test" / "fixtures" / "configs"


def _configs(kind: str) -> list[Path]:
    return sorted(p for p in (CONFIGS / kind).glob("*.json") if not p.name.endswith(".expected.json"))


def _expected(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.with_name(path.stem + ".expected.json").read_text("utf-8"))
    return loaded


@pytest.mark.parametrize("path", _configs("valid"), ids=lambda p: p.name)
def test_valid_fixture_is_accepted(path: Path) -> None:
    config = json.loads(path.read_text("utf-8"))
    assert [format_issue(i) for i in validate_config(config)] == []
    assert load_config(path) == config


def test_there_are_enough_invalid_fixtures() -> None:
    assert len(_configs("invalid")) >= 25


@pytest.mark.parametrize("path", _configs("invalid"), ids=lambda p: p.name)
def test_invalid_fixture_has_exactly_the_expected_issues(path: Path) -> None:
    expected = _expected(path)
    limits = expected.get("options", {}).get("limits")
    config = json.loads(path.read_text("utf-8"))
    issues = [format_issue(i) for i in validate_config(config, limits=limits)]
    assert expected["errors"], "an invalid fixture must list its errors"
    assert issues == expected["errors"]
    with pytest.raises(ConfigValidationError) as raised:
        load_config(path, limits=limits)
    if "maxConfigBytes" not in (limits or {}):
        # load_config measures the file's bytes, not the re-serialized object: only size differs.
        assert [format_issue(i) for i in raised.value.issues] == expected["errors"]
    assert str(path) in str(raised.value)
