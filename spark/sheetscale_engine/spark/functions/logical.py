"""Logical functions: IF, IFS, AND, OR, NOT, XOR, IFERROR, IFNA, NA, SWITCH, CHOOSE."""

from __future__ import annotations

from pyspark.sql import Column
from pyspark.sql import functions as F  # noqa: N812 (PySpark's convention)

from sheetscale_engine.spark import values as V  # noqa: N812
from sheetscale_engine.spark.functions.base import (
    Arg,
    EvalContext,
    FunctionImpl,
    first_error,
    let,
    let_all,
    truncate,
)


def _if(args: list[Arg], ctx: EvalContext) -> Column:
    # With two arguments a false condition gives FALSE; an omitted third argument (IF(c,1,)) gives 0.
    otherwise = args[2].col if len(args) == 3 else V.xv_logical(False)
    if len(args) == 3 and args[2].is_omitted:
        otherwise = V.xv_number(0)
    then = V.xv_number(0) if args[1].is_omitted else args[1].col

    def body(cond: Column) -> Column:
        c = V.to_logical(cond)
        return F.when(V.is_error(c), c).when(V.logical(c), then).otherwise(otherwise)

    return let(args[0], body, ctx)


def _ifs(args: list[Arg], ctx: EvalContext) -> Column:
    if len(args) % 2 != 0:
        raise ctx.fail("IFS takes pairs of condition and value")
    pairs = [(args[i], args[i + 1]) for i in range(0, len(args), 2)]

    def build(i: int) -> Column:
        if i == len(pairs):
            return V.xv_error(V.NA)  # no condition was TRUE
        cond, value = pairs[i]
        rest = build(i + 1)

        def body(c_raw: Column) -> Column:
            c = V.to_logical(c_raw)
            return F.when(V.is_error(c), c).when(V.logical(c), value.col).otherwise(rest)

        return let(cond, body, ctx)

    return build(0)


def _logical_values(args: list[Arg]) -> tuple[list[Column], list[Column]]:
    """Per argument: the XV (for errors) and its logical value (null when Excel ignores it).

    From a reference, text and blanks are ignored; given directly, text is TRUE/FALSE or #VALUE!.
    """
    checked: list[Column] = []
    logicals: list[Column] = []
    for a in args:
        if a.is_ref:
            k = V.kind(a.col)
            checked.append(a.col)
            logicals.append(F.when(k == V.LOGICAL, V.logical(a.col)).when(k == V.NUMBER, V.num(a.col) != 0))
        elif a.is_omitted:
            checked.append(V.xv_logical(False))
            logicals.append(F.lit(False))
        else:
            coerced = V.to_logical(a.col)
            checked.append(coerced)
            logicals.append(F.when(V.is_logical(coerced), V.logical(coerced)))
    return checked, logicals


def _combine(args: list[Arg], reduce_kind: str) -> Column:
    checked, logicals = _logical_values(args)
    count = sum((F.when(lv.isNotNull(), 1).otherwise(0) for lv in logicals), F.lit(0))
    trues = sum((F.when(lv, 1).otherwise(0) for lv in logicals), F.lit(0))
    if reduce_kind == "AND":
        outcome = trues == count
    elif reduce_kind == "OR":
        outcome = trues > 0
    else:
        outcome = (trues % 2) == 1
    # No logical value at all among the arguments: #VALUE!.
    result = F.when(count == 0, V.xv_error(V.VALUE)).otherwise(V.xv_of(V.LOGICAL, b=outcome))
    return first_error(checked, result)


def _and(args: list[Arg], ctx: EvalContext) -> Column:
    return _combine(args, "AND")


def _or(args: list[Arg], ctx: EvalContext) -> Column:
    return _combine(args, "OR")


def _xor(args: list[Arg], ctx: EvalContext) -> Column:
    return _combine(args, "XOR")


def _not(args: list[Arg], ctx: EvalContext) -> Column:
    def body(x: Column) -> Column:
        c = V.to_logical(x)
        return F.when(V.is_error(c), c).otherwise(V.xv_of(V.LOGICAL, b=~V.logical(c)))

    return let(args[0], body, ctx)


def _iferror(args: list[Arg], ctx: EvalContext) -> Column:
    fallback = V.xv_number(0) if args[1].is_omitted else args[1].col
    return let(args[0], lambda v: F.when(V.is_error(v), fallback).otherwise(v), ctx)


def _ifna(args: list[Arg], ctx: EvalContext) -> Column:
    fallback = V.xv_number(0) if args[1].is_omitted else args[1].col
    return let(args[0], lambda v: F.when(V.is_error(v) & (V.text(v) == V.NA), fallback).otherwise(v), ctx)


def _na(args: list[Arg], ctx: EvalContext) -> Column:
    return V.xv_error(V.NA)


def _switch(args: list[Arg], ctx: EvalContext) -> Column:
    from sheetscale_engine.spark.expressions import excel_equal  # noqa: PLC0415 (avoids an import cycle / optional)

    subject, rest = args[0], args[1:]
    default = rest[-1].col if len(rest) % 2 == 1 else V.xv_error(V.NA)
    pairs = [(rest[i], rest[i + 1]) for i in range(0, len(rest) - 1, 2)]

    def body(x: Column) -> Column:
        def build(i: int) -> Column:
            if i == len(pairs):
                return default
            candidate, value = pairs[i]
            following = build(i + 1)
            return let(
                candidate,
                lambda c: F.when(V.is_error(c), c).when(excel_equal(x, c), value.col).otherwise(following),
                ctx,
            )

        return F.when(V.is_error(x), x).otherwise(build(0))

    return let(subject, body, ctx)


def _choose(args: list[Arg], ctx: EvalContext) -> Column:
    options = args[1:]

    def body(cols: list[Column]) -> Column:
        idx = V.to_number(cols[0], ctx.date_system)
        i = truncate(V.num(idx))
        expr = F.when(V.is_error(idx), idx)
        for pos, opt in enumerate(options, start=1):
            expr = expr.when(i == pos, V.xv_number(0) if opt.is_omitted else opt.col)
        return expr.otherwise(V.xv_error(V.VALUE))

    return let_all([args[0]], body, ctx)


FUNCTIONS: dict[str, FunctionImpl] = {
    "IF": _if,
    "IFS": _ifs,
    "AND": _and,
    "OR": _or,
    "NOT": _not,
    "XOR": _xor,
    "IFERROR": _iferror,
    "IFNA": _ifna,
    "NA": _na,
    "SWITCH": _switch,
    "CHOOSE": _choose,
}
