"""Excel's scalar functions, one module per family; the list itself is schema/functions.json."""

from __future__ import annotations

from typing import Final

from pyspark.sql import Column

from sheetscale_engine import values as V  # noqa: N812
from sheetscale_engine.config.functions import functions, get_function
from sheetscale_engine.functions import dates, information, logical, math, text, textformat
from sheetscale_engine.functions.base import Arg, EvalContext, FunctionImpl

IMPLEMENTATIONS: Final[dict[str, FunctionImpl]] = {
    **logical.FUNCTIONS,
    **information.FUNCTIONS,
    **math.FUNCTIONS,
    **text.FUNCTIONS,
    **textformat.FUNCTIONS,
    **dates.FUNCTIONS,
}


def scalar_function_names() -> list[str]:
    """The functions that may appear in an expression (every category but 'table')."""
    return [f.name for f in functions() if f.is_scalar]


_NUMBER_OR_ERROR: Final = frozenset({V.NUMBER, V.ERROR})
_TEXT_OR_ERROR: Final = frozenset({V.TEXT, V.ERROR})
_LOGICAL_OR_ERROR: Final = frozenset({V.LOGICAL, V.ERROR})
_NUMBER_RESULTS: Final = frozenset({"LEN", "FIND", "SEARCH", "VALUE"})
_LOGICAL_RESULTS: Final = frozenset({"AND", "OR", "NOT", "XOR", "EXACT"})


def result_kinds(name: str, args: list[Arg]) -> frozenset[int]:
    """The kinds a call's result can have (conservative), to prune coercions of its value."""
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
        return frozenset({V.ERROR})
    chosen = _chosen_values(name, args)
    if chosen is not None:
        # IF without a third argument gives FALSE when the condition is false.
        false = frozenset({V.LOGICAL}) if name == "IF" and len(args) < 3 else frozenset()
        return frozenset({V.ERROR}).union(false, *(_value_kinds(a) for a in chosen))
    return V.ALL_KINDS


def _chosen_values(name: str, args: list[Arg]) -> list[Arg] | None:
    """The arguments whose value a conditional function returns as it is (None: not one of them)."""
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


def _value_kinds(arg: Arg) -> frozenset[int]:
    """What a returned argument can be: an omitted one (IF(c,1,)) is 0."""
    return frozenset({V.NUMBER}) if arg.is_omitted else arg.kinds


def call_function(name: str, args: list[Arg], ctx: EvalContext) -> Column:
    """Compile a call of a supported scalar function, checking it against functions.json."""
    spec = get_function(name)
    if spec is None:
        raise ctx.fail(f"{name} is not a supported function (the list is schema/functions.json)")
    if not spec.is_scalar:
        raise ctx.fail(
            f"{name} cannot appear inside an expression: the recorder turns it into a "
            f"{spec.becomes_step} step"
        )
    if not spec.min_args <= len(args) <= spec.max_args:
        raise ctx.fail(f"{name} takes {spec.min_args} to {spec.max_args} arguments, got {len(args)}")
    impl = IMPLEMENTATIONS.get(name)
    if impl is None:
        raise ctx.fail(f"{name} is in functions.json but the Spark engine has no implementation")
    return impl(args, ctx)
