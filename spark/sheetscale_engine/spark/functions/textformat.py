"""TEXT(value, format): Excel number formats, parsed when compiling (the format must be constant).

Supported: "General"; number formats built from 0 # ? . , % with literal prefixes/suffixes
("$#,##0.00", "0.0%", "#,##0", "000", "0.00E+00", trailing commas scale by 1000), up to three
sections (positive;negative;zero); date and time formats (yyyy yy mmmm mmm mm m dddd ddd dd d
hh h mm ss AM/PM and literal separators); "@" (text as is).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pyspark.sql import Column
from pyspark.sql import functions as F  # noqa: N812 (PySpark's convention)

from sheetscale_engine.spark import values as V  # noqa: N812
from sheetscale_engine.spark.functions.base import Arg, EvalContext, FunctionImpl, bind, let
from sheetscale_engine.spark.functions.math import round_digits

_DATE_TOKENS = re.compile(r"yyyy|yy|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|ss|s|am/pm|a/p|\.0+", re.IGNORECASE)


class FormatError(ValueError):
    pass


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


def _parse_number(section: str) -> _NumberPattern:
    toks = _tokens(section)
    digit_chars = set("0#?.,")
    first = next((i for i, (k, t) in enumerate(toks) if k == "code" and t in "0#?"), None)
    if first is None:
        literal = "".join(t for _, t in toks)
        return _NumberPattern(literal, "", 0, 0, 0, False, 0, 0, False, False)
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
    percent = sum(1 for _, t in toks if t == "%")
    mantissa = re.split(r"[Ee]", number)[0]
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
    )


def _format_number(x: Column, p: _NumberPattern, ctx: EvalContext) -> Column:
    """|x| formatted by the pattern (the sign is handled by the caller)."""
    v = F.abs(x) * (100.0**p.percent) / (1000.0**p.thousands_scale)
    if p.scientific:
        body = F.format_string(f"%.{p.max_dec}E", v)
        return F.concat(F.lit(p.prefix), body, F.lit(p.suffix))
    rounded = round_digits(v, F.lit(float(p.max_dec)), "half", ctx)
    text = F.format_number(rounded, p.max_dec)
    if not p.grouping:
        text = F.regexp_replace(text, ",", "")
    if p.max_dec > p.min_dec:
        # Optional decimals (#): drop trailing zeros down to the required ones.
        extra = p.max_dec - p.min_dec
        text = F.regexp_replace(text, f"0{{1,{extra}}}$", "")
    if p.max_dec > 0 and p.min_dec == 0 and not p.has_point:
        text = F.regexp_replace(text, r"\.$", "")
    if p.min_int == 0:
        text = F.regexp_replace(text, r"^0(?=\.|$)", "")
    elif p.min_int > 1:
        int_part = F.substring_index(text, ".", 1)
        rest = F.when(
            F.instr(text, ".") > 0, F.concat(F.lit("."), F.substring_index(text, ".", -1))
        ).otherwise("")
        text = F.concat(F.lpad(int_part, p.min_int, "0"), rest)
    return F.concat(F.lit(p.prefix), text, F.lit(p.suffix))


def _date_pattern(section: str) -> str:
    """An Excel date/time section → a Spark datetime pattern."""
    pieces: list[tuple[str, str]] = []  # ("tok", excel token lower) or ("lit", text)
    for kind, t in _tokens(section):
        if kind == "lit":
            pieces.append(("lit", t))
        else:
            pieces.append(("chr", t))
    text = "".join(t if k == "chr" else "\0" for k, t in pieces)
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
        out.append(("tok", m.group(0).lower()))
        i = m.end()
    has_ampm = any(k == "tok" and t in ("am/pm", "a/p") for k, t in out)
    spark: list[str] = []
    for idx, (k, t) in enumerate(out):
        if k == "lit":
            spark.append("'" + t.replace("'", "''") + "'" if t else "")
            continue
        if t in ("m", "mm"):
            before = [tt for kk, tt in out[:idx] if kk == "tok"]
            after = [tt for kk, tt in out[idx + 1 :] if kk == "tok"]
            minutes = (before and before[-1] in ("h", "hh")) or (after and after[0] in ("s", "ss"))
            spark.append(t if minutes else t.upper())
            continue
        mapping = {
            "yyyy": "yyyy",
            "yy": "yy",
            "mmmm": "MMMM",
            "mmm": "MMM",
            "dddd": "EEEE",
            "ddd": "EEE",
            "dd": "dd",
            "d": "d",
            "hh": "hh" if has_ampm else "HH",
            "h": "h" if has_ampm else "H",
            "ss": "ss",
            "s": "s",
            "am/pm": "a",
            "a/p": "a",
        }
        if t in mapping:
            spark.append(mapping[t])
        elif t.startswith("."):
            spark.append("S" * (len(t) - 1))
        else:
            raise FormatError(f"date code {t!r} is not supported")
    return "".join(spark)


def _timestamp_of_serial(serial: Column, ctx: EvalContext) -> Column:
    day = V.serial_date(serial, ctx.date_system)
    seconds = F.round((serial - F.floor(serial)) * 86400, 3)
    return F.timestamp_seconds(F.unix_timestamp(day.cast("timestamp")) + seconds)


def text_function(value: Column, fmt: str, ctx: EvalContext) -> Column:
    """TEXT(value, fmt) for a constant format."""
    if fmt.lower() == "general" or fmt == "":

        def number_text(n: Column) -> Column:
            return V.general_text(n)
    else:
        sections = _split_sections(fmt)
        if len(sections) > 4:
            raise FormatError("more than four sections")
        if sections[0] == "@":
            return F.when(V.is_error(value), value).otherwise(V.xv_of(V.TEXT, s=V.to_text_raw(value)))

        def one(section: str, n: Column, signed: bool) -> Column:
            if _is_date_section(section):
                pattern = _date_pattern(section)
                formatted = F.date_format(_timestamp_of_serial(n, ctx), pattern)
                return F.when(n < 0, F.lit(None).cast("string")).otherwise(formatted)
            p = _parse_number(section)
            body = _format_number(n, p, ctx)
            if not signed:
                return body
            shown_zero = (
                round_digits(F.abs(n) * (100.0**p.percent), F.lit(float(p.max_dec)), "half", ctx) == 0
            )
            return F.when((n < 0) & ~shown_zero, F.concat(F.lit("-"), body)).otherwise(body)

        def number_text(n: Column) -> Column:
            if len(sections) == 1:
                return one(sections[0], n, signed=True)
            positive = one(sections[0], n, signed=False)
            negative = one(sections[1], n, signed=False)
            expr = F.when(n < 0, negative)
            if len(sections) >= 3:
                expr = expr.when(n == 0, one(sections[2], n, signed=False))
            return expr.otherwise(positive)

    k = V.kind(value)
    parsed = V.text_to_number(V.text(value), ctx.date_system)
    number = (
        F.when(k == V.NUMBER, V.num(value))
        .when(k == V.BLANK, F.lit(0.0))
        .when((k == V.TEXT) & parsed.isNotNull(), parsed)
    )

    def finish(parts: list[Column]) -> Column:
        n, formatted = parts
        return (
            F.when(k == V.ERROR, value)
            .when(k == V.LOGICAL, V.xv_of(V.TEXT, s=V.logical_text(V.logical(value))))
            .when(n.isNull(), V.xv_of(V.TEXT, s=V.text(value)))  # text that is not a number: as is
            .when(formatted.isNull(), V.xv_error(V.VALUE))
            .otherwise(V.xv_of(V.TEXT, s=formatted))
        )

    return bind([number], lambda ns: bind([number_text(ns[0])], lambda fs: finish([ns[0], fs[0]]), ctx), ctx)


def _text(args: list[Arg], ctx: EvalContext) -> Column:
    fmt_arg = args[1]
    if fmt_arg.node.get("kind") != "text":
        raise ctx.fail('TEXT\'s format must be a constant text such as "0.00" or "yyyy-mm-dd"')
    fmt = str(fmt_arg.literal)
    try:
        return let(args[0], lambda v: text_function(v, fmt, ctx), ctx)
    except FormatError as e:
        raise ctx.fail(f'TEXT format "{fmt}" is not supported: {e}') from e


FUNCTIONS: dict[str, FunctionImpl] = {"TEXT": _text}
