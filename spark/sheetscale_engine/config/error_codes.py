"""Excel's error values, read from the schema's ``$defs.ErrorCode`` enum."""

from __future__ import annotations

from functools import cache

from sheetscale_engine.config.resources import config_schema


@cache
def error_codes() -> tuple[str, ...]:
    """Every Excel error code ("#N/A", "#DIV/0!", ...), in the schema's order."""
    values = config_schema()["$defs"]["ErrorCode"]["enum"]
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ValueError("schema/config.schema.json: $defs.ErrorCode.enum must be a list of strings")
    return tuple(values)


def is_error_code(value: object) -> bool:
    return isinstance(value, str) and value in error_codes()
