"""Information functions: ISBLANK, ISNUMBER, ISTEXT, ISLOGICAL, ISERROR, ISERR, ISNA, ISEVEN, ISODD."""

from __future__ import annotations

from collections.abc import Callable

from pyspark.sql import Column
from pyspark.sql import functions as F  # noqa: N812 (PySpark's convention)

from sheetscale_engine.spark import values as V  # noqa: N812
from sheetscale_engine.spark.functions.base import Arg, EvalContext, FunctionImpl, first_error, let, truncate


def _test(predicate: Callable[[Column], Column]) -> FunctionImpl:
    def impl(args: list[Arg], ctx: EvalContext) -> Column:
        return let(args[0], lambda x: V.xv_of(V.LOGICAL, b=predicate(x)), ctx)

    return impl


def _parity(odd: bool) -> FunctionImpl:
    """ISEVEN/ISODD: the number truncated to an integer; logicals and non-numeric text #VALUE!."""

    def impl(args: list[Arg], ctx: EvalContext) -> Column:
        def body(x: Column) -> Column:
            n = F.when(V.is_logical(x), V.xv_error(V.VALUE)).otherwise(V.to_number(x, ctx.date_system))
            remainder = F.abs(truncate(V.num(n))) % 2
            return first_error([n], V.xv_of(V.LOGICAL, b=(remainder == 1) if odd else (remainder == 0)))

        return let(args[0], body, ctx)

    return impl


FUNCTIONS: dict[str, FunctionImpl] = {
    "ISBLANK": _test(V.is_blank),
    "ISNUMBER": _test(V.is_number),
    "ISTEXT": _test(V.is_text),
    "ISLOGICAL": _test(V.is_logical),
    "ISERROR": _test(V.is_error),
    "ISERR": _test(lambda x: V.is_error(x) & (V.text(x) != V.NA)),
    "ISNA": _test(lambda x: V.is_error(x) & (V.text(x) == V.NA)),
    "ISEVEN": _parity(odd=False),
    "ISODD": _parity(odd=True),
}
