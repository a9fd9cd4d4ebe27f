"""The Spark job: run a config on Spark and leave summary.json or error.json.

The entry point is ``sheetscale_engine.job`` (it parses the command line and picks the engine).

One Spark action computes everything (the write of the result); step metrics, totals and the
column kinds are Observations filled during it. Afterwards only small jobs run: the pivots' grouped
aggregates, the first rows read back from the written files, and bad-row examples when there are any.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import time
from dataclasses import dataclass
from typing import Any

from pyspark.sql import DataFrame, Observation, SparkSession
from pyspark.sql import functions as F  # noqa: N812 (PySpark's convention)

from sheetscale_engine.core.config_loading import parse_config
from sheetscale_engine.core.planner import used_sources
from sheetscale_engine.errors import (
    BAD_ROW_MARKER,
    BadInputRowError,
    EngineError,
    SourceNotFoundError,
    StepFailedError,
)
from sheetscale_engine.progress import Progress
from sheetscale_engine.spark import values as V  # noqa: N812
from sheetscale_engine.spark.functions.base import EvalContext
from sheetscale_engine.spark.names import ROW, col
from sheetscale_engine.spark.output import read_first_rows, result_frame, write_result
from sheetscale_engine.spark.plan import build, collect_metrics
from sheetscale_engine.spark.reader import SourceTable, bad_row_location, read_source
from sheetscale_engine.spark.session import build_session, local_test_conf
from sheetscale_engine.spark.summary import build_error, build_summary, read_text, write_json
from sheetscale_engine.spark.table import PlanContext, Table, order_by_row

log = logging.getLogger("sheetscale.job")


def load_config(spark: SparkSession | None, uri: str) -> tuple[dict[str, Any], str]:
    """The validated config and the sha256 of its bytes."""
    try:
        raw = read_text(spark, uri)
    except (OSError, RuntimeError) as exc:
        raise SourceNotFoundError(
            f"The config was not found or cannot be read: {uri}",
            hint="Check the --config path or URI.",
        ) from exc
    return parse_config(raw, uri)


def _kind_observation(df: DataFrame, columns: list[str], totals: list[str]) -> tuple[DataFrame, Observation]:
    """Rows, the kinds each output column holds, and the totals (Excel SUM), during the write."""
    obs = Observation("result")
    exprs = [F.count(F.lit(1)).alias("rows")]
    for i, c in enumerate(columns):
        k = V.kind(col(c))
        for kind, label in ((V.NUMBER, "n"), (V.TEXT, "t"), (V.LOGICAL, "l"), (V.ERROR, "e")):
            exprs.append(F.sum(F.when(k == kind, 1).otherwise(0)).alias(f"k{label}{i}"))
    for i, c in enumerate(totals):
        xv = col(c)
        exprs.append(F.sum(F.when(V.is_number(xv), V.num(xv))).alias(f"sum{i}"))
        exprs.append(
            F.min_by(F.when(V.is_error(xv), V.text(xv)), F.when(V.is_error(xv), col(ROW))).alias(f"err{i}")
        )
    return df.observe(obs, *exprs), obs


def _column_type(metrics: dict[str, Any], i: int, declared: str | None) -> str:
    counts = {label: int(metrics.get(f"k{label}{i}") or 0) for label in ("n", "t", "l", "e")}
    present = [label for label, n in counts.items() if n]
    if declared in ("number", "date") and present in ([], ["n"]):
        return declared
    if len(present) == 1 and present[0] != "e":
        return {"n": "number", "t": "text", "l": "logical"}[present[0]]
    if declared is not None and not present:
        return declared
    return "mixed"


def _bad_row_error(exc: BaseException, sources: dict[str, SourceTable]) -> BadInputRowError | None:
    text = str(exc)
    at = text.find(BAD_ROW_MARKER)
    if at < 0:
        return None
    rest = text[at + len(BAD_ROW_MARKER) :]
    decoder = json.JSONDecoder()
    try:
        source_name, end = decoder.raw_decode(rest)
        details, _ = decoder.raw_decode(rest[end + 1 :])
    except (ValueError, IndexError):
        return BadInputRowError("A row of an input file does not fit its columns.", hint="See the Spark log.")
    table = sources.get(str(source_name))
    if table is None:
        return BadInputRowError(f"A row of source '{source_name}' does not fit its columns.")
    location, reason = bad_row_location(table, details)
    value = details.get("value")
    where = f"{location.file}, line {location.line}"
    column = f", column '{location.column}'" if location.column else ""
    shown = f" (value {value!r})" if value is not None else ""
    return BadInputRowError(
        f"Source '{table.name}': the row at {where}{column} cannot be read: {reason}{shown}.",
        hint='Fix the file, or set "onBadRow": "error" on the source to keep such rows '
        "with #VALUE! and count them.",
        location=location,
    )


@dataclass
class JobPlan:
    """Everything planned for a run (nothing computed yet)."""

    config: dict[str, Any]
    sources: dict[str, SourceTable]
    main: SourceTable
    ctx: PlanContext
    table: Table
    final: DataFrame  # the output columns (XV) plus __row, in row order
    out_columns: list[str]
    totals: list[str]
    fmt: str
    output: dict[str, Any]


def plan_job(
    spark: SparkSession, config: dict[str, Any], bindings: dict[str, list[str]], eval_ctx: EvalContext
) -> JobPlan:
    """Read the sources (lazily) and build the pipeline; shared by the job and the golden tests."""
    sources: dict[str, SourceTable] = {}
    by_name = {s["name"]: s for s in config["sources"]}
    missing = [n for n in used_sources(config) if n not in bindings]
    if missing:
        raise SourceNotFoundError(
            f"No input is bound to source(s) {', '.join(repr(m) for m in missing)}.",
            hint="Pass --input NAME=URI for every source the config uses.",
        )

    def read(name: str) -> SourceTable:
        if name not in sources:
            sources[name] = read_source(spark, by_name[name], bindings[name], eval_ctx.date_system)
        return sources[name]

    main = read(config["main"])
    ctx = PlanContext(spark=spark, read=read, eval_ctx=eval_ctx, date_system=eval_ctx.date_system)
    table = build(config, main, ctx)
    output: dict[str, Any] = config.get("output") or {}
    out_columns = list(output.get("columns") or [c for c in table.columns if c not in table.hidden])
    totals = list((output.get("summary") or {}).get("totals", []))
    df = table.df if table.ordered else order_by_row(table.df)
    final = df.select(*[col(c) for c in dict.fromkeys(out_columns + totals)], col(ROW))
    return JobPlan(
        config,
        sources,
        main,
        ctx,
        table,
        final,
        out_columns,
        totals,
        str(output.get("format", "parquet")),
        output,
    )


def run(args: argparse.Namespace, progress: Progress) -> int:
    started = dt.datetime.now(dt.UTC)
    t0 = time.perf_counter()
    spark: SparkSession | None = None
    sources: dict[str, SourceTable] = {}
    try:
        progress.report("reading", 0.0, "starting Spark")
        extra = local_test_conf() if args.local_small else None
        spark = build_session("sheetscale-job", master=args.master, extra_conf=extra)
        spark.sparkContext.setLogLevel("WARN")
        config, config_hash = load_config(spark, args.config)
        today: dt.date = args.today_date or started.date()
        date_system = str((config.get("options") or {}).get("dateSystem", "1900"))
        eval_ctx = EvalContext(
            today=today,
            now=started.replace(tzinfo=None) if args.today_date is None else None,
            date_system=date_system,
        )
        plan_start = time.perf_counter()
        progress.report("reading", 0.2, "reading the sources")
        job = plan_job(spark, config, args.bindings, eval_ctx)
        sources = job.sources
        ctx = job.ctx
        out_columns, totals, fmt, output = job.out_columns, job.totals, job.fmt, job.output
        main = job.main
        progress.report("computing", 0.3, "planned the steps")
        df, result_obs = _kind_observation(job.final, out_columns, totals)
        main_types = {n: t for n, t in main.column_types}
        natural = {
            c: main_types[c]
            for c in out_columns
            if main_types.get(c) in ("number", "date", "text", "logical")
            and main.config.get("onBadRow", "fail") == "fail"
            and _untouched(config, c)
        }
        frame, encodings = result_frame(df, out_columns, natural, fmt)
        result_path = args.output.rstrip("/") + "/result"
        read_seconds = plan_start - t0
        progress.report("writing", 0.4, "computing and writing the result")
        w0 = time.perf_counter()
        write_result(frame, result_path, fmt)
        write_seconds = time.perf_counter() - w0

        progress.report("summarizing", 0.8, "collecting the summary")
        s0 = time.perf_counter()
        collect_metrics(ctx)
        result = result_obs.get
        row_count = int(result.get("rows") or 0)
        for source in sources.values():
            source.collect_bad_rows()
        for pivot in ctx.pivots:
            if pivot.compute is not None:
                pivot.header, pivot.rows = pivot.compute()
        wanted_pivots = (output.get("summary") or {}).get("pivots")
        pivots = [p for p in ctx.pivots if wanted_pivots is None or p.name in wanted_pivots]
        first_n = (
            args.first_rows
            if args.first_rows is not None
            else int((output.get("summary") or {}).get("firstRows", 100))
        )
        if fmt == "csv":
            # CSV text has lost the kinds (is "10" a number or text?): take the typed values from
            # the pipeline once more, limited to the first rows.
            first_rows = (
                [[V.xv_to_json_value(r[c]) for c in out_columns] for r in job.final.limit(first_n).collect()]
                if first_n > 0
                else []
            )
        else:
            first_rows = read_first_rows(
                spark, path=result_path, fmt=fmt, columns=out_columns, encodings=encodings, limit=first_n
            )
        totals_json: dict[str, Any] = {}
        for i, c in enumerate(totals):
            err = result.get(f"err{i}")
            s = result.get(f"sum{i}")
            totals_json[c] = (
                {"error": err} if err else V.xv_to_json_value({"k": V.NUMBER, "n": float(s or 0.0)})
            )
        columns = [
            (
                c,
                _column_type(
                    result,
                    i,
                    main_types.get(c)
                    if c in natural or (c in main_types and _untouched(config, c))
                    else None,
                ),
            )
            for i, c in enumerate(out_columns)
        ]
        finished = dt.datetime.now(dt.UTC)
        summary = build_summary(
            config=config,
            config_hash=config_hash,
            engine="spark",
            engine_version=spark.version,
            engine_reason=getattr(getattr(args, "engine_choice", None), "reason", ""),
            started=started,
            finished=finished,
            today=today,
            row_count=row_count,
            columns=columns,
            first_rows=first_rows,
            totals=totals_json,
            pivots=pivots,
            steps=ctx.metrics,
            sources=list(sources.values()),
            timings={
                "totalSeconds": time.perf_counter() - t0,
                "readSeconds": read_seconds,
                "computeSeconds": write_seconds,
                "writeSeconds": write_seconds,
                "summarySeconds": time.perf_counter() - s0,
            },
            result_format=fmt,
            encodings=encodings,
        )
        write_json(spark, args.output, "summary.json", summary)
        progress.report("summarizing", 1.0, f"done: {row_count} rows")
        progress.done(True)
        return 0
    except Exception as exc:  # every failure leaves error.json
        error = _as_engine_error(exc, sources)
        log.error("job failed: %s", error.message, exc_info=not isinstance(exc, EngineError))
        try:
            write_json(spark, args.output, "error.json", build_error(error, started, dt.datetime.now(dt.UTC)))
        finally:
            progress.done(False)
        return 1


def _untouched(config: dict[str, Any], column: str) -> bool:
    """A main-source column no step renames, appends to or regroups (its type is still the source's)."""
    return all(s["op"] not in ("renameColumns", "append", "group") for s in config["steps"])


def _as_engine_error(exc: BaseException, sources: dict[str, SourceTable]) -> EngineError:
    if isinstance(exc, EngineError):
        return exc
    bad = _bad_row_error(exc, sources)
    if bad is not None:
        return bad
    text = str(exc)
    first_line = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    if "Path does not exist" in text or "FileNotFoundException" in text:
        return SourceNotFoundError(
            f"An input was not found: {first_line[:500]}", hint="Check the --input bindings."
        )
    return StepFailedError(
        f"Spark could not run the job: {first_line[:500]}",
        hint="See the Spark log on stderr; if the config is valid, report this with the config attached.",
    )
