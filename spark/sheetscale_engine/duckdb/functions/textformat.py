"""TEXT(value, format) as DuckDB SQL: the format (a constant) is parsed when compiling, in Python,
and becomes SQL for that format only (the design of the Spark lowering's functions/textformat.py).

Supported: "General"; number formats built from 0 # ? . , % with literal prefixes/suffixes
("$#,##0.00", "0.0%", "#,##0", "000", "0.00E+00", trailing commas scale by 1000), up to three
sections (positive;negative;zero); date and time formats (yyyy yy mmmmm mmmm mmm mm m dddd ddd dd d
hh h mm ss .00 AM/PM A/P and literal separators); "@" (text as is).

Numbers are shown as Excel shows them: rounded half away from zero on their 15 significant digits
(2.675 with "0.00" is "2.68"), digits beyond the 15th are zeros. Times are rounded to the format's
precision (a second, or the fraction the format shows) before the parts are read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from sheetscale_engine.duckdb import values as V  # noqa: N812
from sheetscale_engine.duckdb.compile import Arg, EvalContext, FunctionImpl
from sheetscale_engine.duckdb.functions.dates import date_parts_sql, max_serial, weekday_sql
from sheetscale_engine.duckdb.functions.text import errors_only
from sheetscale_engine.duckdb.values import Val

_DATE_TOKENS: Final = re.compile(
    r"yyyy|yy|mmmmm|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|ss|s|am/pm|a/p|\.0+", re.IGNORECASE
)
_MONTHS: Final = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_DAYS: Final = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")


class FormatError(ValueError):
    pass


# ---------------------------------------------------------------------------------------------
# Parsing the format (Python, when compiling)
# ---------------------------------------------------------------------------------------------


def _split_sections(fmt: str) -> list[str]:
    sections, current, in_quote, i = [], "", False, 0
    while i < len(fmt):
        ch = fmt[i]
        if ch == '"':
            in_quote = not in_quote
        elif ch == "\\" and not in_quote and i + 1 < len(fmt):
            current += fmt[i : i + 2]
            i += 2
            continue
        elif ch == ";" and not in_quote:
            sections.append(current)
            current = ""
            i += 1
            continue
        current += ch
        i += 1
    sections.append(current)
    return sections


def _tokens(section: str) -> list[tuple[str, str]]:
    """Split a section into ("lit", text) and ("code", characters) pieces."""
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(section):
        ch = section[i]
        if ch == '"':
            end = section.find('"', i + 1)
            if end < 0:
                raise FormatError("unclosed quote")
            out.append(("lit", section[i + 1 : end]))
            i = end + 1
        elif ch == "\\" and i + 1 < len(section):
            out.append(("lit", section[i + 1]))
            i += 2
        elif ch == "[":
            end = section.find("]", i)
            if end < 0:
                raise FormatError("unclosed [")
            # Colours and conditions ([Red], [<100]) are not supported; currency tags keep their symbol.
            tag = section[i + 1 : end]
            if tag.startswith("$"):
                out.append(("lit", tag[1:].split("-")[0]))
            else:
                raise FormatError(f"[{tag}] is not supported")
            i = end + 1
        elif ch in "_*":
            # _x adds the width of x (a space here); *x repeats x to fill the cell (nothing in TEXT).
            if ch == "_":
                out.append(("lit", " "))
            i += 2
        else:
            out.append(("code", ch))
            i += 1
    return out


def _is_date_section(section: str) -> bool:
    codes = "".join(t for kind, t in _tokens(section) if kind == "code").lower()
    return bool(re.search(r"[ydhs]", codes)) or ("m" in codes and not re.search(r"[0#?]", codes))


@dataclass(frozen=True)
class _NumberPattern:
    prefix: str
    suffix: str
    min_int: int
    min_dec: int
    max_dec: int
    grouping: bool
    percent: int
    thousands_scale: int
    scientific: bool
    has_point: bool
    exp_digits: int = 2  # "E+00": at least this many exponent digits
    exp_plus: bool = True  # "E+" shows the sign of positive exponents, "E-" only of negative ones
    has_digits: bool = True  # False: the section is literal text only ("zero", "-")


def _parse_number(section: str) -> _NumberPattern:
    toks = _tokens(section)
    digit_chars = set("0#?.,")
    first = next((i for i, (k, t) in enumerate(toks) if k == "code" and t in "0#?"), None)
    if first is None:
        literal = "".join(t for _, t in toks)
        return _NumberPattern(literal, "", 0, 0, 0, False, 0, 0, False, False, has_digits=False)
    last = max(i for i, (k, t) in enumerate(toks) if k == "code" and t in "0#?")
    # Extend to the number's characters around the digits (decimal point, commas, exponent).
    end = last
    scientific = False
    while (
        end + 1 < len(toks) and toks[end + 1][0] == "code" and toks[end + 1][1] in digit_chars | set("Ee+-")
    ):
        if toks[end + 1][1] in "Ee":
            scientific = True
        end += 1
    prefix_toks, number_toks, suffix_toks = toks[:first], toks[first : end + 1], toks[end + 1 :]
    number = "".join(t for _, t in number_toks)
    # The exponent's digits ("E+00") are digits too: "0.00E+00" is scientific.
    scientific = scientific or bool(re.search(r"[Ee][+-]", number))
    percent = sum(1 for _, t in toks if t == "%")
    mantissa, exponent = number, ""
    if scientific:
        mantissa, exponent = re.split(r"[Ee]", number, maxsplit=1)
    integer, _, decimals = mantissa.partition(".")
    trailing_commas = len(integer) - len(integer.rstrip(","))
    if not decimals and not scientific:
        trailing_commas = len(number) - len(number.rstrip(","))
    integer_digits = integer.rstrip(",")
    return _NumberPattern(
        prefix="".join(t for _, t in prefix_toks),
        suffix="".join(t for _, t in suffix_toks),
        min_int=integer_digits.count("0"),
        min_dec=decimals.count("0"),
        max_dec=sum(decimals.count(c) for c in "0#?"),
        grouping="," in integer_digits,
        percent=percent,
        thousands_scale=trailing_commas,
        scientific=scientific,
        has_point="." in mantissa,
        exp_digits=max(1, sum(exponent.count(c) for c in "0#?")),
        exp_plus=not exponent.startswith("-"),
    )


def _date_tokens(section: str) -> list[tuple[str, str]]:
    """A date/time section → ("lit", text) and ("tok", code as written) pieces."""
    pieces = _tokens(section)
    text = "".join(t if k == "code" else "\0" for k, t in pieces)
    literals = iter(t for k, t in pieces if k == "lit")
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(text):
        if text[i] == "\0":
            out.append(("lit", next(literals)))
            i += 1
            continue
        m = _DATE_TOKENS.match(text, i)
        if m is None:
            out.append(("lit", text[i]))
            i += 1
            continue
        out.append(("tok", m.group(0)))
        i = m.end()
    return out


# ---------------------------------------------------------------------------------------------
# SQL for a parsed format
# ---------------------------------------------------------------------------------------------


def _lit(s: str) -> str:
    return V.sql_text(s)


def _round15(x: str) -> str:
    return V.round15_sql(x)


def round_half_sql(v: str, digits: int, ctx: EvalContext) -> str:
    """A non-negative double rounded half away from zero to ``digits`` decimals, as Excel rounds
    the number it sees (15 significant digits: 2.675 → 2.68); bound helpers, a DOUBLE's SQL."""
    x15 = ctx.bind(V.number(_round15(v))).sql
    if digits > 300:
        return x15
    power = repr(10.0**digits)
    scaled = ctx.bind(V.number(_round15(f"({x15} * {power})"))).sql
    return f"(CASE WHEN {scaled} >= 1e15 THEN {x15} ELSE floor({scaled} + 0.5) / {power} END)"


def _fixed_sql(r: str, decimals: int, ctx: EvalContext) -> tuple[str, str]:
    """(integer digits, decimal digits) of a non-negative double already rounded to ``decimals``,
    written with its 15 significant digits (zeros beyond them, as Excel shows big numbers).

    Fast path: a number below 10^(15 - decimals) has at most 15 significant digits in this
    layout, so ``printf('%.<decimals>f')`` of it is exact: one formatting per value. Only bigger
    numbers take the digit-by-digit path (DuckDB's CASE evaluates a branch only for its rows).
    """
    sci = f"printf('%.14e', {r})"
    digits = f"replace(split_part({sci}, 'e', 1), '.', '')"
    exp = f"TRY_CAST(split_part({sci}, 'e', 2) AS INTEGER)"
    slow_integer = (
        f"(CASE WHEN {exp} < 0 THEN '0' WHEN {exp} >= 14 THEN {digits} || repeat('0', {exp} - 14) "
        f"ELSE substr({digits}, 1, {exp} + 1) END)"
    )
    limit = repr(10.0 ** (15 - decimals))
    fixed = ctx.bind(V.text(f"printf('%.{decimals}f', {r})")).sql
    small = f"{r} < {limit}"
    integer = f"(CASE WHEN {small} THEN split_part({fixed}, '.', 1) ELSE {slow_integer} END)"
    if decimals == 0:
        return integer, "''"
    slow_fraction = (
        f"substr((CASE WHEN {exp} < 0 THEN repeat('0', -{exp} - 1) || {digits} "
        f"ELSE substr({digits}, {exp} + 2) END) || repeat('0', {decimals}), 1, {decimals})"
    )
    fraction = f"(CASE WHEN {small} THEN split_part({fixed}, '.', 2) ELSE {slow_fraction} END)"
    return integer, fraction


def zero_pad(s: str, width: int) -> str:
    """``s`` with zeros in front up to ``width`` characters (never cut: DuckDB's lpad cuts)."""
    if width <= 1:
        return s
    return f"lpad({s}, CAST(greatest(length({s}), {width}) AS INTEGER), '0')"


def _group_thousands(integer: str) -> str:
    return f"reverse(rtrim(regexp_replace(reverse({integer}), '(\\d{{3}})', '\\1,', 'g'), ','))"


def _scientific_sql(v: str, p: _NumberPattern, ctx: EvalContext) -> str:
    """|x| in scientific notation: the mantissa rounded half away from zero on 15 digits."""
    sci = ctx.bind(V.text(f"printf('%.14e', {v})")).sql
    keep = min(p.max_dec + 1, 15)
    digits15 = f"TRY_CAST(replace(split_part({sci}, 'e', 1), '.', '') AS BIGINT)"
    exp = f"TRY_CAST(split_part({sci}, 'e', 2) AS INTEGER)"
    drop = 10 ** (15 - keep)
    rounded = ctx.bind(V.number(f"CAST(({digits15} + {drop // 2}) // {drop} AS DOUBLE)")).sql
    carry = f"({rounded} >= {10**keep})"
    mantissa_digits = (
        f"CAST(CAST(CASE WHEN {carry} THEN {rounded} / 10 ELSE {rounded} END AS BIGINT) AS VARCHAR)"
    )
    exponent = f"({exp} + CASE WHEN {carry} THEN 1 ELSE 0 END)"
    decimals = f"substr({mantissa_digits}, 2) || repeat('0', {p.max_dec + 1 - keep})"
    mantissa = f"substr({mantissa_digits}, 1, 1)" + (f" || '.' || {decimals}" if p.max_dec > 0 else "")
    sign = f"(CASE WHEN {exponent} < 0 THEN '-' ELSE {_lit('+' if p.exp_plus else '')} END)"
    power = zero_pad(f"CAST(abs({exponent}) AS VARCHAR)", p.exp_digits)
    zero = "0" + ("." + "0" * p.max_dec if p.max_dec > 0 else "") + "E" + ("+" if p.exp_plus else "")
    zero += "0" * p.exp_digits
    return f"(CASE WHEN {v} = 0 THEN {_lit(zero)} ELSE {mantissa} || 'E' || {sign} || {power} END)"


def _number_sql(x: str, p: _NumberPattern, ctx: EvalContext) -> tuple[str, str | None]:
    """|x| formatted by the pattern (the sign is handled by the caller), and the rounded number
    shown when it is |x| * 100^percent rounded (to tell a negative number that shows as zero)."""
    if not p.has_digits:
        return _lit(p.prefix), None
    v = f"(abs({x}) * {100.0**p.percent!r} / {1000.0**p.thousands_scale!r})"
    if p.scientific:
        return f"({_lit(p.prefix)} || {_scientific_sql(v, p, ctx)} || {_lit(p.suffix)})", None
    rounded = ctx.bind(V.number(round_half_sql(v, p.max_dec, ctx))).sql
    integer, fraction = _fixed_sql(rounded, p.max_dec, ctx)
    if p.grouping:
        integer = _group_thousands(integer)
    if p.min_int == 0:
        integer = f"(CASE WHEN {integer} = '0' THEN '' ELSE {integer} END)"
    elif p.min_int > 1:
        integer = zero_pad(integer, p.min_int)
    if p.max_dec > p.min_dec:
        # Optional decimals (#): trailing zeros dropped down to the required ones.
        fraction = f"regexp_replace({fraction}, '0{{1,{p.max_dec - p.min_dec}}}$', '')"
    point = "'.'" if p.has_point else "''"
    text = f"({_lit(p.prefix)} || {integer} || {point} || {fraction} || {_lit(p.suffix)})"
    return text, (rounded if p.thousands_scale == 0 else None)


def _date_sql(section: str, n: str, ctx: EvalContext) -> str:
    """A date/time section for the serial ``n`` (NULL when it is not a date Excel shows)."""
    out = _date_tokens(section)
    lowered = [(k, t.lower() if k == "tok" else t) for k, t in out]
    has_ampm = any(k == "tok" and t in ("am/pm", "a/p") for k, t in lowered)
    fraction_digits = min(
        max((len(t) - 1 for k, t in lowered if k == "tok" and t.startswith(".")), default=0), 3
    )
    scale = 10**fraction_digits
    per_day = 86400 * scale
    # The serial rounded to the format's precision (a second, or the shown fraction of it).
    top = float(max_serial(ctx) + 1)
    ticks = ctx.bind(V.number(f"round(least(greatest({n}, 0.0), {top}) * {per_day}.0)")).sql
    day = ctx.bind(V.number(f"floor({ticks} / {per_day}.0)")).sql
    tod = f"CAST({ticks} - {day} * {per_day}.0 AS BIGINT)"
    parts: dict[str, str] = {}

    def part(name: str) -> str:
        if name not in parts:
            if name in ("y", "mo", "d"):
                y, mo, d = date_parts_sql(day, ctx)
                parts.update(y=f"CAST({y} AS BIGINT)", mo=f"CAST({mo} AS BIGINT)", d=f"CAST({d} AS BIGINT)")
            elif name == "wd":
                parts["wd"] = weekday_sql(day, ctx)
            elif name == "h":
                parts["h"] = f"({tod} // {3600 * scale})"
            elif name == "mi":
                parts["mi"] = f"(({tod} // {60 * scale}) % 60)"
            elif name == "s":
                parts["s"] = f"(({tod} // {scale}) % 60)"
            elif name == "f":
                parts["f"] = f"({tod} % {scale})"
        return parts[name]

    def num(x: str, width: int) -> str:
        return zero_pad(f"CAST({x} AS VARCHAR)", width)

    months = "[" + ", ".join(_lit(m) for m in _MONTHS) + "]"
    days = "[" + ", ".join(_lit(d) for d in _DAYS) + "]"
    pieces: list[str] = []
    for idx, (k, t) in enumerate(lowered):
        if k == "lit":
            if t:
                pieces.append(_lit(t))
            continue
        written = out[idx][1]
        if t in ("m", "mm"):
            before = [tt for kk, tt in lowered[:idx] if kk == "tok"]
            after = [tt for kk, tt in lowered[idx + 1 :] if kk == "tok"]
            minutes = (before and before[-1] in ("h", "hh")) or (after and after[0] in ("s", "ss"))
            pieces.append(num(part("mi") if minutes else part("mo"), len(t)))
        elif t == "yyyy":
            pieces.append(num(part("y"), 4))
        elif t == "yy":
            pieces.append(num(f"({part('y')} % 100)", 2))
        elif t in ("mmmmm", "mmmm", "mmm"):
            name = f"{months}[{part('mo')}]"
            pieces.append({"mmmmm": f"left({name}, 1)", "mmmm": name, "mmm": f"left({name}, 3)"}[t])
        elif t in ("dddd", "ddd"):
            name = f"{days}[{part('wd')} + 1]"
            pieces.append(name if t == "dddd" else f"left({name}, 3)")
        elif t in ("dd", "d"):
            pieces.append(num(part("d"), len(t)))
        elif t in ("hh", "h"):
            h = part("h")
            shown = f"(CASE WHEN {h} % 12 = 0 THEN 12 ELSE {h} % 12 END)" if has_ampm else h
            pieces.append(num(shown, len(t)))
        elif t in ("ss", "s"):
            pieces.append(num(part("s"), len(t)))
        elif t in ("am/pm", "a/p"):
            am, pm = (written[0:2], written[3:5]) if t == "am/pm" else (written[0], written[2])
            pieces.append(f"(CASE WHEN {part('h')} < 12 THEN {_lit(am)} ELSE {_lit(pm)} END)")
        elif t.startswith("."):
            places = len(t) - 1
            if places > fraction_digits:
                raise FormatError("more than 3 decimals of a second")
            pieces.append(f"('.' || left({num(part('f'), fraction_digits)}, {places}))")
        else:
            raise FormatError(f"date code {t!r} is not supported")
    body = " || ".join(pieces) if pieces else "''"
    bad = f"({n} < 0 OR {n} >= {top})"
    return f"(CASE WHEN {bad} THEN NULL ELSE {body} END)"


def _section_sql(section: str, n: str, signed: bool, ctx: EvalContext) -> str:
    if _is_date_section(section):
        return _date_sql(section, n, ctx)
    p = _parse_number(section)
    body, rounded = _number_sql(n, p, ctx)
    if not signed:
        return body
    if p.scientific:
        shown_zero = f"({n} = 0)"
    else:
        # A negative number that shows as zero gets no minus sign.
        if rounded is None:
            rounded = round_half_sql(f"(abs({n}) * {100.0**p.percent!r})", p.max_dec, ctx)
        shown_zero = f"({rounded} = 0)"
    return f"(CASE WHEN {n} < 0 AND NOT {shown_zero} THEN '-' || {body} ELSE {body} END)"


def text_function_sql(fmt: str, n: str, ctx: EvalContext) -> str:
    """SQL text of the (non-null, bound) number ``n`` in the format ``fmt``; NULL means #VALUE!."""
    if fmt.lower() == "general" or fmt == "":
        return V.general_text_sql(n)
    sections = _split_sections(fmt)
    if len(sections) > 4:
        raise FormatError("more than four sections")
    if len(sections) == 1:
        return _section_sql(sections[0], n, True, ctx)
    positive = _section_sql(sections[0], n, False, ctx)
    negative = _section_sql(sections[1], n, False, ctx)
    zero = f"WHEN {n} = 0 THEN {_section_sql(sections[2], n, False, ctx)} " if len(sections) >= 3 else ""
    return f"(CASE WHEN {n} < 0 THEN {negative} {zero}ELSE {positive} END)"


def text_function(value: Val, fmt: str, ctx: EvalContext) -> Val:
    """TEXT(value, fmt) for a constant format: numbers (and numeric text, blank as 0) formatted;
    other text as it is; TRUE/FALSE as such; errors propagate."""
    error_branch = [(V.is_error(value), errors_only(value))] if V.ERROR in value.kinds else []
    if _split_sections(fmt)[0] == "@" and fmt.lower() != "general":
        return V.cases(error_branch, V.text(V.to_text_raw_sql(value)))
    if value.layout == "number":
        number_sql = f"coalesce({value.sql}, 0.0)" if V.BLANK in value.kinds else value.sql
    else:
        whens: list[tuple[str, str]] = []
        if V.NUMBER in value.kinds:
            whens.append((V.is_kind(value, V.NUMBER), V.num_sql(value)))
        if V.BLANK in value.kinds:
            whens.append((V.is_blank(value), "0.0"))
        if V.TEXT in value.kinds:
            whens.append((V.is_kind(value, V.TEXT), V.text_to_number_sql(V.text_sql(value), ctx.date_system)))
        if not whens:  # a logical or an error: never formatted
            number_sql = "CAST(NULL AS DOUBLE)"
        elif len(whens) == 1 and whens[0][0] == "TRUE":
            number_sql = whens[0][1]
        else:
            number_sql = "(CASE " + " ".join(f"WHEN {c} THEN {s}" for c, s in whens) + " END)"
    # NULL: not a number (text that is not numeric, a logical, an error).
    n = ctx.bind(V.number_or_blank(number_sql)).sql
    formatted = ctx.bind(Val(text_function_sql(fmt, n, ctx), frozenset({V.TEXT, V.BLANK}), "text")).sql
    branches = list(error_branch)
    if V.LOGICAL in value.kinds:
        branches.append((V.is_kind(value, V.LOGICAL), V.text(V.logical_text_sql(V.bool_sql(value)))))
    if V.TEXT in value.kinds:
        branches.append((f"({n} IS NULL)", V.text(V.text_sql(value))))  # text that is not a number: as is
    branches.append((f"({formatted} IS NULL)", V.error(V.VALUE)))
    return V.cases(branches, V.text(formatted))


def _text(args: list[Arg], ctx: EvalContext) -> Val:
    fmt_arg = args[1]
    if fmt_arg.node.get("kind") != "text":
        raise ctx.fail('TEXT\'s format must be a constant text such as "0.00" or "yyyy-mm-dd"')
    fmt = str(fmt_arg.literal)
    try:
        return text_function(args[0].val, fmt, ctx)
    except FormatError as e:
        raise ctx.fail(f'TEXT format "{fmt}" is not supported: {e}') from e


FUNCTIONS: Final[dict[str, FunctionImpl]] = {"TEXT": _text}
