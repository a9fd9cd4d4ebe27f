"""The expression compiler: a config Expr tree → one native Spark column of XV values.

Operators follow Excel: errors propagate (the left operand's first), blank is 0 in arithmetic and
"" in text, text that looks like a number is one in arithmetic ("3"+1 = 4, "a"+1 = #VALUE!),
division by zero is #DIV/0!, no NaN or infinity (#NUM!), comparisons are case-insensitive with
numbers < text < logicals, and ``&`` writes numbers in the General format.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, Final

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F  # noqa: N812 (PySpark's convention)

from sheetscale_engine.config.error_codes import error_codes
from sheetscale_engine.core.planner import references
from sheetscale_engine.spark import values as V  # noqa: N812
from sheetscale_engine.spark.functions.base import (
    CHEAP_COST,
    Arg,
    EvalContext,
    ExpressionError,
    StagedBinder,
    constant_logical,
    constant_number,
    constant_text,
    first_error,
    let_all,
    number_result,
    numeric,
    textual,
)

__all__ = [
    "EvalContext",
    "ExpressionError",
    "add_expr_columns",
    "compare",
    "compile_arg",
    "compile_expr",
    "excel_equal",
    "references",
]

_ARITHMETIC = {"+", "-", "*", "/", "^"}
# The size estimate of a computed value (an operator's or a call's result): anything but a column
# or a literal is bound before an operator reads it (see functions.base.Binder).
COMPUTED_COST = 100
_COMPARISON = {"=", "<>", "<", ">", "<=", ">="}


def compile_expr(
    expr: Mapping[str, Any],
    columns: Mapping[str, Column],
    ctx: EvalContext | None = None,
    *,
    formula_result: bool = True,
) -> Column:
    """Compile an Expr into ONE XV column over ``columns`` (name → XV column of the row).

    Intermediate values are shared with higher-order functions (see functions.base.Binder), which
    Spark does not code-generate: prefer ``add_expr_columns`` for formula columns over big data.
    With ``formula_result`` (the default) a blank result becomes the number 0, as a formula cell
    such as ``=A2`` shows 0 when A2 is empty; pass False for a value that is not a cell's result
    (a lookup key, a criterion).
    """
    context = ctx if ctx is not None else EvalContext()
    arg = compile_arg(expr, columns, context)
    return _finish(arg, context, formula_result)


def _finish(arg: Arg, ctx: EvalContext, formula_result: bool) -> Column:
    if not formula_result:
        return arg.col
    return let_all(
        [arg],
        lambda cs: F.when(V.is_blank(cs[0]), V.xv_number_unchecked(F.lit(0.0))).otherwise(cs[0]),
        ctx,
    )


def add_expr_columns(
    df: DataFrame,
    exprs: Sequence[tuple[str, Mapping[str, Any]]],
    columns: Mapping[str, Column],
    ctx: EvalContext | None = None,
    *,
    formula_result: bool = True,
) -> DataFrame:
    """``df`` with one XV column per (name, Expr), computed by native, code-generated projections.

    Intermediate values become helper columns (``__b<N>``) of earlier projections, grouped by
    depth, and are dropped at the end; the new columns are appended after ``df``'s columns (an
    existing column of the same name is replaced in place). ``columns`` maps the names an Expr may
    refer to onto XV columns of ``df``.
    """
    return add_expr_columns_with_kinds(df, exprs, columns, ctx, formula_result=formula_result)[0]


def add_expr_columns_with_kinds(
    df: DataFrame,
    exprs: Sequence[tuple[str, Mapping[str, Any]]],
    columns: Mapping[str, Column],
    ctx: EvalContext | None = None,
    *,
    formula_result: bool = True,
    where: Mapping[str, str] | None = None,
) -> tuple[DataFrame, dict[str, frozenset[int]]]:
    """``add_expr_columns`` that also returns the kinds each new column can hold.

    ``where`` (new column → e.g. "step s3 (Ledger!F2: ...)") names each formula in compile errors.
    """
    context = ctx if ctx is not None else EvalContext()
    binder = StagedBinder(prefix=f"__b{_next_prefix()}_")
    staged = replace(context, binder=binder, anchor_zero=_anchor_zero(df))
    results: list[tuple[str, Column]] = []
    kinds: dict[str, frozenset[int]] = {}
    for name, e in exprs:
        here = replace(staged, where=where[name]) if where and name in where else staged
        arg = compile_arg(e, columns, here)
        results.append((name, _finish(arg, here, formula_result)))
        kinds[name] = finished_kinds(arg.kinds) if formula_result else arg.kinds
    out = _staged(df, binder.stages, [c for _, c in results])
    replaced = dict(results)
    final = [replaced[c].alias(c) if c in replaced else F.col(f"`{c}`") for c in df.columns]
    final += [c.alias(n) for n, c in results if n not in df.columns]
    return out.select(*final), kinds


def finished_kinds(kinds: frozenset[int]) -> frozenset[int]:
    """The kinds of a formula's result: a blank result shows as the number 0."""
    return kinds - {V.BLANK} | ({V.NUMBER} if V.BLANK in kinds else frozenset())


def _anchor_zero(df: DataFrame) -> Column | None:
    """0 computed from a column of ``df`` (see EvalContext.anchor_zero)."""
    if "__row" in df.columns:
        return F.col("__row").cast("int") * 0
    if df.columns:
        return F.hash(F.col(f"`{df.columns[0]}`")) * 0
    return None


_PREFIX_COUNTER = [0]


def _next_prefix() -> int:
    _PREFIX_COUNTER[0] += 1
    return _PREFIX_COUNTER[0]


_HELPER_NAME: Final = re.compile(r"(__b\d+_\d+)\b")


def _helpers_in(c: Column) -> set[str]:
    """The helper columns (``__b<N>_<M>``) an expression reads."""
    return set(_HELPER_NAME.findall(str(c)))


def _levels(stages: list[tuple[str, Column]]) -> list[list[tuple[str, Column, set[str]]]]:
    """Group helper columns so that each only reads helpers of earlier groups (with what it reads)."""
    level: dict[str, int] = {}
    groups: list[list[tuple[str, Column, set[str]]]] = []
    for name, col in stages:
        deps = {d for d in _helpers_in(col) if d in level}
        lv = 1 + max((level[d] for d in deps), default=-1)
        level[name] = lv
        while len(groups) <= lv:
            groups.append([])
        groups[lv].append((name, col, deps))
    return groups


def _staged(df: DataFrame, stages: list[tuple[str, Column]], results: list[Column]) -> DataFrame:
    """``df`` with the helper columns added level by level, each level in one projection.

    A helper is dropped after the last level that reads it (unless a result reads it): every
    projection copies the whole row, so carrying dead helpers along would cost at each level.
    """
    groups = _levels(stages)
    last_use: dict[str, int] = {}
    for i, group in enumerate(groups):
        for _, _, deps in group:
            for d in deps:
                last_use[d] = max(last_use.get(d, -1), i)
    for c in results:
        for d in _helpers_in(c):
            last_use[d] = len(groups)
    base = [F.col(f"`{c}`") for c in df.columns]
    alive: list[str] = []
    out = df
    for i, group in enumerate(groups):
        alive = [h for h in alive if last_use.get(h, -1) >= i]
        out = out.select(*base, *[F.col(h) for h in alive], *[c.alias(n) for n, c, _ in group])
        alive += [n for n, _, _ in group]
    return out


def compile_arg(expr: Mapping[str, Any], columns: Mapping[str, Column], ctx: EvalContext) -> Arg:
    """Compile one node to an ``Arg`` (XV column + node + size estimate)."""
    node_kind = expr.get("kind")
    if node_kind == "number":
        value = expr["value"]
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise ctx.fail(f"number literal {value!r} is not a number")
        return Arg(constant_number(float(value), ctx), expr, 1, frozenset({V.NUMBER}))
    if node_kind == "text":
        return Arg(constant_text(str(expr["value"]), ctx), expr, 1, frozenset({V.TEXT}))
    if node_kind == "logical":
        return Arg(constant_logical(bool(expr["value"]), ctx), expr, 1, frozenset({V.LOGICAL}))
    if node_kind == "blank":
        return Arg(V.xv_blank(), expr, 1, frozenset({V.BLANK}))
    if node_kind == "error":
        code = str(expr["value"])
        if code not in error_codes():
            raise ctx.fail(f"{code!r} is not an Excel error code")
        return Arg(V.xv_error(code), expr, 1, frozenset({V.ERROR}))
    if node_kind == "column":
        name = str(expr["name"])
        if name not in columns:
            known = ", ".join(sorted(columns)) or "(none)"
            raise ctx.fail(
                f"the formula refers to column {name!r}, which does not exist here; columns: {known}"
            )
        return Arg(columns[name], expr, 2, ctx.column_kinds.get(name, V.ALL_KINDS))
    if node_kind == "unary":
        return _unary(expr, compile_arg(expr["arg"], columns, ctx), ctx)
    if node_kind == "binary":
        left = compile_arg(expr["left"], columns, ctx)
        right = compile_arg(expr["right"], columns, ctx)
        return _binary(expr, left, right, ctx)
    if node_kind == "call":
        from sheetscale_engine.spark.functions import call_function, result_kinds  # noqa: PLC0415 (avoids an import cycle / optional)

        args = [compile_arg(a, columns, ctx) for a in expr.get("args", [])]
        name = str(expr["name"])

        def call(cols: list[Column]) -> Column:
            # Every argument is bound (computed once) before the function reads it: functions read
            # an argument's kind, number and text many times, and an unbound argument would be
            # copied into each place (exponential growth across nested calls).
            bound = [replace(a, col=c, cost=min(a.cost, CHEAP_COST)) for a, c in zip(args, cols, strict=True)]
            return call_function(name, bound, ctx)

        col = let_all(args, call, ctx)
        return Arg(col, expr, COMPUTED_COST, result_kinds(name, args))
    raise ctx.fail(f"unknown expression kind {node_kind!r}")


def _unary(expr: Mapping[str, Any], arg: Arg, ctx: EvalContext) -> Arg:
    op = expr.get("op")
    if op == "+":
        # Excel's unary plus changes nothing: =+"a" is "a".
        return Arg(arg.col, expr, arg.cost, arg.kinds)

    def negate_or_percent(ns: list[Column]) -> Column:
        result = -ns[0] if op == "-" else ns[0] / 100
        return V.xv_number_unchecked(result + F.lit(0.0))  # + 0.0: -0.0 → 0.0

    return Arg(numeric([arg], ctx, negate_or_percent), expr, COMPUTED_COST, V.number_kinds(arg.kinds))


def _binary(expr: Mapping[str, Any], left: Arg, right: Arg, ctx: EvalContext) -> Arg:
    op = str(expr.get("op"))
    err = frozenset({V.ERROR}) if V.ERROR in (left.kinds | right.kinds) else frozenset()
    if op in _ARITHMETIC:
        col = numeric([left, right], ctx, lambda ns: _arithmetic(op, ns[0], ns[1]))
        kinds = frozenset({V.NUMBER, V.ERROR})
    elif op == "&":
        col = textual([left, right], lambda ss: V.xv_of(V.TEXT, s=F.concat(ss[0], ss[1])), ctx)
        kinds = frozenset({V.TEXT}) | err
    elif op in _COMPARISON:
        col = let_all([left, right], lambda cs: compare(op, cs[0], cs[1], left.kinds, right.kinds), ctx)
        kinds = frozenset({V.LOGICAL}) | err
    else:
        raise ctx.fail(f"unknown binary operator {op!r}")
    return Arg(col, expr, COMPUTED_COST, kinds)


def _arithmetic(op: str, a: Column, b: Column) -> Column:
    """``a op b`` for + - * / ^ on two doubles (coerced by ``numeric``) → XV, with Excel's errors."""
    if op == "+":
        return number_result(a + b)
    if op == "-":
        return number_result(a - b)
    if op == "*":
        return number_result(a * b)
    if op == "/":
        return F.when(b == 0, V.xv_error(V.DIV0)).otherwise(number_result(a / b))
    if op == "^":
        return power(a, b)
    raise ValueError(op)


def power(a: Column, b: Column) -> Column:
    """a^b: 0^0 and a negative base with a fractional exponent are #NUM!, 0^negative #DIV/0!."""
    return (
        F.when((a == 0) & (b == 0), V.xv_error(V.NUM))
        .when((a == 0) & (b < 0), V.xv_error(V.DIV0))
        .otherwise(number_result(F.pow(a, b)))
    )


def compare(
    op: str,
    left: Column,
    right: Column,
    left_kinds: frozenset[int] = V.ALL_KINDS,
    right_kinds: frozenset[int] = V.ALL_KINDS,
) -> Column:
    """``left op right`` for = <> < > <= >= as Excel compares (result XV logical or error)."""
    c = three_way(left, right)
    outcome = {
        "=": c == 0,
        "<>": c != 0,
        "<": c < 0,
        ">": c > 0,
        "<=": c <= 0,
        ">=": c >= 0,
    }[op]
    return first_error([left, right], V.xv_of(V.LOGICAL, b=outcome), [left_kinds, right_kinds])


def excel_equal(left: Column, right: Column) -> Column:
    """Spark boolean: Excel's ``=`` for two non-error XV values (case-insensitive, 15 digits)."""
    return three_way(left, right) == 0


def three_way(left: Column, right: Column) -> Column:
    """-1, 0 or 1 as Excel orders two non-error values; a blank takes the other side's kind
    (0, "" or FALSE), two blanks are equal."""
    lk, rk = V.kind(left), V.kind(right)
    l_eff = F.when(lk == V.BLANK, F.when(rk == V.BLANK, F.lit(V.NUMBER)).otherwise(rk)).otherwise(lk)
    r_eff = F.when(rk == V.BLANK, F.when(lk == V.BLANK, F.lit(V.NUMBER)).otherwise(lk)).otherwise(rk)

    def rank(k: Column) -> Column:
        return F.when(k == V.NUMBER, 0).when(k == V.TEXT, 1).otherwise(2)

    ln = F.when(lk == V.BLANK, F.lit(0.0)).otherwise(V.round15(V.num(left)))
    rn = F.when(rk == V.BLANK, F.lit(0.0)).otherwise(V.round15(V.num(right)))
    ls = F.when(lk == V.BLANK, F.lit("")).otherwise(F.lower(V.text(left)))
    rs = F.when(rk == V.BLANK, F.lit("")).otherwise(F.lower(V.text(right)))
    lb = F.when(lk == V.BLANK, F.lit(0)).otherwise(V.logical(left).cast("int"))
    rb = F.when(rk == V.BLANK, F.lit(0)).otherwise(V.logical(right).cast("int"))

    def cmp(a: Column, b: Column) -> Column:
        return F.when(a < b, -1).when(a > b, 1).otherwise(0)

    return (
        F.when(rank(l_eff) != rank(r_eff), cmp(rank(l_eff), rank(r_eff)))
        .when(l_eff == V.NUMBER, cmp(ln, rn))
        .when(l_eff == V.TEXT, cmp(ls, rs))
        .otherwise(cmp(lb, rb))
    )
