"""Excel's criteria language (COUNTIF, SUMIF(S), AVERAGEIF(S), COUNTIFS) and wildcards as DuckDB SQL.

The same rules as the Spark lowering's criteria.py. A criterion is a value:

- a number, logical or error matches equal cells; a number also matches text that reads as that
  number ("100" matches 100, and the criterion "100" matches the number 100);
- text may start with an operator: ``=`` ``<>`` ``<`` ``>`` ``<=`` ``>=``; ``"="`` alone matches
  blank cells, ``"<>"`` alone non-blank cells, ``""`` blank cells and empty text;
- ``<`` ``>`` ``<=`` ``>=`` compare numbers with numbers (the text after the operator read as a
  number or a date, e.g. ``">=2024-01-15"``) and otherwise text with text, case-insensitively;
- without an operator (or after ``=``/``<>``) text matches case-insensitively, with wildcards
  ``*`` and ``?`` (``~`` escapes them); wildcards only ever match text cells.

Two ways to build a test:

- a criterion known per row (a column holding ">100"): ``parts_relation`` takes it apart once per
  distinct criterion (operator, the text after it, that text as a number, keys, a LIKE pattern)
  and ``matches_sql`` tests a cell against those part columns;
- a constant criterion: ``constant_criterion`` takes it apart once, when planning (with the same
  SQL, run on one row), and ``matches_constant_sql`` emits only the test that criterion needs,
  e.g. ``">100"`` on a number column is ``round15(n) > 100``.

Wildcards become LIKE patterns (``*`` → ``%``, ``?`` → ``_``, escape ``\\``), matched against
lower-cased text: no regular expression is compiled per row.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

import duckdb

from sheetscale_engine.duckdb import values as V  # noqa: N812
from sheetscale_engine.duckdb.values import Val, sql_text

OPERATOR_RE: Final = "^(<=|>=|<>|<|>|=)"
LIKE_ESCAPE: Final = "ESCAPE '\\'"

# Characters from Unicode's private use area stand in for escaped wildcards while a pattern is
# rewritten; Excel text does not contain them in practice.
_TILDE, _STAR, _QMARK = "\ue000", "\ue001", "\ue002"

# A text key with a * or ? not escaped by ~ is a pattern for a wildcard-mode lookup.
_HAS_WILDCARD: Final = "(^|[^~])(~~)*[*?]"


# ---------------------------------------------------------------------------------------------
# Wildcards
# ---------------------------------------------------------------------------------------------


def wildcard_like_sql(pattern: str) -> str:
    """An Excel wildcard pattern (SQL text) → a LIKE pattern for ``LIKE ... ESCAPE '\\'``.

    ``*`` any characters, ``?`` one character, ``~*`` ``~?`` ``~~`` the character itself; LIKE's
    own ``%`` ``_`` ``\\`` are escaped. Compare lower-cased text with a lower-cased pattern.
    """
    p = f"replace(replace(replace({pattern}, '\\', '\\\\'), '%', '\\%'), '_', '\\_')"
    p = f"replace(replace(replace({p}, '~~', '{_TILDE}'), '~*', '{_STAR}'), '~?', '{_QMARK}')"
    p = f"replace(replace({p}, '*', '%'), '?', '_')"
    return f"replace(replace(replace({p}, '{_TILDE}', '~'), '{_STAR}', '*'), '{_QMARK}', '?')"


def like_sql(text: str, like_pattern: str) -> str:
    """SQL boolean (never NULL): lower-cased ``text`` matches ``like_pattern`` (wildcard_like_sql)."""
    return f"coalesce(lower({text}) LIKE {like_pattern} {LIKE_ESCAPE}, FALSE)"


def has_wildcard_sql(text: str) -> str:
    """SQL boolean: ``text`` holds a ``*`` or ``?`` that no ``~`` escapes (a lookup pattern)."""
    return f"regexp_matches({text}, {sql_text(_HAS_WILDCARD)})"


def unescape_wildcards_sql(text: str) -> str:
    """``~*`` ``~?`` ``~~`` → the character itself (a wildcard-mode key that is not a pattern)."""
    return f"regexp_replace({text}, '~([*?~])', '\\1', 'g')"


# ---------------------------------------------------------------------------------------------
# Equality keys
# ---------------------------------------------------------------------------------------------


def _text_number(s: str, date_system: str) -> str:
    """Text read as a number, a date or a time as Excel's operators read it, else NULL. Text
    without a digit is none of those: the (long) parse is skipped for it."""
    return f"(CASE WHEN regexp_matches({s}, '[0-9]') THEN {V.text_to_number_sql(s, date_system)} END)"


def _number_key(n: str) -> str:
    return f"('n:' || printf('%.14e', {n}))"


def _text_key(s: str, number: str) -> str:
    """The equality key of text whose reading as a number is ``number`` (NULL when none)."""
    return (
        f"(CASE WHEN {s} = '' THEN 'e:' ELSE coalesce({_number_key(number)}, "
        f"CASE upper({s}) WHEN 'TRUE' THEN 'b:TRUE' WHEN 'FALSE' THEN 'b:FALSE' "
        f"ELSE 't:' || lower({s}) END) END)"
    )


def equality_key_sql(v: Val, date_system: str = "1900") -> str:
    """A VARCHAR key: a plain-value criterion matches a cell exactly when their keys are equal.

    Blank and empty text share a key (the criterion "" matches both); numeric text shares the
    number's key (COUNTIF's "100" ↔ 100); text is lower-cased; numbers on 15 digits.
    """
    parts: list[tuple[int, str]] = []
    if V.NUMBER in v.kinds:
        parts.append((V.NUMBER, _number_key(V.num_sql(v))))
    if V.TEXT in v.kinds:
        s = V.text_sql(v)
        parts.append((V.TEXT, _text_key(s, _text_number(s, date_system))))
    if V.LOGICAL in v.kinds:
        parts.append((V.LOGICAL, f"('b:' || {V.logical_text_sql(V.bool_sql(v))})"))
    if V.ERROR in v.kinds:
        parts.append((V.ERROR, f"('x:' || {V.error_code_sql(v)})"))
    if V.BLANK in v.kinds:
        parts.append((V.BLANK, "'e:'"))
    if len(parts) == 1:
        return parts[0][1]
    whens = " ".join(f"WHEN {V.is_kind(v, k)} THEN {sql}" for k, sql in parts[:-1])
    return f"(CASE {whens} ELSE {parts[-1][1]} END)"


def is_operator_criterion_sql(v: Val) -> str:
    """SQL boolean: the criterion is more than a plain value (an operator or a wildcard), so its
    equality key alone cannot decide it."""
    if V.TEXT not in v.kinds:
        return "FALSE"
    s = V.text_sql(v)
    test = (
        f"(left({s}, 1) IN ('<', '>', '=') OR contains({s}, '*') OR contains({s}, '?') OR contains({s}, '~'))"
    )
    return f"coalesce({V.is_kind(v, V.TEXT)} AND {test}, FALSE)"


# ---------------------------------------------------------------------------------------------
# Criteria known per row
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Parts:
    """A criterion taken apart: SQL expressions (columns of ``parts_relation``)."""

    is_text: str  # BOOLEAN: the criterion is text (else a plain value compared by ``plain``)
    op: str  # VARCHAR: '', '=', '<>', '<', '>', '<=', '>='
    rest: str  # VARCHAR: the text after the operator
    number: str  # DOUBLE: ``rest`` read as a number or a date, else NULL
    key: str  # VARCHAR: the equality key of ``rest``
    plain: str  # VARCHAR: the equality key of the criterion itself
    wild: str  # BOOLEAN: ``rest`` is a wildcard pattern
    like: str  # VARCHAR: ``rest`` lower-cased as a LIKE pattern


_FIELDS: Final = ("is_text", "op", "rest", "number", "key", "plain", "wild", "like")


def _part_stages(v: Val, prefix: str, date_system: str) -> tuple[list[list[tuple[str, str]]], Parts]:
    """Three projections computing the parts (each stage reads the previous one's columns)."""
    names = {f: f"{prefix}_{f}" for f in _FIELDS}
    col = {f: V.ident(n) for f, n in names.items()}
    s = V.text_sql(v)
    first = [
        (names["is_text"], V.is_kind(v, V.TEXT)),
        (names["op"], f"coalesce(regexp_extract({s}, {sql_text(OPERATOR_RE)}, 1), '')"),
        (names["rest"], f"regexp_replace({s}, {sql_text(OPERATOR_RE)}, '')"),
        (names["plain"], equality_key_sql(v, date_system)),
    ]
    second = [
        (names["number"], _text_number(col["rest"], date_system)),
        (names["like"], wildcard_like_sql(f"lower({col['rest']})")),
    ]
    third = [
        (names["key"], _text_key(col["rest"], col["number"])),
        (names["wild"], f"(regexp_matches({col['rest']}, '[*?~]') AND {col['number']} IS NULL)"),
    ]
    return [first, second, third], Parts(**col)


def parts_relation(
    relation: str, keep: list[str], criteria: list[tuple[str, Val]], date_system: str = "1900"
) -> tuple[str, list[Parts]]:
    """SQL: ``relation`` (its columns ``keep``) plus the parts of each criterion (a value over the
    relation's columns, named by its prefix); the parts as columns of the result."""
    stages: list[list[tuple[str, str]]] = [[], [], []]
    parts = []
    for prefix, v in criteria:
        own, p = _part_stages(v, prefix, date_system)
        for i, stage in enumerate(own):
            stages[i].extend(stage)
        parts.append(p)
    current = relation
    carried = [V.ident(c) for c in keep]
    for i, stage in enumerate(stages):
        cols = [*carried, *(f"{sql} AS {V.ident(n)}" for n, sql in stage)]
        current = f"(SELECT {', '.join(cols)} FROM {current} AS _p{i})"
        carried += [V.ident(n) for n, _ in stage]
    return current, parts


def _compare(op: str, a: str, b: str) -> str:
    return (
        f"(CASE {op} WHEN '<' THEN {a} < {b} WHEN '>' THEN {a} > {b} "
        f"WHEN '<=' THEN {a} <= {b} ELSE {a} >= {b} END)"
    )


def _cell_number(cell: Val) -> str:
    """The cell's number rounded to 15 digits when it is a number, else NULL."""
    if V.NUMBER not in cell.kinds:
        return "CAST(NULL AS DOUBLE)"
    return f"(CASE WHEN {V.is_kind(cell, V.NUMBER)} THEN {V.round15_sql(V.num_sql(cell))} END)"


def matches_sql(cell: Val, cell_key: str, p: Parts) -> str:
    """SQL boolean (never NULL): ``cell`` meets the criterion ``p``; ``cell_key`` is the cell's
    ``equality_key_sql`` (usually a column computed once per cell)."""
    t = V.text_sql(cell)
    is_t = V.is_kind(cell, V.TEXT)
    is_n = V.is_kind(cell, V.NUMBER)
    empty = f"({V.is_blank(cell)} OR ({p.op} = '' AND {is_t} AND {t} = ''))"
    equal = (
        f"(CASE WHEN {p.rest} = '' THEN {empty} WHEN {p.wild} THEN ({is_t} AND {like_sql(t, p.like)}) "
        f"ELSE {cell_key} = {p.key} END)"
    )
    by_number = _compare(p.op, _cell_number(cell), V.round15_sql(p.number))
    by_text = _compare(p.op, f"lower({t})", f"lower({p.rest})")
    ordered = (
        f"(CASE WHEN {p.number} IS NOT NULL THEN ({is_n} AND {by_number}) ELSE ({is_t} AND {by_text}) END)"
    )
    text_match = (
        f"(CASE WHEN {p.op} IN ('', '=', '<>') THEN (coalesce({equal}, FALSE) <> ({p.op} = '<>')) "
        f"ELSE {ordered} END)"
    )
    return f"coalesce(CASE WHEN {p.is_text} THEN {text_match} ELSE {cell_key} = {p.plain} END, FALSE)"


# ---------------------------------------------------------------------------------------------
# Constant criteria
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConstantCriterion:
    """A criterion known when planning, taken apart by the same SQL as ``parts_relation``."""

    is_text: bool
    op: str
    rest: str
    number: float | None
    key: str
    plain: str
    wild: bool
    like: str


def constant_criterion(
    con: duckdb.DuckDBPyConnection, v: Val, date_system: str = "1900"
) -> ConstantCriterion:
    """Take apart the constant criterion ``v`` (a value that reads no column) with one query."""
    relation, (p,) = parts_relation(f"(SELECT {v.sql} AS __crit)", [], [("__cc", v)], date_system)
    cols = ", ".join(getattr(p, f) for f in _FIELDS)
    row = con.execute(f"SELECT {cols} FROM {relation} AS _cc").fetchall()[0]
    got = dict(zip(_FIELDS, row, strict=True))
    return ConstantCriterion(
        is_text=bool(got["is_text"]),
        op=str(got["op"] or ""),
        rest=str(got["rest"] or ""),
        number=None if got["number"] is None else float(got["number"]),
        key=str(got["key"] or ""),
        plain=str(got["plain"]),
        wild=bool(got["wild"]),
        like=str(got["like"] or ""),
    )


def key_equals_sql(cell: Val, key: str, date_system: str = "1900") -> str:
    """SQL boolean (never NULL): the cell's equality key is the literal ``key``, tested without
    computing the key where the key's kind allows (text keys never read text as a number)."""
    t = V.text_sql(cell)
    is_t = V.is_kind(cell, V.TEXT)
    if key == "e:":
        test = f"({V.is_blank(cell)} OR ({is_t} AND {t} = ''))"
    elif key.startswith("t:"):
        # The key of a text cell is 't:' + lower(text) exactly when that text is not empty, not a
        # number or date, not TRUE/FALSE; the criterion's text is none of those, and neither is
        # any text equal to it ignoring case (Excel reads numbers, dates and TRUE in any case).
        test = f"({is_t} AND lower({t}) = {sql_text(key[2:])})"
    elif key in ("b:TRUE", "b:FALSE"):
        word = key[2:]
        logical = f"({V.is_kind(cell, V.LOGICAL)} AND {V.bool_sql(cell)} = {word})"
        test = f"({logical} OR ({is_t} AND upper({t}) = '{word}'))"
    elif key.startswith("x:"):
        test = f"({V.error_code_sql(cell)} = {sql_text(key[2:])})"
    else:
        test = f"({equality_key_sql(cell, date_system)} = {sql_text(key)})"
    return f"coalesce({test}, FALSE)"


def _double_literal(x: float) -> str:
    return V.sql_number(x) if math.isfinite(x) else f"CAST('{x!r}' AS DOUBLE)"


def matches_constant_sql(cell: Val, c: ConstantCriterion, date_system: str = "1900") -> str:
    """SQL boolean (never NULL): ``cell`` meets the constant criterion ``c`` (as ``matches_sql``)."""
    if not c.is_text:
        return key_equals_sql(cell, c.plain, date_system)
    t = V.text_sql(cell)
    is_t = V.is_kind(cell, V.TEXT)
    if c.op in ("", "=", "<>"):
        if c.rest == "":
            empty_text = f" OR ({is_t} AND {t} = '')" if c.op == "" and V.TEXT in cell.kinds else ""
            equal = f"({V.is_blank(cell)}{empty_text})"
        elif c.wild:
            equal = f"({is_t} AND {like_sql(t, sql_text(c.like))})"
        else:
            equal = key_equals_sql(cell, c.key, date_system)
        return f"(NOT coalesce({equal}, FALSE))" if c.op == "<>" else f"coalesce({equal}, FALSE)"
    sql_op = c.op
    if c.number is not None:
        if V.NUMBER not in cell.kinds:
            return "FALSE"
        threshold = V.round15_sql(_double_literal(c.number))
        n = V.round15_sql(V.num_sql(cell))
        return f"coalesce({V.is_kind(cell, V.NUMBER)} AND {n} {sql_op} {threshold}, FALSE)"
    if V.TEXT not in cell.kinds:
        return "FALSE"
    return f"coalesce({is_t} AND lower({t}) {sql_op} lower({sql_text(c.rest)}), FALSE)"
