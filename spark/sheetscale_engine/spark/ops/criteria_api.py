"""The three criteria operations the ops need, delegated to criteria.py (helper B's module).

Kept in one place so that the ops do not depend on criteria.py's exact names, and so that a
missing criteria module fails only the steps that need it, naming them.
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

from pyspark.sql import Column


def _criteria() -> ModuleType:
    return import_module("sheetscale_engine.spark.criteria")


def matches(cell: Column, criterion: Column) -> Column:
    """Spark boolean: the XV ``cell`` meets the XV ``criterion`` (Excel's criteria language)."""
    module = _criteria()
    fn = module.matches
    result: Column = fn(cell, criterion)
    return result


def is_operator_criterion(criterion: Column) -> Column:
    """Spark boolean: the criterion is more than a plain value (an operator or a wildcard)."""
    result: Column = _criteria().is_operator_criterion(criterion)
    return result


def equality_key(value: Column) -> Column:
    """A string key: a plain-value criterion matches a cell exactly when their keys are equal."""
    result: Column = _criteria().equality_key(value)
    return result
