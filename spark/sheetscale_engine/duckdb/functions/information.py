"""Excel's information functions as DuckDB SQL: ISBLANK, ISNUMBER, ISTEXT, ISLOGICAL, ISERROR,
ISERR, ISNA, ISEVEN, ISODD (the rules are the Spark lowering's functions/information.py).

The IS tests read the value's kind, folded to TRUE/FALSE when the static kinds decide it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from sheetscale_engine.duckdb import values as V  # noqa: N812
from sheetscale_engine.duckdb.compile import Arg, EvalContext, FunctionImpl, truncate_sql
from sheetscale_engine.duckdb.values import Val


def _test(predicate: Callable[[Val], str]) -> FunctionImpl:
    def impl(args: list[Arg], ctx: EvalContext) -> Val:
        return V.logical(predicate(args[0].val))

    return impl


def _kind(kind: int) -> Callable[[Val], str]:
    return lambda v: V.is_kind(v, kind)


def _error_code_test(op: str) -> Callable[[Val], str]:
    """ISNA (``=``) / ISERR (``<>``): an error whose code is / is not #N/A."""

    def predicate(v: Val) -> str:
        if V.ERROR not in v.kinds:
            return "FALSE"
        return f"coalesce({V.error_code_sql(v)} {op} {V.sql_text(V.NA)}, FALSE)"

    return predicate


def _parity(odd: bool) -> FunctionImpl:
    """ISEVEN/ISODD: the number truncated to an integer; logicals and non-numeric text #VALUE!."""

    def impl(args: list[Arg], ctx: EvalContext) -> Val:
        v = args[0].val
        n = ctx.bind(V.to_number(v, ctx.date_system))
        remainder = f"(abs({truncate_sql(V.num_sql(n))}) % 2)"
        result = V.logical(f"({remainder} = {1 if odd else 0})")
        return V.cases([(V.is_kind(v, V.LOGICAL), V.error(V.VALUE))], V.first_error([n], result))

    return impl


FUNCTIONS: Final[dict[str, FunctionImpl]] = {
    "ISBLANK": _test(_kind(V.BLANK)),
    "ISNUMBER": _test(_kind(V.NUMBER)),
    "ISTEXT": _test(_kind(V.TEXT)),
    "ISLOGICAL": _test(_kind(V.LOGICAL)),
    "ISERROR": _test(_kind(V.ERROR)),
    "ISERR": _test(_error_code_test("<>")),
    "ISNA": _test(_error_code_test("=")),
    "ISEVEN": _parity(odd=False),
    "ISODD": _parity(odd=True),
}
