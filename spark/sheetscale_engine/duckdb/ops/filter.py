"""AutoFilter on DuckDB: keeps the rows meeting every column's condition; values are never changed.

- values: the ticked items (text case-insensitively, numbers by value on 15 digits, also matching
  a number's General-format text as the filter list shows it, logicals, error items by code) and
  (Blanks) (blank cells and empty text);
- custom: one or two criteria ("=a*", ">=100", "<>x") joined by and/or, in Excel's criteria
  language (the same rules as the Spark lowering's criteria.py; the criterion is a constant, so
  it is decided here and only the test it needs goes into the SQL);
- top/bottom N items: numbers >= the N-th largest number (<= the N-th smallest), ties kept;
  top/bottom N percent: the same with N = max(1, floor(count of numbers * percent / 100));
- above/below average: numbers strictly above/below the AVERAGE of the column's numbers.

Thresholds are computed over the step's input rows in SQL (scalar subqueries, computed once);
the rows are kept by one ``WHERE``.
"""

from __future__ import annotations

import math
import re
from typing import Any, Final

from sheetscale_engine.duckdb import values as V  # noqa: N812
from sheetscale_engine.duckdb.table import PlanContext, StepMetrics, Table
from sheetscale_engine.duckdb.values import Val

_OPERATOR: Final = re.compile(r"^(<=|>=|<>|<|>|=)")
_REGEX_SPECIAL: Final = set("\\^$.|+()[]{}*?")
# Text that can be a number in the General format: "-12.5", "1E+21", "1.5E-15".
_GENERAL: Final = re.compile(r"^-?\d+(\.\d+)?([eE][+-]\d+)?$")


def _number_sql(v: Val) -> str:
    """The number of a number cell, NULL for every other kind."""
    if V.NUMBER not in v.kinds:
        return "CAST(NULL AS DOUBLE)"
    if v.layout == "number":
        return f"({v.sql})"
    return f"(CASE WHEN {V.is_kind(v, V.NUMBER)} THEN {V.num_sql(v)} END)"


def _and(parts: list[str]) -> str:
    live = [p for p in parts if p != "TRUE"]
    if "FALSE" in live:
        return "FALSE"
    return "(" + " AND ".join(live) + ")" if live else "TRUE"


def _or(parts: list[str]) -> str:
    live = [p for p in parts if p != "FALSE"]
    if "TRUE" in live:
        return "TRUE"
    return "(" + " OR ".join(live) + ")" if live else "FALSE"


def _in_list(expr: str, items: list[str]) -> str:
    if not items:
        return "FALSE"
    return f"({expr} IN ({', '.join(items)}))"


# ---------------------------------------------------------------------------------------------
# Value lists
# ---------------------------------------------------------------------------------------------


def values_condition(v: Val, cond: dict[str, Any]) -> str:
    """SQL boolean: the cell is one of the ticked items (or blank when (Blanks) is ticked)."""
    logicals: list[str] = []
    numbers: list[str] = []
    texts: list[str] = []
    raw_texts: list[str] = []
    for item in cond.get("values", []):
        if isinstance(item, bool):
            logicals.append("TRUE" if item else "FALSE")
        elif isinstance(item, (int, float)):
            if math.isfinite(float(item)):
                numbers.append(V.round15_sql(V.sql_number(float(item))))
        else:
            texts.append(f"lower({V.sql_text(str(item))})")
            raw_texts.append(str(item))
    keep: list[str] = []
    if logicals and V.LOGICAL in v.kinds:
        keep.append(_and([V.is_kind(v, V.LOGICAL), _in_list(V.bool_sql(v), logicals)]))
    if numbers and V.NUMBER in v.kinds:
        keep.append(_and([V.is_kind(v, V.NUMBER), _in_list(V.round15_sql(V.num_sql(v)), numbers)]))
    if texts:
        if V.TEXT in v.kinds:
            keep.append(_and([V.is_kind(v, V.TEXT), _in_list(f"lower({V.text_sql(v)})", texts)]))
        # A number shows in the list as its General-format text: only items that look like
        # one ("2.5", "-1E+21") can match, so most lists never format the numbers.
        shown_numbers = [t for t, raw in zip(texts, raw_texts, strict=True) if _GENERAL.match(raw)]
        if V.NUMBER in v.kinds and shown_numbers:
            general = f"lower({V.general_text_sql(V.num_sql(v))})"
            keep.append(_and([V.is_kind(v, V.NUMBER), _in_list(general, shown_numbers)]))
        if V.LOGICAL in v.kinds:
            shown = f"lower({V.logical_text_sql(V.bool_sql(v))})"
            keep.append(_and([V.is_kind(v, V.LOGICAL), _in_list(shown, texts)]))
        if V.ERROR in v.kinds:
            keep.append(_and([V.is_error(v), _in_list(f"lower({V.error_code_sql(v)})", texts)]))
    if cond.get("blanks"):
        keep.append(V.is_blank(v))
        if V.TEXT in v.kinds:
            keep.append(_and([V.is_kind(v, V.TEXT), f"({V.text_sql(v)} = '')"]))
    return _or(keep)


# ---------------------------------------------------------------------------------------------
# Criteria (custom filters)
# ---------------------------------------------------------------------------------------------


def wildcard_regex(pattern: str) -> str:
    """An Excel wildcard pattern (``*`` ``?``, ``~`` escapes) → an anchored case-insensitive RE2."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "~" and i + 1 < len(pattern) and pattern[i + 1] in "*?~":
            nxt = pattern[i + 1]
            out.append("\\" + nxt if nxt in _REGEX_SPECIAL else nxt)
            i += 2
            continue
        if ch == "*":
            out.append(".*")
        elif ch == "?":
            out.append(".")
        else:
            out.append("\\" + ch if ch in _REGEX_SPECIAL else ch)
        i += 1
    return "(?is)^" + "".join(out) + "$"


def _criterion_number(rest: str, ctx: PlanContext) -> float | None:
    """The criterion's text read as a number or a date, as Excel's operators read it (else None)."""
    if rest == "":
        return None
    value = ctx.fetch(f"SELECT {V.text_to_number_sql(V.sql_text(rest), ctx.date_system)}")[0][0]
    if value is None or not math.isfinite(float(value)):
        return None
    return float(value)


def _equals_sql(v: Val, rest: str, number: float | None, empty_text_too: bool, date_system: str) -> str:
    """SQL boolean: the cell equals the plain criterion value ``rest`` (criteria equality)."""
    text = V.text_sql(v)
    if rest == "":
        parts = [V.is_blank(v)]
        if empty_text_too and V.TEXT in v.kinds:
            parts.append(_and([V.is_kind(v, V.TEXT), f"({text} = '')"]))
        return _or(parts)
    if number is None and any(ch in rest for ch in "*?~"):
        if V.TEXT not in v.kinds:
            return "FALSE"
        regex = V.sql_text(wildcard_regex(rest))
        return _and([V.is_kind(v, V.TEXT), f"coalesce(regexp_full_match({text}, {regex}), FALSE)"])
    if number is not None:
        # A number matches numbers and text that reads as the same number ("100" and 100).
        target = V.round15_sql(V.sql_number(number))
        parts = []
        if V.NUMBER in v.kinds:
            parts.append(_and([V.is_kind(v, V.NUMBER), f"({V.round15_sql(V.num_sql(v))} = {target})"]))
        if V.TEXT in v.kinds:
            as_number = V.text_to_number_sql(text, date_system)
            parts.append(
                _and([V.is_kind(v, V.TEXT), f"coalesce({V.round15_sql(as_number)} = {target}, FALSE)"])
            )
        return _or(parts)
    upper = rest.upper()
    if upper in ("TRUE", "FALSE"):
        parts = []
        if V.LOGICAL in v.kinds:
            parts.append(_and([V.is_kind(v, V.LOGICAL), f"({V.bool_sql(v)} = {upper})"]))
        if V.TEXT in v.kinds:
            parts.append(_and([V.is_kind(v, V.TEXT), f"(upper({text}) = {V.sql_text(upper)})"]))
        return _or(parts)
    if V.TEXT not in v.kinds:
        return "FALSE"
    return _and([V.is_kind(v, V.TEXT), f"(lower({text}) = lower({V.sql_text(rest)}))"])


def criterion_sql(v: Val, criterion: str, ctx: PlanContext) -> str:
    """SQL boolean (never NULL): the cell ``v`` meets the constant criterion text."""
    m = _OPERATOR.match(criterion)
    op = m.group(1) if m else ""
    rest = criterion[len(op) :]
    number = _criterion_number(rest, ctx)
    if op in ("", "=", "<>"):
        equal = _equals_sql(v, rest, number, op == "", ctx.date_system)
        result = f"(NOT {equal})" if op == "<>" else equal
        if result == "(NOT TRUE)":
            return "FALSE"
        if result == "(NOT FALSE)":
            return "TRUE"
        return f"coalesce({result}, FALSE)" if result not in ("TRUE", "FALSE") else result
    # < > <= >=: numbers with numbers (the text read as a number or date), else text with text.
    if number is not None:
        if V.NUMBER not in v.kinds:
            return "FALSE"
        test = f"({V.round15_sql(V.num_sql(v))} {op} {V.round15_sql(V.sql_number(number))})"
        return f"coalesce({_and([V.is_kind(v, V.NUMBER), test])}, FALSE)"
    if V.TEXT not in v.kinds:
        return "FALSE"
    test = f"(lower({V.text_sql(v)}) {op} lower({V.sql_text(rest)}))"
    return f"coalesce({_and([V.is_kind(v, V.TEXT), test])}, FALSE)"


def custom_condition(v: Val, cond: dict[str, Any], ctx: PlanContext) -> str:
    first = criterion_sql(v, str(cond["criterion1"]), ctx)
    if cond.get("criterion2") is None:
        return first
    second = criterion_sql(v, str(cond["criterion2"]), ctx)
    return _or([first, second]) if cond.get("operator") == "or" else _and([first, second])


# ---------------------------------------------------------------------------------------------
# Top/bottom N and above/below average: a threshold over the column's numbers
# ---------------------------------------------------------------------------------------------


def threshold_sql(table: Table, v: Val, cond: dict[str, Any]) -> str:
    """A scalar subquery over the step's input: the threshold the column's numbers are held to."""
    kind = cond["filterOn"]
    n = _number_sql(v)
    source = f"FROM {table.from_sql} AS _t WHERE {n} IS NOT NULL"
    if kind in ("aboveAverage", "belowAverage"):
        return f"(SELECT avg({n}) {source})"
    top = kind.startswith("top")
    if kind.endswith("Percent"):
        percent = float(cond["count"])
        take = f"greatest(1, CAST(floor(count(*) * {V.sql_number(percent)} / 100) AS BIGINT))"
        if percent > 50:
            # The take-th from the top is the (count - take + 1)-th from the bottom: the shorter
            # way round keeps the sort small.
            top_side = not top
            limit = f"(SELECT count(*) - least({take}, count(*)) + 1 {source})"
        else:
            top_side = top
            limit = f"(SELECT {take} {source})"
    else:
        top_side = top
        limit = str(max(1, math.floor(float(cond["count"]))))
    direction = "DESC" if top_side else "ASC"
    edge = "min" if top_side else "max"
    # The limit-th number in order (or the last one when there are fewer): the edge of the first ones.
    return f"(SELECT {edge}(_n) FROM (SELECT {n} AS _n {source} ORDER BY _n {direction} LIMIT {limit}) AS _k)"


def apply(table: Table, step: dict[str, Any], ctx: PlanContext, metrics: StepMetrics) -> Table:
    parts: list[str] = []
    thresholds = False
    for cond in step["conditions"]:
        v = table.val(cond["column"])
        kind = cond["filterOn"]
        if kind == "values":
            parts.append(values_condition(v, cond))
        elif kind == "custom":
            parts.append(custom_condition(v, cond, ctx))
        else:
            if V.NUMBER not in v.kinds:
                parts.append("FALSE")
                continue
            limit = threshold_sql(table, v, cond)
            thresholds = True
            op = {"aboveAverage": ">", "belowAverage": "<"}.get(
                kind, ">=" if kind.startswith("top") else "<="
            )
            parts.append(f"coalesce({_number_sql(v)} {op} {limit}, FALSE)")
    where = _and(parts)
    sql = f"SELECT {table.select_list()} FROM {table.from_sql} AS _f WHERE {where}"
    # A threshold joins its scalar subquery to the rows, which need not keep their order.
    return table.with_sql(sql, ordered=table.ordered and not thresholds)
