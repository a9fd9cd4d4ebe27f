"""Excel's text functions as DuckDB SQL (see the Spark lowering's functions/text.py for the rules):
LEFT, RIGHT, MID, LEN, UPPER, LOWER, PROPER, TRIM, CLEAN, CONCAT, CONCATENATE, TEXTJOIN,
SUBSTITUTE, REPLACE, FIND, SEARCH, EXACT, REPT, VALUE.

Positions and lengths count characters (DuckDB's ``substr``/``length``/``strpos`` count Unicode
code points, as Spark does). Every expression here is total: counts and positions are clamped
before they are cast to integers, so no row can fail the query (an out-of-range argument is the
row's #VALUE!, decided by the surrounding CASE).

The helpers at the top (argument coercion with narrowed kinds, first error, integer clamps) are
shared with dates.py and textformat.py.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Final

from sheetscale_engine.duckdb import values as V  # noqa: N812
from sheetscale_engine.duckdb.compile import Arg, EvalContext, FunctionImpl
from sheetscale_engine.duckdb.values import Val

# Excel's longest text in a cell.
MAX_TEXT: Final = 32767
# Positions and counts are clamped to this before becoming BIGINT (far beyond any text's length).
_INT_LIMIT: Final = 2147483647

# ---------------------------------------------------------------------------------------------
# Helpers shared by the text, TEXT and date functions
# ---------------------------------------------------------------------------------------------


def narrow(v: Val, kinds: frozenset[int]) -> Val:
    """``v`` whose values are known to be of ``kinds`` (the coercions' static kinds are broader
    than what they produce: ``to_text`` of an XV value keeps the value's kinds)."""
    kinds = kinds & v.kinds if kinds & v.kinds else kinds
    if v.layout == "xv" or V.layout_for(kinds) == v.layout:
        return Val(v.sql, kinds, v.layout)
    raise ValueError(f"cannot narrow a {v.layout} value to kinds {sorted(kinds)}")


def errors_only(v: Val) -> Val:
    """``v`` in a branch where it is known to be an error (its kinds narrowed to the error)."""
    return Val(v.sql, frozenset({V.ERROR}), "xv")


def first_error(values: Sequence[Val], otherwise: Val) -> Val:
    """The first error among ``values`` in argument order, else ``otherwise``; the result gains
    only the error kind (``values.first_error`` would add the values' other kinds)."""
    return V.cases([(V.is_error(v), errors_only(v)) for v in values if V.ERROR in v.kinds], otherwise)


def as_text(v: Val, ctx: EvalContext) -> Val:
    """``v`` coerced to text (General format, blank ""), errors kept; bound, kinds ⊆ {text, error}."""
    return ctx.bind(narrow(V.to_text(v), V.text_kinds(v.kinds)))


def as_number(v: Val, ctx: EvalContext) -> Val:
    """``v`` coerced as a numeric parameter; bound, kinds ⊆ {number, error}."""
    return ctx.bind(narrow(V.to_number(v, ctx.date_system), V.number_kinds(v.kinds)))


def as_logical(v: Val, ctx: EvalContext) -> Val:
    """``v`` coerced to a logical; bound, kinds ⊆ {logical, error}."""
    kinds = frozenset({V.LOGICAL} | ({V.ERROR} if v.kinds - {V.LOGICAL, V.BLANK, V.NUMBER} else set()))
    return ctx.bind(narrow(V.to_logical(v), kinds))


def raw_sql(v: Val) -> str:
    """The payload of a coerced value (number, text or logical part) for use where it is known
    not to be an error (an error row reads a harmless code or NULL)."""
    if v.layout == "xv":
        part = "n" if V.NUMBER in v.kinds else "b" if V.LOGICAL in v.kinds else "s"
        return f"({v.sql}).{part}"
    return f"({v.sql})"


def mixed(args: Sequence[Arg], ctx: EvalContext, spec: str, body: Callable[[list[str]], Val]) -> Val:
    """Coerce argument i to text ('t'), a number ('n') or a logical ('l') per ``spec``; errors
    propagate in argument order; ``body`` gets the coerced payloads' SQL (VARCHAR/DOUBLE/BOOLEAN)."""
    coercers = {"t": as_text, "n": as_number, "l": as_logical}
    coerced = [coercers[spec[i]](a.val, ctx) for i, a in enumerate(args)]
    return first_error(coerced, body([raw_sql(c) for c in coerced]))


def int_sql(n: str) -> str:
    """A double truncated toward zero (Excel's integer parameters) as a BIGINT, clamped so that
    the cast cannot fail (compare the double itself for range checks)."""
    return f"CAST(least(greatest(trunc({n}), {-_INT_LIMIT}.0), {_INT_LIMIT}.0) AS BIGINT)"


def static_int(arg: Arg) -> int | None:
    """An integer-valued literal argument (truncated), known when compiling."""
    return arg.int_literal


def below(arg: Arg, n_sql: str, limit: int) -> str:
    """SQL condition ``trunc(arg) < limit``, folded to TRUE/FALSE for a literal."""
    known = static_int(arg)
    if known is not None:
        return "TRUE" if known < limit else "FALSE"
    return f"(trunc({n_sql}) < {limit})"


def any_of(*conds: str) -> str:
    """OR of SQL conditions, folding literal TRUE/FALSE."""
    live = [c for c in conds if c != "FALSE"]
    if "TRUE" in live:
        return "TRUE"
    if not live:
        return "FALSE"
    return live[0] if len(live) == 1 else "(" + " OR ".join(live) + ")"


def text_result(s_sql: str, ctx: EvalContext) -> Val:
    """Computed text; longer than Excel's cell limit → #VALUE! (binds it: read twice)."""
    bound = ctx.bind(V.text(s_sql))
    return V.cases([(f"length({bound.sql}) > {MAX_TEXT}", V.error(V.VALUE))], bound)


def _value_error_if(cond: str, ok: Val) -> Val:
    return V.cases([(cond, V.error(V.VALUE))], ok)


# ---------------------------------------------------------------------------------------------
# The functions
# ---------------------------------------------------------------------------------------------


def _left_right(from_left: bool) -> FunctionImpl:
    def impl(args: list[Arg], ctx: EvalContext) -> Val:
        def body(raw: list[str]) -> Val:
            s = raw[0]
            if len(args) < 2:
                return V.text(f"{'left' if from_left else 'right'}({s}, 1)")
            n = int_sql(raw[1])
            part = f"left({s}, {n})" if from_left else f"right({s}, {n})"
            return _value_error_if(below(args[1], raw[1], 0), V.text(part))

        return mixed(args, ctx, "tn"[: len(args)], body)

    return impl


def _mid(args: list[Arg], ctx: EvalContext) -> Val:
    def body(raw: list[str]) -> Val:
        s, start, n = raw[0], int_sql(raw[1]), int_sql(raw[2])
        bad = any_of(below(args[1], raw[1], 1), below(args[2], raw[2], 0))
        # DuckDB's substr counts a start below 1 from the end: the start is ≥ 1 here.
        return _value_error_if(bad, V.text(f"substr({s}, greatest({start}, 1), greatest({n}, 0))"))

    return mixed(args, ctx, "tnn", body)


def _len(args: list[Arg], ctx: EvalContext) -> Val:
    return mixed(args, ctx, "t", lambda raw: V.number(f"CAST(length({raw[0]}) AS DOUBLE)"))


def _text_to_text(fn: Callable[[str], str]) -> FunctionImpl:
    def impl(args: list[Arg], ctx: EvalContext) -> Val:
        return mixed(args, ctx, "t", lambda raw: V.text(fn(raw[0])))

    return impl


def proper_sql(s: str) -> str:
    """Excel's PROPER: a letter is upper-cased at the start or after a non-letter, else lowered.

    The text is cut into runs of letters and runs of other characters, and each run is written
    with its first character upper-cased and the others lowered (a no-op for characters without
    case: it only differs from a character-by-character rule for the rare cased symbols such as
    ⓐ, which stay lowered after the first of a run)."""
    runs = f"regexp_extract_all({s}, '\\p{{L}}+|\\P{{L}}+')"
    cased = f"list_transform({runs}, lambda __run: upper(left(__run, 1)) || lower(substr(__run, 2)))"
    return f"array_to_string({cased}, '')"


def trim_sql(s: str) -> str:
    """Excel's TRIM: spaces (only U+0020) removed at both ends, inner runs collapsed to one."""
    return f"regexp_replace(trim({s}, ' '), ' {{2,}}', ' ', 'g')"


def clean_sql(s: str) -> str:
    """Excel's CLEAN: the control characters 0-31 removed."""
    return f"regexp_replace({s}, '[\\x00-\\x1F]', '', 'g')"


def _concat(args: list[Arg], ctx: EvalContext) -> Val:
    def body(raw: list[str]) -> Val:
        return text_result(" || ".join(raw) if len(raw) > 1 else raw[0], ctx)

    return mixed(args, ctx, "t" * len(args), body)


def _logical_literal(v: Val) -> bool | None:
    if v.layout == "logical" and v.sql in ("TRUE", "FALSE"):
        return v.sql == "TRUE"
    return None


def _textjoin(args: list[Arg], ctx: EvalContext) -> Val:
    delimiter = as_text(args[0].val, ctx)
    ignore = as_logical(args[1].val, ctx)
    texts = [as_text(a.val, ctx) for a in args[2:]]
    known = _logical_literal(ignore)
    items = []
    for t in texts:
        s = raw_sql(t)
        if known is False:
            items.append(s)
        elif known is True:
            items.append(f"nullif({s}, '')")
        else:
            items.append(f"(CASE WHEN {raw_sql(ignore)} AND {s} = '' THEN NULL ELSE {s} END)")
    joined = f"concat_ws({raw_sql(delimiter)}, {', '.join(items)})"
    return first_error([delimiter, ignore, *texts], text_result(joined, ctx))


def _substitute(args: list[Arg], ctx: EvalContext) -> Val:
    def body(raw: list[str]) -> Val:
        s, old, new = raw[0], raw[1], raw[2]
        old_literal = args[1].literal
        old_empty = "FALSE" if isinstance(old_literal, str) and old_literal != "" else f"({old} = '')"
        if len(raw) < 4:
            replaced = f"replace({s}, {old}, {new})"
            if old_empty == "FALSE":
                return text_result(replaced, ctx)
            return text_result(f"(CASE WHEN {old_empty} THEN {s} ELSE {replaced} END)", ctx)
        nth = int_sql(raw[3])
        parts = f"string_split({s}, {old})"
        # The nth occurrence starts after the first nth pieces and the n-1 separators between them.
        before = f"list_sum(list_transform(list_slice({parts}, 1, {nth}), lambda __piece: length(__piece)))"
        at = f"CAST({before} + ({nth} - 1) * length({old}) + 1 AS BIGINT)"
        rebuilt = f"substr({s}, 1, {at} - 1) || {new} || substr({s}, {at} + length({old}))"
        replaced = f"(CASE WHEN {old_empty} OR len({parts}) <= {nth} THEN {s} ELSE {rebuilt} END)"
        return _value_error_if(below(args[3], raw[3], 1), text_result(replaced, ctx))

    return mixed(args, ctx, "tttn"[: len(args)], body)


def _replace(args: list[Arg], ctx: EvalContext) -> Val:
    def body(raw: list[str]) -> Val:
        s, new = raw[0], raw[3]
        start, n = int_sql(raw[1]), int_sql(raw[2])
        after = f"greatest({start}, 1) + greatest({n}, 0)"
        result = f"substr({s}, 1, greatest({start} - 1, 0)) || {new} || substr({s}, {after})"
        bad = any_of(below(args[1], raw[1], 1), below(args[2], raw[2], 0))
        return _value_error_if(bad, text_result(result, ctx))

    return mixed(args, ctx, "tnnt", body)


# Characters from Unicode's private use area stand in for escaped wildcards while the rest of a
# per-row pattern is quoted; Excel text does not contain them in practice.
_TILDE, _STAR, _QMARK = "\ue000", "\ue001", "\ue002"
_RE2_SPECIAL: Final = set("\\^$.|+()[]{}*?")


def wildcard_regex_literal(pattern: str) -> str:
    """An Excel wildcard pattern (``*``, ``?``, ``~`` escape) → an RE2 regex body."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "~" and i + 1 < len(pattern) and pattern[i + 1] in "*?~":
            out.append("\\" + pattern[i + 1] if pattern[i + 1] != "~" else "~")
            i += 2
            continue
        if ch == "*":
            out.append(".*")
        elif ch == "?":
            out.append(".")
        else:
            out.append("\\" + ch if ch in _RE2_SPECIAL else ch)
        i += 1
    return "".join(out)


def wildcard_regex_sql(pattern: str) -> str:
    """A per-row Excel wildcard pattern (VARCHAR SQL) → an RE2 regex body (VARCHAR SQL)."""
    p = f"replace(replace(replace({pattern}, '~~', '{_TILDE}'), '~*', '{_STAR}'), '~?', '{_QMARK}')"
    p = f"regexp_replace({p}, '([\\\\^$.|+()\\[\\]{{}}])', '\\\\\\1', 'g')"
    p = f"replace(replace({p}, '*', '.*'), '?', '.')"
    return f"replace(replace(replace({p}, '{_TILDE}', '~'), '{_STAR}', '\\*'), '{_QMARK}', '\\?')"


def _regex_position_sql(rest: str, regex: str, ctx: EvalContext, when: str = "TRUE") -> str:
    """1-based position of the leftmost match of ``regex`` (which ends in ``.*``) in ``rest``, 0 when
    there is none: the match and everything after it replaced by nothing leaves what precedes it.
    Only computed where ``when`` holds (a per-row regex is compiled for each row that reads it)."""
    replaced = f"regexp_replace({rest}, {regex}, '')"
    if when != "TRUE":
        replaced = f"(CASE WHEN {when} THEN {replaced} END)"
    before = ctx.bind(Val(replaced, frozenset({V.TEXT, V.BLANK}), "text")).sql
    return f"(CASE WHEN length({before}) < length({rest}) THEN length({before}) + 1 ELSE 0 END)"


def search_position_sql(rest: str, needle: str, literal: object, ctx: EvalContext) -> str:
    """SEARCH's 1-based position of ``needle`` in ``rest`` (case-insensitive, wildcards), 0 if none.

    A needle without wildcards is a plain search in the lower-cased texts (DuckDB lower-cases
    character by character, so positions are kept); a needle with wildcards becomes an RE2 regex."""
    if isinstance(literal, str):
        if not any(ch in literal for ch in "*?~"):
            return f"strpos(lower({rest}), lower({V.sql_text(literal)}))"
        regex = V.sql_text("(?s)(?i)(?:" + wildcard_regex_literal(literal) + ").*")
        return _regex_position_sql(rest, regex, ctx)
    wild = f"regexp_matches({needle}, '[*?~]')"
    regex = f"('(?s)(?i)(?:' || {wildcard_regex_sql(needle)} || ').*')"
    # The regex is compiled per row: only for the rows whose needle has wildcards.
    by_regex = _regex_position_sql(rest, regex, ctx, when=wild)
    return f"(CASE WHEN {wild} THEN {by_regex} ELSE strpos(lower({rest}), lower({needle})) END)"


def _find_search(case_sensitive: bool) -> FunctionImpl:
    def impl(args: list[Arg], ctx: EvalContext) -> Val:
        def body(raw: list[str]) -> Val:
            needle, haystack = raw[0], raw[1]
            start = int_sql(raw[2]) if len(raw) > 2 else "1"
            rest = f"substr({haystack}, greatest({start}, 1))" if len(raw) > 2 else haystack
            literal = args[0].literal if args[0].node.get("kind") == "text" else None
            # Whether the needle is empty: known when it is a literal.
            empty = f"({needle} = '')"
            if isinstance(literal, str):
                empty = "TRUE" if literal == "" else "FALSE"
            if case_sensitive:
                pos = f"strpos({rest}, {needle})"
            else:
                pos = search_position_sql(rest, needle, literal, ctx)
            pos = ctx.bind(V.number(f"CAST({pos} AS DOUBLE)")).sql
            if empty == "TRUE":
                found, missing = start, "FALSE"
            else:
                found = f"({pos} + {start} - 1)"
                missing = f"({pos} = 0)" if empty == "FALSE" else f"(NOT {empty} AND {pos} = 0)"
            # An empty needle may start just after the end of the text.
            extra = {"TRUE": "1", "FALSE": "0"}.get(empty, f"(CASE WHEN {empty} THEN 1 ELSE 0 END)")
            too_far = f"({start} > length({haystack}) + {extra})"
            invalid = any_of(below(args[2], raw[2], 1) if len(raw) > 2 else "FALSE", too_far, missing)
            return _value_error_if(invalid, V.number(f"CAST({found} AS DOUBLE)"))

        return mixed(args, ctx, "ttn"[: len(args)], body)

    return impl


def _exact(args: list[Arg], ctx: EvalContext) -> Val:
    return mixed(args, ctx, "tt", lambda raw: V.logical(f"({raw[0]} = {raw[1]})"))


def _rept(args: list[Arg], ctx: EvalContext) -> Val:
    def body(raw: list[str]) -> Val:
        s, n = raw[0], int_sql(raw[1])
        # The count is clamped: REPT("", 1e9) is "" and anything longer than 32,767 is #VALUE!.
        too_long = f"(length({s}) * trunc({raw[1]}) > {MAX_TEXT})"
        bad = any_of(below(args[1], raw[1], 0), too_long)
        return _value_error_if(bad, V.text(f"repeat({s}, least(greatest({n}, 0), {MAX_TEXT + 1}))"))

    return mixed(args, ctx, "tn", body)


def _value(args: list[Arg], ctx: EvalContext) -> Val:
    # VALUE reads numbers and numeric text; a logical is #VALUE! (unlike arithmetic).
    v = args[0].val
    number = narrow(V.to_number(v, ctx.date_system), V.number_kinds(v.kinds))
    if V.LOGICAL not in v.kinds:
        return number
    error_kinds = [(V.is_error(v), errors_only(v))] if V.ERROR in v.kinds else []
    return V.cases([*error_kinds, (V.is_kind(v, V.LOGICAL), V.error(V.VALUE))], number)


FUNCTIONS: Final[dict[str, FunctionImpl]] = {
    "LEFT": _left_right(from_left=True),
    "RIGHT": _left_right(from_left=False),
    "MID": _mid,
    "LEN": _len,
    "UPPER": _text_to_text(lambda s: f"upper({s})"),
    "LOWER": _text_to_text(lambda s: f"lower({s})"),
    "PROPER": _text_to_text(proper_sql),
    "TRIM": _text_to_text(trim_sql),
    "CLEAN": _text_to_text(clean_sql),
    "CONCAT": _concat,
    "CONCATENATE": _concat,
    "TEXTJOIN": _textjoin,
    "SUBSTITUTE": _substitute,
    "REPLACE": _replace,
    "FIND": _find_search(case_sensitive=True),
    "SEARCH": _find_search(case_sensitive=False),
    "EXACT": _exact,
    "REPT": _rept,
    "VALUE": _value,
}
