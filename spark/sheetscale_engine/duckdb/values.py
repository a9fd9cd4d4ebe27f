"""Excel's value model as DuckDB SQL: a value is a SQL expression plus the kinds it can hold.

A column whose kinds are static is a plain typed column (the *layout*):

- ``number``  DOUBLE, NULL is blank (kinds ⊆ {number, blank}; dates are serial numbers);
- ``text``    VARCHAR, NULL is blank (kinds ⊆ {text, blank});
- ``logical`` BOOLEAN, NULL is blank (kinds ⊆ {logical, blank});
- ``xv``      anything else: ``STRUCT(k TINYINT, n DOUBLE, s VARCHAR, b BOOLEAN)`` with ``k`` the kind
  (0 blank, 1 number, 2 text, 3 logical, 4 error), ``n`` the number, ``s`` the text or the error
  code, ``b`` the logical — the same encoding as the Spark lowering's XV struct.

So ``[Qty]*[Price]`` over two number columns is plain DOUBLE arithmetic, and the error/blank
machinery appears only where the kinds say a value can be an error, text or logical.

Every function here builds SQL text; nothing evaluates Python per row.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from sheetscale_engine.config.error_codes import error_codes
from sheetscale_engine.core.excel_values import (
    ALL_KINDS,
    BLANK,
    DIV0,
    ERROR,
    LOGICAL,
    NA,
    NAME,
    NULL_ERROR,
    NUM,
    NUMBER,
    REF,
    TEXT,
    VALUE,
)

__all__ = [
    "ALL_KINDS",
    "BLANK",
    "DIV0",
    "ERROR",
    "LOGICAL",
    "NA",
    "NAME",
    "NULL_ERROR",
    "NUM",
    "NUMBER",
    "REF",
    "TEXT",
    "VALUE",
]

XV_TYPE: Final = "STRUCT(k TINYINT, n DOUBLE, s VARCHAR, b BOOLEAN)"

Layout = str  # "number" | "text" | "logical" | "xv"

_TYPED: Final[dict[int, Layout]] = {NUMBER: "number", TEXT: "text", LOGICAL: "logical"}
SQL_TYPES: Final[dict[Layout, str]] = {
    "number": "DOUBLE",
    "text": "VARCHAR",
    "logical": "BOOLEAN",
    "xv": XV_TYPE,
}


def layout_for(kinds: frozenset[int]) -> Layout:
    """The physical layout of a value of ``kinds``: typed when it holds one kind (and blanks)."""
    present = kinds - {BLANK}
    if not present:
        return "number"
    if len(present) == 1:
        (only,) = present
        if only in _TYPED:
            return _TYPED[only]
    return "xv"


@dataclass(frozen=True)
class Val:
    """One Excel value per row: its SQL, the kinds it can hold, and its layout (see module doc)."""

    sql: str
    kinds: frozenset[int]
    layout: Layout

    def __post_init__(self) -> None:
        typed_misfit = self.layout != "xv" and layout_for(self.kinds) != self.layout
        if typed_misfit and not self.kinds <= {BLANK}:
            raise ValueError(f"layout {self.layout} cannot hold kinds {sorted(self.kinds)}")

    @property
    def may_error(self) -> bool:
        return ERROR in self.kinds

    @property
    def may_blank(self) -> bool:
        return BLANK in self.kinds


# ---------------------------------------------------------------------------------------------
# SQL literals
# ---------------------------------------------------------------------------------------------


def sql_text(s: str) -> str:
    """A SQL string literal."""
    return "'" + s.replace("'", "''") + "'"


def sql_number(x: float) -> str:
    """A SQL DOUBLE literal (finite)."""
    if not math.isfinite(x):
        raise ValueError(f"not a finite number: {x!r}")
    return f"CAST({float(x)!r} AS DOUBLE)"


def ident(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


# ---------------------------------------------------------------------------------------------
# Constructors
# ---------------------------------------------------------------------------------------------


def xv_struct(k: str, n: str = "NULL", s: str = "NULL", b: str = "NULL") -> str:
    """SQL of an XV struct from its parts' SQL."""
    return (
        f"{{'k': CAST({k} AS TINYINT), 'n': CAST({n} AS DOUBLE), "
        f"'s': CAST({s} AS VARCHAR), 'b': CAST({b} AS BOOLEAN)}}"
    )


def blank() -> Val:
    return Val("CAST(NULL AS DOUBLE)", frozenset({BLANK}), "number")


def number(n_sql: str) -> Val:
    """A number known to be finite and non-null."""
    return Val(n_sql, frozenset({NUMBER}), "number")


def number_or_blank(n_sql: str) -> Val:
    """A number, NULL meaning blank."""
    return Val(n_sql, frozenset({NUMBER, BLANK}), "number")


def text(s_sql: str) -> Val:
    """Text known to be non-null (empty text is not blank)."""
    return Val(s_sql, frozenset({TEXT}), "text")


def logical(b_sql: str) -> Val:
    """A logical known to be non-null."""
    return Val(b_sql, frozenset({LOGICAL}), "logical")


def error(code: str) -> Val:
    """An Excel error value such as "#N/A" (one of the schema's error codes)."""
    if code not in error_codes():
        raise ValueError(f"{code!r} is not an Excel error code; expected one of {', '.join(error_codes())}")
    return Val(xv_struct("4", s=sql_text(code)), frozenset({ERROR}), "xv")


def literal(value: float | int | str | bool | None) -> Val:
    """A constant from a Python value (None is blank)."""
    if value is None:
        return blank()
    if isinstance(value, bool):
        return logical("TRUE" if value else "FALSE")
    if isinstance(value, (int, float)):
        x = float(value)
        if math.isnan(x) or math.isinf(x):
            return error(NUM)
        return number(sql_number(x))
    return text(sql_text(value))


def number_result(n_sql: str) -> Val:
    """A computed double: NaN, ±Infinity (which Excel has not) or NULL → #NUM!.

    ``n_sql`` is read twice: pass a bound value or a small expression of bound values.
    """
    return cases([(f"isfinite({n_sql})", number(n_sql))], error(NUM))


def text_result(s_sql: str) -> Val:
    """Text longer than Excel's cell limit (32,767 characters) → #VALUE!."""
    return cases([(f"length({s_sql}) > 32767", error(VALUE))], text(s_sql))


# ---------------------------------------------------------------------------------------------
# Parts of a value (SQL expressions)
# ---------------------------------------------------------------------------------------------


def kind_sql(v: Val) -> str:
    """The kind code (0..4) of ``v`` as SQL (a literal when static)."""
    if v.layout == "xv":
        only = _only_kind(v)
        return str(only) if only is not None else f"({v.sql}).k"
    code = {"number": NUMBER, "text": TEXT, "logical": LOGICAL}[v.layout]
    if BLANK not in v.kinds:
        return str(code)
    if v.kinds <= {BLANK}:
        return str(BLANK)
    return f"(CASE WHEN ({v.sql}) IS NULL THEN {BLANK} ELSE {code} END)"


def _only_kind(v: Val) -> int | None:
    return next(iter(v.kinds)) if len(v.kinds) == 1 else None


def is_kind(v: Val, kind: int) -> str:
    """SQL boolean: ``v`` is of ``kind`` (folded to TRUE/FALSE when the kinds say so)."""
    if kind not in v.kinds:
        return "FALSE"
    if v.kinds == {kind}:
        return "TRUE"
    if v.layout != "xv":
        return f"(({v.sql}) IS NULL)" if kind == BLANK else f"(({v.sql}) IS NOT NULL)"
    return f"(({v.sql}).k = {kind})"


def is_error(v: Val) -> str:
    return is_kind(v, ERROR)


def is_blank(v: Val) -> str:
    return is_kind(v, BLANK)


def num_sql(v: Val) -> str:
    """The number part (NULL unless a number)."""
    if v.layout == "number":
        return f"({v.sql})"
    if v.layout == "xv" and NUMBER in v.kinds:
        return f"({v.sql}).n"
    return "CAST(NULL AS DOUBLE)"


def text_sql(v: Val) -> str:
    """The text part (NULL unless text)."""
    if v.layout == "text":
        return f"({v.sql})"
    if v.layout == "xv" and TEXT in v.kinds:
        return f"(CASE WHEN ({v.sql}).k = {TEXT} THEN ({v.sql}).s END)"
    return "CAST(NULL AS VARCHAR)"


def bool_sql(v: Val) -> str:
    """The logical part (NULL unless a logical)."""
    if v.layout == "logical":
        return f"({v.sql})"
    if v.layout == "xv" and LOGICAL in v.kinds:
        return f"({v.sql}).b"
    return "CAST(NULL AS BOOLEAN)"


def error_code_sql(v: Val) -> str:
    """The error code when ``v`` is an error, else NULL."""
    if ERROR not in v.kinds:
        return "CAST(NULL AS VARCHAR)"
    if v.kinds == {ERROR}:
        return f"({v.sql}).s"
    return f"(CASE WHEN ({v.sql}).k = {ERROR} THEN ({v.sql}).s END)"


# ---------------------------------------------------------------------------------------------
# Layout conversion and conditionals
# ---------------------------------------------------------------------------------------------


def as_xv_sql(v: Val) -> str:
    """``v`` as an XV struct (SQL)."""
    if v.layout == "xv":
        return v.sql
    code = {"number": NUMBER, "text": TEXT, "logical": LOGICAL}[v.layout]
    part = {"number": "n", "text": "s", "logical": "b"}[v.layout]
    if v.kinds <= {BLANK}:
        return xv_struct("0")
    filled = xv_struct(str(code), **{part: f"({v.sql})"})
    if BLANK not in v.kinds:
        return filled
    return f"(CASE WHEN ({v.sql}) IS NULL THEN {xv_struct('0')} ELSE {filled} END)"


def in_layout(v: Val, layout: Layout) -> str:
    """``v``'s SQL in ``layout`` (a typed layout only when ``v``'s kinds fit it)."""
    if layout == v.layout:
        return v.sql
    if layout == "xv":
        return as_xv_sql(v)
    if v.kinds <= {BLANK}:
        return f"CAST(NULL AS {SQL_TYPES[layout]})"
    raise ValueError(f"a value of kinds {sorted(v.kinds)} does not fit layout {layout}")


def cases(branches: Sequence[tuple[str, Val]], otherwise: Val) -> Val:
    """CASE WHEN cond THEN value ... ELSE otherwise, in the layout all branches fit.

    Conditions that are literally TRUE/FALSE are folded away.
    """
    live: list[tuple[str, Val]] = []
    for cond, val in branches:
        if cond == "FALSE":
            continue
        if cond == "TRUE":
            otherwise = val
            break
        live.append((cond, val))
    if not live:
        return otherwise
    kinds = frozenset().union(*(v.kinds for _, v in live), otherwise.kinds)
    layout = layout_for(kinds)
    whens = " ".join(f"WHEN {c} THEN {in_layout(v, layout)}" for c, v in live)
    return Val(f"(CASE {whens} ELSE {in_layout(otherwise, layout)} END)", kinds, layout)


def errors_only(v: Val) -> Val:
    """``v`` in a branch where it is known to be an error: its kinds narrowed to the error, so a
    CASE returning it gains only the error kind, not ``v``'s other kinds."""
    if ERROR not in v.kinds:
        raise ValueError("a value that cannot be an error")
    return Val(v.sql, frozenset({ERROR}), "xv")


def first_error(values: Sequence[Val], otherwise: Val) -> Val:
    """The first error among ``values`` in argument order (Excel's propagation), else ``otherwise``."""
    return cases([(is_error(v), errors_only(v)) for v in values if ERROR in v.kinds], otherwise)


# ---------------------------------------------------------------------------------------------
# Numbers: 15 significant digits and the General format
# ---------------------------------------------------------------------------------------------


def round15_sql(n: str) -> str:
    """The double nearest to ``n`` rounded to 15 significant digits (Excel's precision)."""
    return f"CAST(printf('%.14e', {n}) AS DOUBLE)"


def general_text_sql(n: str) -> str:
    """Number → text as Excel's General format (``=A1&""``): up to 15 significant digits, no
    trailing zeros; plain notation for decimal exponents -14..14, else Excel's scientific style
    ("1E+21", "1.23456789012346E+15", "1E-15").

    ``n`` is read several times: pass a bound value or a column.
    """
    # '%.14e' gives the 15 significant digits and the decimal exponent; the mantissa's digits
    # without trailing zeros and the exponent place the point.
    sci = f"printf('%.14e', abs({n}))"
    exp = f"CAST(split_part({sci}, 'e', 2) AS INTEGER)"
    digits = f"rtrim(replace(split_part({sci}, 'e', 1), '.', ''), '0')"
    sign = f"(CASE WHEN {n} < 0 THEN '-' ELSE '' END)"
    nd = f"length({digits})"
    plain_big = (
        f"(CASE WHEN {nd} <= {exp} + 1 THEN {digits} || repeat('0', {exp} + 1 - {nd}) "
        f"ELSE substr({digits}, 1, {exp} + 1) || '.' || substr({digits}, {exp} + 2) END)"
    )
    plain_small = f"('0.' || repeat('0', -{exp} - 1) || {digits})"
    mant = f"(substr({digits}, 1, 1) || CASE WHEN {nd} > 1 THEN '.' || substr({digits}, 2) ELSE '' END)"
    scientific = (
        f"({mant} || 'E' || CASE WHEN {exp} < 0 THEN '-' ELSE '+' END "
        f"|| CASE WHEN abs({exp}) < 10 THEN '0' ELSE '' END || CAST(abs({exp}) AS VARCHAR))"
    )
    return (
        f"(CASE WHEN {n} = 0 THEN '0' "
        f"WHEN {n} = trunc({n}) AND abs({n}) < 1e15 THEN CAST(CAST({n} AS BIGINT) AS VARCHAR) "
        f"ELSE {sign} || CASE WHEN {exp} >= 15 OR {exp} <= -15 THEN {scientific} "
        f"WHEN {exp} >= 0 THEN {plain_big} ELSE {plain_small} END END)"
    )


def logical_text_sql(b: str) -> str:
    return f"(CASE WHEN {b} THEN 'TRUE' ELSE 'FALSE' END)"


# ---------------------------------------------------------------------------------------------
# Coercions
# ---------------------------------------------------------------------------------------------

# Text that Excel's operators accept as a number: optional sign, optional currency sign, digits
# with optional thousands separators, decimals, an exponent, a trailing percent sign.
_NUMBER_TEXT: Final = r"^[+-]?\$?(\d{1,3}(,\d{3})+|\d*)(\.\d*)?([eE][+-]?\d+)?%?$"

# Date layouts Excel (en-US) reads from text, as DuckDB strptime formats.
_DATE_FORMATS: Final = (
    ("^\\d{4}-\\d{1,2}-\\d{1,2}$", "%Y-%m-%d"),
    ("^\\d{4}/\\d{1,2}/\\d{1,2}$", "%Y/%m/%d"),
    ("^\\d{1,2}/\\d{1,2}/\\d{4}$", "%m/%d/%Y"),
    ("^\\d{1,2}-[A-Za-z]{3}-\\d{4}$", "%d-%b-%Y"),
    ("^\\d{1,2} [A-Za-z]{3} \\d{4}$", "%d %b %Y"),
    ("^\\d{1,2}-[A-Za-z]{4,}-\\d{4}$", "%d-%B-%Y"),
    ("^\\d{1,2} [A-Za-z]{4,} \\d{4}$", "%d %B %Y"),
    ("^[A-Za-z]{3} \\d{1,2}, \\d{4}$", "%b %d, %Y"),
    ("^[A-Za-z]{4,} \\d{1,2}, \\d{4}$", "%B %d, %Y"),
)
_TIME_TEXT: Final = r"^(\d{1,2}):(\d{1,2})(:(\d{1,2}(\.\d+)?))?\s*([AaPp][Mm])?$"


def date_serial_sql(d: str, date_system: str = "1900") -> str:
    """A DuckDB DATE → Excel serial number (1900 system with its phantom 1900-02-29, or 1904)."""
    if date_system == "1904":
        return f"CAST(date_diff('day', DATE '1904-01-01', {d}) AS DOUBLE)"
    days = f"date_diff('day', DATE '1899-12-30', {d})"
    return f"CAST(CASE WHEN {d} < DATE '1900-03-01' THEN {days} - 1 ELSE {days} END AS DOUBLE)"


def serial_date_sql(serial: str, date_system: str = "1900") -> str:
    """An Excel serial number (whole days) → DuckDB DATE (serial 60 of 1900 gives 1900-02-28)."""
    whole = f"CAST(floor({serial}) AS INTEGER)"
    if date_system == "1904":
        return f"CAST(DATE '1904-01-01' + {whole} AS DATE)"
    return f"CAST(DATE '1899-12-30' + (CASE WHEN {whole} < 61 THEN {whole} + 1 ELSE {whole} END) AS DATE)"


def text_to_date_sql(t: str) -> str:
    """Trimmed text → DATE for the layouts Excel reads, else NULL."""
    parts = ", ".join(
        f"CASE WHEN regexp_matches({t}, {sql_text(rx)}) "
        f"THEN CAST(try_strptime({t}, {sql_text(fmt)}) AS DATE) END"
        for rx, fmt in _DATE_FORMATS
    )
    return f"coalesce({parts})"


def text_to_time_fraction_sql(t: str) -> str:
    """ "16:48:00", "4:48 PM", "12:00" → the fraction of a day, else NULL."""
    rx = sql_text(_TIME_TEXT)
    h = f"TRY_CAST(regexp_extract({t}, {rx}, 1) AS DOUBLE)"
    m = f"TRY_CAST(regexp_extract({t}, {rx}, 2) AS DOUBLE)"
    sec = f"coalesce(TRY_CAST(regexp_extract({t}, {rx}, 4) AS DOUBLE), 0.0)"
    ampm = f"upper(regexp_extract({t}, {rx}, 6))"
    hours = (
        f"(CASE WHEN {ampm} = '' THEN {h} WHEN {ampm} = 'AM' AND {h} = 12 THEN 0.0 "
        f"WHEN {ampm} = 'AM' THEN {h} WHEN {h} = 12 THEN {h} ELSE {h} + 12 END)"
    )
    valid = (
        f"regexp_matches({t}, {rx}) AND {m} < 60 AND {sec} < 60 AND ({ampm} = '' OR ({h} >= 1 AND {h} <= 12))"
    )
    return f"(CASE WHEN {valid} THEN ({hours} * 3600 + {m} * 60 + {sec}) / 86400 END)"


def text_to_number_sql(s: str, date_system: str = "1900") -> str:
    """Text → DOUBLE as Excel's operators coerce it, NULL when Excel would give #VALUE!.

    Numbers with thousands separators, a currency sign, an exponent or a percent sign; dates in
    the layouts Excel reads (en-US) as serials; times as fractions of a day.
    """
    t = f"trim({s})"
    plain = f"regexp_replace(regexp_replace({t}, '[$,%]', '', 'g'), '^[+-]', '')"
    magnitude = f"TRY_CAST({plain} AS DOUBLE)"
    signed = f"(CASE WHEN starts_with({t}, '-') THEN -{magnitude} ELSE {magnitude} END)"
    value = f"(CASE WHEN ends_with({t}, '%') THEN {signed} / 100 ELSE {signed} END)"
    numeric_ok = f"(regexp_matches({t}, {sql_text(_NUMBER_TEXT)}) AND regexp_matches({t}, '\\d'))"
    as_date = text_to_date_sql(t)
    return (
        f"(CASE WHEN {numeric_ok} THEN {value} "
        f"WHEN {as_date} IS NOT NULL THEN {date_serial_sql(as_date, date_system)} "
        f"ELSE {text_to_time_fraction_sql(t)} END)"
    )


def number_kinds(kinds: frozenset[int]) -> frozenset[int]:
    """The kinds of ``to_number`` of a value of ``kinds``."""
    return frozenset({NUMBER} | ({ERROR} if kinds & {ERROR, TEXT} else set()))


def to_number(v: Val, date_system: str = "1900") -> Val:
    """``v`` as Excel's arithmetic coerces it: blank 0, TRUE 1, numeric text, else #VALUE!."""
    if v.layout == "number":
        return number(f"coalesce({v.sql}, 0.0)") if BLANK in v.kinds else v
    if v.kinds <= {NUMBER, ERROR}:
        return v
    branches: list[tuple[str, Val]] = []
    if ERROR in v.kinds:
        branches.append((is_error(v), errors_only(v)))
    if BLANK in v.kinds:
        branches.append((is_blank(v), number("0.0")))
    if LOGICAL in v.kinds:
        branches.append((is_kind(v, LOGICAL), number(f"(CASE WHEN {bool_sql(v)} THEN 1.0 ELSE 0.0 END)")))
    if TEXT in v.kinds:
        parsed = text_to_number_sql(text_sql(v), date_system)
        branches.append((is_kind(v, TEXT), cases([(f"{parsed} IS NULL", error(VALUE))], number(parsed))))
    return cases(branches, number(num_sql(v)) if NUMBER in v.kinds else error(VALUE))


def to_text_raw_sql(v: Val) -> str:
    """The text of a non-error value as Excel's text operations see it (NULL for errors)."""
    if v.layout == "text":
        return f"coalesce({v.sql}, '')" if BLANK in v.kinds else v.sql
    if v.layout == "number":
        g = general_text_sql(f"({v.sql})")
        return f"coalesce({g}, '')" if BLANK in v.kinds else g
    if v.layout == "logical":
        g = logical_text_sql(f"({v.sql})")
        return f"(CASE WHEN ({v.sql}) IS NULL THEN '' ELSE {g} END)" if BLANK in v.kinds else g
    whens = []
    if TEXT in v.kinds:
        whens.append(f"WHEN ({v.sql}).k = {TEXT} THEN ({v.sql}).s")
    if NUMBER in v.kinds:
        whens.append(f"WHEN ({v.sql}).k = {NUMBER} THEN {general_text_sql(f'({v.sql}).n')}")
    if LOGICAL in v.kinds:
        whens.append(f"WHEN ({v.sql}).k = {LOGICAL} THEN {logical_text_sql(f'({v.sql}).b')}")
    if BLANK in v.kinds:
        whens.append(f"WHEN ({v.sql}).k = {BLANK} THEN ''")
    if not whens:
        return "CAST(NULL AS VARCHAR)"
    return f"(CASE {' '.join(whens)} END)"


def text_kinds(kinds: frozenset[int]) -> frozenset[int]:
    return frozenset({TEXT} | ({ERROR} if ERROR in kinds else set()))


def to_text(v: Val) -> Val:
    """``v`` as text (General format for numbers, "TRUE"/"FALSE", blank ""); errors stay errors."""
    if v.layout == "text" and BLANK not in v.kinds:
        return v
    raw = text(to_text_raw_sql(v))
    return cases([(is_error(v), errors_only(v))], raw) if ERROR in v.kinds else raw


def to_logical(v: Val) -> Val:
    """``v`` as a logical: numbers ≠ 0 TRUE, blank FALSE, text "TRUE"/"FALSE", else #VALUE!."""
    if v.layout == "logical":
        return logical(f"coalesce({v.sql}, FALSE)") if BLANK in v.kinds else v
    if v.kinds <= {LOGICAL, ERROR}:
        return v
    branches: list[tuple[str, Val]] = []
    if ERROR in v.kinds:
        branches.append((is_error(v), errors_only(v)))
    if BLANK in v.kinds:
        branches.append((is_blank(v), logical("FALSE")))
    if NUMBER in v.kinds:
        branches.append((is_kind(v, NUMBER), logical(f"({num_sql(v)} <> 0)")))
    if TEXT in v.kinds:
        upper = f"upper(trim({text_sql(v)}))"
        branches.append(
            (
                is_kind(v, TEXT),
                cases(
                    [(f"{upper} = 'TRUE'", logical("TRUE")), (f"{upper} = 'FALSE'", logical("FALSE"))],
                    error(VALUE),
                ),
            )
        )
    return cases(branches, logical(bool_sql(v)) if LOGICAL in v.kinds else error(VALUE))


# ---------------------------------------------------------------------------------------------
# Keys for matching and sorting
# ---------------------------------------------------------------------------------------------


def match_key_sql(v: Val) -> str:
    """A VARCHAR key equal for two values exactly when Excel's exact-match lookup matches them.

    Kind-tagged (the number 1 never equals the text "1"), text lower-cased (case-insensitive) and
    not trimmed, numbers compared on 15 significant digits, blank only equals blank. The same
    strings as the Spark lowering's match_key for non-typed values is not required: keys are
    compared within one engine only.
    """
    parts = []
    if NUMBER in v.kinds:
        parts.append((NUMBER, f"printf('%.14e', {num_sql(v)})"))
    if TEXT in v.kinds:
        parts.append((TEXT, f"lower({text_sql(v)})"))
    if LOGICAL in v.kinds:
        parts.append((LOGICAL, logical_text_sql(bool_sql(v))))
    if ERROR in v.kinds:
        parts.append((ERROR, error_code_sql(v)))
    if BLANK in v.kinds:
        parts.append((BLANK, "''"))
    if len(parts) == 1:
        k, payload = parts[0]
        return f"('{k}:' || {payload})"
    whens = " ".join(f"WHEN {is_kind(v, k)} THEN '{k}:' || {p}" for k, p in parts)
    return f"(CASE {whens} END)"


# Ascending rank of each kind in Excel's sort: numbers < text < logicals < errors (blanks apart).
_SORT_RANK: Final[dict[int, int]] = {NUMBER: 0, TEXT: 1, LOGICAL: 2, ERROR: 3}


def sort_keys_sql(v: Val, descending: bool = False) -> list[str]:
    """ORDER BY items for Excel's order; blanks last in both directions, errors all equal.

    The caller appends the row-order column as the stable tie-breaker.
    """
    direction = "DESC" if descending else "ASC"
    k = kind_sql(v)
    rank = f"(CASE {k} " + " ".join(f"WHEN {kd} THEN {r}" for kd, r in _SORT_RANK.items()) + " END)"
    keys = [f"(CASE WHEN {k} = {BLANK} THEN 1 ELSE 0 END) ASC"]
    keys.append(f"{rank} {direction} NULLS LAST")
    if NUMBER in v.kinds:
        keys.append(f"{num_sql(v)} {direction} NULLS LAST")
    if TEXT in v.kinds:
        keys.append(f"lower({text_sql(v)}) {direction} NULLS LAST")
    if LOGICAL in v.kinds:
        keys.append(f"{bool_sql(v)} {direction} NULLS LAST")
    return keys


# ---------------------------------------------------------------------------------------------
# The contract's JSON value encoding (mixed columns in Parquet) and Python values
# ---------------------------------------------------------------------------------------------


def json_value_sql(v: Val) -> str:
    """The contract's JSON encoding: 12.5, "text", true, null, {"error":"#N/A"} (VARCHAR)."""
    whens = []
    if NUMBER in v.kinds:
        n = num_sql(v)
        whens.append(
            f"WHEN {is_kind(v, NUMBER)} THEN CASE WHEN {n} = trunc({n}) AND abs({n}) < 1e15 "
            f"THEN CAST(CAST({n} AS BIGINT) AS VARCHAR) ELSE CAST({n} AS VARCHAR) END"
        )
    if TEXT in v.kinds:
        whens.append(f"WHEN {is_kind(v, TEXT)} THEN to_json({text_sql(v)})::VARCHAR")
    if LOGICAL in v.kinds:
        whens.append(f"WHEN {is_kind(v, LOGICAL)} THEN CASE WHEN {bool_sql(v)} THEN 'true' ELSE 'false' END")
    if ERROR in v.kinds:
        whens.append(
            f"WHEN {is_kind(v, ERROR)} THEN '{{\"error\":' || to_json({error_code_sql(v)})::VARCHAR || '}}'"
        )
    if not whens:
        return "CAST(NULL AS VARCHAR)"
    return f"(CASE {' '.join(whens)} ELSE NULL END)"


def python_value(layout: Layout, raw: object) -> object:
    """A fetched cell → the contract's JSON value (number, str, bool, None, {"error": code})."""
    if raw is None:
        return None
    if layout == "number":
        return _json_number(float(raw))  # type: ignore[arg-type]
    if layout == "text":
        return str(raw)
    if layout == "logical":
        return bool(raw)
    if not isinstance(raw, dict):
        raise TypeError(f"not an XV value: {raw!r}")
    k = raw["k"]
    if k == NUMBER:
        return _json_number(float(raw["n"]))
    if k == TEXT:
        return str(raw["s"])
    if k == LOGICAL:
        return bool(raw["b"])
    if k == ERROR:
        return {"error": str(raw["s"])}
    return None


def _json_number(n: float) -> float | int:
    return int(n) if n.is_integer() and abs(n) < 2**53 else n
