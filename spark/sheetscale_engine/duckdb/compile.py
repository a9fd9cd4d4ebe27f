"""The expression compiler: a config Expr tree → DuckDB SQL over the row's columns.

Operators follow Excel: errors propagate (the left operand's first), blank is 0 in arithmetic and
"" in text, numeric text is a number in arithmetic ("3"+1 = 4, "a"+1 = #VALUE!), division by zero
is #DIV/0!, no NaN or infinity (#NUM!), comparisons are case-insensitive with numbers < text <
logicals, and ``&`` writes numbers in the General format.

Sharing: a function reads an argument's kind, number and text several times; an argument that is
not a column or a literal is *bound* first, i.e. computed once as a helper column (``__b<N>``) of
an earlier projection. A formula thus becomes a few stacked projections, linear in its size
(DuckDB passes untouched columns through a projection without copying them).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from sheetscale_engine.config.error_codes import error_codes
from sheetscale_engine.duckdb import values as V  # noqa: N812
from sheetscale_engine.duckdb.values import Val

_ARITHMETIC: Final = {"+", "-", "*", "/", "^"}
_COMPARISON: Final = {"=", "<>", "<", ">", "<=", ">="}
_HELPER: Final = re.compile(r'"(__b\d+)"')
_counter = itertools.count(1)


class ExpressionError(ValueError):
    """An expression the engine cannot compile (names the function and what to change).

    ``column`` is the formula column being compiled when it was raised (set by compile_formulas),
    so the job can name that step rather than the first of its run."""

    column: str | None = None


class Binder:
    """Collects helper columns: each bound value becomes ``"__b<N>"`` at a projection level one
    above the deepest helper it reads (base columns are level 0)."""

    def __init__(self) -> None:
        self.helpers: list[tuple[str, str, int]] = []  # (name, sql, level)
        self._level: dict[str, int] = {}
        self._by_sql: dict[str, str] = {}

    def level_of(self, sql: str) -> int:
        return max((self._level[h] for h in _HELPER.findall(sql) if h in self._level), default=0)

    def bind(self, v: Val) -> Val:
        if _is_cheap(v.sql):
            return v
        # The same value bound twice (a column coerced the same way by several formulas) is
        # computed once.
        known = self._by_sql.get(v.sql)
        if known is not None:
            return Val(V.ident(known), v.kinds, v.layout)
        name = f"__b{next(_counter)}"
        self._by_sql[v.sql] = name
        level = self.level_of(v.sql) + 1
        self.helpers.append((name, v.sql, level))
        self._level[name] = level
        return Val(V.ident(name), v.kinds, v.layout)

    def levels(self) -> list[list[tuple[str, str]]]:
        """Helpers grouped by level (level 1 first)."""
        top = max((lv for _, _, lv in self.helpers), default=0)
        return [[(n, s) for n, s, lv in self.helpers if lv == i] for i in range(1, top + 1)]


_CHEAP: Final = re.compile(r'^(?:"[^"]*"|CAST\([-0-9.eE+]+ AS DOUBLE\)|\'[^\']*\'|TRUE|FALSE|NULL|[-0-9.]+)$')


def _is_cheap(sql: str) -> bool:
    """A column reference or a literal: copied into every place that reads it."""
    return bool(_CHEAP.match(sql)) or sql.startswith("CAST(NULL AS")


@dataclass(frozen=True)
class EvalContext:
    """Run constants an expression may read: TODAY/NOW pinned to the run's start, date system."""

    today: dt.date = field(default_factory=dt.date.today)
    now: dt.datetime | None = None
    date_system: str = "1900"
    where: str = ""  # e.g. "step s3 (Ledger!F2: =ROUND(D2*E2,2))", prefixed to compile errors
    binder: Binder = field(default_factory=Binder)

    def now_or_midnight(self) -> dt.datetime:
        if self.now is not None:
            return self.now
        return dt.datetime(self.today.year, self.today.month, self.today.day)

    def fail(self, message: str) -> ExpressionError:
        return ExpressionError(f"{self.where}: {message}" if self.where else message)

    def bind(self, v: Val) -> Val:
        return self.binder.bind(v)


@dataclass(frozen=True)
class Arg:
    """One compiled, bound argument: its value and the expression node it came from."""

    val: Val
    node: Mapping[str, Any]

    @property
    def kinds(self) -> frozenset[int]:
        return self.val.kinds

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
        node = self.node
        sign = 1
        if node.get("kind") == "unary" and node.get("op") == "-":
            node, sign = node.get("arg", {}), -1
        value = node.get("value") if node.get("kind") == "number" else None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return sign * int(value)
        return None


FunctionImpl = Callable[[list[Arg], EvalContext], Val]


# ---------------------------------------------------------------------------------------------
# Coercing arguments (shared by operators and functions)
# ---------------------------------------------------------------------------------------------


def numeric(args: Sequence[Val], ctx: EvalContext, body: Callable[[list[str]], Val]) -> Val:
    """Each value coerced to a number as Excel does for a numeric parameter; the first error
    (including #VALUE! from text that is not a number) wins; else ``body`` over the doubles' SQL."""
    coerced = [ctx.bind(V.to_number(a, ctx.date_system)) for a in args]
    return V.first_error(coerced, body([V.num_sql(c) for c in coerced]))


def textual(args: Sequence[Val], ctx: EvalContext, body: Callable[[list[str]], Val]) -> Val:
    """Each value coerced to text (General format for numbers, blank ""); errors propagate."""
    coerced = [ctx.bind(V.to_text(a)) for a in args]
    return V.first_error(coerced, body([V.text_sql(c) for c in coerced]))


def truncate_sql(n: str) -> str:
    """Toward zero, as Excel truncates integer parameters (LEFT's count, CHOOSE's index...)."""
    return f"trunc({n})"


# ---------------------------------------------------------------------------------------------
# The compiler
# ---------------------------------------------------------------------------------------------


def compile_value(expr: Mapping[str, Any], columns: Mapping[str, Val], ctx: EvalContext) -> Val:
    """Compile one node; the result is bound when it is not cheap (safe to read several times)."""
    return ctx.bind(_compile(expr, columns, ctx))


def _compile(expr: Mapping[str, Any], columns: Mapping[str, Val], ctx: EvalContext) -> Val:
    node_kind = expr.get("kind")
    if node_kind == "number":
        value = expr["value"]
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise ctx.fail(f"number literal {value!r} is not a number")
        return V.literal(float(value))
    if node_kind == "text":
        return V.literal(str(expr["value"]))
    if node_kind == "logical":
        return V.literal(bool(expr["value"]))
    if node_kind == "blank":
        return V.blank()
    if node_kind == "error":
        code = str(expr["value"])
        if code not in error_codes():
            raise ctx.fail(f"{code!r} is not an Excel error code")
        return V.error(code)
    if node_kind == "column":
        name = str(expr["name"])
        if name not in columns:
            known = ", ".join(sorted(columns)) or "(none)"
            raise ctx.fail(
                f"the formula refers to column {name!r}, which does not exist here; columns: {known}"
            )
        return columns[name]
    if node_kind == "unary":
        return _unary(str(expr.get("op")), compile_value(expr["arg"], columns, ctx), ctx)
    if node_kind == "binary":
        left = compile_value(expr["left"], columns, ctx)
        right = compile_value(expr["right"], columns, ctx)
        return _binary(str(expr.get("op")), left, right, ctx)
    if node_kind == "call":
        from sheetscale_engine.duckdb.functions import call_function  # noqa: PLC0415 (import cycle)

        args = [Arg(compile_value(a, columns, ctx), a) for a in expr.get("args", [])]
        return call_function(str(expr["name"]), args, ctx)
    raise ctx.fail(f"unknown expression kind {node_kind!r}")


def _unary(op: str, arg: Val, ctx: EvalContext) -> Val:
    if op == "+":
        return arg  # Excel's unary plus changes nothing: =+"a" is "a".
    if op == "-":
        return numeric([arg], ctx, lambda ns: V.number(f"(0.0 - {ns[0]})"))
    if op == "%":
        return numeric([arg], ctx, lambda ns: V.number(f"({ns[0]} / 100.0)"))
    raise ctx.fail(f"unknown unary operator {op!r}")


def _binary(op: str, left: Val, right: Val, ctx: EvalContext) -> Val:
    if op in _ARITHMETIC:
        return numeric([left, right], ctx, lambda ns: arithmetic(op, ns[0], ns[1], ctx))
    if op == "&":
        return textual([left, right], ctx, lambda ss: V.text(f"({ss[0]} || {ss[1]})"))
    if op in _COMPARISON:
        return compare(op, left, right)
    raise ctx.fail(f"unknown binary operator {op!r}")


def arithmetic(op: str, a: str, b: str, ctx: EvalContext) -> Val:
    """``a op b`` for + - * / ^ on two doubles' SQL, with Excel's errors."""
    if op in ("+", "-", "*"):
        return V.number_result(ctx.bind(V.number(f"({a} {op} {b})")).sql)
    if op == "/":
        return V.cases(
            [(f"{b} = 0", V.error(V.DIV0))], V.number_result(ctx.bind(V.number(f"({a} / {b})")).sql)
        )
    if op == "^":
        return power(a, b, ctx)
    raise ValueError(op)


def power(a: str, b: str, ctx: EvalContext) -> Val:
    """a^b: 0^0 and a negative base with a fractional exponent are #NUM!, 0^negative #DIV/0!."""
    raised = ctx.bind(
        V.number(f"(CASE WHEN {a} < 0 AND {b} <> trunc({b}) THEN 'nan'::DOUBLE ELSE pow({a}, {b}) END)")
    )
    return V.cases(
        [(f"{a} = 0 AND {b} = 0", V.error(V.NUM)), (f"{a} = 0 AND {b} < 0", V.error(V.DIV0))],
        V.number_result(raised.sql),
    )


def three_way_sql(left: Val, right: Val) -> str:
    """-1, 0 or 1 as Excel orders two non-error values; a blank takes the other side's kind
    (0, "" or FALSE), two blanks are equal; numbers < text < logicals; text case-insensitive."""
    lk, rk = V.kind_sql(left), V.kind_sql(right)
    if left.layout == right.layout == "number" and not (left.may_blank or right.may_blank):
        ln, rn = V.round15_sql(left.sql), V.round15_sql(right.sql)
        return f"(CASE WHEN {ln} < {rn} THEN -1 WHEN {ln} > {rn} THEN 1 ELSE 0 END)"
    if left.layout == right.layout == "text" and not (left.may_blank or right.may_blank):
        ls, rs = f"lower({left.sql})", f"lower({right.sql})"
        return f"(CASE WHEN {ls} < {rs} THEN -1 WHEN {ls} > {rs} THEN 1 ELSE 0 END)"
    l_eff = f"(CASE WHEN {lk} = 0 THEN (CASE WHEN {rk} = 0 THEN 1 ELSE {rk} END) ELSE {lk} END)"
    r_eff = f"(CASE WHEN {rk} = 0 THEN (CASE WHEN {lk} = 0 THEN 1 ELSE {lk} END) ELSE {rk} END)"

    def rank(k: str) -> str:
        return f"(CASE WHEN {k} = 1 THEN 0 WHEN {k} = 2 THEN 1 ELSE 2 END)"

    ln = f"(CASE WHEN {lk} = 0 THEN 0.0 ELSE {V.round15_sql(V.num_sql(left))} END)"
    rn = f"(CASE WHEN {rk} = 0 THEN 0.0 ELSE {V.round15_sql(V.num_sql(right))} END)"
    ls = f"(CASE WHEN {lk} = 0 THEN '' ELSE lower({V.text_sql(left)}) END)"
    rs = f"(CASE WHEN {rk} = 0 THEN '' ELSE lower({V.text_sql(right)}) END)"
    lb = f"(CASE WHEN {lk} = 0 THEN 0 ELSE CAST({V.bool_sql(left)} AS INTEGER) END)"
    rb = f"(CASE WHEN {rk} = 0 THEN 0 ELSE CAST({V.bool_sql(right)} AS INTEGER) END)"

    def cmp(a: str, b: str) -> str:
        return f"(CASE WHEN {a} < {b} THEN -1 WHEN {a} > {b} THEN 1 ELSE 0 END)"

    return (
        f"(CASE WHEN {rank(l_eff)} <> {rank(r_eff)} THEN {cmp(rank(l_eff), rank(r_eff))} "
        f"WHEN {l_eff} = 1 THEN {cmp(ln, rn)} WHEN {l_eff} = 2 THEN {cmp(ls, rs)} ELSE {cmp(lb, rb)} END)"
    )


def compare(op: str, left: Val, right: Val) -> Val:
    """``left op right`` for = <> < > <= >= as Excel compares (a logical, or the first error)."""
    c = three_way_sql(left, right)
    sql_op = {"=": "=", "<>": "<>", "<": "<", ">": ">", "<=": "<=", ">=": ">="}[op]
    return V.first_error([left, right], V.logical(f"({c} {sql_op} 0)"))


def excel_equal_sql(left: Val, right: Val) -> str:
    """SQL boolean: Excel's ``=`` for two non-error values (case-insensitive, 15 digits)."""
    return f"({three_way_sql(left, right)} = 0)"


def finished(v: Val) -> Val:
    """A formula's result: a blank shows as the number 0 (``=A2`` on an empty A2)."""
    if V.BLANK not in v.kinds:
        return v
    if v.layout == "number":
        return V.number(f"coalesce({v.sql}, 0.0)")
    return V.cases([(V.is_blank(v), V.number("0.0"))], v)


def finished_kinds(kinds: frozenset[int]) -> frozenset[int]:
    return kinds - {V.BLANK} | ({V.NUMBER} if V.BLANK in kinds else frozenset())


@dataclass
class CompiledFormulas:
    """Formula columns as stacked projections: ``levels`` of helper columns, then ``results``."""

    levels: list[list[tuple[str, str]]]
    results: dict[str, Val]


def compile_formulas(
    exprs: Sequence[tuple[str, Mapping[str, Any]]],
    columns: Mapping[str, Val],
    ctx: EvalContext,
    *,
    where: Mapping[str, str] | None = None,
    formula_result: bool = True,
) -> CompiledFormulas:
    """Compile several expressions over ``columns`` sharing one binder (see module doc)."""
    binder = Binder()
    results: dict[str, Val] = {}
    for name, e in exprs:
        here = EvalContext(ctx.today, ctx.now, ctx.date_system, (where or {}).get(name, ctx.where), binder)
        try:
            v = _compile(e, columns, here)
        except ExpressionError as exc:
            exc.column = name
            raise
        results[name] = finished(v) if formula_result else v
    return CompiledFormulas(binder.levels(), results)


def staged_select(
    base_sql: str,
    passthrough: Sequence[str],
    compiled: CompiledFormulas,
    final: Sequence[tuple[str, str]],
) -> str:
    """SQL: the relation ``base_sql`` with the helper levels stacked (``passthrough`` columns carried
    through each level), then ONE final projection of ``final`` (name, sql). Helpers are dropped
    after their last reader."""
    levels = compiled.levels
    last_use: dict[str, int] = {}
    for i, group in enumerate(levels):
        for _, sql in group:
            for h in _HELPER.findall(sql):
                last_use[h] = max(last_use.get(h, -1), i)
    for _, sql in final:
        for h in _HELPER.findall(sql):
            last_use[h] = len(levels)
    current = base_sql
    alive: list[str] = []
    base_cols = [V.ident(c) for c in passthrough]
    for i, group in enumerate(levels):
        alive = [h for h in alive if last_use.get(h, -1) >= i]
        cols = [*base_cols, *[V.ident(h) for h in alive], *[f"{sql} AS {V.ident(n)}" for n, sql in group]]
        current = f"(SELECT {', '.join(cols)} FROM {current} AS _l{i})"
        alive += [n for n, _ in group]
    outs = ", ".join(f"{sql} AS {V.ident(n)}" for n, sql in final)
    return f"SELECT {outs} FROM {current} AS _f"
