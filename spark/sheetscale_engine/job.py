"""The job entry point: run a config on DuckDB or Spark and leave summary.json or error.json.

    python -m sheetscale_engine.job --config PATH_OR_URI --input NAME=URI [--input NAME=URI ...]
        --output DIR_OR_URI [--engine auto|duckdb|spark] [--master local[*]] [--today YYYY-MM-DD]
        [--first-rows N] [--memory-limit 4GB]

stdout carries progress as JSON lines only; logs go to stderr. Exit codes: 0 succeeded, 1 the job
failed (error.json written), 2 bad usage.

This module imports neither pyspark nor duckdb: it parses the command line, picks the engine
(core.engine_choice) and only then imports that engine's lowering, so a DuckDB job never pays
for a JVM and a Spark job on EMR never needs duckdb.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
from collections.abc import Sequence
from typing import NoReturn

from sheetscale_engine.core.engine_choice import ENGINES, choose_engine
from sheetscale_engine.progress import Progress

log = logging.getLogger("sheetscale.job")


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def parse_args(argv: Sequence[str], default_engine: str = "auto") -> argparse.Namespace:
    p = _Parser(prog="python -m sheetscale_engine.job", description="Run a sheetscale config.")
    p.add_argument("--config", required=True, help="the config JSON (local path, file:// or s3:// URI)")
    p.add_argument(
        "--input",
        action="append",
        default=[],
        metavar="NAME=URI",
        help="bind a source of the config to a file, folder or glob (repeat for each source)",
    )
    p.add_argument("--output", required=True, help="folder for result/, summary.json or error.json")
    p.add_argument(
        "--engine",
        choices=ENGINES,
        default=default_engine,
        help="auto (default: DuckDB when the inputs are on this machine, Spark otherwise), duckdb or spark",
    )
    p.add_argument("--master", default=None, help="Spark master, e.g. local[*] (default: spark-submit's)")
    p.add_argument("--today", default=None, help="the date TODAY() returns, YYYY-MM-DD (default: today, UTC)")
    p.add_argument(
        "--first-rows", type=int, default=None, help="rows in summary.json (default: the config's)"
    )
    p.add_argument(
        "--memory-limit",
        default=None,
        help="DuckDB's memory limit, e.g. 2GB (default: 60%% of this machine's memory); it spills beyond",
    )
    p.add_argument("--local-small", action="store_true", help="small-machine Spark settings (tests, laptops)")
    args = p.parse_args(list(argv))
    bindings: dict[str, list[str]] = {}
    for item in args.input:
        name, sep, uri = item.partition("=")
        if not sep or not name or not uri:
            raise UsageError(f"--input must be NAME=URI, got {item!r}")
        bindings.setdefault(name, []).append(uri)
    args.bindings = bindings
    if args.today is not None:
        try:
            args.today_date = dt.date.fromisoformat(args.today)
        except ValueError as exc:
            raise UsageError(f"--today must be YYYY-MM-DD, got {args.today!r}") from exc
    else:
        args.today_date = None
    if args.first_rows is not None and args.first_rows < 0:
        raise UsageError("--first-rows must be 0 or more")
    return args


def run(args: argparse.Namespace, progress: Progress) -> int:
    """Run the job on the engine ``args.engine`` asks for (auto: see core.engine_choice)."""
    choice = choose_engine(args.engine, args.bindings)
    args.engine_choice = choice
    log.info("engine: %s (%s)", choice.engine, choice.reason)
    if choice.engine == "duckdb":
        from sheetscale_engine.duckdb.job import run as run_duckdb  # noqa: PLC0415 (no JVM for DuckDB)

        return run_duckdb(args, progress)
    from sheetscale_engine.spark.job import run as run_spark  # noqa: PLC0415 (no duckdb on EMR)

    return run_spark(args, progress)


def main(argv: Sequence[str] | None = None, default_engine: str = "auto") -> int:
    logging.basicConfig(
        stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        args = parse_args(sys.argv[1:] if argv is None else argv, default_engine)
    except UsageError as exc:
        print(f"usage error: {exc}", file=sys.stderr)
        return 2
    return run(args, Progress())


if __name__ == "__main__":
    sys.exit(main())
