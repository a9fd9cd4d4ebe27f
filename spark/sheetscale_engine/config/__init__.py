"""The config contract on the engine side: validation and the facts read from schema/.

The schema files are the single source of truth (schema/config.schema.json, schema/functions.json);
this package reads them and validates configs exactly like src/config (TypeScript) does.
"""

from __future__ import annotations

from sheetscale_engine.config.error_codes import error_codes, is_error_code
from sheetscale_engine.config.functions import FunctionSpec, functions, get_function, is_scalar_function
from sheetscale_engine.config.issues import ConfigIssue, format_issue, format_path
from sheetscale_engine.config.limits import limits, reserved_column_prefix
from sheetscale_engine.config.resources import bundle_schema_files, config_schema, functions_document
from sheetscale_engine.config.validate import ConfigValidationError, load_config, validate_config

__all__ = [
    "ConfigIssue",
    "ConfigValidationError",
    "FunctionSpec",
    "bundle_schema_files",
    "config_schema",
    "error_codes",
    "format_issue",
    "format_path",
    "functions",
    "functions_document",
    "get_function",
    "is_error_code",
    "is_scalar_function",
    "limits",
    "load_config",
    "reserved_column_prefix",
    "validate_config",
]
