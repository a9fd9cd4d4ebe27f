"""Date functions on Excel serial numbers: DATE, YEAR, MONTH, DAY, EDATE, EOMONTH, WEEKDAY, DAYS,
DATEDIF, TODAY, NOW (the last two pinned to the run's start)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from pyspark.sql import Column
from pyspark.sql import functions as F  # noqa: N812 (PySpark's convention)

from sheetscale_engine.spark import values as V  # noqa: N812
from sheetscale_engine.spark.functions.base import (
    Arg,
    EvalContext,
    FunctionImpl,
    constant_number,
    mixed,
    numeric,
    truncate,
)

# The largest serial Excel accepts: 9999-12-31.
MAX_SERIAL_1900 = 2958465
MAX_SERIAL_1904 = 2957003


def max_serial(ctx: EvalContext) -> int:
    return MAX_SERIAL_1904 if ctx.date_system == "1904" else MAX_SERIAL_1900


def python_date_serial(day: dt.date, date_system: str = "1900") -> int:
    """A Python date → Excel serial (for constants such as TODAY)."""
    if date_system == "1904":
        return (day - dt.date(1904, 1, 1)).days
    days = (day - dt.date(1899, 12, 30)).days
    return days - 1 if day < dt.date(1900, 3, 1) else days


def _bad_serial(serial: Column, ctx: EvalContext) -> Column:
    return (serial < 0) | (serial >= max_serial(ctx) + 1)


def date_parts(serial: Column, ctx: EvalContext) -> tuple[Column, Column, Column]:
    """(year, month, day) of a serial, with the 1900 system's 1900-01-00 (0) and 1900-02-29 (60)."""
    day = V.serial_date(serial, ctx.date_system)
    y, m, d = F.year(day), F.month(day), F.dayofmonth(day)
    if ctx.date_system == "1904":
        return y, m, d
    whole = F.floor(serial)
    return (
        F.when(whole <= 60, F.lit(1900)).otherwise(y),
        F.when(whole == 0, F.lit(1)).when(whole == 60, F.lit(2)).otherwise(m),
        F.when(whole == 0, F.lit(0)).when(whole == 60, F.lit(29)).otherwise(d),
    )


def _serial_or_num_error(serial: Column, ctx: EvalContext) -> Column:
    return F.when(serial.isNull() | _bad_serial(serial, ctx), V.xv_error(V.NUM)).otherwise(
        V.xv_number_unchecked(serial)
    )


def _date(args: list[Arg], ctx: EvalContext) -> Column:
    def body(ns: list[Column]) -> Column:
        y, m, d = (truncate(n) for n in ns)
        year = F.when((y >= 0) & (y < 1900), y + 1900).otherwise(y)
        # Month and day overflow into the following (or preceding) months and years.
        months = year * 12 + (m - 1)
        yy = F.floor(months / 12)
        mm = months - yy * 12 + 1
        first = F.make_date(yy.cast("int"), mm.cast("int"), F.lit(1))
        serial = V.date_serial(first, ctx.date_system) + d - 1
        out_of_range = (y < 0) | (y > 9999) | first.isNull()
        return F.when(out_of_range, V.xv_error(V.NUM)).otherwise(_serial_or_num_error(serial, ctx))

    return numeric(args, ctx, body)


def _part(index: int) -> FunctionImpl:
    def impl(args: list[Arg], ctx: EvalContext) -> Column:
        def body(ns: list[Column]) -> Column:
            part = date_parts(ns[0], ctx)[index]
            return F.when(_bad_serial(ns[0], ctx), V.xv_error(V.NUM)).otherwise(
                V.xv_number_unchecked(part.cast("double"))
            )

        return numeric(args, ctx, body)

    return impl


def _month_shift(to_month_end: bool) -> FunctionImpl:
    def impl(args: list[Arg], ctx: EvalContext) -> Column:
        def body(ns: list[Column]) -> Column:
            start, months = ns
            shifted = F.add_months(V.serial_date(start, ctx.date_system), truncate(months).cast("int"))
            if to_month_end:
                shifted = F.last_day(shifted)
            serial = V.date_serial(shifted, ctx.date_system)
            return F.when(_bad_serial(start, ctx), V.xv_error(V.NUM)).otherwise(
                _serial_or_num_error(serial, ctx)
            )

        return numeric(args, ctx, body)

    return impl


# WEEKDAY return types → the weekday numbered 1 (0 for type 3), as days after Sunday.
_WEEK_START: dict[int, int] = {1: 0, 2: 1, 3: 1, 11: 1, 12: 2, 13: 3, 14: 4, 15: 5, 16: 6, 17: 0}


def _weekday(args: list[Arg], ctx: EvalContext) -> Column:
    def body(ns: list[Column]) -> Column:
        serial = ns[0]
        return_type = truncate(ns[1]) if len(ns) > 1 else F.lit(1.0)
        shift = 1462 if ctx.date_system == "1904" else 0
        # Serial 1 (1900-01-01) is a Sunday in Excel's 1900 system (0 = Sunday ... 6 = Saturday).
        sunday_based = F.pmod(F.floor(serial).cast("long") + shift - 1, F.lit(7))
        result = F.when(F.lit(False), F.lit(None))
        for rtype, start in _WEEK_START.items():
            base = 0 if rtype == 3 else 1
            result = result.when(return_type == rtype, F.pmod(sunday_based - start, F.lit(7)) + base)
        return (
            F.when(_bad_serial(serial, ctx), V.xv_error(V.NUM))
            .when(result.isNull(), V.xv_error(V.NUM))
            .otherwise(V.xv_number_unchecked(result.cast("double")))
        )

    return numeric(args, ctx, body)


def _days(args: list[Arg], ctx: EvalContext) -> Column:
    def body(ns: list[Column]) -> Column:
        end, start = ns
        return F.when(_bad_serial(end, ctx) | _bad_serial(start, ctx), V.xv_error(V.NUM)).otherwise(
            V.xv_number_unchecked((F.floor(end) - F.floor(start)).cast("double"))
        )

    return numeric(args, ctx, body)


def _datedif(args: list[Arg], ctx: EvalContext) -> Column:
    def body(raw: list[Column]) -> Column:
        start, end, unit = F.floor(raw[0]), F.floor(raw[1]), F.upper(raw[2])
        s = V.serial_date(start, ctx.date_system)
        e = V.serial_date(end, ctx.date_system)
        sy, sm, sd = date_parts(start, ctx)
        ey, em, ed = date_parts(end, ctx)
        months = (ey - sy) * 12 + (em - sm) - F.when(ed < sd, 1).otherwise(0)
        days_in_month_before_end = F.dayofmonth(F.last_day(F.add_months(e, -1)))
        md = F.when(ed >= sd, ed - sd).otherwise(ed + days_in_month_before_end - sd)
        same_year = F.add_months(s, ((ey - sy) * 12).cast("int"))
        anniversary = F.when(same_year > e, F.add_months(s, ((ey - sy - 1) * 12).cast("int"))).otherwise(
            same_year
        )
        yd = F.datediff(e, anniversary)
        result = (
            F.when(unit == "Y", F.floor(months / 12))
            .when(unit == "M", months)
            .when(unit == "D", end - start)
            .when(unit == "MD", md)
            .when(unit == "YM", F.pmod(months, F.lit(12)))
            .when(unit == "YD", yd)
        )
        invalid = (start > end) | _bad_serial(start, ctx) | _bad_serial(end, ctx) | result.isNull()
        return F.when(invalid, V.xv_error(V.NUM)).otherwise(V.xv_number_unchecked(result.cast("double")))

    return mixed(args, ctx, "nnt", body)


def _pinned(with_time: bool) -> Callable[[list[Arg], EvalContext], Column]:
    def impl(args: list[Arg], ctx: EvalContext) -> Column:
        serial = float(python_date_serial(ctx.today, ctx.date_system))
        if with_time:
            now = ctx.now_or_midnight()
            serial = float(python_date_serial(now.date(), ctx.date_system))
            seconds = now.hour * 3600 + now.minute * 60 + now.second + now.microsecond / 1e6
            serial += seconds / 86400
        return constant_number(serial, ctx)

    return impl


FUNCTIONS: dict[str, FunctionImpl] = {
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
