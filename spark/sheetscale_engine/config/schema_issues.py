"""Runs the prepared schema with jsonschema (Draft 2020-12) and words each raw error as the one
canonical message of its keyword; mirrors src/config/schemaIssues.ts (ajv) word for word."""

from __future__ import annotations

from functools import cache
from typing import Any

from jsonschema import Draft202012Validator

from sheetscale_engine.config.issues import PathSegment, RawIssue
from sheetscale_engine.config.prepared_schema import DISCRIMINATOR_KEYWORD, prepared_schema
from sheetscale_engine.config.words import closest, describe_value, did_you_mean, plural, quote

_TYPE_PHRASES = {
    "string": "a string",
    "number": "a number",
    "integer": "an integer",
    "boolean": "a boolean",
    "object": "an object",
    "array": "an array",
    "null": "null",
}
# Wrappers whose inner errors are reported on their own.
_WRAPPERS = frozenset({"if", "allOf", "$ref", "properties", "items"})


def _or_list(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} or {items[-1]}"


def keyword_issues(
    keyword: str,
    keyword_value: Any,
    parent_schema: Any,
    instance: Any,
    segments: tuple[PathSegment, ...],
) -> list[RawIssue]:
    """The canonical messages for one failed keyword (see keywordIssues in schemaIssues.ts)."""
    parent: dict[str, Any] = parent_schema if isinstance(parent_schema, dict) else {}

    def at(message: str) -> list[RawIssue]:
        return [RawIssue(segments, message)]

    if keyword == "required":
        if not isinstance(instance, dict) or not isinstance(keyword_value, list):
            return []
        return [
            RawIssue(segments, f"missing required property {quote(p)}")
            for p in keyword_value
            if isinstance(p, str) and p not in instance
        ]
    if keyword == "additionalProperties":
        if not isinstance(instance, dict):
            return []
        props = parent.get("properties")
        known = list(props) if isinstance(props, dict) else []
        return [
            RawIssue(segments, f"unknown property {quote(k)}{did_you_mean(k, known)}")
            for k in instance
            if k not in known
        ]
    if keyword == "type":
        types = [str(t) for t in keyword_value] if isinstance(keyword_value, list) else [str(keyword_value)]
        phrase = _or_list([_TYPE_PHRASES.get(t, t) for t in types])
        return at(f"must be {phrase} (got {describe_value(instance)})")
    if keyword == "enum":
        values: list[Any] = keyword_value if isinstance(keyword_value, list) else []
        if parent.get(DISCRIMINATOR_KEYWORD) is True:
            prop = str(segments[-1]) if segments else ""
            strings = [v for v in values if isinstance(v, str)]
            guess = closest(instance, strings) if isinstance(instance, str) else None
            detail = (
                f"expected one of: {', '.join(strings)}" if guess is None else f"did you mean {quote(guess)}?"
            )
            return at(f"unknown {prop} {describe_value(instance)} ({detail})")
        all_strings = all(isinstance(v, str) for v in values)
        guess = closest(instance, values) if isinstance(instance, str) and all_strings else None
        hint = "" if guess is None else f"; did you mean {quote(guess)}?"
        listed = ", ".join(describe_value(v) for v in values)
        return at(f"must be one of: {listed} (got {describe_value(instance)}{hint})")
    if keyword == "const":
        return at(f"must be {describe_value(keyword_value)} (got {describe_value(instance)})")
    if keyword == "minItems":
        return at(f"must have at least {plural(int(keyword_value), 'item', 'items')}")
    if keyword == "maxItems":
        return at(f"must have at most {plural(int(keyword_value), 'item', 'items')}")
    if keyword == "minLength":
        return at(f"must be at least {plural(int(keyword_value), 'character', 'characters')} long")
    if keyword == "maxLength":
        return at(f"must be at most {plural(int(keyword_value), 'character', 'characters')} long")
    if keyword == "pattern":
        return at(f"must match the pattern {keyword_value} (got {describe_value(instance)})")
    comparisons = {"minimum": ">=", "maximum": "<=", "exclusiveMinimum": ">", "exclusiveMaximum": "<"}
    if keyword in comparisons:
        return at(
            f"must be {comparisons[keyword]} {describe_value(keyword_value)} (got {describe_value(instance)})"
        )
    if keyword in _WRAPPERS:
        return []
    return at(f"is not valid ({keyword})")


@cache
def _validator() -> Draft202012Validator:
    schema = prepared_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def schema_issues(config: Any) -> list[RawIssue]:
    """Schema issues of a config (unsorted, possibly repeated; see finish_issues)."""
    issues: list[RawIssue] = []
    for error in _validator().iter_errors(config):
        segments = tuple(error.absolute_path)
        issues.extend(
            keyword_issues(
                str(error.validator), error.validator_value, error.schema, error.instance, segments
            )
        )
    return issues
