"""Excel's logical functions as DuckDB SQL: IF, IFS, AND, OR, NOT, XOR, IFERROR, IFNA, NA, SWITCH,
CHOOSE (the rules are the Spark lowering's functions/logical.py).

Conditional functions are one flat ``CASE``: its branches are tried in order, so an error in a
later condition is reached only when no earlier one was TRUE, as in Excel. A branch that returns
an error of a condition carries only the error kind (see ``values.errors_only``), so the result's kinds
are those of the values returned plus the error.
"""

from __future__ import annotations

from typing import Final

from sheetscale_engine.duckdb import values as V  # noqa: N812
from sheetscale_engine.duckdb.compile import Arg, EvalContext, FunctionImpl, excel_equal_sql, truncate_sql
from sheetscale_engine.duckdb.values import Val

# ---------------------------------------------------------------------------------------------
# Helpers shared by the function families
# ---------------------------------------------------------------------------------------------


def narrow(v: Val, kinds: frozenset[int]) -> Val:
    """``v`` where it is known to hold one of ``kinds`` only: typed when those kinds allow it
    (an XV value that cannot be an error any more is read as its number, text or logical)."""
    kinds = kinds & v.kinds
    layout = V.layout_for(kinds)
    if layout in (v.layout, "xv"):
        return Val(v.sql, kinds, v.layout)
    if kinds <= {V.BLANK}:
        return Val(f"CAST(NULL AS {V.SQL_TYPES[layout]})", kinds, layout)
    # v is XV; the one non-blank kind left is typed.
    kind = {"number": V.NUMBER, "text": V.TEXT, "logical": V.LOGICAL}[layout]
    part = {"number": "n", "text": "s", "logical": "b"}[layout]
    if V.BLANK in kinds:
        return Val(f"(CASE WHEN ({v.sql}).k = {kind} THEN ({v.sql}).{part} END)", kinds, layout)
    return Val(f"({v.sql}).{part}", kinds, layout)


def condition_sql(c: Val) -> str:
    """SQL boolean of a value that ``to_logical`` made (folded when it is a TRUE/FALSE literal)."""
    if c.layout == "logical" and c.sql in ("TRUE", "FALSE"):
        return c.sql
    return V.bool_sql(c)


def zero_if_omitted(a: Arg) -> Val:
    """An argument a function returns as it is: left empty (``IF(c,1,)``) it is the number 0."""
    return V.number("0.0") if a.is_omitted else a.val


# ---------------------------------------------------------------------------------------------
# The functions
# ---------------------------------------------------------------------------------------------


def _if(args: list[Arg], ctx: EvalContext) -> Val:
    # With two arguments a false condition gives FALSE; an omitted third argument (IF(c,1,)) gives 0.
    otherwise = zero_if_omitted(args[2]) if len(args) == 3 else V.logical("FALSE")
    c = ctx.bind(V.to_logical(args[0].val))
    branches: list[tuple[str, Val]] = []
    if V.ERROR in c.kinds:
        branches.append((V.is_error(c), V.errors_only(c)))
    branches.append((condition_sql(c), zero_if_omitted(args[1])))
    return V.cases(branches, otherwise)


def _ifs(args: list[Arg], ctx: EvalContext) -> Val:
    if len(args) % 2 != 0:
        raise ctx.fail("IFS takes pairs of condition and value")
    branches: list[tuple[str, Val]] = []
    for i in range(0, len(args), 2):
        c = ctx.bind(V.to_logical(args[i].val))
        if V.ERROR in c.kinds:
            branches.append((V.is_error(c), V.errors_only(c)))
        branches.append((condition_sql(c), zero_if_omitted(args[i + 1])))
    return V.cases(branches, V.error(V.NA))  # no condition was TRUE


def _logical_values(args: list[Arg], ctx: EvalContext) -> tuple[list[Val], list[tuple[str, bool]]]:
    """Per argument: the value to check for errors, and its logical value as SQL with whether it
    can be NULL (NULL: Excel ignores it).

    From a reference, text and blanks are ignored; given directly, text is TRUE/FALSE or #VALUE!.
    """
    checked: list[Val] = []
    logicals: list[tuple[str, bool]] = []
    for a in args:
        v = a.val
        if a.is_ref:
            checked.append(v)
            present = v.kinds & {V.LOGICAL, V.NUMBER}
            if not present:
                continue
            nullable = bool(v.kinds - present)
            if v.layout == "logical":
                logicals.append((f"({v.sql})", nullable))
            elif v.layout == "number":
                logicals.append((f"(({v.sql}) <> 0)", nullable))
            else:
                whens = []
                if V.LOGICAL in present:
                    whens.append(f"WHEN ({v.sql}).k = {V.LOGICAL} THEN ({v.sql}).b")
                if V.NUMBER in present:
                    whens.append(f"WHEN ({v.sql}).k = {V.NUMBER} THEN ({v.sql}).n <> 0")
                logicals.append((f"(CASE {' '.join(whens)} END)", nullable))
        elif a.is_omitted:
            logicals.append(("FALSE", False))
        else:
            coerced = ctx.bind(V.to_logical(v))
            checked.append(coerced)
            # After the error check, what remains is a logical.
            logicals.append((condition_sql(coerced), False))
    return checked, logicals


def _combine(reduce_kind: str) -> FunctionImpl:
    def impl(args: list[Arg], ctx: EvalContext) -> Val:
        checked, logicals = _logical_values(args, ctx)
        if reduce_kind == "AND":
            outcome = " AND ".join(f"coalesce({lv}, TRUE)" if nullable else lv for lv, nullable in logicals)
        elif reduce_kind == "OR":
            outcome = " OR ".join(f"coalesce({lv}, FALSE)" if nullable else lv for lv, nullable in logicals)
        else:
            ones = " + ".join(f"(CASE WHEN {lv} THEN 1 ELSE 0 END)" for lv, _ in logicals)
            outcome = f"(({ones}) % 2 = 1)"
        result = V.logical(f"({outcome})") if logicals else V.error(V.VALUE)
        # No logical value at all among the arguments: #VALUE!.
        if logicals and all(nullable for _, nullable in logicals):
            none = " AND ".join(f"({lv} IS NULL)" for lv, _ in logicals)
            result = V.cases([(none, V.error(V.VALUE))], result)
        return V.first_error(checked, result)

    return impl


def _not(args: list[Arg], ctx: EvalContext) -> Val:
    c = ctx.bind(V.to_logical(args[0].val))
    b = condition_sql(c)
    negated = {"TRUE": "FALSE", "FALSE": "TRUE"}.get(b, f"(NOT {b})")
    return V.first_error([c], V.logical(negated))


def _iferror(args: list[Arg], ctx: EvalContext) -> Val:
    v = args[0].val
    if V.ERROR not in v.kinds:
        return v
    return V.cases([(V.is_error(v), zero_if_omitted(args[1]))], narrow(v, v.kinds - {V.ERROR}))


def _ifna(args: list[Arg], ctx: EvalContext) -> Val:
    v = args[0].val
    if V.ERROR not in v.kinds:
        return v
    # The error code is NULL unless v is an error: the condition is then not TRUE.
    return V.cases([(f"({V.error_code_sql(v)} = {V.sql_text(V.NA)})", zero_if_omitted(args[1]))], v)


def _na(args: list[Arg], ctx: EvalContext) -> Val:
    return V.error(V.NA)


def _switch(args: list[Arg], ctx: EvalContext) -> Val:
    subject, rest = args[0].val, args[1:]
    default = zero_if_omitted(rest[-1]) if len(rest) % 2 == 1 else V.error(V.NA)
    branches: list[tuple[str, Val]] = []
    if V.ERROR in subject.kinds:
        branches.append((V.is_error(subject), V.errors_only(subject)))
    for i in range(0, len(rest) - 1, 2):
        candidate = rest[i].val
        if V.ERROR in candidate.kinds:
            branches.append((V.is_error(candidate), V.errors_only(candidate)))
        branches.append((excel_equal_sql(subject, candidate), zero_if_omitted(rest[i + 1])))
    return V.cases(branches, default)


def _choose(args: list[Arg], ctx: EvalContext) -> Val:
    options = [zero_if_omitted(a) for a in args[1:]]
    index = args[0]
    pos = index.int_literal  # a number written in the formula: the choice is known now
    if pos is not None:
        return options[pos - 1] if 1 <= pos <= len(options) else V.error(V.VALUE)
    idx = ctx.bind(V.to_number(index.val, ctx.date_system))
    i = truncate_sql(V.num_sql(idx))
    branches: list[tuple[str, Val]] = []
    if V.ERROR in idx.kinds:
        branches.append((V.is_error(idx), V.errors_only(idx)))
    branches += [(f"{i} = {pos}", opt) for pos, opt in enumerate(options, start=1)]
    return V.cases(branches, V.error(V.VALUE))


FUNCTIONS: Final[dict[str, FunctionImpl]] = {
    "IF": _if,
    "IFS": _ifs,
    "AND": _combine("AND"),
    "OR": _combine("OR"),
    "NOT": _not,
    "XOR": _combine("XOR"),
    "IFERROR": _iferror,
    "IFNA": _ifna,
    "NA": _na,
    "SWITCH": _switch,
    "CHOOSE": _choose,
}
