"""Text functions: LEFT, RIGHT, MID, LEN, UPPER, LOWER, PROPER, TRIM, CLEAN, CONCAT, CONCATENATE,
TEXTJOIN, SUBSTITUTE, REPLACE, FIND, SEARCH, EXACT, REPT, VALUE."""

from __future__ import annotations

from collections.abc import Callable

from pyspark.sql import Column
from pyspark.sql import functions as F  # noqa: N812 (PySpark's convention)

from sheetscale_engine.spark import values as V  # noqa: N812
from sheetscale_engine.spark.functions.base import (
    Arg,
    EvalContext,
    FunctionImpl,
    first_error,
    let,
    let_all,
    mixed,
    text_result,
    textual,
    truncate,
)
from sheetscale_engine.spark.wildcards import wildcard_regex

_VALUE_ERROR = V.xv_error


def _bad(cond: Column, ok: Column) -> Column:
    return F.when(cond, _VALUE_ERROR(V.VALUE)).otherwise(ok)


def _left_right(from_left: bool) -> FunctionImpl:
    def impl(args: list[Arg], ctx: EvalContext) -> Column:
        def body(raw: list[Column]) -> Column:
            s = raw[0]
            n = truncate(raw[1]).cast("int") if len(raw) > 1 else F.lit(1)
            if from_left:
                part = s.substr(F.lit(1), n)
            else:
                part = F.when(n == 0, F.lit("")).otherwise(
                    s.substr(F.greatest(F.length(s) - n + 1, F.lit(1)), n)
                )
            return _bad(n < 0, V.xv_of(V.TEXT, s=part))

        kinds = "tn" if len(args) > 1 else "t"
        return mixed(args, ctx, kinds, body)

    return impl


def _mid(args: list[Arg], ctx: EvalContext) -> Column:
    def body(raw: list[Column]) -> Column:
        s, start, n = raw[0], truncate(raw[1]).cast("int"), truncate(raw[2]).cast("int")
        return _bad((start < 1) | (n < 0), V.xv_of(V.TEXT, s=s.substr(start, n)))

    return mixed(args, ctx, "tnn", body)


def _text_to_text(fn: Callable[[Column], Column]) -> FunctionImpl:
    def impl(args: list[Arg], ctx: EvalContext) -> Column:
        return textual(args, lambda raw: V.xv_of(V.TEXT, s=fn(raw[0])), ctx)

    return impl


def proper(s: Column) -> Column:
    """Excel's PROPER: a letter is upper-cased after a non-letter (or at the start), else lowered."""
    chars = F.split(s, "(?!^)")  # one element per character ("" for empty text)
    cased = F.transform(
        chars,
        lambda c, i: F.when(
            (i == 0) | ~s.substr(i, F.lit(1)).rlike(r"^\p{L}$"),
            F.upper(c),
        ).otherwise(F.lower(c)),
    )
    return F.array_join(cased, "")


def _trim(s: Column) -> Column:
    # Excel's TRIM removes spaces at both ends and collapses runs of spaces inside to one.
    return F.regexp_replace(F.regexp_replace(s, "^ +| +$", ""), " {2,}", " ")


def _concat(args: list[Arg], ctx: EvalContext) -> Column:
    return textual(args, lambda raw: text_result(F.concat(*raw)), ctx)


def _textjoin(args: list[Arg], ctx: EvalContext) -> Column:
    def body(cols: list[Column]) -> Column:
        delimiter = V.to_text(cols[0])
        ignore = V.to_logical(cols[1])
        texts = cols[2:]
        items = [
            F.when(
                V.logical(ignore) & (V.is_blank(t) | (V.to_text_raw(t) == "")),
                F.lit(None).cast("string"),
            ).otherwise(V.to_text_raw(t))
            for t in texts
        ]
        result = F.call_function("concat_ws", V.text(delimiter), *items)
        return first_error([delimiter, ignore, *texts], text_result(result))

    return let_all(args, body, ctx)


def _regex_quote(s: Column) -> Column:
    return F.concat(F.lit(r"\Q"), F.regexp_replace(s, r"\\E", r"\\E\\\\E\\Q"), F.lit(r"\E"))


def _substitute(args: list[Arg], ctx: EvalContext) -> Column:
    def body(raw: list[Column]) -> Column:
        s, old, new = raw[0], raw[1], raw[2]
        replace_all = F.call_function("replace", s, old, new)
        if len(raw) < 4:
            return V.xv_of(V.TEXT, s=F.when(old == "", s).otherwise(replace_all))
        nth = truncate(raw[3]).cast("int")
        parts = F.call_function("split", s, _regex_quote(old), F.lit(-1))
        before = F.array_join(F.slice(parts, 1, nth), "\ue003")
        after = F.array_join(F.slice(parts, nth + 1, F.size(parts)), "\ue003")
        rebuilt = F.concat(
            F.call_function("replace", before, F.lit("\ue003"), old),
            new,
            F.call_function("replace", after, F.lit("\ue003"), old),
        )
        replaced = F.when((old == "") | (F.size(parts) <= nth), s).otherwise(rebuilt)
        return _bad(nth < 1, V.xv_of(V.TEXT, s=replaced))

    return mixed(args, ctx, "tttn" if len(args) == 4 else "ttt", body)


def _replace(args: list[Arg], ctx: EvalContext) -> Column:
    def body(raw: list[Column]) -> Column:
        s, start, n, new = raw[0], truncate(raw[1]).cast("int"), truncate(raw[2]).cast("int"), raw[3]
        result = F.concat(s.substr(F.lit(1), start - 1), new, s.substr(start + n, F.length(s) + 1))
        return _bad((start < 1) | (n < 0), text_result(result))

    return mixed(args, ctx, "tnnt", body)


def _find_search(case_sensitive: bool) -> FunctionImpl:
    def impl(args: list[Arg], ctx: EvalContext) -> Column:
        def body(raw: list[Column]) -> Column:
            needle, haystack = raw[0], raw[1]
            start = truncate(raw[2]).cast("int") if len(raw) > 2 else F.lit(1)
            rest = haystack.substr(start, F.length(haystack) + 1)
            if case_sensitive:
                pos = F.call_function("locate", needle, rest)
            else:
                pos = F.call_function("regexp_instr", rest, wildcard_regex(needle, anchored=False))
            found = F.when(needle == "", start).otherwise(pos + start - 1)
            invalid = (start < 1) | (start > F.length(haystack) + F.when(needle == "", 1).otherwise(0))
            return F.when(invalid | ((needle != "") & (pos == 0)), V.xv_error(V.VALUE)).otherwise(
                V.xv_number_unchecked(found.cast("double"))
            )

        return mixed(args, ctx, "ttn" if len(args) > 2 else "tt", body)

    return impl


def _exact(args: list[Arg], ctx: EvalContext) -> Column:
    return textual(args, lambda raw: V.xv_of(V.LOGICAL, b=raw[0] == raw[1]), ctx)


def _rept(args: list[Arg], ctx: EvalContext) -> Column:
    def body(raw: list[Column]) -> Column:
        n = truncate(raw[1]).cast("int")
        too_long = F.length(raw[0]) * n > 32767
        return _bad((n < 0) | too_long, V.xv_of(V.TEXT, s=V.repeat_text(raw[0], F.greatest(n, F.lit(0)))))

    return mixed(args, ctx, "tn", body)


def _value(args: list[Arg], ctx: EvalContext) -> Column:
    def body(x: Column) -> Column:
        # VALUE reads numbers and numeric text; a logical is #VALUE! (unlike arithmetic).
        return F.when(V.is_logical(x), V.xv_error(V.VALUE)).otherwise(V.to_number(x, ctx.date_system))

    return let(args[0], body, ctx)


FUNCTIONS: dict[str, FunctionImpl] = {
    "LEFT": _left_right(from_left=True),
    "RIGHT": _left_right(from_left=False),
    "MID": _mid,
    "LEN": lambda args, ctx: textual(
        args, lambda raw: V.xv_number_unchecked(F.length(raw[0]).cast("double")), ctx
    ),
    "UPPER": _text_to_text(F.upper),
    "LOWER": _text_to_text(F.lower),
    "PROPER": _text_to_text(proper),
    "TRIM": _text_to_text(_trim),
    "CLEAN": _text_to_text(lambda s: F.regexp_replace(s, r"[\x00-\x1F]", "")),
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
