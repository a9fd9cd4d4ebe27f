"""Excel's scalar functions, one module per family; the list itself is schema/functions.json."""

from __future__ import annotations

from typing import Final

from pyspark.sql import Column

from sheetscale_engine.config.functions import functions, get_function
from sheetscale_engine.core.kinds import call_result_kinds
from sheetscale_engine.spark.functions import dates, information, logical, math, text, textformat
from sheetscale_engine.spark.functions.base import Arg, EvalContext, FunctionImpl

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


def result_kinds(name: str, args: list[Arg]) -> frozenset[int]:
    """The kinds a call's result can have (the core's rule, core.kinds.call_result_kinds)."""
    return call_result_kinds(name, [a.kinds for a in args], [a.is_omitted for a in args])


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
