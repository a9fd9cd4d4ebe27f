"""Excel's scalar functions as DuckDB SQL, one module per family; the list is schema/functions.json."""

from __future__ import annotations

from typing import Final

from sheetscale_engine.config.functions import get_function
from sheetscale_engine.core.kinds import call_result_kinds
from sheetscale_engine.duckdb.compile import Arg, EvalContext, FunctionImpl
from sheetscale_engine.duckdb.functions import dates, information, logical, math, text, textformat
from sheetscale_engine.duckdb.values import Val

IMPLEMENTATIONS: Final[dict[str, FunctionImpl]] = {
    **logical.FUNCTIONS,
    **information.FUNCTIONS,
    **math.FUNCTIONS,
    **text.FUNCTIONS,
    **textformat.FUNCTIONS,
    **dates.FUNCTIONS,
}


def call_function(name: str, args: list[Arg], ctx: EvalContext) -> Val:
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
        raise ctx.fail(f"{name} is in functions.json but the DuckDB engine has no implementation")
    result = impl(args, ctx)
    allowed = call_result_kinds(name, [a.kinds for a in args], [a.is_omitted for a in args])
    if not result.kinds <= allowed:
        raise AssertionError(
            f"{name}: result kinds {sorted(result.kinds)} exceed the core's {sorted(allowed)}"
        )
    return result
