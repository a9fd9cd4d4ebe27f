"""Excel's value model as a Spark struct column (XV): number, text, logical, blank or error per cell.

Every Excel-facing column inside the engine has the type ``XV_TYPE``::

    struct<k: tinyint, n: double, s: string, b: boolean>

- ``k`` is the kind: ``BLANK`` 0, ``NUMBER`` 1, ``TEXT`` 2, ``LOGICAL`` 3, ``ERROR`` 4;
- ``n`` the number when k = NUMBER (dates are 1900-system serial numbers);
- ``s`` the text when k = TEXT, or the error code ("#N/A", "#DIV/0!", ...) when k = ERROR;
- ``b`` the logical when k = LOGICAL.

Everything here builds native Spark expressions (no Python UDFs), so a whole formula compiles into
one projection that Spark can code-generate.
"""

from __future__ import annotations

import math
from functools import cache
from typing import Final

from pyspark.sql import Column
from pyspark.sql import functions as F  # noqa: N812 (PySpark's convention)
from pyspark.sql.types import BooleanType, ByteType, DoubleType, StringType, StructField, StructType

from sheetscale_engine.config.error_codes import error_codes

# The kinds, the config types' kinds and the engine's error codes are defined once, in the engine
# core (pure Python, sheetscale_engine.core.excel_values); this module re-exports them.
from sheetscale_engine.core.excel_values import (
    ALL_KINDS,
    BLANK,
    DIV0,
    ERROR,
    KIND_NAMES,
    LOGICAL,
    NA,
    NAME,
    NULL_ERROR,
    NUM,
    NUMBER,
    REF,
    TEXT,
    TYPE_KINDS,
    VALUE,
)

__all__ = [
    "ALL_KINDS",
    "BLANK",
    "DIV0",
    "ERROR",
    "KIND_NAMES",
    "LOGICAL",
    "NA",
    "NAME",
    "NULL_ERROR",
    "NUM",
    "NUMBER",
    "REF",
    "TEXT",
    "TYPE_KINDS",
    "VALUE",
]

XV_TYPE: Final = StructType(
    [
        StructField("k", ByteType(), nullable=False),
        StructField("n", DoubleType(), nullable=True),
        StructField("s", StringType(), nullable=True),
        StructField("b", BooleanType(), nullable=True),
    ]
)


# --------------------------------------------------------------------------------------------
# Constructors
# --------------------------------------------------------------------------------------------


def xv_of(
    k: Column | int, n: Column | None = None, s: Column | None = None, b: Column | None = None
) -> Column:
    """Build an XV struct from its parts (parts left out are null)."""
    kind = F.lit(k) if isinstance(k, int) else k
    return F.struct(
        kind.cast("tinyint").alias("k"),
        (n if n is not None else F.lit(None)).cast("double").alias("n"),
        (s if s is not None else F.lit(None)).cast("string").alias("s"),
        (b if b is not None else F.lit(None)).cast("boolean").alias("b"),
    )


@cache
def xv_blank() -> Column:
    """A blank cell (an empty cell, not empty text)."""
    return xv_of(BLANK)


def xv_number(col: Column | float | int) -> Column:
    """A number; a null becomes blank and NaN/±Infinity (which Excel has not) become #NUM!."""
    if isinstance(col, (int, float)):
        value = float(col)
        if math.isnan(value) or value in (float("inf"), float("-inf")):
            return xv_error(NUM)
        return xv_of(NUMBER, n=F.lit(value))
    n = col.cast("double")
    return (
        F.when(n.isNull(), xv_blank())
        .when(F.isnan(n) | (F.abs(n) == F.lit(float("inf"))), xv_error(NUM))
        .otherwise(xv_of(NUMBER, n=n))
    )


def xv_number_unchecked(n: Column) -> Column:
    """A number known to be finite and non-null (saves the checks of ``xv_number``)."""
    return xv_of(NUMBER, n=n)


def xv_text(col: Column | str) -> Column:
    """Text; a null becomes blank (the empty string stays empty text, which is not blank)."""
    if isinstance(col, str):
        return xv_of(TEXT, s=F.lit(col))
    return F.when(col.isNull(), xv_blank()).otherwise(xv_of(TEXT, s=col.cast("string")))


def xv_logical(col: Column | bool) -> Column:
    """A logical (TRUE/FALSE); a null becomes blank."""
    if isinstance(col, bool):
        return xv_of(LOGICAL, b=F.lit(col))
    return F.when(col.isNull(), xv_blank()).otherwise(xv_of(LOGICAL, b=col.cast("boolean")))


@cache
def xv_error(code: str) -> Column:
    """An Excel error value such as "#N/A" (must be one of the schema's error codes)."""
    if code not in error_codes():
        raise ValueError(f"{code!r} is not an Excel error code; expected one of {', '.join(error_codes())}")
    return xv_of(ERROR, s=F.lit(code))


def xv_error_col(col: Column) -> Column:
    """An error value whose code comes from a string column (null becomes blank)."""
    return F.when(col.isNull(), xv_blank()).otherwise(xv_of(ERROR, s=col))


def xv_literal(value: float | int | str | bool | None) -> Column:
    """An XV constant from a Python value (None is blank; error codes need ``xv_error``)."""
    if value is None:
        return xv_blank()
    if isinstance(value, bool):
        return xv_logical(value)
    if isinstance(value, (int, float)):
        return xv_number(value)
    return xv_text(value)


# --------------------------------------------------------------------------------------------
# Predicates and parts
# --------------------------------------------------------------------------------------------


def kind(xv: Column) -> Column:
    return xv.getField("k")


def num(xv: Column) -> Column:
    return xv.getField("n")


def text(xv: Column) -> Column:
    return xv.getField("s")


def logical(xv: Column) -> Column:
    return xv.getField("b")


def error_code(xv: Column) -> Column:
    """The error code when the value is an error, else null."""
    return F.when(is_error(xv), xv.getField("s"))


def is_blank(xv: Column) -> Column:
    return kind(xv) == BLANK


def is_number(xv: Column) -> Column:
    return kind(xv) == NUMBER


def is_text(xv: Column) -> Column:
    return kind(xv) == TEXT


def is_logical(xv: Column) -> Column:
    return kind(xv) == LOGICAL


def is_error(xv: Column) -> Column:
    return kind(xv) == ERROR


# --------------------------------------------------------------------------------------------
# Numbers: 15 significant digits and the General format
# --------------------------------------------------------------------------------------------


def sci15(n: Column) -> Column:
    """The number in scientific notation with 15 significant digits, e.g. "3.00000000000000E-01".

    Java's formatter rounds the shortest decimal representation of the double half away from
    zero, which is how Excel sees a double: 0.1+0.2 is 0.3, 2.675 is 2.675 (not 2.67499...).
    -0.0 is normalised to 0.0.
    """
    return F.format_string("%.14E", F.when(n == 0, F.lit(0.0)).otherwise(n))


def _short_digits(n: Column) -> Column:
    """How many digits Java's ``Double.toString`` (Spark's double → string cast) writes for ``n``,
    leading zeros of "0.00123" included (so the count can only be too high, never too low)."""
    shortest = n.cast("string")
    mantissa = F.substring_index(shortest, "E", 1)
    return F.length(mantissa) - 1 - F.when(n < 0, 1).otherwise(0)


def round15(n: Column) -> Column:
    """The double nearest to the number rounded to 15 significant digits (Excel's precision).

    Fast path: a double whose decimal form (which always reads back as the same double) has at
    most 15 digits already is that 15-digit number: no formatting and parsing needed. That is
    most numbers in a ledger (2.5, 1234.56, 20240131).
    """
    return F.when(n == 0, F.lit(0.0)).when(_short_digits(n) <= 15, n).otherwise(sci15(n).cast("double"))


def general_text(n: Column) -> Column:
    """Number → text as Excel's General format does it (``=A1&""``).

    Up to 15 significant digits, no trailing zeros, no thousands separator; plain notation for
    decimal exponents -14..14 (``10000000`` → "10000000", ``0.1+0.2`` → "0.3"), otherwise
    scientific in Excel's style ("1E+21", "1.23456789012346E+15", "1E-15").
    """
    shortest = n.cast("string")
    # Fast path: Java writes numbers from 0.001 to 10^7 in plain notation ("1234.5", "100.0"); with
    # at most 15 digits that is Excel's text once a trailing ".0" is dropped.
    plain = ~shortest.contains("E") & (_short_digits(n) <= 15)
    fast = F.when(shortest.endswith(".0"), shortest.substr(F.lit(1), F.length(shortest) - 2)).otherwise(
        shortest
    )
    return F.when(n == 0, F.lit("0")).when(plain, fast).otherwise(_general_text_slow(n))


def _general_text_slow(n: Column) -> Column:
    e_str = sci15(n)
    negative = F.substring(e_str, 1, 1) == "-"
    body = F.regexp_replace(e_str, "^-", "")
    mantissa = F.concat(F.substring(body, 1, 1), F.substring(body, 3, 14))
    digits = F.regexp_replace(mantissa, "0+$", "")
    exp = F.substring_index(body, "E", -1).cast("int")
    n_digits = F.length(digits)
    fixed_big = _fixed_nonneg_exp(digits, n_digits, exp)
    fixed_small = F.concat(F.lit("0."), repeat_text(F.lit("0"), -exp - 1), digits)
    scientific = F.concat(
        F.substring(digits, 1, 1),
        F.when(n_digits > 1, F.concat(F.lit("."), _substr_from(digits, F.lit(2)))).otherwise(F.lit("")),
        F.lit("E"),
        F.when(exp < 0, F.lit("-")).otherwise(F.lit("+")),
        F.when(F.abs(exp) < 10, F.lit("0")).otherwise(F.lit("")),
        F.abs(exp).cast("string"),
    )
    unsigned = (
        F.when(digits == "", F.lit("0"))
        .when((exp >= 15) | (exp <= -15), scientific)
        .when(exp >= 0, fixed_big)
        .otherwise(fixed_small)
    )
    return F.when(digits == "", F.lit("0")).otherwise(
        F.concat(F.when(negative, F.lit("-")).otherwise(F.lit("")), unsigned)
    )


def repeat_text(s: Column, times: Column) -> Column:
    """``s`` repeated ``times`` times (a Column count; PySpark's F.repeat only takes an int)."""
    return F.call_function("repeat", s, times)


def _substr_from(s: Column, start: Column) -> Column:
    """s from 1-based position ``start`` to the end (Column positions; F.substring needs ints)."""
    return s.substr(start, F.length(s) + 1)


def _fixed_nonneg_exp(digits: Column, n_digits: Column, exp: Column) -> Column:
    int_len = exp + 1
    padded = F.concat(digits, repeat_text(F.lit("0"), int_len - n_digits))
    return F.when(n_digits <= int_len, padded).otherwise(
        F.concat(digits.substr(F.lit(1), int_len), F.lit("."), _substr_from(digits, int_len + 1))
    )


# --------------------------------------------------------------------------------------------
# Coercions
# --------------------------------------------------------------------------------------------

# Text that Excel's operators accept as a number: optional sign, optional currency sign, digits
# with optional thousands separators, decimals, an exponent, a trailing percent sign.
_NUMBER_TEXT: Final = r"^[+-]?\$?(\d{1,3}(,\d{3})+|\d*)(\.\d*)?([eE][+-]?\d+)?%?$"


def date_serial(date_col: Column, date_system: str = "1900") -> Column:
    """A Spark date → Excel serial number (1900 system with its phantom 1900-02-29, or 1904)."""
    if date_system == "1904":
        return F.datediff(date_col, F.lit("1904-01-01").cast("date")).cast("double")
    days = F.datediff(date_col, F.lit("1899-12-30").cast("date"))
    # Serial 60 is the phantom 1900-02-29: real dates before 1900-03-01 are one lower.
    return F.when(date_col < F.lit("1900-03-01").cast("date"), days - 1).otherwise(days).cast("double")


def serial_date(serial: Column, date_system: str = "1900") -> Column:
    """An Excel serial number (whole days) → Spark date (serial 60 of 1900 gives 1900-02-28)."""
    whole = F.floor(serial).cast("int")
    if date_system == "1904":
        return F.date_add(F.lit("1904-01-01").cast("date"), whole)
    return F.date_add(F.lit("1899-12-30").cast("date"), F.when(whole < 61, whole + 1).otherwise(whole))


# Date layouts Excel (en-US) reads from text, as Spark datetime patterns (parsed case-insensitively).
_DATE_PATTERNS: Final = (
    ("^\\d{4}-\\d{1,2}-\\d{1,2}$", "yyyy-M-d"),
    ("^\\d{4}/\\d{1,2}/\\d{1,2}$", "yyyy/M/d"),
    ("^\\d{1,2}/\\d{1,2}/\\d{4}$", "M/d/yyyy"),
    ("^\\d{1,2}-[A-Za-z]{3}-\\d{4}$", "d-MMM-yyyy"),
    ("^\\d{1,2} [A-Za-z]{3} \\d{4}$", "d MMM yyyy"),
    ("^\\d{1,2}-[A-Za-z]{4,}-\\d{4}$", "d-MMMM-yyyy"),
    ("^\\d{1,2} [A-Za-z]{4,} \\d{4}$", "d MMMM yyyy"),
    ("^[A-Za-z]{3} \\d{1,2}, \\d{4}$", "MMM d, yyyy"),
    ("^[A-Za-z]{4,} \\d{1,2}, \\d{4}$", "MMMM d, yyyy"),
)
_TIME_TEXT: Final = r"^(\d{1,2}):(\d{1,2})(:(\d{1,2}(\.\d+)?))?\s*([AaPp][Mm])?$"


def text_to_date(t: Column) -> Column:
    """Trimmed text → Spark date for the layouts of _DATE_PATTERNS, else null."""
    # The CORRECTED parser only accepts text that matches a whole pattern (null otherwise).
    return F.coalesce(*[F.to_date(t, fmt) for _, fmt in _DATE_PATTERNS])


def text_to_time_fraction(t: Column) -> Column:
    """ "16:48:00", "4:48 PM", "12:00" → the fraction of a day, else null."""
    h = F.regexp_extract(t, _TIME_TEXT, 1).cast("double")
    m = F.regexp_extract(t, _TIME_TEXT, 2).cast("double")
    sec = F.coalesce(F.regexp_extract(t, _TIME_TEXT, 4).cast("double"), F.lit(0.0))
    ampm = F.upper(F.regexp_extract(t, _TIME_TEXT, 6))
    hours = (
        F.when(ampm == "", h)
        .when((ampm == "AM") & (h == 12), F.lit(0.0))
        .when(ampm == "AM", h)
        .when(h == 12, h)
        .otherwise(h + 12)
    )
    valid = t.rlike(_TIME_TEXT) & (m < 60) & (sec < 60) & ((ampm == "") | ((h >= 1) & (h <= 12)))
    return F.when(valid, (hours * 3600 + m * 60 + sec) / 86400)


def text_to_number(s: Column, date_system: str = "1900") -> Column:
    """Text → double as Excel's operators coerce it, null when Excel would give #VALUE!.

    Accepts numbers with thousands separators, a currency sign, an exponent or a percent sign,
    dates in the layouts Excel reads in the en-US locale (yyyy-mm-dd, m/d/yyyy, d-mmm-yyyy,
    "March 15, 2021"...) as date serials, and times ("16:48:00", "4:48 PM") as fractions of a day.
    """
    t = F.trim(s)
    negative = t.startswith("-")
    plain = F.regexp_replace(F.regexp_replace(t, r"[$,%]", ""), r"^[+-]", "")
    magnitude = plain.cast("double")
    percent = t.endswith("%")
    value = F.when(negative, -magnitude).otherwise(magnitude)
    value = F.when(percent, value / 100).otherwise(value)
    numeric_ok = t.rlike(_NUMBER_TEXT) & t.rlike(r"\d")
    as_date = text_to_date(t)
    return (
        F.when(numeric_ok, value)
        .when(as_date.isNotNull(), date_serial(as_date, date_system))
        .otherwise(text_to_time_fraction(t))
    )


def _cases(
    branches: list[tuple[int, Column]], k: Column, kinds: frozenset[int], default: Column | None
) -> Column:
    """CASE over the kinds a value can have (statically pruned: fewer, smaller expressions)."""
    live = [(kd, v) for kd, v in branches if kd in kinds]
    if len(live) == 1 and default is None:
        return live[0][1]
    if not live:
        return default if default is not None else F.lit(None)
    expr = F.when(k == live[0][0], live[0][1])
    for kd, v in live[1:]:
        expr = expr.when(k == kd, v)
    return expr.otherwise(default) if default is not None else expr


def to_number(xv: Column, date_system: str = "1900", kinds: frozenset[int] = ALL_KINDS) -> Column:
    """XV → XV number as Excel's arithmetic coerces: blank 0, TRUE 1, numeric text, else #VALUE!.

    ``kinds``: the kinds ``xv`` can have (when known statically), to leave out impossible cases.
    """
    if kinds <= {NUMBER, ERROR}:
        return xv
    k = kind(xv)
    branches: list[tuple[int, Column]] = [
        (NUMBER, xv),
        (BLANK, _zero()),
        (LOGICAL, xv_number_unchecked(F.when(logical(xv), 1.0).otherwise(0.0))),
        (ERROR, xv),
    ]
    if TEXT in kinds:
        parsed = text_to_number(text(xv), date_system)
        branches.append(
            (TEXT, F.when(parsed.isNotNull(), xv_number_unchecked(parsed)).otherwise(xv_error(VALUE)))
        )
    return _cases(branches, k, kinds, None)


def number_kinds(kinds: frozenset[int]) -> frozenset[int]:
    """The kinds of ``to_number`` of a value of ``kinds``."""
    return frozenset({NUMBER} | ({ERROR} if kinds & {ERROR, TEXT} else set()))


@cache
def _zero() -> Column:
    return xv_of(NUMBER, n=F.lit(0.0))


def logical_text(b: Column) -> Column:
    return F.when(b, F.lit("TRUE")).otherwise(F.lit("FALSE"))


def to_text_raw(xv: Column, kinds: frozenset[int] = ALL_KINDS) -> Column:
    """The text of a non-error XV as Excel's text operations see it (null for errors)."""
    if kinds <= {TEXT, ERROR}:
        return text(xv)
    branches: list[tuple[int, Column]] = [
        (TEXT, text(xv)),
        (BLANK, F.lit("")),
        (LOGICAL, logical_text(logical(xv))),
    ]
    if NUMBER in kinds:
        branches.append((NUMBER, general_text(num(xv))))
    return _cases(branches, kind(xv), kinds - {ERROR}, None)


def to_text(xv: Column, kinds: frozenset[int] = ALL_KINDS) -> Column:
    """XV → XV text (General format for numbers, "TRUE"/"FALSE", blank ""); errors stay errors."""
    if kinds <= {TEXT, ERROR}:
        return xv
    raw = xv_of(TEXT, s=to_text_raw(xv, kinds))
    return F.when(is_error(xv), xv).otherwise(raw) if ERROR in kinds else raw


def text_kinds(kinds: frozenset[int]) -> frozenset[int]:
    return frozenset({TEXT} | ({ERROR} if ERROR in kinds else set()))


def to_logical(xv: Column, kinds: frozenset[int] = ALL_KINDS) -> Column:
    """XV → XV logical: numbers ≠ 0 are TRUE, blank FALSE, text "TRUE"/"FALSE", else #VALUE!."""
    if kinds <= {LOGICAL, ERROR}:
        return xv
    upper = F.upper(F.trim(text(xv)))
    branches: list[tuple[int, Column]] = [
        (LOGICAL, xv),
        (NUMBER, xv_of(LOGICAL, b=num(xv) != 0)),
        (BLANK, xv_logical(False)),
        (ERROR, xv),
        (
            TEXT,
            F.when(upper == "TRUE", xv_logical(True))
            .when(upper == "FALSE", xv_logical(False))
            .otherwise(xv_error(VALUE)),
        ),
    ]
    return _cases(branches, kind(xv), kinds, None)


# --------------------------------------------------------------------------------------------
# Keys for matching and sorting
# --------------------------------------------------------------------------------------------


def match_key(xv: Column) -> Column:
    """A string key equal for two values exactly when Excel's exact-match lookup matches them.

    Kind-tagged (the number 1 never equals the text "1"), text lower-cased (case-insensitive) and
    not trimmed, numbers compared on 15 significant digits, blank only equals blank.
    """
    k = kind(xv)
    payload = (
        F.when(k == NUMBER, round15(num(xv)).cast("string"))
        .when(k == TEXT, F.lower(text(xv)))
        .when(k == LOGICAL, logical_text(logical(xv)))
        .when(k == ERROR, text(xv))
        .otherwise(F.lit(""))
    )
    return F.concat(k.cast("string"), F.lit(":"), payload)


# Ascending rank of each kind in Excel's sort: numbers < text < logicals < errors (blanks apart).
_SORT_RANK: Final[dict[int, int]] = {NUMBER: 0, TEXT: 1, LOGICAL: 2, ERROR: 3}


def sort_keys(xv: Column, descending: bool = False) -> list[Column]:
    """Spark sort columns for Excel's order; blanks last in both directions, errors all equal.

    Use with a stable tie-breaker (the ``__row`` column) appended by the caller.
    """
    k = kind(xv)
    rank = F.when(k == NUMBER, F.lit(_SORT_RANK[NUMBER]))
    for key in (TEXT, LOGICAL, ERROR):
        rank = rank.when(k == key, F.lit(_SORT_RANK[key]))
    rank = rank.otherwise(F.lit(None))
    blank_last = F.when(k == BLANK, F.lit(1)).otherwise(F.lit(0))
    number = F.when(k == NUMBER, num(xv))
    lowered = F.when(k == TEXT, F.lower(text(xv)))
    flag = F.when(k == LOGICAL, logical(xv))
    parts = [rank, number, lowered, flag]
    ordered = [p.desc_nulls_last() if descending else p.asc_nulls_last() for p in parts]
    return [blank_last.asc(), *ordered]


def xv_to_json_value(row_value: object) -> object:
    """A collected XV (a Row or dict) → the JSON encoding of the contract.

    number → number, text → string, logical → bool, blank → None, error → {"error": code}.
    Numbers that are whole are returned as int so that JSON shows 3, not 3.0.
    """
    if row_value is None:
        return None
    get = row_value.asDict() if hasattr(row_value, "asDict") else row_value
    if not isinstance(get, dict):
        raise TypeError(f"not an XV value: {row_value!r}")
    k = get["k"]
    if k == NUMBER:
        n = float(get["n"])
        return int(n) if n.is_integer() and abs(n) < 2**53 else n
    if k == TEXT:
        return str(get["s"])
    if k == LOGICAL:
        return bool(get["b"])
    if k == ERROR:
        return {"error": str(get["s"])}
    return None


def xv_from_bool(col: Column) -> Column:
    """A Spark boolean column → XV logical (null → blank)."""
    return xv_logical(col)


def xv_from_json(j: Column) -> Column:
    """A JSON-encoded value (the contract's encoding) → XV: null blank, number, string, bool, error."""
    t = F.trim(j)
    as_text = F.from_json(F.concat(F.lit("["), t, F.lit("]")), "array<string>").getItem(0)
    return (
        F.when(t.isNull() | (t == "null"), xv_blank())
        .when(t == "true", xv_logical(True))
        .when(t == "false", xv_logical(False))
        .when(t.startswith('"'), xv_of(TEXT, s=as_text))
        .when(t.startswith("{"), xv_of(ERROR, s=F.get_json_object(t, "$.error")))
        .otherwise(xv_number(t.cast("double")))
    )
