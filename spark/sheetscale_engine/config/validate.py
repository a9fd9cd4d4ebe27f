"""validate_config / load_config: how the engine accepts or rejects a transformation config.

Same stages, same issues and same words as src/config/validate.ts: size and expression limits, then
the JSON Schema, then the semantic checks; each stage runs only when the previous found nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from sheetscale_engine.config.issues import ConfigIssue, RawIssue, finish_issues, format_issue
from sheetscale_engine.config.limit_issues import config_bytes, expression_limit_issues, size_issues
from sheetscale_engine.config.limits import limits as default_limits
from sheetscale_engine.config.schema_issues import schema_issues
from sheetscale_engine.config.semantic_issues import semantic_issues


def _reject_constant(name: str) -> Any:
    # Python's json accepts NaN and Infinity; JSON (and the TypeScript validator) does not.
    raise ValueError(f"{name} is not a JSON value")


def parse_json(text: str | bytes) -> Any:
    """Strict JSON, as JSON.parse reads it."""
    return json.loads(text, parse_constant=_reject_constant)


class ConfigValidationError(ValueError):
    """A config was rejected; ``issues`` holds every problem found, each naming its place."""

    def __init__(self, issues: list[ConfigIssue], source: str | None = None) -> None:
        self.issues = issues
        self.source = source
        count = "1 problem" if len(issues) == 1 else f"{len(issues)} problems"
        where = f" {source}" if source else ""
        lines = "\n".join(f"  {format_issue(i)}" for i in issues)
        super().__init__(f"invalid sheetscale config{where} ({count}):\n{lines}")


def validate_config(
    obj: Any, *, text: str | bytes | None = None, limits: Mapping[str, int] | None = None
) -> list[ConfigIssue]:
    """Every issue of a parsed config (empty when it is valid). ``text``, when given, is the file
    the config was parsed from (its bytes count against the size limit). A ``str`` ``obj`` is taken
    as JSON text, as the TypeScript validator does."""
    effective = {**default_limits(), **(limits or {})}
    if isinstance(obj, str):
        text = obj
        try:
            obj = parse_json(obj)
        except ValueError as err:
            return [ConfigIssue("(root)", f"is not valid JSON ({err})")]
    config = obj
    stages: list[Callable[[], list[RawIssue]]] = [
        lambda: size_issues(config_bytes(config, text), effective),
        lambda: expression_limit_issues(config, effective),
        lambda: schema_issues(config),
        lambda: semantic_issues(config, effective),
    ]
    for stage in stages:
        issues = stage()
        if issues:
            return finish_issues(issues)
    return []


def load_config(path_or_text: str | Path, *, limits: Mapping[str, int] | None = None) -> dict[str, Any]:
    """Reads (a path) or parses (JSON text, starting with ``{``) a config and validates it.

    Raises ConfigValidationError naming every issue (and the file), or FileNotFoundError."""
    source: str | None = None
    if isinstance(path_or_text, Path) or not path_or_text.lstrip().startswith("{"):
        source = str(path_or_text)
        raw: str | bytes = Path(path_or_text).read_bytes()
    else:
        raw = path_or_text
    try:
        config = parse_json(raw)
    except ValueError as err:
        raise ConfigValidationError([ConfigIssue("(root)", f"is not valid JSON ({err})")], source) from err
    issues = validate_config(config, text=raw, limits=limits)
    if issues:
        raise ConfigValidationError(issues, source)
    loaded: dict[str, Any] = config
    return loaded
