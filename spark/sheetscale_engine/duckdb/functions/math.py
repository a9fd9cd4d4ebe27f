"""Excel's math functions as DuckDB SQL: ROUND, ROUNDUP, ROUNDDOWN, INT, TRUNC, ABS, SIGN, MOD,
POWER, SQRT and SUM, AVERAGE, MIN, MAX, PRODUCT over their arguments (the rules are the Spark
lowering's functions/math.py).

A result that cannot be an error (ABS, SIGN, MIN, MAX of numbers) stays a typed DOUBLE; one that
can overflow goes through ``number_result`` (NaN/±Infinity → #NUM!).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Final

from sheetscale_engine.duckdb import values as V  # noqa: N812
from sheetscale_engine.duckdb.compile import Arg, EvalContext, FunctionImpl, numeric, power, truncate_sql
from sheetscale_engine.duckdb.values import Val

# Beyond 15 significant digits a double has no decimals left that Excel would show or round.
_INTEGRAL_ABOVE: Final = "1e15"


def _whole_sql(magnitude: str, mode: str) -> str:
    if mode == "half":
        return f"floor({magnitude} + 0.5)"
    if mode == "up":
        return f"ceil({magnitude})"
    return f"floor({magnitude})"


def round_digits(
    x: str, digits: int | str, mode: str, ctx: EvalContext, x_literal: float | None = None
) -> Val:
    """Round the double ``x`` to ``digits`` decimals (negative: to tens, hundreds...) as Excel does.

    ``mode``: "half" (ROUND: half away from zero), "up" (ROUNDUP: away from zero), "down"
    (ROUNDDOWN/TRUNC: toward zero). ``digits`` is a Python int when the formula writes it, else the
    SQL of a double (truncated here). Excel rounds the number as it sees it, with 15 significant
    digits, so 2.675 (stored as 2.67499999...) rounds to 2.68: the value is first brought to 15
    digits, then scaled by a power of ten and brought to 15 digits again (removing the scaling's
    binary error), then rounded as an integer and scaled back. ``x_literal``: ``x``'s value when
    the formula writes it (its 15 digits are then taken here).
    """
    if x_literal is not None:
        x15 = V.sql_number(float(f"{x_literal:.14e}"))
    else:
        x15 = ctx.bind(V.number(V.round15_sql(x))).sql
    if isinstance(digits, int):
        if digits > 300:
            return V.number_result(x15)
        if digits < -300:
            return V.number("0.0")
        p = V.sql_number(float(f"1e{abs(digits)}"))
        scaled = ctx.bind(V.number(V.round15_sql(f"({x15} {'*' if digits >= 0 else '/'} {p})"))).sql
        magnitude = f"abs({scaled})"
        signed = f"(sign({scaled}) * {_whole_sql(magnitude, mode)})"
        if digits >= 0:
            rounded = f"(CASE WHEN {magnitude} >= {_INTEGRAL_ABOVE} THEN {x15} ELSE {signed} / {p} END)"
        else:
            rounded = f"({signed} * {p})"
    else:
        d = ctx.bind(V.number(truncate_sql(digits))).sql
        p = f"pow(10.0, abs({d}))"
        scaled = ctx.bind(
            V.number(V.round15_sql(f"(CASE WHEN {d} >= 0 THEN {x15} * {p} ELSE {x15} / {p} END)"))
        ).sql
        magnitude = f"abs({scaled})"
        signed = f"(sign({scaled}) * {_whole_sql(magnitude, mode)})"
        rounded = (
            f"(CASE WHEN {d} > 300 THEN {x15} WHEN {d} < -300 THEN 0.0 "
            f"WHEN {magnitude} >= {_INTEGRAL_ABOVE} AND {d} >= 0 THEN {x15} "
            f"WHEN {d} >= 0 THEN {signed} / {p} ELSE {signed} * {p} END)"
        )
    # + 0.0 turns -0.0 into 0.0.
    return V.number_result(ctx.bind(V.number(f"({rounded} + 0.0)")).sql)


def _number_literal(a: Arg) -> float | None:
    value = a.literal
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return None


def _rounding(mode: str, default_digits: bool = False) -> FunctionImpl:
    def impl(args: list[Arg], ctx: EvalContext) -> Val:
        digits = 0 if default_digits and len(args) == 1 else args[1].int_literal
        x_literal = _number_literal(args[0])
        if digits is not None:
            if x_literal is not None:
                return round_digits("", digits, mode, ctx, x_literal)
            return numeric([args[0].val], ctx, lambda ns: round_digits(ns[0], digits, mode, ctx))
        return numeric(
            [args[0].val, args[1].val], ctx, lambda ns: round_digits(ns[0], ns[1], mode, ctx, x_literal)
        )

    return impl


def _unary_math(fn: Callable[[str, EvalContext], Val]) -> FunctionImpl:
    def impl(args: list[Arg], ctx: EvalContext) -> Val:
        return numeric([args[0].val], ctx, lambda ns: fn(ns[0], ctx))

    return impl


def _int(n: str, ctx: EvalContext) -> Val:
    return V.number_result(ctx.bind(V.number(f"floor({V.round15_sql(n)})")).sql)


def _sqrt(n: str, ctx: EvalContext) -> Val:
    # The square root of a finite non-negative double is finite.
    return V.cases([(f"{n} < 0", V.error(V.NUM))], V.number(f"sqrt({n})"))


def _mod(args: list[Arg], ctx: EvalContext) -> Val:
    def body(ns: list[str]) -> Val:
        n, d = ns
        # The result takes the divisor's sign: MOD(-3,2) = 1, MOD(3,-2) = -1.
        remainder = ctx.bind(V.number(f"({n} - {d} * floor({n} / {d}))"))
        return V.cases([(f"{d} = 0", V.error(V.DIV0))], V.number_result(remainder.sql))

    return numeric([a.val for a in args], ctx, body)


def _power(args: list[Arg], ctx: EvalContext) -> Val:
    return numeric([a.val for a in args], ctx, lambda ns: power(ns[0], ns[1], ctx))


def _ref_number(v: Val) -> tuple[str, bool] | None:
    """What a reference contributes to SUM-like functions: its number (SQL, and whether it can be
    NULL, i.e. ignored), or None when it can never be a number."""
    if V.NUMBER not in v.kinds:
        return None
    nullable = v.kinds != {V.NUMBER}
    if v.layout == "number":
        return f"({v.sql})", nullable
    if not nullable:
        return f"({v.sql}).n", False
    return f"(CASE WHEN {V.is_kind(v, V.NUMBER)} THEN ({v.sql}).n END)", True


def numbers_of_arguments(args: list[Arg], ctx: EvalContext) -> tuple[list[Val], list[tuple[str, bool]]]:
    """Excel's rule for SUM-like functions: per argument the value to check for errors and the
    number it contributes (SQL, and whether it can be NULL, i.e. ignored).

    From a reference only numbers count (text, logicals and blanks are ignored); given directly,
    logicals count as 1/0, text must be a number (else #VALUE!) and an omitted argument is 0.
    """
    checked: list[Val] = []
    numbers: list[tuple[str, bool]] = []
    for a in args:
        if a.is_ref:
            checked.append(a.val)
            contribution = _ref_number(a.val)
            if contribution is not None:
                numbers.append(contribution)
        else:
            coerced = ctx.bind(V.to_number(a.val, ctx.date_system))
            checked.append(coerced)
            # After the error check what remains is a number.
            numbers.append((V.num_sql(coerced), False))
    return checked, numbers


def _aggregate(kind: str) -> FunctionImpl:
    def impl(args: list[Arg], ctx: EvalContext) -> Val:
        checked, numbers = numbers_of_arguments(args, ctx)
        present = [n if not nullable else f"coalesce({n}, 0.0)" for n, nullable in numbers]
        static_count = sum(1 for _, nullable in numbers if not nullable)
        counts = [f"(CASE WHEN {n} IS NULL THEN 0 ELSE 1 END)" for n, nullable in numbers if nullable]
        count = " + ".join([str(static_count), *counts])
        none = "TRUE" if not numbers else "FALSE" if static_count else f"({count}) = 0"
        total = " + ".join(present) or "0.0"
        result: Val
        if kind == "SUM":
            result = V.number(f"({total})") if len(numbers) <= 1 else _checked(total, ctx)
        elif kind == "AVERAGE":
            mean = V.number(f"({total})") if len(numbers) <= 1 else _checked(f"({total}) / ({count})", ctx)
            result = V.cases([(none, V.error(V.DIV0))], mean)
        elif kind == "PRODUCT":
            factors = [n if not nullable else f"coalesce({n}, 1.0)" for n, nullable in numbers]
            if not factors:
                result = V.number("0.0")
            else:
                product = (
                    V.number(f"({factors[0]})") if len(factors) == 1 else _checked(" * ".join(factors), ctx)
                )
                result = V.cases([(none, V.number("0.0"))], product)
        else:
            fn = "least" if kind == "MIN" else "greatest"
            if not numbers:
                result = V.number("0.0")
            else:
                extreme = numbers[0][0] if len(numbers) == 1 else f"{fn}({', '.join(n for n, _ in numbers)})"
                nullable = all(nullable for _, nullable in numbers)
                result = V.number(f"coalesce({extreme}, 0.0)" if nullable else extreme)
        return V.first_error(checked, result)

    return impl


def _checked(n: str, ctx: EvalContext) -> Val:
    """A double that may overflow: ±Infinity/NaN → #NUM!."""
    return V.number_result(ctx.bind(V.number(f"({n})")).sql)


FUNCTIONS: Final[dict[str, FunctionImpl]] = {
    "ROUND": _rounding("half"),
    "ROUNDUP": _rounding("up"),
    "ROUNDDOWN": _rounding("down"),
    "TRUNC": _rounding("down", default_digits=True),
    "INT": _unary_math(_int),
    "ABS": _unary_math(lambda n, ctx: V.number(f"abs({n})")),
    "SIGN": _unary_math(lambda n, ctx: V.number(f"CAST(sign({n}) AS DOUBLE)")),
    "MOD": _mod,
    "POWER": _power,
    "SQRT": _unary_math(_sqrt),
    "SUM": _aggregate("SUM"),
    "AVERAGE": _aggregate("AVERAGE"),
    "PRODUCT": _aggregate("PRODUCT"),
    "MIN": _aggregate("MIN"),
    "MAX": _aggregate("MAX"),
}
