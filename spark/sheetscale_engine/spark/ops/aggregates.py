"""Excel's summary functions over a group of XV cells, as Spark aggregate expressions.

Shared by group (Data > Subtotal-like aggregation) and pivot. As Excel's SUM/AVERAGE/... over a
range: only numbers count (text and logicals in cells are skipped), an error in the range is the
result (the first one in row order), and no numbers gives 0 (SUM, MAX, MIN, PRODUCT) or #DIV/0!
(AVERAGE, and the deviations and variances without enough numbers).
"""

from __future__ import annotations

from typing import Final

from pyspark.sql import Column
from pyspark.sql import functions as F  # noqa: N812 (PySpark's convention)

from sheetscale_engine.spark import values as V  # noqa: N812
from sheetscale_engine.spark.names import ROW, col

FUNCTIONS: Final = (
    "sum",
    "count",
    "countNumbers",
    "countRows",
    "average",
    "max",
    "min",
    "product",
    "standardDeviation",
    "standardDeviationP",
    "variance",
    "varianceP",
    "first",
    "last",
)


def _numbers(xv: Column) -> Column:
    return F.when(V.is_number(xv), V.num(xv))


def _first_error(xv: Column) -> Column:
    """The first error of the group in row order (null when there is none)."""
    return F.min_by(F.when(V.is_error(xv), xv), F.when(V.is_error(xv), col(ROW)))


def _with_errors(xv: Column, value: Column) -> Column:
    err = _first_error(xv)
    return F.when(err.isNotNull(), err).otherwise(value)


def aggregate(function: str, xv: Column) -> Column:
    """One aggregate expression giving an XV value for the group."""
    n = _numbers(xv)
    count_n = F.count(n)
    if function == "sum":
        return _with_errors(xv, V.xv_number(F.coalesce(F.sum(n), F.lit(0.0))))
    if function == "count":
        return V.xv_number(F.count(F.when(~V.is_blank(xv), 1)).cast("double"))
    if function == "countNumbers":
        return V.xv_number(count_n.cast("double"))
    if function == "countRows":
        return V.xv_number(F.count(F.lit(1)).cast("double"))
    if function == "average":
        return _with_errors(xv, F.when(count_n == 0, V.xv_error(V.DIV0)).otherwise(V.xv_number(F.avg(n))))
    if function == "max":
        return _with_errors(xv, V.xv_number(F.coalesce(F.max(n), F.lit(0.0))))
    if function == "min":
        return _with_errors(xv, V.xv_number(F.coalesce(F.min(n), F.lit(0.0))))
    if function == "product":
        # exp(sum(log|x|)) loses digits; Spark 3.5 has a native product aggregate.
        return _with_errors(xv, V.xv_number(F.when(count_n == 0, F.lit(0.0)).otherwise(F.product(n))))
    if function in ("standardDeviation", "variance"):
        value = F.stddev_samp(n) if function == "standardDeviation" else F.var_samp(n)
        return _with_errors(xv, F.when(count_n < 2, V.xv_error(V.DIV0)).otherwise(V.xv_number(value)))
    if function in ("standardDeviationP", "varianceP"):
        value = F.stddev_pop(n) if function == "standardDeviationP" else F.var_pop(n)
        return _with_errors(xv, F.when(count_n < 1, V.xv_error(V.DIV0)).otherwise(V.xv_number(value)))
    if function == "first":
        return F.min_by(xv, col(ROW))
    if function == "last":
        return F.max_by(xv, col(ROW))
    raise ValueError(f"unknown summary function {function!r}")
