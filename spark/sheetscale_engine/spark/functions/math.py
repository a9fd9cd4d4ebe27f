"""Math functions: ROUND, ROUNDUP, ROUNDDOWN, INT, TRUNC, ABS, SIGN, MOD, POWER, SQRT and
MIN, MAX, SUM, AVERAGE, PRODUCT over their arguments."""

from __future__ import annotations

from collections.abc import Callable
from functools import reduce

from pyspark.sql import Column
from pyspark.sql import functions as F  # noqa: N812 (PySpark's convention)

from sheetscale_engine.spark import values as V  # noqa: N812
from sheetscale_engine.spark.functions.base import (
    Arg,
    EvalContext,
    FunctionImpl,
    bind,
    first_error,
    let_all,
    number_result,
    numeric,
    truncate,
)

# Beyond 15 significant digits a double has no decimals left that Excel would show or round.
_INTEGRAL_ABOVE = 1e15


def round_digits(x: Column, digits: Column, mode: str, ctx: EvalContext) -> Column:
    """Round ``x`` to ``digits`` decimals (negative: to tens, hundreds...) as Excel does; a double.

    ``mode``: "half" (ROUND: half away from zero), "up" (ROUNDUP: away from zero), "down"
    (ROUNDDOWN/TRUNC: toward zero). Excel rounds the number as it sees it, with 15 significant
    digits, so 2.675 (stored as 2.67499999...) rounds to 2.68: the value is first brought to 15
    digits, then scaled by a power of ten and brought to 15 digits again (removing the scaling's
    binary error), then rounded as an integer and scaled back. No Spark ``bround`` (half-even).
    """

    def scale(parts: list[Column]) -> Column:
        x15, d = parts
        power = F.pow(F.lit(10.0), F.abs(d))
        return V.round15(F.when(d >= 0, x15 * power).otherwise(x15 / power))

    def finish(parts: list[Column]) -> Column:
        x15, d, scaled = parts
        power = F.pow(F.lit(10.0), F.abs(d))
        magnitude = F.abs(scaled)
        if mode == "half":
            whole = F.floor(magnitude + 0.5)
        elif mode == "up":
            whole = F.ceil(magnitude)
        else:
            whole = F.floor(magnitude)
        signed = F.signum(scaled) * whole.cast("double")
        back = F.when(d >= 0, signed / power).otherwise(signed * power)
        return (
            F.when(d > 300, x15)
            .when(d < -300, F.lit(0.0))
            .when((magnitude >= _INTEGRAL_ABOVE) & (d >= 0), x15)
            .otherwise(back)
            + F.lit(0.0)  # -0.0 → 0.0
        )

    return bind(
        [V.round15(x), truncate(digits)],
        lambda xd: bind([scale(xd)], lambda sc: finish([*xd, sc[0]]), ctx),
        ctx,
    )


def _rounding(mode: str, default_digits: bool = False) -> FunctionImpl:
    def impl(args: list[Arg], ctx: EvalContext) -> Column:
        if default_digits and len(args) == 1:
            return numeric(
                args, ctx, lambda ns: number_result(round_digits(ns[0], F.lit(0.0), mode, ctx), ctx)
            )
        return numeric(args, ctx, lambda ns: number_result(round_digits(ns[0], ns[1], mode, ctx), ctx))

    return impl


def _unary_math(fn: Callable[[Column], Column]) -> FunctionImpl:
    def impl(args: list[Arg], ctx: EvalContext) -> Column:
        return numeric(args, ctx, lambda ns: fn(ns[0]))

    return impl


def _int(n: Column) -> Column:
    return number_result(F.floor(V.round15(n)).cast("double"))


def _mod(args: list[Arg], ctx: EvalContext) -> Column:
    def body(ns: list[Column]) -> Column:
        n, d = ns
        # The result takes the divisor's sign: MOD(-3,2) = 1, MOD(3,-2) = -1.
        return F.when(d == 0, V.xv_error(V.DIV0)).otherwise(number_result(n - d * F.floor(n / d)))

    return numeric(args, ctx, body)


def _power(args: list[Arg], ctx: EvalContext) -> Column:
    from sheetscale_engine.spark.expressions import power  # noqa: PLC0415 (avoids an import cycle / optional)

    return numeric(args, ctx, lambda ns: power(ns[0], ns[1]))


def _sqrt(n: Column) -> Column:
    return F.when(n < 0, V.xv_error(V.NUM)).otherwise(number_result(F.sqrt(n)))


def numbers_of_arguments(
    args: list[Arg], cols: list[Column], ctx: EvalContext
) -> tuple[list[Column], list[Column]]:
    """Excel's rule for SUM-like functions: per argument the XV to check for errors and the
    number it contributes (null when ignored).

    From a reference only numbers count (text, logicals and blanks are ignored); given directly,
    logicals count as 1/0, text must be a number (else #VALUE!) and an omitted argument is 0.
    """
    checked: list[Column] = []
    numbers: list[Column] = []
    for a, c in zip(args, cols, strict=True):
        if a.is_ref:
            checked.append(c)
            numbers.append(F.when(V.is_number(c), V.num(c)))
        else:
            coerced = V.to_number(c, ctx.date_system, a.kinds)
            checked.append(coerced)
            numbers.append(V.num(coerced))
    return checked, numbers


def _aggregate(kind: str) -> FunctionImpl:
    def impl(args: list[Arg], ctx: EvalContext) -> Column:
        def body(cols: list[Column]) -> Column:
            checked, numbers = numbers_of_arguments(args, cols, ctx)
            count = reduce(lambda acc, n: acc + F.when(n.isNotNull(), 1).otherwise(0), numbers, F.lit(0))
            total = reduce(lambda acc, n: acc + F.coalesce(n, F.lit(0.0)), numbers, F.lit(0.0))
            if kind == "SUM":
                result = number_result(total)
            elif kind == "AVERAGE":
                result = F.when(count == 0, V.xv_error(V.DIV0)).otherwise(number_result(total / count))
            elif kind == "PRODUCT":
                product = reduce(lambda acc, n: acc * F.coalesce(n, F.lit(1.0)), numbers, F.lit(1.0))
                result = F.when(count == 0, V.xv_number(0)).otherwise(number_result(product))
            elif kind == "MIN":
                least = F.least(*numbers) if len(numbers) > 1 else numbers[0]
                result = V.xv_number_unchecked(F.coalesce(least, F.lit(0.0)))
            else:
                greatest = F.greatest(*numbers) if len(numbers) > 1 else numbers[0]
                result = V.xv_number_unchecked(F.coalesce(greatest, F.lit(0.0)))
            return first_error(checked, result)

        return let_all(args, body, ctx)

    return impl


FUNCTIONS: dict[str, FunctionImpl] = {
    "ROUND": _rounding("half"),
    "ROUNDUP": _rounding("up"),
    "ROUNDDOWN": _rounding("down"),
    "TRUNC": _rounding("down", default_digits=True),
    "INT": _unary_math(_int),
    "ABS": _unary_math(lambda n: V.xv_number_unchecked(F.abs(n))),
    "SIGN": _unary_math(lambda n: V.xv_number_unchecked(F.signum(n) + F.lit(0.0))),
    "MOD": _mod,
    "POWER": _power,
    "SQRT": _unary_math(_sqrt),
    "SUM": _aggregate("SUM"),
    "AVERAGE": _aggregate("AVERAGE"),
    "PRODUCT": _aggregate("PRODUCT"),
    "MIN": _aggregate("MIN"),
    "MAX": _aggregate("MAX"),
}
