"""Excel's criteria language (COUNTIF, SUMIF(S), AVERAGEIF(S), COUNTIFS) as native Spark expressions.

A criterion is a value (XV) evaluated per row or constant:
- a number, logical or error matches equal cells; a number also matches text that reads as that
  number ("100" matches 100, and the criterion "100" matches the number 100);
- text may start with an operator: ``=`` ``<>`` ``<`` ``>`` ``<=`` ``>=``; ``"="`` alone matches
  blank cells, ``"<>"`` alone non-blank cells, ``""`` blank cells and empty text;
- ``<`` ``>`` ``<=`` ``>=`` compare numbers with numbers (the text after the operator read as a
  number or a date, e.g. ``">=2024-01-01"``) and otherwise text with text, case-insensitively;
- without an operator (or after ``=``/``<>``) text matches case-insensitively, with wildcards
  ``*`` and ``?`` (``~`` escapes them); wildcards only ever match text cells.
"""

from __future__ import annotations

from typing import Final

from pyspark.sql import Column
from pyspark.sql import functions as F  # noqa: N812 (PySpark's convention)

from sheetscale_engine.spark import values as V  # noqa: N812
from sheetscale_engine.spark.wildcards import wildcard_regex

_OPERATOR: Final = r"^(<=|>=|<>|<|>|=)"


def _operator(s: Column) -> Column:
    return F.regexp_extract(s, _OPERATOR, 1)


def _after_operator(s: Column) -> Column:
    return F.regexp_replace(s, _OPERATOR, "")


def _text_key(s: Column, date_system: str) -> Column:
    """The equality key of criterion text (or a text cell): numbers, TRUE/FALSE, "" normalised."""
    as_number = V.text_to_number(s, date_system)
    upper = F.upper(s)
    return (
        F.when(s == "", F.lit("e:"))
        .when(as_number.isNotNull(), F.concat(F.lit("n:"), V.sci15(as_number)))
        .when(upper == "TRUE", F.lit("b:TRUE"))
        .when(upper == "FALSE", F.lit("b:FALSE"))
        .otherwise(F.concat(F.lit("t:"), F.lower(s)))
    )


def equality_key(value: Column, date_system: str = "1900") -> Column:
    """A string key: a plain-value criterion matches a cell exactly when their keys are equal.

    Blank and empty text share a key (the criterion "" matches both); numeric text shares the
    number's key (COUNTIF's "100" ↔ 100); text is lower-cased.
    """
    k = V.kind(value)
    return (
        F.when(k == V.NUMBER, F.concat(F.lit("n:"), V.sci15(V.num(value))))
        .when(k == V.TEXT, _text_key(V.text(value), date_system))
        .when(k == V.LOGICAL, F.concat(F.lit("b:"), V.logical_text(V.logical(value))))
        .when(k == V.ERROR, F.concat(F.lit("x:"), V.text(value)))
        .otherwise(F.lit("e:"))
    )


def is_operator_criterion(criterion: Column) -> Column:
    """Spark boolean: the criterion is more than a plain value (an operator or a wildcard), so
    ``equality_key`` alone cannot decide it."""
    s = V.text(criterion)
    return V.is_text(criterion) & (s.rlike(_OPERATOR) | s.rlike(r"[*?~]"))


def matches(cell: Column, criterion: Column, date_system: str = "1900") -> Column:
    """Spark boolean (never null): the XV ``cell`` meets the XV ``criterion``.

    The criterion's parts (operator, text after it, that text as a number and as a key) and the
    cell's key are each computed once and bound with a higher-order function, so that the
    expression stays small however often the rules read them.
    """
    s = V.text(criterion)
    rest = _after_operator(s)
    parts = F.struct(
        V.is_text(criterion).alias("is_text"),
        _operator(s).alias("op"),
        rest.alias("rest"),
        V.text_to_number(rest, date_system).alias("number"),
        _text_key(rest, date_system).alias("key"),
        equality_key(criterion, date_system).alias("plain"),
    )
    cell_key = equality_key(cell, date_system)

    def body(c: Column, key: Column) -> Column:
        op, rest, number = c.getField("op"), c.getField("rest"), c.getField("number")
        text_cell = V.text(cell)
        # =, <> and no operator: equality (wildcards for text cells); "" alone also matches "".
        wildcard = rest.rlike(r"[*?~]") & number.isNull()
        empty = V.is_blank(cell) | ((op == "") & V.is_text(cell) & (text_cell == ""))
        like = F.coalesce(F.call_function("rlike", text_cell, wildcard_regex(rest)), F.lit(False))
        equal = (
            F.when(rest == "", empty)
            .when(wildcard, V.is_text(cell) & like)
            .otherwise(key == c.getField("key"))
        )
        # < > <= >=: numbers with numbers (the text read as a number or date), else text with text.
        n, r = V.round15(V.num(cell)), V.round15(number)
        a, b = F.lower(text_cell), F.lower(rest)
        by_number = F.when(op == "<", n < r).when(op == ">", n > r).when(op == "<=", n <= r).otherwise(n >= r)
        by_text = F.when(op == "<", a < b).when(op == ">", a > b).when(op == "<=", a <= b).otherwise(a >= b)
        ordered = F.when(number.isNotNull(), V.is_number(cell) & by_number).otherwise(
            V.is_text(cell) & by_text
        )
        text_match = F.when(op.isin("", "=", "<>"), equal != (op == "<>")).otherwise(ordered)
        plain = key == c.getField("plain")
        return F.coalesce(F.when(c.getField("is_text"), text_match).otherwise(plain), F.lit(False))

    return F.transform(
        F.array(parts),
        lambda c: F.transform(F.array(cell_key), lambda key: body(c, key)).getItem(0),
    ).getItem(0)


def describe(criterion: object) -> str:
    """A literal criterion in words, for explain output and messages."""
    if isinstance(criterion, str):
        for op, words in (
            ("<=", "at most"),
            (">=", "at least"),
            ("<>", "not equal to"),
            ("<", "less than"),
            (">", "greater than"),
            ("=", "equal to"),
        ):
            if criterion.startswith(op):
                rest = criterion[len(op) :]
                if rest == "":
                    return "blank" if op == "=" else "not blank" if op == "<>" else f'{words} ""'
                return f"{words} {rest!r}"
        if any(c in criterion for c in "*?"):
            return f"matching {criterion!r} (wildcards, case-insensitive)"
        return "blank or empty" if criterion == "" else f"equal to {criterion!r} (case-insensitive)"
    return f"equal to {criterion!r}"
