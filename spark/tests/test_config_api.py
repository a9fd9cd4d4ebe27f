"""The Python config API beyond the shared fixtures: loading, errors, words, and running from a zip."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import sheetscale_engine
from sheetscale_engine.config import (
    ConfigValidationError,
    bundle_schema_files,
    error_codes,
    format_issue,
    functions,
    get_function,
    is_scalar_function,
    limits,
    load_config,
    validate_config,
)
from sheetscale_engine.config.issues import RawIssue, finish_issues, format_path
from sheetscale_engine.config.words import closest, describe_value, js_number

CONFIGS = Path(__file__).resolve().parents[2] / "test" / "fixtures" / "configs"


def test_load_config_reads_a_path_or_json_text() -> None:
    path = CONFIGS / "valid" / "reconciliation.json"
    from_path = load_config(path)
    assert load_config(str(path)) == from_path
    assert load_config(path.read_text("utf-8")) == from_path
    assert [s["op"] for s in from_path["steps"]][:3] == ["filter", "formula", "lookup"]


def test_load_config_names_the_file_and_every_issue() -> None:
    path = CONFIGS / "invalid" / "function-calls.json"
    with pytest.raises(ConfigValidationError) as raised:
        load_config(path)
    message = str(raised.value)
    assert message.startswith(f"invalid sheetscale config {path} (7 problems):")
    assert "  steps[3].expr: ROUND takes 2 arguments, got 1" in message
    assert len(raised.value.issues) == 7


def test_text_that_is_not_json_is_one_root_issue() -> None:
    with pytest.raises(ConfigValidationError) as raised:
        load_config('{"version": 1,')
    assert [i.path for i in raised.value.issues] == ["(root)"]
    assert raised.value.issues[0].message.startswith("is not valid JSON (")
    # NaN is not JSON, though Python's json module accepts it by default.
    assert validate_config('{"version": NaN}')[0].message.startswith("is not valid JSON (")


def test_size_of_text_is_measured_on_its_bytes() -> None:
    text = (CONFIGS / "valid" / "sort.json").read_text("utf-8")
    size = len(text.encode("utf-8"))
    assert validate_config(text, limits={"maxConfigBytes": size}) == []
    issues = validate_config(text, limits={"maxConfigBytes": size - 1})
    expected = f"(root): config is {size} bytes; the limit is {size - 1} bytes"
    assert [format_issue(i) for i in issues] == [expected]


def test_facts_come_from_the_schema_files() -> None:
    assert len(functions()) > 50
    rnd = get_function("ROUND")
    assert rnd is not None and (rnd.category, rnd.min_args, rnd.max_args) == ("math", 2, 2)
    vlookup = get_function("VLOOKUP")
    assert vlookup is not None and vlookup.becomes_step == "lookup"
    today = get_function("TODAY")
    assert today is not None and today.pinned_to_run_start
    assert is_scalar_function("IF") and not is_scalar_function("SUMIFS") and not is_scalar_function("NOPE")
    assert limits()["maxExpressionDepth"] == 64
    assert "#N/A" in error_codes() and "#DIV/0!" in error_codes()


def test_paths_ordering_and_words() -> None:
    assert format_path(()) == "(root)"
    assert format_path(("steps", 3, "expr", "args", 1)) == "steps[3].expr.args[1]"
    assert format_path(("output", "odd key")) == 'output["odd key"]'
    issues = finish_issues(
        [
            RawIssue(("steps", 10), "b"),
            RawIssue(("steps", 2, "id"), "a"),
            RawIssue(("steps", 2), "z"),
            RawIssue(("steps", 2), "z"),
            RawIssue((), "root"),
        ]
    )
    expected = ["(root): root", "steps[2]: z", "steps[2].id: a", "steps[10]: b"]
    assert [format_issue(i) for i in issues] == expected
    assert closest("Amout", ["Account", "Amount"]) == "Amount"
    assert closest("Descr", ["Description"]) is None
    assert describe_value("x" * 50) == '"' + "x" * 40 + '..."'
    assert describe_value(True) == "true"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1.0, "1"),
        (1.5, "1.5"),
        (1e21, "1e+21"),
        (1e-7, "1e-7"),
        (0.00001, "0.00001"),
        (1e16, "10000000000000000"),
        (-2.5e-10, "-2.5e-10"),
        (0.1 + 0.2, "0.30000000000000004"),
        (123, "123"),
        (2**60, "1152921504606847000"),
    ],
)
def test_numbers_are_written_as_javascript_writes_them(value: float, text: str) -> None:
    assert js_number(value) == text


def test_runs_from_a_zip_with_the_schema_bundled(tmp_path: Path) -> None:
    """On EMR the package is a zip on --py-files, without the repository: the schema travels inside."""
    package_root = Path(sheetscale_engine.__file__).parent
    archive_path = tmp_path / "sheetscale_engine.zip"
    with zipfile.ZipFile(archive_path, "w") as archive:
        archive.write(package_root / "__init__.py", "sheetscale_engine/__init__.py")
        for source in sorted((package_root / "config").glob("*.py")):
            archive.write(source, f"sheetscale_engine/config/{source.name}")
        bundle_schema_files(archive)
    config = (CONFIGS / "invalid" / "unknown-column.json").read_text("utf-8")
    script = (
        "import json, sys\n"
        "import sheetscale_engine.config as c\n"
        "from sheetscale_engine.config.resources import REPO_SCHEMA_DIR\n"
        f"assert c.__file__.startswith({str(archive_path)!r}), c.__file__\n"
        "assert not REPO_SCHEMA_DIR.exists(), REPO_SCHEMA_DIR\n"
        "print(json.dumps([c.format_issue(i) for i in c.validate_config(sys.stdin.read())]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(archive_path)!r})\n{script}"],
        input=config,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    expected = json.loads((CONFIGS / "invalid" / "unknown-column.expected.json").read_text("utf-8"))["errors"]
    assert json.loads(result.stdout) == expected
