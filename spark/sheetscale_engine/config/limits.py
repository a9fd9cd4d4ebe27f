"""Limits that JSON Schema cannot express, read from the schema's ``x-sheetscale-limits``."""

from __future__ import annotations

from functools import cache

from sheetscale_engine.config.resources import config_schema

LIMIT_NAMES = (
    "maxConfigBytes",
    "maxSteps",
    "maxExpressionDepth",
    "maxExpressionNodes",
    "maxSources",
    "maxColumnsPerSource",
    "maxSummaryRows",
)


@cache
def _limits() -> tuple[tuple[str, int], ...]:
    raw = config_schema().get("x-sheetscale-limits")
    if not isinstance(raw, dict):
        raise ValueError("schema/config.schema.json has no x-sheetscale-limits object")
    out: list[tuple[str, int]] = []
    for name in LIMIT_NAMES:
        value = raw.get(name)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ValueError(
                f"schema/config.schema.json: x-sheetscale-limits.{name} must be a non-negative integer"
            )
        out.append((name, value))
    return tuple(out)


def limits() -> dict[str, int]:
    """The limits both validators enforce, by name (maxConfigBytes, maxSteps, ...). A fresh copy."""
    return dict(_limits())


@cache
def reserved_column_prefix() -> str:
    """Column names may not start with this: the engine's helper columns (like the row order) do."""
    prefix = config_schema().get("x-sheetscale-reserved-column-prefix")
    if not isinstance(prefix, str) or not prefix:
        raise ValueError(
            "schema/config.schema.json: x-sheetscale-reserved-column-prefix must be a non-empty string"
        )
    return prefix
