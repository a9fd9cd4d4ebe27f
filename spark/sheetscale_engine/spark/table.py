"""The flowing table between steps, and what every op receives to build its transformation."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from pyspark.sql import Column, DataFrame, Observation, SparkSession
from pyspark.sql import functions as F  # noqa: N812 (PySpark's convention)

from sheetscale_engine.spark import values as V  # noqa: N812
from sheetscale_engine.spark.functions.base import EvalContext
from sheetscale_engine.spark.names import ROW, col
from sheetscale_engine.spark.reader import SourceTable


@dataclass(frozen=True)
class Table:
    """Rows of XV columns plus ``__row``; ``columns`` are the Excel columns in order.

    ``ordered`` is True while the DataFrame's partitions are known to be in ``__row`` order (a
    read of the files, narrow steps, broadcast joins); a shuffle makes it False and the writer then
    sorts by ``__row`` once at the end.
    """

    df: DataFrame
    columns: tuple[str, ...]
    hidden: frozenset[str] = frozenset()
    ordered: bool = True
    # The kinds (values.NUMBER, ...) each column can hold, where known statically: a number
    # column of the source cannot hold text, so its formulas leave out text-to-number parsing.
    # A column missing here may hold any kind.
    kinds: Mapping[str, frozenset[int]] = field(default_factory=dict)

    def with_df(self, df: DataFrame, **changes: Any) -> Table:
        return replace(self, df=df, **changes)

    def refs(self) -> dict[str, Column]:
        """name → column, what the expression compiler resolves column references with."""
        return {c: col(c) for c in self.columns}

    def kinds_of(self, name: str) -> frozenset[int]:
        return self.kinds.get(name, V.ALL_KINDS)

    def with_kinds(self, added: Mapping[str, frozenset[int]]) -> dict[str, frozenset[int]]:
        """This table's kinds with ``added`` (new or replaced columns) on top."""
        return {**self.kinds, **added}

    def eval_ctx(self, ctx: EvalContext, where: str | None = None) -> EvalContext:
        """``ctx`` that knows the kinds of this table's columns (and says where it is used)."""
        extra: dict[str, Any] = {} if where is None else {"where": where}
        return replace(ctx, column_kinds=self.kinds, **extra)


@dataclass
class StepMetrics:
    """What summary.json reports for one step (filled from Observations after the job ran)."""

    step: dict[str, Any]
    observation: Observation | None = None
    error_columns: list[str] = field(default_factory=list)
    # Boolean helper columns an op leaves on its output: counted (true) under the metric's name in
    # the step's observation, then dropped, e.g. "__lk_hit" → "unmatched".
    flags: dict[str, str] = field(default_factory=dict)
    # Further observations of the op (e.g. duplicate keys on a lookup's source side).
    observations: list[Observation] = field(default_factory=list)
    extra: dict[str, int] = field(default_factory=dict)  # unmatched, duplicateKeys, ...
    rows_in: int | None = None
    rows_in_from: StepMetrics | None = None  # the step before (its rows out are this step's rows in)
    rows_out: int | None = None
    errors: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


@dataclass
class PivotResult:
    name: str
    step: dict[str, Any]
    header: list[Any] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)
    compute: Callable[[], tuple[list[Any], list[list[Any]]]] | None = None


@dataclass
class PlanContext:
    """What a step may use: the session, the other sources (read on demand), run constants."""

    spark: SparkSession
    read: Callable[[str], SourceTable]
    eval_ctx: EvalContext
    date_system: str = "1900"
    pivots: list[PivotResult] = field(default_factory=list)
    metrics: list[StepMetrics] = field(default_factory=list)
    broadcast_bytes: int = 64 * 1024 * 1024

    def source(self, name: str) -> SourceTable:
        return self.read(name)

    def is_small(self, df: DataFrame) -> bool:
        """Whether Spark's size estimate of ``df`` allows a broadcast (planning only, no job)."""
        try:
            # A Scala BigInt: py4j hands it over as a Python int (str() also covers a JavaObject).
            size = int(str(df._jdf.queryExecution().optimizedPlan().stats().sizeInBytes()))
        except Exception:  # the estimate is an optimisation only
            return False
        return size <= self.broadcast_bytes


def error_count(c: Column) -> Column:
    return F.sum(F.when(V.is_error(c), 1).otherwise(0))


def order_by_row(df: DataFrame, *keys: Column) -> DataFrame:
    """A global sort (keys then ``__row``) that evaluates the upstream only once.

    A range sort samples its input in a first job; without the hash exchange below, Spark would
    compute the whole upstream (parsing, formulas, joins) twice and the job's observed metrics
    would count every row twice.
    """
    return df.repartition(ROW).orderBy(*keys, col(ROW))
