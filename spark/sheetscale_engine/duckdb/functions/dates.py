"""Excel's date functions on serial numbers as DuckDB SQL (see the Spark lowering's
functions/dates.py for the rules): DATE, YEAR, MONTH, DAY, EDATE, EOMONTH, WEEKDAY, DAYS, DATEDIF,
TODAY, NOW (the last two pinned to the run's start, ctx.today / ctx.now).

The 1900 system counts the phantom 1900-02-29 (serial 60) and a day 0 (1900-01-00); the 1904
system (ctx.date_system) counts from 1904-01-01. Serials are clamped to the valid range before they
become DuckDB dates, so no row can fail the query; an out-of-range serial is the row's #NUM!.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Final

from sheetscale_engine.duckdb import values as V  # noqa: N812
from sheetscale_engine.duckdb.compile import Arg, EvalContext, FunctionImpl
from sheetscale_engine.duckdb.functions.text import any_of, int_sql, mixed
from sheetscale_engine.duckdb.values import Val

# The largest serial Excel accepts: 9999-12-31.
MAX_SERIAL_1900: Final = 2958465
MAX_SERIAL_1904: Final = 2957003


def max_serial(ctx: EvalContext) -> int:
    return MAX_SERIAL_1904 if ctx.date_system == "1904" else MAX_SERIAL_1900


def python_date_serial(day: dt.date, date_system: str = "1900") -> int:
    """A Python date → Excel serial (for constants such as TODAY)."""
    if date_system == "1904":
        return (day - dt.date(1904, 1, 1)).days
    days = (day - dt.date(1899, 12, 30)).days
    return days - 1 if day < dt.date(1900, 3, 1) else days


def bad_serial_sql(serial: str, ctx: EvalContext) -> str:
    """SQL: the serial is not a date Excel knows (negative, or after 9999-12-31)."""
    return f"({serial} < 0 OR {serial} >= {max_serial(ctx) + 1})"


def date_of_sql(serial: str, ctx: EvalContext) -> str:
    """A serial → DuckDB DATE (whole days), clamped to Excel's range so that it cannot fail."""
    clamped = f"least(greatest({serial}, 0.0), {float(max_serial(ctx) + 1)})"
    return V.serial_date_sql(clamped, ctx.date_system)


def date_parts_sql(serial: str, ctx: EvalContext) -> tuple[str, str, str]:
    """(year, month, day) SQL (BIGINT) of a serial, with the 1900 system's 1900-01-00 (serial 0)
    and 1900-02-29 (serial 60)."""
    day = date_of_sql(serial, ctx)
    y, m, d = f"year({day})", f"month({day})", f"day({day})"
    if ctx.date_system == "1904":
        return y, m, d
    whole = f"floor({serial})"
    return (
        f"(CASE WHEN {whole} <= 60 THEN 1900 ELSE {y} END)",
        f"(CASE WHEN {whole} = 0 THEN 1 WHEN {whole} = 60 THEN 2 ELSE {m} END)",
        f"(CASE WHEN {whole} = 0 THEN 0 WHEN {whole} = 60 THEN 29 ELSE {d} END)",
    )


def weekday_sql(serial: str, ctx: EvalContext) -> str:
    """0 (Sunday) .. 6 (Saturday) of a serial, as Excel counts (serial 1 of 1900 is a Sunday)."""
    shift = 1462 if ctx.date_system == "1904" else 0
    whole = int_sql(f"floor({serial})")
    return f"((({whole} + {shift - 1}) % 7 + 7) % 7)"


def _number_in_range(serial: Val, ctx: EvalContext) -> Val:
    """A computed serial (bound) → itself, or #NUM! outside Excel's dates."""
    return V.cases([(bad_serial_sql(serial.sql, ctx), V.error(V.NUM))], V.number(serial.sql))


def _date(args: list[Arg], ctx: EvalContext) -> Val:
    def body(ns: list[str]) -> Val:
        y, m, d = (f"trunc({n})" for n in ns)
        year = f"(CASE WHEN {y} >= 0 AND {y} < 1900 THEN {y} + 1900 ELSE {y} END)"
        # Month and day overflow into the following (or preceding) months and years.
        months = ctx.bind(V.number(f"({year} * 12 + ({m} - 1))"))
        yy = f"floor({months.sql} / 12)"
        mm = f"({months.sql} - {yy} * 12 + 1)"
        first = (
            f"make_date(CAST(least(greatest({yy}, 1), 9999) AS BIGINT), "
            f"CAST(least(greatest({mm}, 1), 12) AS BIGINT), 1)"
        )
        serial = ctx.bind(V.number(f"({V.date_serial_sql(first, ctx.date_system)} + {d} - 1)"))
        out_of_range = f"({y} < 0 OR {y} > 9999 OR {yy} < 1 OR {yy} > 9999)"
        return V.cases([(out_of_range, V.error(V.NUM))], _number_in_range(serial, ctx))

    return mixed(args, ctx, "nnn", body)


def _part(index: int) -> FunctionImpl:
    def impl(args: list[Arg], ctx: EvalContext) -> Val:
        def body(ns: list[str]) -> Val:
            part = date_parts_sql(ns[0], ctx)[index]
            return V.cases(
                [(bad_serial_sql(ns[0], ctx), V.error(V.NUM))], V.number(f"CAST({part} AS DOUBLE)")
            )

        return mixed(args, ctx, "n", body)

    return impl


def _month_shift(to_month_end: bool) -> FunctionImpl:
    def impl(args: list[Arg], ctx: EvalContext) -> Val:
        def body(ns: list[str]) -> Val:
            start, months = ns
            # ±1,000,000 months reaches far beyond Excel's dates and stays within DuckDB's.
            count = f"CAST(least(greatest(trunc({months}), -1000000.0), 1000000.0) AS INTEGER)"
            shifted = f"CAST({date_of_sql(start, ctx)} + to_months({count}) AS DATE)"
            if to_month_end:
                shifted = f"last_day({shifted})"
            serial = ctx.bind(V.number(V.date_serial_sql(shifted, ctx.date_system)))
            return V.cases([(bad_serial_sql(start, ctx), V.error(V.NUM))], _number_in_range(serial, ctx))

        return mixed(args, ctx, "nn", body)

    return impl


# WEEKDAY return types → the weekday numbered 1 (0 for type 3), as days after Sunday.
_WEEK_START: Final[dict[int, int]] = {1: 0, 2: 1, 3: 1, 11: 1, 12: 2, 13: 3, 14: 4, 15: 5, 16: 6, 17: 0}


def _weekday(args: list[Arg], ctx: EvalContext) -> Val:
    def body(ns: list[str]) -> Val:
        serial = ns[0]
        sunday_based = weekday_sql(serial, ctx)

        def numbered(rtype: int) -> str:
            base = 0 if rtype == 3 else 1
            return f"CAST((({sunday_based} - {_WEEK_START[rtype]}) + 7) % 7 + {base} AS DOUBLE)"

        bad = bad_serial_sql(serial, ctx)
        known = args[1].int_literal if len(args) > 1 else 1
        if known is not None:
            if known not in _WEEK_START:
                return V.error(V.NUM)
            return V.cases([(bad, V.error(V.NUM))], V.number(numbered(known)))
        return_type = f"trunc({ns[1]})"
        whens = " ".join(f"WHEN {return_type} = {rt} THEN {numbered(rt)}" for rt in _WEEK_START)
        unknown = f"({return_type} NOT IN ({', '.join(str(rt) for rt in _WEEK_START)}))"
        return V.cases([(any_of(bad, unknown), V.error(V.NUM))], V.number(f"(CASE {whens} END)"))

    return mixed(args, ctx, "nn"[: len(args)], body)


def _days(args: list[Arg], ctx: EvalContext) -> Val:
    def body(ns: list[str]) -> Val:
        end, start = ns
        bad = any_of(bad_serial_sql(end, ctx), bad_serial_sql(start, ctx))
        return V.cases([(bad, V.error(V.NUM))], V.number(f"(floor({end}) - floor({start}))"))

    return mixed(args, ctx, "nn", body)


_DATEDIF_UNITS: Final = ("Y", "M", "D", "MD", "YM", "YD")


def _datedif(args: list[Arg], ctx: EvalContext) -> Val:
    def body(raw: list[str]) -> Val:
        start, end = f"floor({raw[0]})", f"floor({raw[1]})"
        s, e = date_of_sql(start, ctx), date_of_sql(end, ctx)
        sy, sm, sd = date_parts_sql(start, ctx)
        ey, em, ed = date_parts_sql(end, ctx)
        cache: dict[str, str] = {}

        def months() -> str:
            if "months" not in cache:
                total = f"(({ey} - {sy}) * 12 + ({em} - {sm}) - (CASE WHEN {ed} < {sd} THEN 1 ELSE 0 END))"
                cache["months"] = ctx.bind(V.number(f"CAST({total} AS DOUBLE)")).sql
            return cache["months"]

        def md() -> str:
            days_in_month_before_end = f"day(last_day(CAST({e} - INTERVAL 1 MONTH AS DATE)))"
            return (
                f"(CASE WHEN {ed} >= {sd} THEN {ed} - {sd} ELSE {ed} + {days_in_month_before_end} - {sd} END)"
            )

        def yd() -> str:
            same_year = f"CAST({s} + to_months(CAST(({ey} - {sy}) * 12 AS INTEGER)) AS DATE)"
            earlier = f"CAST({s} + to_months(CAST(({ey} - {sy} - 1) * 12 AS INTEGER)) AS DATE)"
            anniversary = f"(CASE WHEN {same_year} > {e} THEN {earlier} ELSE {same_year} END)"
            return f"date_diff('day', {anniversary}, {e})"

        units: dict[str, Callable[[], str]] = {
            "Y": lambda: f"floor({months()} / 12)",
            "M": months,
            "D": lambda: f"({end} - {start})",
            "MD": md,
            "YM": lambda: f"((({months()} % 12) + 12) % 12)",
            "YD": yd,
        }
        invalid = any_of(f"({start} > {end})", bad_serial_sql(start, ctx), bad_serial_sql(end, ctx))
        literal = args[2].literal if args[2].node.get("kind") == "text" else None
        if isinstance(literal, str):
            unit = literal.upper()
            if unit not in units:
                return V.error(V.NUM)
            return V.cases([(invalid, V.error(V.NUM))], V.number(f"CAST({units[unit]()} AS DOUBLE)"))
        u = f"upper({raw[2]})"
        whens = " ".join(
            f"WHEN {u} = '{name}' THEN CAST({units[name]()} AS DOUBLE)" for name in _DATEDIF_UNITS
        )
        unknown = f"({u} NOT IN ({', '.join(repr(n) for n in _DATEDIF_UNITS)}))"
        return V.cases([(any_of(invalid, unknown), V.error(V.NUM))], V.number(f"(CASE {whens} END)"))

    return mixed(args, ctx, "nnt", body)


def _pinned(with_time: bool) -> FunctionImpl:
    def impl(args: list[Arg], ctx: EvalContext) -> Val:
        serial = float(python_date_serial(ctx.today, ctx.date_system))
        if with_time:
            now = ctx.now_or_midnight()
            serial = float(python_date_serial(now.date(), ctx.date_system))
            seconds = now.hour * 3600 + now.minute * 60 + now.second + now.microsecond / 1e6
            serial += seconds / 86400
        return V.number(V.sql_number(serial))

    return impl


FUNCTIONS: Final[dict[str, FunctionImpl]] = {
    "DATE": _date,
    "YEAR": _part(0),
    "MONTH": _part(1),
    "DAY": _part(2),
    "EDATE": _month_shift(to_month_end=False),
    "EOMONTH": _month_shift(to_month_end=True),
    "WEEKDAY": _weekday,
    "DAYS": _days,
    "DATEDIF": _datedif,
    "TODAY": _pinned(with_time=False),
    "NOW": _pinned(with_time=True),
}
