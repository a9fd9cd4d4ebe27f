"""What every Excel function implementation shares: the run context, arguments, and Excel's rules
for errors and argument coercion, all as native Spark expressions."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from pyspark.sql import Column
from pyspark.sql import functions as F  # noqa: N812 (PySpark's convention)

from sheetscale_engine.spark import values as V  # noqa: N812

# An argument whose expression is at most this size (a column, a literal) is copied into every
# place that reads it; anything bigger is bound once (see Binder).
CHEAP_COST: Final = 2


class ExpressionError(ValueError):
    """An expression the engine cannot compile (names the function and what to change)."""


@dataclass(frozen=True)
class EvalContext:
    """Run constants an expression may read: TODAY/NOW pinned to the run's start, date system."""

    today: dt.date = field(default_factory=dt.date.today)
    now: dt.datetime | None = None
    date_system: str = "1900"
    where: str = ""  # e.g. "step s3 (Ledger!F2: =ROUND(D2*E2,2))", prefixed to compile errors
    binder: Binder | None = None  # how intermediate values are shared (None: higher-order functions)
    # An integer column that is always 0 but that Spark cannot see as a constant. Literals are
    # tied to it in staged compilation: otherwise a formula of constants (=ROUND(2.675,2)) makes
    # every helper projection "cheap" (foldable), Spark's CollapseProject inlines them all into one
    # exponentially large expression before folding it, and optimisation takes minutes.
    anchor_zero: Column | None = None
    # Kinds each source column can hold (from its type: number → number/blank...), when known.
    column_kinds: Mapping[str, frozenset[int]] = field(default_factory=dict)

    def get_binder(self) -> Binder:
        return self.binder if self.binder is not None else HOF_BINDER

    def now_or_midnight(self) -> dt.datetime:
        if self.now is not None:
            return self.now
        return dt.datetime(self.today.year, self.today.month, self.today.day)

    def fail(self, message: str) -> ExpressionError:
        return ExpressionError(f"{self.where}: {message}" if self.where else message)


@dataclass(frozen=True)
class Arg:
    """One compiled argument: its XV column, the expression node it came from, a size estimate."""

    col: Column
    node: Mapping[str, Any]
    cost: int
    kinds: frozenset[int] = V.ALL_KINDS  # the kinds the value can have (statically)

    @property
    def is_ref(self) -> bool:
        """A reference to a cell (a column): functions such as SUM ignore text coming from one."""
        return self.node.get("kind") == "column"

    @property
    def is_omitted(self) -> bool:
        return self.node.get("kind") == "blank"

    @property
    def literal(self) -> Any:
        """The Python value of a literal argument (number, text, logical), else None."""
        if self.node.get("kind") in ("number", "text", "logical"):
            return self.node.get("value")
        return None

    @property
    def int_literal(self) -> int | None:
        """An integer-valued number literal (as Excel truncates it), e.g. ROUND's digits."""
        value = self.node.get("value") if self.node.get("kind") == "number" else None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return int(value)
        if self.node.get("kind") == "unary" and self.node.get("op") == "-":
            inner = self.node.get("arg", {})
            v = inner.get("value") if inner.get("kind") == "number" else None
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                return -int(v)
        return None


class Binder:
    """Shares an intermediate value between the places that read it, so that an expression tree
    stays linear in the formula's size (Spark copies a Column into every place that uses it, and
    Excel's operators read each operand's kind, number and text several times)."""

    def bind(self, cols: Sequence[Column], body: Callable[[list[Column]], Column]) -> Column:
        raise NotImplementedError


class HofBinder(Binder):
    """Binds a value once per row with a higher-order function: ``transform(array(v), x -> body)``.

    Self-contained (one Column) but evaluated without code generation: for keys and small
    expressions; formula columns use ``StagedBinder`` through ``add_expr_columns``."""

    def bind(self, cols: Sequence[Column], body: Callable[[list[Column]], Column]) -> Column:
        def go(i: int, bound: list[Column]) -> Column:
            if i == len(cols):
                return body(bound)
            return F.transform(F.array(cols[i]), lambda v: go(i + 1, [*bound, v])).getItem(0)

        return go(0, [])


HOF_BINDER: Final = HofBinder()


@dataclass
class StagedBinder(Binder):
    """Binds each value as a helper column (``__b<N>``) computed in an earlier projection.

    Spark keeps such a projection apart (it does not inline an expensive expression read more
    than once) and code-generates the projections together."""

    prefix: str = "__b"
    stages: list[tuple[str, Column]] = field(default_factory=list)

    def bind(self, cols: Sequence[Column], body: Callable[[list[Column]], Column]) -> Column:
        refs = []
        for c in cols:
            name = f"{self.prefix}{len(self.stages)}"
            self.stages.append((name, c))
            refs.append(F.col(name))
        return body(refs)


def constant_number(value: float, ctx: EvalContext) -> Column:
    """An XV number literal (tied to ctx.anchor_zero when staged, see EvalContext)."""
    if ctx.anchor_zero is None or math.isnan(value) or value in (float("inf"), float("-inf")):
        return V.xv_number(value)
    return V.xv_number_unchecked(F.lit(value) + ctx.anchor_zero.cast("double"))


def constant_text(value: str, ctx: EvalContext) -> Column:
    if ctx.anchor_zero is None:
        return V.xv_text(value)
    return V.xv_of(V.TEXT, s=F.concat(F.lit(value), V.repeat_text(F.lit(" "), ctx.anchor_zero)))


def constant_logical(value: bool, ctx: EvalContext) -> Column:
    if ctx.anchor_zero is None:
        return V.xv_logical(value)
    zero = ctx.anchor_zero
    return V.xv_of(V.LOGICAL, b=(zero == 0) if value else (zero != 0))


def let(arg: Arg, body: Callable[[Column], Column], ctx: EvalContext) -> Column:
    """``body(arg)``, binding the argument first unless it is cheap to copy (a column, a literal)."""
    return let_all([arg], lambda cs: body(cs[0]), ctx)


def let_all(args: Sequence[Arg], body: Callable[[list[Column]], Column], ctx: EvalContext) -> Column:
    """``body`` over several arguments, each bound once unless cheap."""
    costly = [i for i, a in enumerate(args) if a.cost > CHEAP_COST]
    if not costly:
        return body([a.col for a in args])

    def with_bound(bound: list[Column]) -> Column:
        cols = [a.col for a in args]
        for i, b in zip(costly, bound, strict=True):
            cols[i] = b
        return body(cols)

    return ctx.get_binder().bind([args[i].col for i in costly], with_bound)


def bind(cols: Sequence[Column], body: Callable[[list[Column]], Column], ctx: EvalContext) -> Column:
    """``body`` over intermediate values, each bound once."""
    return ctx.get_binder().bind(cols, body)


def first_error(
    xvs: Sequence[Column], otherwise: Column, kinds: Sequence[frozenset[int]] | None = None
) -> Column:
    """The first error among ``xvs`` in argument order (Excel's propagation), else ``otherwise``.

    ``kinds`` (per value) leaves out values that cannot be errors."""
    checked = [x for i, x in enumerate(xvs) if kinds is None or V.ERROR in kinds[i]]
    if not checked:
        return otherwise
    expr = F.when(V.is_error(checked[0]), checked[0])
    for x in checked[1:]:
        expr = expr.when(V.is_error(x), x)
    return expr.otherwise(otherwise)


def bind_changed(
    originals: Sequence[Column],
    derived: Sequence[Column],
    body: Callable[[list[Column]], Column],
    ctx: EvalContext,
) -> Column:
    """Bind the derived values that differ from their originals (a pass-through stays as it is)."""
    changed = [i for i, (o, d) in enumerate(zip(originals, derived, strict=True)) if o is not d]
    if not changed:
        return body(list(derived))

    def with_bound(bound: list[Column]) -> Column:
        out = list(derived)
        for i, b in zip(changed, bound, strict=True):
            out[i] = b
        return body(out)

    return bind([derived[i] for i in changed], with_bound, ctx)


def number_result(n: Column, ctx: EvalContext | None = None) -> Column:
    """A computed double → XV: NaN/±Infinity (no such thing in Excel) or null → #NUM!.

    Reads ``n`` four times: with ``ctx`` it is bound first (pass it for anything but a small
    expression of bound values)."""

    def check(v: Column) -> Column:
        return F.when(
            v.isNull() | F.isnan(v) | (F.abs(v) == F.lit(float("inf"))), V.xv_error(V.NUM)
        ).otherwise(V.xv_number_unchecked(v))

    if ctx is None:
        return check(n)
    return bind([n], lambda vs: check(vs[0]), ctx)


def numeric(args: Sequence[Arg], ctx: EvalContext, body: Callable[[list[Column]], Column]) -> Column:
    """Coerce each argument to a number as Excel does for a numeric parameter; the first error
    (including #VALUE! from text that is not a number) wins; else ``body`` over the doubles."""
    kinds = [V.number_kinds(a.kinds) for a in args]

    def with_values(cols: list[Column]) -> Column:
        coerced = [V.to_number(c, ctx.date_system, a.kinds) for c, a in zip(cols, args, strict=True)]
        return bind_changed(
            cols, coerced, lambda cs: first_error(cs, body([V.num(c) for c in cs]), kinds), ctx
        )

    return let_all(args, with_values, ctx)


def textual(args: Sequence[Arg], body: Callable[[list[Column]], Column], ctx: EvalContext) -> Column:
    """Coerce each argument to text (General format for numbers, blank ""); errors propagate."""
    kinds = [V.text_kinds(a.kinds) for a in args]

    def with_values(cols: list[Column]) -> Column:
        coerced = [V.to_text(c, a.kinds) for c, a in zip(cols, args, strict=True)]
        return bind_changed(
            cols, coerced, lambda cs: first_error(cs, body([V.text(c) for c in cs]), kinds), ctx
        )

    return let_all(args, with_values, ctx)


def truncate(n: Column) -> Column:
    """Toward zero, as Excel truncates integer parameters (LEFT's count, CHOOSE's index...)."""
    return F.when(n < 0, F.ceil(n)).otherwise(F.floor(n)).cast("double")


def as_logical_condition(x: Column) -> Column:
    """A condition argument (IF, IFS): XV logical, or #VALUE! for text that is not TRUE/FALSE."""
    return V.to_logical(x)


def text_result(s: Column) -> Column:
    """Text → XV; longer than Excel's cell limit (32,767 characters) → #VALUE!."""
    return F.when(F.length(s) > 32767, V.xv_error(V.VALUE)).otherwise(V.xv_of(V.TEXT, s=s))


FunctionImpl = Callable[[list[Arg], EvalContext], Column]


def mixed(
    args: Sequence[Arg], ctx: EvalContext, kinds: str, body: Callable[[list[Column]], Column]
) -> Column:
    """Coerce argument i to text ('t') or to a number ('n') per ``kinds``; errors propagate in
    argument order; ``body`` gets the raw strings/doubles."""
    out_kinds = [
        V.number_kinds(a.kinds) if kinds[i] == "n" else V.text_kinds(a.kinds) for i, a in enumerate(args)
    ]

    def with_values(cols: list[Column]) -> Column:
        def with_coerced(coerced: list[Column]) -> Column:
            raw = [V.num(c) if kinds[i] == "n" else V.text(c) for i, c in enumerate(coerced)]
            return first_error(coerced, body(raw), out_kinds)

        coerced = [
            V.to_number(c, ctx.date_system, args[i].kinds) if kinds[i] == "n" else V.to_text(c, args[i].kinds)
            for i, c in enumerate(cols)
        ]
        return bind_changed(cols, coerced, with_coerced, ctx)

    return let_all(args, with_values, ctx)
