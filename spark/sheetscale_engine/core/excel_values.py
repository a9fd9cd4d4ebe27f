"""Excel's value rules in pure Python: the reference every engine is tested against.

This module imports no engine (neither pyspark nor duckdb). It is used to evaluate constants at
plan time and, through the shared test vectors of ``test/fixtures/values/``, as the reference the
Spark and DuckDB lowerings are checked against. Each function mirrors the Spark implementation
(``sheetscale_engine/spark/values.py``, ``criteria.py``, ``wildcards.py``, ``functions/math.py``)
rule for rule, so that a constant folded here and the same value computed by an engine agree.

A cell value is a Python value:

- ``None``: blank (an empty cell, not empty text);
- ``float`` or ``int`` (not ``bool``): a number (dates are serial numbers);
- ``str``: text;
- ``bool``: a logical;
- ``ExcelError(code)``: an error value such as ``#N/A``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Final, TypeAlias, TypeVar

from sheetscale_engine.config.error_codes import error_codes

# --------------------------------------------------------------------------------------------
# Kinds and error codes
# --------------------------------------------------------------------------------------------

BLANK: Final = 0
NUMBER: Final = 1
TEXT: Final = 2
LOGICAL: Final = 3
ERROR: Final = 4

KIND_NAMES: Final[dict[int, str]] = {
    BLANK: "blank",
    NUMBER: "number",
    TEXT: "text",
    LOGICAL: "logical",
    ERROR: "error",
}

ALL_KINDS: Final = frozenset({BLANK, NUMBER, TEXT, LOGICAL, ERROR})

# The kinds a source column of each config type can hold. An empty cell is blank in every type;
# a number or date can also be an error (#VALUE! for a cell that does not fit under onBadRow
# "error", #NUM! for text such as "1e999" beyond a double), and so can a logical.
TYPE_KINDS: Final[dict[str, frozenset[int]]] = {
    "number": frozenset({BLANK, NUMBER, ERROR}),
    "date": frozenset({BLANK, NUMBER, ERROR}),
    "text": frozenset({BLANK, TEXT}),
    "logical": frozenset({BLANK, LOGICAL, ERROR}),
    "mixed": ALL_KINDS,
}

# Error codes the engine produces itself. The list of every code lives in the schema and is read
# through ``sheetscale_engine.config.error_codes``; these names only spare typos (a test checks
# that each one is in that list, and ``ExcelError`` refuses codes that are not).
NULL_ERROR: Final = "#NULL!"
DIV0: Final = "#DIV/0!"
VALUE: Final = "#VALUE!"
REF: Final = "#REF!"
NAME: Final = "#NAME?"
NUM: Final = "#NUM!"
NA: Final = "#N/A"


@dataclass(frozen=True)
class ExcelError:
    """An Excel error value; ``code`` must be one of the schema's error codes."""

    code: str

    def __post_init__(self) -> None:
        if self.code not in error_codes():
            raise ValueError(
                f"{self.code!r} is not an Excel error code; expected one of {', '.join(error_codes())}"
            )

    def __str__(self) -> str:
        return self.code


CellValue: TypeAlias = "float | int | str | bool | ExcelError | None"


def kind_of(value: CellValue) -> int:
    """The kind (BLANK, NUMBER, TEXT, LOGICAL, ERROR) of a Python cell value."""
    if value is None:
        return BLANK
    if isinstance(value, bool):
        return LOGICAL
    if isinstance(value, (int, float)):
        return NUMBER
    if isinstance(value, str):
        return TEXT
    if isinstance(value, ExcelError):
        return ERROR
    raise TypeError(f"not an Excel cell value: {value!r}")


# --------------------------------------------------------------------------------------------
# Numbers: 15 significant digits and the General format
# --------------------------------------------------------------------------------------------


def _decimal15(x: float) -> Decimal:
    """The double's shortest decimal representation rounded half away from zero to 15
    significant digits (as Java's ``%.14E`` does it, which the Spark lowering uses)."""
    d = Decimal(repr(float(x)))
    if d.is_zero():
        return Decimal(0)
    quantum = Decimal(1).scaleb(d.adjusted() - 14)
    rounded = d.quantize(quantum, rounding=ROUND_HALF_UP)
    if rounded.adjusted() != d.adjusted():  # 9.99...95 carried into the next decade
        rounded = rounded.quantize(quantum * 10, rounding=ROUND_HALF_UP)
    return rounded


def sci15(x: float) -> str:
    """The number in scientific notation with 15 significant digits: ``3.00000000000000E-01``
    (Java's ``String.format("%.14E", x)``, with -0.0 normalised to 0.0)."""
    d = _decimal15(x)
    if d.is_zero():
        return "0.00000000000000E+00"
    sign, digit_tuple, _ = d.as_tuple()
    digits = "".join(str(t) for t in digit_tuple)[:15].ljust(15, "0")
    exp = d.adjusted()
    return f"{'-' if sign else ''}{digits[0]}.{digits[1:]}E{'-' if exp < 0 else '+'}{abs(exp):02d}"


def round15(x: float) -> float:
    """The double nearest to ``x`` rounded to 15 significant digits (Excel's precision)."""
    if x == 0:
        return 0.0
    return float(_decimal15(x))


def same15(a: float, b: float) -> bool:
    """Two numbers equal on 15 significant digits, as Excel's ``=`` compares them."""
    return round15(a) == round15(b)


def general_text(x: float) -> str:
    """Number → text as Excel's General format does it (``=A1&""``), as the engines do it.

    Up to 15 significant digits, no trailing zeros, no thousands separator; plain notation for
    decimal exponents -14..14 (``10000000`` → "10000000", ``0.1+0.2`` → "0.3"), otherwise
    scientific in Excel's style ("1E+21", "1.23456789012346E+15", "1E-15").

    Known differences from Excel (test/fixtures/values/general-format.json marks them): Excel
    writes plain notation up to 20 characters ("1234567890123460" for 1.2345678901234568E15,
    "0.000000000000000001"), scientific notation beyond ("1.23456789012346E-05"), rounds the
    double's exact binary value rather than its shortest decimal form, and keeps 14 digits for
    three-digit exponents.
    """
    if x == 0:
        return "0"
    d = _decimal15(x)
    sign, digit_tuple, _ = d.as_tuple()
    digits = "".join(str(t) for t in digit_tuple).rstrip("0") or "0"
    exp = d.adjusted()
    n_digits = len(digits)
    if exp >= 15 or exp <= -15:
        mantissa = digits[0] + ("." + digits[1:] if n_digits > 1 else "")
        unsigned = f"{mantissa}E{'-' if exp < 0 else '+'}{abs(exp):02d}"
    elif exp >= 0:
        int_len = exp + 1
        if n_digits <= int_len:
            unsigned = digits + "0" * (int_len - n_digits)
        else:
            unsigned = digits[:int_len] + "." + digits[int_len:]
    else:
        unsigned = "0." + "0" * (-exp - 1) + digits
    return ("-" if sign else "") + unsigned


def java_double_string(x: float) -> str:
    """Java's ``Double.toString`` (Spark's double → string cast): "1.0", "1.0E7", "1.0E-4"."""
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0:
        return "-0.0" if math.copysign(1.0, x) < 0 else "0.0"
    d = Decimal(repr(float(x)))
    sign, digit_tuple, _ = d.as_tuple()
    digits = "".join(str(t) for t in digit_tuple).rstrip("0") or "0"
    exp = d.adjusted()
    prefix = "-" if sign else ""
    if 1e-3 <= abs(x) < 1e7:
        if exp >= 0:
            whole = (digits[: exp + 1]).ljust(exp + 1, "0")
            frac = digits[exp + 1 :] or "0"
        else:
            whole = "0"
            frac = "0" * (-exp - 1) + digits
        return f"{prefix}{whole}.{frac}"
    return f"{prefix}{digits[0]}.{digits[1:] or '0'}E{exp}"


# --------------------------------------------------------------------------------------------
# Rounding (ROUND, ROUNDUP, ROUNDDOWN, TRUNC, INT)
# --------------------------------------------------------------------------------------------

# Beyond 15 significant digits a double has no decimals left that Excel would show or round.
_INTEGRAL_ABOVE: Final = 1e15


def _truncate(n: float) -> float:
    """Toward zero, as Excel truncates integer parameters (the digits of ROUND...)."""
    return float(math.ceil(n)) if n < 0 else float(math.floor(n))


def _round_digits(x: float, digits: float, mode: str) -> float:
    """Round ``x`` to ``digits`` decimals (negative: tens, hundreds...) as Excel does.

    ``mode``: "half" (ROUND: half away from zero), "up" (away from zero), "down" (toward zero).
    The value is first brought to 15 digits (2.675, stored as 2.67499999..., is 2.675 to Excel),
    scaled by a power of ten and brought to 15 digits again, rounded as an integer, scaled back.
    """
    x15 = round15(x)
    d = _truncate(digits)
    if d > 300:
        return x15 + 0.0
    if d < -300:
        return 0.0
    power = math.pow(10.0, abs(d))
    scaled = round15(x15 * power if d >= 0 else x15 / power)
    magnitude = abs(scaled)
    if magnitude >= _INTEGRAL_ABOVE and d >= 0:
        return x15 + 0.0
    if mode == "half":
        whole = math.floor(magnitude + 0.5)
    elif mode == "up":
        whole = math.ceil(magnitude)
    else:
        whole = math.floor(magnitude)
    signed = math.copysign(1.0, scaled) * float(whole) if scaled != 0 else 0.0
    back = signed / power if d >= 0 else signed * power
    return back + 0.0  # -0.0 → 0.0


def excel_round(x: float, digits: float = 0) -> float:
    """ROUND: half away from zero on the number as Excel sees it (ROUND(2.675,2) = 2.68)."""
    return _round_digits(x, digits, "half")


def roundup(x: float, digits: float = 0) -> float:
    """ROUNDUP: away from zero (ROUNDUP(-3.14159,1) = -3.2)."""
    return _round_digits(x, digits, "up")


def rounddown(x: float, digits: float = 0) -> float:
    """ROUNDDOWN: toward zero (ROUNDDOWN(-3.14159,1) = -3.1)."""
    return _round_digits(x, digits, "down")


def excel_trunc(x: float, digits: float = 0) -> float:
    """TRUNC: toward zero, like ROUNDDOWN with ``digits`` defaulting to 0 (TRUNC(-8.9) = -8)."""
    return _round_digits(x, digits, "down")


def excel_int(x: float) -> float:
    """INT: down to the next integer (INT(-8.9) = -9)."""
    return float(math.floor(round15(x))) + 0.0


# --------------------------------------------------------------------------------------------
# Dates: serial numbers in the 1900 (phantom 1900-02-29 = 60) and 1904 systems
# --------------------------------------------------------------------------------------------

_EPOCH_1900: Final = dt.date(1899, 12, 30)
_EPOCH_1904: Final = dt.date(1904, 1, 1)
_FIRST_REAL_1900: Final = dt.date(1900, 3, 1)


def date_to_serial(date: dt.date, system: str = "1900") -> int:
    """A date → Excel serial number (1900 system: 1900-01-01 is 1, 1900-03-01 is 61; 1904
    system: 1904-01-01 is 0)."""
    if system == "1904":
        return (date - _EPOCH_1904).days
    days = (date - _EPOCH_1900).days
    # Serial 60 is the phantom 1900-02-29: real dates before 1900-03-01 are one lower.
    return days - 1 if date < _FIRST_REAL_1900 else days


def serial_to_date(serial: float, system: str = "1900") -> dt.date:
    """An Excel serial number (whole days; a time fraction is dropped) → date.

    Serial 60 of the 1900 system, the phantom 1900-02-29, has no ``datetime.date``: like the
    engines' date conversion it gives 1900-03-01 (and 0, Excel's "1900-01-00", 1899-12-31).
    ``serial_to_ymd`` gives Excel's year, month and day for every serial.
    """
    whole = math.floor(serial)
    if system == "1904":
        return _EPOCH_1904 + dt.timedelta(days=whole)
    return _EPOCH_1900 + dt.timedelta(days=whole + 1 if whole < 61 else whole)


def serial_to_ymd(serial: float, system: str = "1900") -> tuple[int, int, int]:
    """Excel's (YEAR, MONTH, DAY) of a serial: 60 is (1900, 2, 29) and 0 is (1900, 1, 0) in the
    1900 system."""
    day = serial_to_date(serial, system)
    if system == "1904":
        return day.year, day.month, day.day
    whole = math.floor(serial)
    if whole == 0:
        return 1900, 1, 0
    if whole == 60:
        return 1900, 2, 29
    return (1900 if whole <= 60 else day.year), day.month, day.day


# --------------------------------------------------------------------------------------------
# Text → number (what Excel's operators and VALUE accept)
# --------------------------------------------------------------------------------------------

# Optional sign, optional currency sign, digits with optional thousands separators, decimals,
# an exponent, a trailing percent sign. ASCII digits only, as Java's \d.
_NUMBER_TEXT: Final = re.compile(r"^[+-]?\$?(\d{1,3}(,\d{3})+|\d*)(\.\d*)?([eE][+-]?\d+)?%?$", re.ASCII)
_DIGIT: Final = re.compile(r"\d", re.ASCII)
_JAVA_DOUBLE: Final = re.compile(r"^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$", re.ASCII)

_MONTHS_SHORT: Final = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTHS_LONG: Final = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)

# Date layouts Excel (en-US) reads from text, in the Spark lowering's order: (regex, the order of
# its year/month/day groups, month names or None for a month number). Like Java's parser under
# the patterns "yyyy-M-d", "d-MMM-yyyy"..., a month or day number may have any count of digits
# and month names are matched case-insensitively.
_Y, _M, _D = "y", "m", "d"
_DATE_LAYOUTS: Final = (
    (re.compile(r"^(\d{4})-(\d+)-(\d+)$", re.ASCII), (_Y, _M, _D), None),
    (re.compile(r"^(\d{4})/(\d+)/(\d+)$", re.ASCII), (_Y, _M, _D), None),
    (re.compile(r"^(\d+)/(\d+)/(\d{4})$", re.ASCII), (_M, _D, _Y), None),
    (re.compile(r"^(\d+)-([A-Za-z]+)-(\d{4})$", re.ASCII), (_D, _M, _Y), _MONTHS_SHORT),
    (re.compile(r"^(\d+) ([A-Za-z]+) (\d{4})$", re.ASCII), (_D, _M, _Y), _MONTHS_SHORT),
    (re.compile(r"^(\d+)-([A-Za-z]+)-(\d{4})$", re.ASCII), (_D, _M, _Y), _MONTHS_LONG),
    (re.compile(r"^(\d+) ([A-Za-z]+) (\d{4})$", re.ASCII), (_D, _M, _Y), _MONTHS_LONG),
    (re.compile(r"^([A-Za-z]+) (\d+), (\d{4})$", re.ASCII), (_M, _D, _Y), _MONTHS_SHORT),
    (re.compile(r"^([A-Za-z]+) (\d+), (\d{4})$", re.ASCII), (_M, _D, _Y), _MONTHS_LONG),
)
_TIME_TEXT: Final = re.compile(r"^(\d{1,2}):(\d{1,2})(:(\d{1,2}(\.\d+)?))?\s*([AaPp][Mm])?$", re.ASCII)


def _trim(s: str) -> str:
    """Spark's ``trim``: spaces only (not tabs or line breaks)."""
    return s.strip(" ")


def text_to_date(s: str) -> dt.date | None:
    """Text in one of the en-US date layouts Excel reads ("2024-01-15", "1/15/2024",
    "15-Jan-2024", "March 15, 2021"...) → date, else None (also for impossible dates)."""
    t = _trim(s)
    for pattern, order, names in _DATE_LAYOUTS:
        m = pattern.match(t)
        if m is None:
            continue
        parts = dict(zip(order, m.groups(), strict=True))
        if names is None:
            month = int(parts[_M])
        else:
            name = parts[_M].lower()
            if name not in names:
                continue
            month = names.index(name) + 1
        try:
            return dt.date(int(parts[_Y]), month, int(parts[_D]))
        except ValueError:
            return None
    return None


def text_to_time_fraction(s: str) -> float | None:
    """ "16:48:00", "4:48 PM", "12:00" → the fraction of a day, else None."""
    m = _TIME_TEXT.match(s)
    if m is None:
        return None
    h, minutes = float(m.group(1)), float(m.group(2))
    sec = float(m.group(4)) if m.group(4) else 0.0
    ampm = (m.group(6) or "").upper()
    if minutes >= 60 or sec >= 60 or (ampm and not 1 <= h <= 12):
        return None
    if ampm == "AM":
        hours = 0.0 if h == 12 else h
    elif ampm == "PM":
        hours = h if h == 12 else h + 12
    else:
        hours = h
    return (hours * 3600 + minutes * 60 + sec) / 86400


def _java_parse_double(s: str) -> float | None:
    """``Double.parseDouble`` on what the number pattern lets through (digits, '.', exponent)."""
    if _JAVA_DOUBLE.match(s) is None:
        return None
    return float(s)


def text_to_number(s: str, date_system: str = "1900") -> float | None:
    """Text → number as Excel's operators coerce it, None where Excel gives #VALUE!.

    Accepts numbers with thousands separators, a currency sign, an exponent or a percent sign
    ("1,000", "$5", "-1.5E3", "50%"), dates in the en-US layouts Excel reads as date serials
    ("2024-01-15", "1/15/2024", "15-Jan-2024") and times as fractions of a day ("16:48:00",
    "4:48 PM"). Surrounding spaces are ignored.
    """
    t = _trim(s)
    if _NUMBER_TEXT.match(t) and _DIGIT.search(t):
        plain = re.sub(r"^[+-]", "", re.sub(r"[$,%]", "", t))
        magnitude = _java_parse_double(plain)
        if magnitude is None:
            return None
        value = -magnitude if t.startswith("-") else magnitude
        return value / 100 if t.endswith("%") else value
    as_date = text_to_date(t)
    if as_date is not None:
        return float(date_to_serial(as_date, date_system))
    return text_to_time_fraction(t)


# --------------------------------------------------------------------------------------------
# Coercions of cell values
# --------------------------------------------------------------------------------------------


def to_logical_text(b: bool) -> str:
    """A logical as text: "TRUE" / "FALSE" (``="A"&TRUE`` is "ATRUE")."""
    return "TRUE" if b else "FALSE"


def to_number(value: CellValue, date_system: str = "1900") -> float | ExcelError:
    """As Excel's arithmetic coerces: blank 0, TRUE 1, FALSE 0, numeric text, else #VALUE!;
    errors stay errors."""
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        parsed = text_to_number(value, date_system)
        return ExcelError(VALUE) if parsed is None else parsed
    return value


def to_text(value: CellValue) -> str | ExcelError:
    """As Excel's text operations see a value: General format for numbers, "TRUE"/"FALSE",
    blank ""; errors stay errors."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return to_logical_text(value)
    if isinstance(value, (int, float)):
        return general_text(float(value))
    return value


def to_logical(value: CellValue) -> bool | ExcelError:
    """As Excel's conditions coerce: numbers ≠ 0 are TRUE, blank FALSE, text "TRUE"/"FALSE"
    (any case), other text #VALUE!; errors stay errors."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value != 0
    if isinstance(value, str):
        upper = _trim(value).upper()
        if upper == "TRUE":
            return True
        if upper == "FALSE":
            return False
        return ExcelError(VALUE)
    return value


# --------------------------------------------------------------------------------------------
# Keys for matching and sorting
# --------------------------------------------------------------------------------------------


def match_key(value: CellValue) -> str:
    """A string equal for two values exactly when Excel's exact-match lookup matches them (the
    same string as the Spark lowering's ``match_key``).

    Kind-tagged (the number 1 never equals the text "1"), text lower-cased (case-insensitive)
    and not trimmed, numbers compared on 15 significant digits, blank only equals blank.

    Numbers are written as Java's ``Double.toString`` writes them, with the shortest digits; Java
    before 19 writes some doubles above about 1E+16 with more digits ("3.3301892521179699E18" for
    3.33018925211797E18), so compare keys made by one engine, not across engines.
    """
    k = kind_of(value)
    if isinstance(value, bool):
        payload = to_logical_text(value)
    elif isinstance(value, (int, float)):
        payload = java_double_string(round15(float(value)))
    elif isinstance(value, str):
        payload = value.lower()
    elif isinstance(value, ExcelError):
        payload = value.code
    else:
        payload = ""
    return f"{k}:{payload}"


# Ascending rank of each kind in Excel's sort: numbers < text < logicals < errors (blanks apart).
_SORT_RANK: Final[dict[int, int]] = {NUMBER: 0, TEXT: 1, LOGICAL: 2, ERROR: 3}


def sort_rank(value: CellValue) -> int | None:
    """The rank of a value's kind in Excel's ascending sort: numbers 0, text 1, logicals 2,
    errors 3; None for blank (blanks go last in both directions)."""
    return _SORT_RANK.get(kind_of(value))


def sort_key(value: CellValue) -> tuple[int, int, float, str, bool]:
    """An ascending sort key for a non-blank value: by kind, then number, lower-cased text,
    FALSE < TRUE; errors all equal."""
    rank = sort_rank(value)
    if rank is None:
        raise ValueError("blank cells have no sort key: they go last in both directions")
    number = float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0.0
    lowered = value.lower() if isinstance(value, str) else ""
    flag = value if isinstance(value, bool) else False
    return 0, rank, number, lowered, flag


def excel_sorted(values: list[CellValue], descending: bool = False) -> list[CellValue]:
    """Values in Excel's sort order: stable, case-insensitive, blanks last in both directions."""
    filled = [v for v in values if v is not None]
    blanks = [v for v in values if v is None]
    return [*sorted(filled, key=sort_key, reverse=descending), *blanks]


# --------------------------------------------------------------------------------------------
# Wildcards: * any characters, ? one character, ~ escapes the next one
# --------------------------------------------------------------------------------------------


def has_wildcards(pattern: str) -> bool:
    return any(ch in pattern for ch in "*?~")


def wildcard_regex(pattern: str, *, anchored: bool = True) -> str:
    """An Excel wildcard pattern → a Python regular expression with the Spark lowering's
    semantics: case-insensitive for ASCII letters (as Java's ``(?i)``), ``.`` matching line
    breaks; ``~`` before ``*``, ``?`` or ``~`` makes it literal, any other ``~`` is literal."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "~" and i + 1 < len(pattern) and pattern[i + 1] in "*?~":
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        if ch == "*":
            out.append(".*")
        elif ch == "?":
            out.append(".")
        else:
            out.append(re.escape(ch))
        i += 1
    body = "".join(out)
    return f"(?ais)^{body}$" if anchored else f"(?ais){body}"


def wildcard_match(pattern: str, text: str) -> bool:
    """The whole of ``text`` matches the Excel wildcard ``pattern``."""
    return re.search(wildcard_regex(pattern), text) is not None


# --------------------------------------------------------------------------------------------
# Criteria (COUNTIF, SUMIF(S), AVERAGEIF(S), COUNTIFS)
# --------------------------------------------------------------------------------------------

_OPERATOR: Final = re.compile(r"^(<=|>=|<>|<|>|=)")
_WILDCARD_CHARS: Final = re.compile(r"[*?~]")
_Ordered = TypeVar("_Ordered", float, str)


def _text_key(s: str, date_system: str) -> str:
    """The equality key of criterion text or a text cell: numbers, TRUE/FALSE, "" normalised."""
    if s == "":
        return "e:"
    as_number = text_to_number(s, date_system)
    if as_number is not None:
        return "n:" + sci15(as_number)
    upper = s.upper()
    if upper in ("TRUE", "FALSE"):
        return "b:" + upper
    return "t:" + s.lower()


def equality_key(value: CellValue, date_system: str = "1900") -> str:
    """A plain-value criterion matches a cell exactly when their keys are equal: blank and empty
    text share a key, numeric text shares the number's key ("100" ↔ 100), text is lower-cased."""
    if value is None:
        return "e:"
    if isinstance(value, bool):
        return "b:" + to_logical_text(value)
    if isinstance(value, (int, float)):
        return "n:" + sci15(float(value))
    if isinstance(value, str):
        return _text_key(value, date_system)
    return "x:" + value.code


@dataclass(frozen=True)
class Criterion:
    """A parsed criterion. For text: the operator (``""`` when there is none), the text after
    it, that text read as a number (or None) and its equality key; ``plain`` is the equality key
    of the whole value (the rule for non-text criteria)."""

    value: CellValue
    is_text: bool
    op: str
    rest: str
    number: float | None
    key: str
    plain: str

    @property
    def wildcard(self) -> bool:
        """The operand is matched as a wildcard pattern (text cells only)."""
        return self.number is None and _WILDCARD_CHARS.search(self.rest) is not None


def parse_criterion(value: CellValue, date_system: str = "1900") -> Criterion:
    """Parse a criterion value: ``">100"``, ``"<>"``, ``"="``, ``""``, ``"a*"``, ``"100"``, 100..."""
    plain = equality_key(value, date_system)
    if not isinstance(value, str):
        return Criterion(value, False, "", "", None, plain, plain)
    m = _OPERATOR.match(value)
    op = m.group(1) if m else ""
    rest = value[len(op) :]
    return Criterion(
        value, True, op, rest, text_to_number(rest, date_system), _text_key(rest, date_system), plain
    )


def _compare(op: str, a: _Ordered, b: _Ordered) -> bool:
    if op == "<":
        return a < b
    if op == ">":
        return a > b
    if op == "<=":
        return a <= b
    return a >= b


def criterion_matches(cell: CellValue, criterion: Criterion | CellValue, date_system: str = "1900") -> bool:
    """The cell meets the criterion (a parsed ``Criterion`` or a criterion value).

    A number, logical or error criterion matches equal cells (a number also matches text that
    reads as that number); criterion text may start with ``=`` ``<>`` ``<`` ``>`` ``<=`` ``>=``:
    ``"="`` alone matches blank cells, ``"<>"`` alone non-blank cells, ``""`` blank cells and
    empty text; ``<`` ``>`` ``<=`` ``>=`` compare numbers with numbers (the operand read as a
    number or date) and otherwise text with text, case-insensitively; ``=``/``<>``/no operator
    compare case-insensitively, with wildcards ``*`` ``?`` (``~`` escapes) for text cells only.
    """
    c = criterion if isinstance(criterion, Criterion) else parse_criterion(criterion, date_system)
    cell_key = equality_key(cell, date_system)
    if not c.is_text:
        return cell_key == c.plain
    if c.op in ("", "=", "<>"):
        if c.rest == "":
            equal = cell is None or (c.op == "" and cell == "")
        elif c.wildcard:
            equal = isinstance(cell, str) and wildcard_match(c.rest, cell)
        else:
            equal = cell_key == c.key
        return equal != (c.op == "<>")
    if c.number is not None:
        if isinstance(cell, bool) or not isinstance(cell, (int, float)):
            return False
        return _compare(c.op, round15(float(cell)), round15(c.number))
    if not isinstance(cell, str):
        return False
    return _compare(c.op, cell.lower(), c.rest.lower())
