"""Static kinds: what each value can hold (number, text, logical, blank, error), known at plan time.

Both lowerings use these rules so that a column of one kind is a plain typed column and the
error/blank machinery appears only where a value can really be an error or a blank.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from sheetscale_engine.config.functions import get_function
from sheetscale_engine.core.excel_values import ALL_KINDS, BLANK, ERROR, LOGICAL, NUMBER, TEXT

_NUMBER_OR_ERROR: Final = frozenset({NUMBER, ERROR})
_TEXT_OR_ERROR: Final = frozenset({TEXT, ERROR})
_LOGICAL_OR_ERROR: Final = frozenset({LOGICAL, ERROR})
_NUMBER_RESULTS: Final = frozenset({"LEN", "FIND", "SEARCH", "VALUE"})
_LOGICAL_RESULTS: Final = frozenset({"AND", "OR", "NOT", "XOR", "EXACT"})


def call_result_kinds(
    name: str, arg_kinds: Sequence[frozenset[int]], omitted: Sequence[bool] | None = None
) -> frozenset[int]:
    """The kinds a call's result can have (conservative), given its arguments' kinds.

    ``omitted[i]`` is True for an argument left empty (``IF(c,1,)``), which a function that
    returns it shows as 0.
    """
    spec = get_function(name)
    category = spec.category if spec is not None else None
    if name in _LOGICAL_RESULTS:
        return _LOGICAL_OR_ERROR
    if name in _NUMBER_RESULTS:
        return _NUMBER_OR_ERROR
    if category == "information":
        return _LOGICAL_OR_ERROR
    if category in ("math", "date"):
        return _NUMBER_OR_ERROR
    if category == "text":
        return _TEXT_OR_ERROR
    if name == "NA":
        return frozenset({ERROR})
    flags = list(omitted) if omitted is not None else [False] * len(arg_kinds)
    values = [frozenset({NUMBER}) if flags[i] else k for i, k in enumerate(arg_kinds)]
    chosen = _chosen_values(name, values)
    if chosen is not None:
        # IF without a third argument gives FALSE when the condition is false.
        false = frozenset({LOGICAL}) if name == "IF" and len(values) < 3 else frozenset()
        return frozenset({ERROR}).union(false, *chosen)
    return ALL_KINDS


def _chosen_values(name: str, args: list[frozenset[int]]) -> list[frozenset[int]] | None:
    """The kinds of the arguments a conditional function returns as they are (None: not one)."""
    if name == "IF":
        return args[1:]
    if name in ("IFERROR", "IFNA"):
        return args
    if name == "IFS":
        return args[1::2]
    if name == "CHOOSE":
        return args[1:]
    if name == "SWITCH":
        rest = args[1:]
        return rest[1::2] + (rest[-1:] if len(rest) % 2 == 1 else [])
    return None


def finished_kinds(kinds: frozenset[int]) -> frozenset[int]:
    """The kinds of a formula cell's result: a blank result shows as the number 0."""
    return kinds - {BLANK} | ({NUMBER} if BLANK in kinds else frozenset())
