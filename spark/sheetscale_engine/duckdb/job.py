"""The DuckDB job: run a config on one machine and leave summary.json or error.json.

The entry point is ``sheetscale_engine.job`` (it parses the command line and picks the engine).

One in-process DuckDB with a memory limit (``--memory-limit``, default 60% of this machine's
memory) that spills to a temporary folder next to the output: the sources are read into
temporary tables, each run of steps is computed once into another (plan.py), then:

- the result is written in ``__row`` order by one COPY: ``result/part-00000.parquet`` (columns of
  one kind in their natural type — DOUBLE, VARCHAR, BOOLEAN, blank = null —, the others as the
  contract's JSON value encoding) or ``result/part-00000.csv`` (RFC 4180, the text Excel shows);
- one aggregate gives the row count, the kinds each output column holds and the totals; the first
  rows come from the result table; pivots, step metrics and bad rows were measured on the way;
- summary.json (core.summary, the same document as the Spark job's), or error.json on any failure.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Final

import duckdb

from sheetscale_engine.core.config_loading import parse_config
from sheetscale_engine.core.engine_choice import is_local_uri, local_path
from sheetscale_engine.core.planner import step_runs, used_sources
from sheetscale_engine.core.summary import build_error, build_summary
from sheetscale_engine.duckdb import values as V  # noqa: N812
from sheetscale_engine.duckdb.compile import EvalContext
from sheetscale_engine.duckdb.plan import build
from sheetscale_engine.duckdb.reader import read_source
from sheetscale_engine.duckdb.table import ROW, PlanContext, SourceTable, StepMetrics, Table
from sheetscale_engine.errors import (
    ConfigInvalidError,
    EngineError,
    SourceNotFoundError,
    StepFailedError,
    describe_step,
    step_ref,
)
from sheetscale_engine.progress import Phase, Progress

log = logging.getLogger("sheetscale.job")

DEFAULT_MEMORY_FRACTION: Final = 0.6
PART: Final = "part-00000"
# Encodings of the result's columns (summary.json → result.encodings), as the Spark output's.
ENCODING_JSON: Final = "json"
_NATURAL_ENCODINGS: Final[dict[str, str]] = {"number": "double", "text": "string", "logical": "boolean"}


# ------------------------------------------------------------------------------------------------
# The connection
# ------------------------------------------------------------------------------------------------


def default_memory_limit() -> str | None:
    """60% of this machine's physical memory, in DuckDB's notation (e.g. "9830MB"); None where
    the system does not say (DuckDB's own default then)."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None
    return f"{max(64, int(total * DEFAULT_MEMORY_FRACTION) // 1_000_000)}MB"


def connect(
    memory_limit: str | None = None, temp_directory: str | None = None, threads: int | None = None
) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the engine's settings: a memory limit it spills beyond, the
    insertion order kept (row order is Excel's order)."""
    config: dict[str, Any] = {"preserve_insertion_order": True}
    if memory_limit:
        config["memory_limit"] = memory_limit
    if temp_directory:
        config["temp_directory"] = temp_directory
    if threads:
        config["threads"] = threads
    return duckdb.connect(":memory:", config=config)


# ------------------------------------------------------------------------------------------------
# The config
# ------------------------------------------------------------------------------------------------


def load_config(uri: str) -> tuple[dict[str, Any], str]:
    """The validated config (a local path or file:// URI) and the sha256 of its bytes."""
    if not is_local_uri(uri):
        raise SourceNotFoundError(
            f"The DuckDB engine reads a config on this machine only: {uri}",
            hint="Copy the config here, or run the job with --engine spark.",
        )
    try:
        with open(local_path(uri), "rb") as f:
            raw = f.read()
    except OSError as exc:
        raise SourceNotFoundError(
            f"The config was not found or cannot be read: {uri}", hint="Check the --config path or URI."
        ) from exc
    return parse_config(raw, uri)


# ------------------------------------------------------------------------------------------------
# Planning (reading the sources and running the steps)
# ------------------------------------------------------------------------------------------------


@dataclass
class JobPlan:
    """Everything computed for a run but the output."""

    config: dict[str, Any]
    sources: dict[str, SourceTable]
    main: SourceTable
    ctx: PlanContext
    table: Table
    out_columns: list[str]
    totals: list[str]
    fmt: str
    output: dict[str, Any]
    read_seconds: float = 0.0


class _StepLog(list[StepMetrics]):
    """ctx.metrics, which plan.build extends once per run of steps: reports each run as progress
    and remembers how many runs finished (a failure is in the next one)."""

    def __init__(self) -> None:
        super().__init__()
        self.runs = 0
        self.on_run: Callable[[list[StepMetrics]], None] | None = None

    def extend(self, metrics: Iterable[StepMetrics]) -> None:
        items = list(metrics)
        super().extend(items)
        self.runs += 1
        if self.on_run is not None:
            self.on_run(items)


def plan_job(  # noqa: PLR0917 (the tests' call: con, config, bindings, eval context)
    con: duckdb.DuckDBPyConnection,
    config: dict[str, Any],
    bindings: dict[str, list[str]],
    eval_ctx: EvalContext,
    progress: Progress | None = None,
    step_log: _StepLog | None = None,
) -> JobPlan:
    """Read the sources and run the steps (each run materialized); shared by the job and the tests.

    The main source is read first; the others when a step first uses them (so that a problem in
    one names that step).
    """
    sources: dict[str, SourceTable] = {}
    by_name = {s["name"]: s for s in config["sources"]}
    missing = [n for n in used_sources(config) if n not in bindings]
    if missing:
        raise SourceNotFoundError(
            f"No input is bound to source(s) {', '.join(repr(m) for m in missing)}.",
            hint="Pass --input NAME=URI for every source the config uses.",
        )
    runs = list(step_runs(config["steps"]))
    read_seconds = [0.0]
    phase: list[Phase] = ["reading"]

    def report(fraction: float, message: str) -> None:
        if progress is not None:
            progress.report(phase[0], fraction, message)

    def read(name: str) -> SourceTable:
        if name not in sources:
            report(
                0.1 if phase[0] == "reading" else _step_fraction(metrics.runs, len(runs)),
                f"reading source {name}",
            )
            t0 = time.perf_counter()
            sources[name] = read_source(con, by_name[name], bindings[name], eval_ctx.date_system)
            read_seconds[0] += time.perf_counter() - t0
        return sources[name]

    def on_run(done: list[StepMetrics]) -> None:
        ids = ", ".join(str(m.step.get("id")) for m in done)
        report(_step_fraction(metrics.runs, len(runs)), f"computed step{'s' if len(done) > 1 else ''} {ids}")

    metrics = step_log if step_log is not None else _StepLog()
    metrics.on_run = on_run
    main = read(config["main"])
    phase[0] = "computing"
    report(_step_fraction(0, len(runs)), f"running {len(config['steps'])} steps")
    ctx = PlanContext(
        con=con, read=read, eval_ctx=eval_ctx, date_system=eval_ctx.date_system, metrics=metrics
    )
    table = build(config, main, ctx)
    output: dict[str, Any] = config.get("output") or {}
    out_columns = list(output.get("columns") or [c for c in table.columns if c not in table.hidden])
    totals = list((output.get("summary") or {}).get("totals", []))
    unknown = [c for c in dict.fromkeys(out_columns + totals) if c not in table.columns]
    if unknown:
        raise ConfigInvalidError(
            f"The output names column(s) {', '.join(repr(c) for c in unknown)}, "
            f"which the result does not have (it has: {', '.join(table.columns)}).",
            hint="Fix output.columns / output.summary.totals in the config.",
        )
    return JobPlan(
        config,
        sources,
        main,
        ctx,
        table,
        out_columns,
        totals,
        str(output.get("format", "parquet")),
        output,
        read_seconds[0],
    )


def _step_fraction(done: int, total: int) -> float:
    return 0.2 + 0.5 * (done / total if total else 1.0)


# ------------------------------------------------------------------------------------------------
# The result
# ------------------------------------------------------------------------------------------------


def parquet_column(v: V.Val) -> tuple[str, str]:
    """A result column for Parquet: (SQL, encoding). One kind → its natural type, else JSON text."""
    if v.layout in _NATURAL_ENCODINGS:
        return v.sql, _NATURAL_ENCODINGS[v.layout]
    return f"coalesce({V.json_value_sql(v)}, 'null')", ENCODING_JSON


def csv_column(v: V.Val) -> str:
    """A result column for CSV: the text Excel shows (General format, TRUE/FALSE, error codes);
    NULL (an empty field) for a blank."""
    if v.layout == "text":
        return v.sql
    if v.layout == "number":
        return V.general_text_sql(f"({v.sql})")
    if v.layout == "logical":
        return f"(CASE WHEN ({v.sql}) IS NULL THEN NULL ELSE {V.logical_text_sql(f'({v.sql})')} END)"
    branches = []
    if V.BLANK in v.kinds:
        branches.append(f"WHEN {V.is_blank(v)} THEN NULL")
    if V.ERROR in v.kinds:
        branches.append(f"WHEN {V.is_error(v)} THEN {V.error_code_sql(v)}")
    return (
        f"(CASE {' '.join(branches)} ELSE {V.to_text_raw_sql(v)} END)" if branches else V.to_text_raw_sql(v)
    )


def _csv_quote(text: str) -> str:
    """A CSV field (RFC 4180) from Python text."""
    return '"' + text.replace('"', '""') + '"' if any(ch in text for ch in ',"\r\n') else text


def _csv_field(s: str) -> str:
    """SQL: a CSV field from a text column; NULL (blank) an empty field, "" the empty text."""
    needs = " OR ".join(f"contains({s}, {q})" for q in ("','", "'\"'", "chr(10)", "chr(13)"))
    return (
        f"(CASE WHEN {s} IS NULL THEN '' WHEN {s} = '' THEN '\"\"' "
        f"WHEN {needs} THEN '\"' || replace({s}, '\"', '\"\"') || '\"' ELSE {s} END)"
    )


def write_result(
    con: duckdb.DuckDBPyConnection, table: Table, columns: list[str], fmt: str, directory: str
) -> dict[str, str]:
    """Write the result in row order (one file) and return each column's encoding."""
    shutil.rmtree(directory, ignore_errors=True)
    os.makedirs(directory, exist_ok=True)
    order = "" if table.ordered else f" ORDER BY {V.ident(ROW)}"
    if fmt == "csv":
        # Each line is built here (RFC 4180: a field is quoted only when it holds a comma, a quote
        # or a line break; quotes doubled) and written as it is: DuckDB's CSV writer would also
        # quote every field holding a "#", i.e. every error code.
        texts = ", ".join(
            f"{csv_column(table.val(c))} AS {V.ident(f'__t{i}')}" for i, c in enumerate(columns)
        )
        line = " || ',' || ".join(_csv_field(V.ident(f"__t{i}")) for i in range(len(columns))) or "''"
        header = ",".join(_csv_quote(c) for c in columns)
        encodings = dict.fromkeys(columns, "text")
        path = os.path.join(directory, f"{PART}.csv")
        options = "FORMAT csv, HEADER true, QUOTE '', ESCAPE '', DELIMITER ',', NULLSTR ''"
        select = (
            f"SELECT {line} AS {V.ident(header)} FROM "
            f"(SELECT {texts or 'NULL AS _empty'}, {V.ident(ROW)} FROM {table.from_sql} AS _o) AS _t{order}"
        )
    else:
        encodings = {}
        exprs = []
        for c in columns:
            sql, encodings[c] = parquet_column(table.val(c))
            exprs.append(f"{sql} AS {V.ident(c)}")
        path = os.path.join(directory, f"{PART}.parquet")
        options = "FORMAT parquet, COMPRESSION snappy"
        select = f"SELECT {', '.join(exprs) or 'NULL AS _empty'} FROM {table.from_sql} AS _o{order}"
    con.execute(f"COPY ({select}) TO {V.sql_text(path)} ({options})")
    return encodings


def first_rows(
    con: duckdb.DuckDBPyConnection, table: Table, columns: list[str], limit: int
) -> list[list[Any]]:
    """The first ``limit`` result rows as the contract's JSON values."""
    if limit <= 0 or not columns:
        return []
    cols = ", ".join(V.ident(c) for c in columns)
    fetched = con.execute(
        f"SELECT {cols} FROM {table.from_sql} AS _f ORDER BY {V.ident(ROW)} LIMIT {int(limit)}"
    ).fetchall()
    layouts = [table.val(c).layout for c in columns]
    return [[V.python_value(lay, v) for lay, v in zip(layouts, r, strict=True)] for r in fetched]


_KIND_LABELS: Final = (("n", V.NUMBER), ("t", V.TEXT), ("l", V.LOGICAL), ("e", V.ERROR))


def result_facts(
    con: duckdb.DuckDBPyConnection, table: Table, columns: list[str], totals: list[str]
) -> dict[str, Any]:
    """One aggregate: rows, how many cells of each kind every output column holds, and for each
    totals column the sum of its numbers (Excel's SUM) and its first error in row order."""
    exprs = ["count(*) AS rows"]
    for i, c in enumerate(columns):
        v = table.val(c)
        for label, kind in _KIND_LABELS:
            cond = V.is_kind(v, kind)
            exprs.append(f"{'0' if cond == 'FALSE' else f'count(*) FILTER (WHERE {cond})'} AS k{label}{i}")
    for i, c in enumerate(totals):
        v = table.val(c)
        is_number = V.is_kind(v, V.NUMBER)
        total = f"fsum({V.num_sql(v)}) FILTER (WHERE {is_number})"
        exprs.append(f"{'NULL' if is_number == 'FALSE' else total} AS sum{i}")
        is_error = V.is_error(v)
        err = f"arg_min({V.error_code_sql(v)}, {V.ident(ROW)}) FILTER (WHERE {is_error})"
        exprs.append(f"{'NULL' if is_error == 'FALSE' else err} AS err{i}")
    cursor = con.execute(f"SELECT {', '.join(exprs)} FROM {table.from_sql} AS _a")
    row = cursor.fetchone()
    assert row is not None and cursor.description is not None
    return {d[0]: value for d, value in zip(cursor.description, row, strict=True)}


def column_type(facts: dict[str, Any], i: int, declared: str | None) -> str:
    """number/text/logical/date/mixed from the kinds the column holds (the Spark job's rule)."""
    counts = {label: int(facts.get(f"k{label}{i}") or 0) for label in ("n", "t", "l", "e")}
    present = [label for label, n in counts.items() if n]
    if declared in ("number", "date") and present in ([], ["n"]):
        return declared
    if len(present) == 1 and present[0] != "e":
        return {"n": "number", "t": "text", "l": "logical"}[present[0]]
    if declared is not None and not present:
        return declared
    return "mixed"


def _untouched(config: dict[str, Any]) -> bool:
    """No step renames, appends to or regroups the main source's columns (their type is still the
    source's)."""
    return all(s["op"] not in ("renameColumns", "append", "group") for s in config["steps"])


def write_json(directory: str, name: str, document: dict[str, Any]) -> None:
    """A small JSON file next to the result, written atomically."""
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    os.makedirs(directory, exist_ok=True)
    tmp = os.path.join(directory, f".{name}.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, os.path.join(directory, name))


# ------------------------------------------------------------------------------------------------
# The run
# ------------------------------------------------------------------------------------------------


def _spill_directory(output: str) -> str:
    """A fresh folder for DuckDB's spill files: next to the output folder, else the system's."""
    parent = os.path.dirname(os.path.abspath(output.rstrip("/") or "."))
    for base in (parent, tempfile.gettempdir()):
        with contextlib.suppress(OSError):
            os.makedirs(base, exist_ok=True)
            return tempfile.mkdtemp(prefix=".sheetscale-duckdb-spill-", dir=base)
    return tempfile.mkdtemp(prefix="sheetscale-duckdb-spill-")


def run(args: argparse.Namespace, progress: Progress) -> int:
    """Run the job on DuckDB; 0 when summary.json was written, 1 when error.json was."""
    started = dt.datetime.now(dt.UTC)
    t0 = time.perf_counter()
    output = str(args.output)
    if not is_local_uri(output):
        log.error("the DuckDB engine writes to a folder on this machine only, not %s", output)
        progress.done(False)
        return 1
    out_dir = local_path(output)
    for stale in ("summary.json", "error.json"):
        with contextlib.suppress(FileNotFoundError):
            os.remove(os.path.join(out_dir, stale))
    con: duckdb.DuckDBPyConnection | None = None
    spill: str | None = None
    config: dict[str, Any] | None = None
    metrics: _StepLog | None = None
    try:
        progress.report("reading", 0.0, "starting DuckDB")
        config, config_hash = load_config(args.config)
        memory_limit = getattr(args, "memory_limit", None) or default_memory_limit()
        spill = _spill_directory(out_dir)
        try:
            con = connect(memory_limit, spill, os.cpu_count() or 1)
        except duckdb.Error as exc:
            raise ConfigInvalidError(
                f"--memory-limit {memory_limit!r} is not a memory size DuckDB reads ({_first_line(exc)}).",
                hint="Give a size such as 4GB or 512MB.",
            ) from exc
        log.info(
            "DuckDB %s: memory limit %s, %s threads, spilling to %s",
            duckdb.__version__,
            memory_limit,
            os.cpu_count(),
            spill,
        )
        today: dt.date = args.today_date or started.date()
        date_system = str((config.get("options") or {}).get("dateSystem", "1900"))
        eval_ctx = EvalContext(
            today=today,
            now=started.replace(tzinfo=None) if args.today_date is None else None,
            date_system=date_system,
        )
        progress.report("reading", 0.05, "reading the sources")
        plan_start = time.perf_counter()
        metrics = _StepLog()
        job = plan_job(con, config, args.bindings, eval_ctx, progress, metrics)
        plan_seconds = time.perf_counter() - plan_start
        sources = job.sources
        main = job.main
        table = job.table

        progress.report("writing", 0.75, "writing the result")
        w0 = time.perf_counter()
        encodings = write_result(con, table, job.out_columns, job.fmt, os.path.join(out_dir, "result"))
        write_seconds = time.perf_counter() - w0

        progress.report("summarizing", 0.9, "collecting the summary")
        s0 = time.perf_counter()
        facts = result_facts(con, table, job.out_columns, job.totals)
        row_count = int(facts.get("rows") or 0)
        first_n = (
            args.first_rows
            if args.first_rows is not None
            else int((job.output.get("summary") or {}).get("firstRows", 100))
        )
        rows = first_rows(con, table, job.out_columns, first_n)
        totals_json: dict[str, Any] = {}
        for i, c in enumerate(job.totals):
            err = facts.get(f"err{i}")
            totals_json[c] = (
                {"error": err} if err else V.python_value("number", float(facts.get(f"sum{i}") or 0.0))
            )
        main_types = dict(main.column_types)
        untouched = _untouched(config)
        columns = [
            (c, column_type(facts, i, main_types.get(c) if c in main_types and untouched else None))
            for i, c in enumerate(job.out_columns)
        ]
        wanted_pivots = (job.output.get("summary") or {}).get("pivots")
        pivots = [p for p in job.ctx.pivots if wanted_pivots is None or p.name in wanted_pivots]
        summary = build_summary(
            config=config,
            config_hash=config_hash,
            engine="duckdb",
            engine_version=duckdb.__version__,
            engine_reason=getattr(getattr(args, "engine_choice", None), "reason", ""),
            started=started,
            finished=dt.datetime.now(dt.UTC),
            today=today,
            row_count=row_count,
            columns=columns,
            first_rows=rows,
            totals=totals_json,
            pivots=pivots,
            steps=job.ctx.metrics,
            sources=list(sources.values()),
            timings={
                "totalSeconds": time.perf_counter() - t0,
                "readSeconds": job.read_seconds,
                "computeSeconds": max(0.0, plan_seconds - job.read_seconds),
                "writeSeconds": write_seconds,
                "summarySeconds": time.perf_counter() - s0,
            },
            result_format=job.fmt,
            encodings=encodings,
        )
        write_json(out_dir, "summary.json", summary)
        progress.report("summarizing", 1.0, f"done: {row_count} rows")
        progress.done(True)
        return 0
    except Exception as exc:  # every failure leaves error.json
        error = as_engine_error(exc, _failing_step(config, metrics), getattr(args, "memory_limit", None))
        log.error("job failed: %s", error.message, exc_info=not isinstance(exc, EngineError))
        try:
            write_json(out_dir, "error.json", build_error(error, started, dt.datetime.now(dt.UTC)))
        except OSError as write_exc:
            log.error("cannot write error.json to %s: %s", out_dir, write_exc)
        finally:
            progress.done(False)
        return 1
    finally:
        if con is not None:
            with contextlib.suppress(Exception):
                con.close()
        if spill is not None:
            shutil.rmtree(spill, ignore_errors=True)


def _failing_step(config: dict[str, Any] | None, metrics: _StepLog | None) -> dict[str, Any] | None:
    """The first step of the run of steps that was being computed when the job failed."""
    if config is None or metrics is None:
        return None
    runs = list(step_runs(config.get("steps") or []))
    return runs[metrics.runs][0] if metrics.runs < len(runs) else None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return (text.splitlines()[0] if text else type(exc).__name__)[:500]


def as_engine_error(
    exc: BaseException, step: dict[str, Any] | None, memory_limit: str | None = None
) -> EngineError:
    """Any failure → an EngineError error.json can carry (never a raw traceback as the message)."""
    if isinstance(exc, EngineError):
        return exc
    where = f"{describe_step(step)}: " if step is not None else ""
    ref = step_ref(step) if step is not None else None
    first = _first_line(exc)
    if isinstance(exc, duckdb.OutOfMemoryException):
        return StepFailedError(
            f"{where}DuckDB ran out of memory ({first}).",
            hint=f"Raise --memory-limit (now {memory_limit or default_memory_limit()}), or run the job "
            "with --engine spark on a cluster.",
            step=ref,
        )
    if isinstance(exc, duckdb.IOException) and ("No space left" in str(exc) or "disk" in str(exc).lower()):
        return StepFailedError(
            f"{where}DuckDB could not spill to disk ({first}).",
            hint="Free disk space next to the output folder (DuckDB spills there beyond its memory limit).",
            step=ref,
        )
    if isinstance(exc, NotImplementedError):
        return StepFailedError(
            f"{where}the DuckDB engine cannot run this yet ({first}).",
            hint="Run the job with --engine spark.",
            step=ref,
        )
    if isinstance(exc, duckdb.Error):
        return StepFailedError(
            f"{where}DuckDB could not run the job: {first}",
            hint="See the log on stderr; if the config is valid, report this with the config attached.",
            step=ref,
        )
    return StepFailedError(
        f"{where}the engine failed: {type(exc).__name__}: {first}",
        hint="See the log on stderr; if the config is valid, report this with the config attached.",
        step=ref,
    )
