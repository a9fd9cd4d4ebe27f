"""Run the benchmark: every contender on the same generated data, medians of N runs, a Markdown table.

    spark/.venv/bin/python bench/run.py --shape all --rows 1000000 --runs 3 --json /tmp/bench.json

Shapes (bench/generate.py makes the data once per shape and size, bench/workload.py the config):
  seed   transactions ⟕ reference (three VLOOKUPs of one key, both tables `rows` long) + 49 formulas
  recon  GL ⟕ bank statement ⟕ FX: 16 columns (3 VLOOKUPs, IFERROR, ROUND, TEXT, dates, IF, &)

Contenders, each run in a fresh process (so start-up is included), interleaved run by run:
  sheetscale-duckdb    python -m sheetscale_engine.job --engine duckdb [--memory-limit]
  sheetscale-spark     python -m sheetscale_engine.job --engine spark --master M
  handwritten-duckdb   bench/handwritten_duckdb.py: one typed SQL query [SET memory_limit]
  handwritten-pyspark  bench/handwritten_pyspark.py: one typed select, the engine's Spark session

Reported per contender: median wall seconds and every run, the ratio of the median to the
hand-written contender of the same kind (sheetscale-duckdb / handwritten-duckdb,
sheetscale-spark / handwritten-pyspark), peak memory (the larger of /usr/bin/time's maximum RSS
and the largest sum of VmHWM over the process tree, polled every 0.2 s: Spark's JVM is a child of
the Python driver), then checks of the last run's result: its row count, whether the rows are in
the input's order, and how many cells of a sample of rows differ from the reference result (the
first hand-written contender that ran; sheetscale's JSON-encoded columns decoded, an Excel error
compared as null, dates as Excel serial numbers, numbers to 1e-12 relative).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import GENERATORS  # noqa: E402
from workload import CONFIGS, ID_COLUMN, INPUT_FILES  # noqa: E402

SPARK_DIR = HERE.parent / "spark"
CONTENDERS = ("sheetscale-duckdb", "sheetscale-spark", "handwritten-duckdb", "handwritten-pyspark")
BASELINE = {"sheetscale-duckdb": "handwritten-duckdb", "sheetscale-spark": "handwritten-pyspark"}
# The result the others are compared with: the first of these that succeeded.
REFERENCES = ("handwritten-duckdb", "handwritten-pyspark")
TIME_BIN = "/usr/bin/time"
EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 0 for every date after 1900-02-28


# --------------------------------------------------------------------------------------------
# Running one contender once
# --------------------------------------------------------------------------------------------


@dataclass
class Run:
    wall: float
    peak_bytes: int
    exit_code: int
    job_seconds: float | None = None


@dataclass
class Result:
    shape: str
    rows: int
    contender: str
    runs: list[Run] = field(default_factory=list)
    failed: str | None = None
    rows_out: int | None = None
    in_order: bool | None = None
    compared_with: str | None = None
    mismatches: int | None = None
    cells: int | None = None
    examples: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def median(self) -> float | None:
        return statistics.median(r.wall for r in self.runs) if self.runs and not self.failed else None


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])
        kids.setdefault(ppid, []).append(int(name))
    return kids


def _tree(root: int) -> list[int]:
    kids = _children()
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(kids.get(pid, []))
    return out


def _hwm_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


class TreePeak(threading.Thread):
    """Polls the process tree under ``root`` every ``interval`` s: the largest sum of VmHWM."""

    def __init__(self, root: int, interval: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.root, self.interval, self.peak_kb = root, interval, 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            self.peak_kb = max(self.peak_kb, sum(_hwm_kb(p) for p in _tree(self.root)))
            self.stop.wait(self.interval)


def measure(cmd: list[str], cwd: Path, env: dict[str, str], log: Path) -> Run:
    """Run ``cmd`` (stdout and stderr to ``log``): wall seconds, peak memory, exit code."""
    maxrss = log.with_suffix(".maxrss")
    use_time = os.access(TIME_BIN, os.X_OK)
    full = [TIME_BIN, "-f", "%M", "-o", str(maxrss), *cmd] if use_time else cmd
    with open(log, "wb") as out:
        t = time.perf_counter()
        proc = subprocess.Popen(full, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        poller = TreePeak(proc.pid)
        poller.start()
        code = proc.wait()
        wall = time.perf_counter() - t
        poller.stop.set()
        poller.join()
    peak_kb = poller.peak_kb
    if use_time and maxrss.is_file():
        lines = maxrss.read_text(encoding="utf-8").split()
        if lines and lines[-1].isdigit():
            peak_kb = max(peak_kb, int(lines[-1]))
    return Run(wall=wall, peak_bytes=peak_kb * 1024, exit_code=code)


def command(
    contender: str, shape: str, *, data: Path, config: Path, out: Path, args: argparse.Namespace
) -> tuple[list[str], dict[str, str]]:
    env = dict(os.environ)
    if contender.endswith(("spark", "pyspark")):
        env["PYSPARK_SUBMIT_ARGS"] = f"--driver-memory {args.driver_memory} pyspark-shell"
    if contender.startswith("sheetscale-"):
        cmd = [sys.executable, "-m", "sheetscale_engine.job", "--config", str(config), "--output", str(out)]
        for source, file in INPUT_FILES[shape].items():
            cmd += ["--input", f"{source}={data / file}"]
        if contender == "sheetscale-duckdb":
            cmd += ["--engine", "duckdb"]
            if args.memory_limit:
                cmd += ["--memory-limit", args.memory_limit]
        else:
            cmd += ["--engine", "spark", "--master", args.master]
        return cmd, env
    script = HERE / (
        "handwritten_duckdb.py" if contender == "handwritten-duckdb" else "handwritten_pyspark.py"
    )
    cmd = [sys.executable, str(script), "--shape", shape, "--data", str(data), "--output", str(out)]
    if contender == "handwritten-duckdb":
        if args.memory_limit:
            cmd += ["--memory-limit", args.memory_limit]
    else:
        cmd += ["--master", args.master]
    return cmd, env


def run_once(
    res: Result, *, data: Path, config: Path, work: Path, run: int, args: argparse.Namespace
) -> None:
    out = work / res.contender
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    log = work / f"{res.contender}.run{run}.log"
    cmd, env = command(res.contender, res.shape, data=data, config=config, out=out, args=args)
    r = measure(cmd, SPARK_DIR, env, log)
    files = list((out / "result").glob("*.parquet"))
    if r.exit_code != 0 or not files:
        why = f"exit {r.exit_code}"
        error = out / "error.json"
        if error.is_file():
            try:
                e = json.loads(error.read_text(encoding="utf-8"))
                why += f": {e.get('code')}: {str(e.get('message'))[:300]}"
            except ValueError:
                pass
        elif r.exit_code == 0:
            why += ": no Parquet file in result/"
        else:
            tail = [
                line
                for line in log.read_text(encoding="utf-8", errors="replace").splitlines()
                if line.strip()
            ]
            if tail:
                why += f": {tail[-1].strip()[:300]}"
        res.failed = f"{why} (log: {log})"
        print(f"  {res.contender}: FAILED {res.failed}", file=sys.stderr)
        return
    summary = out / "summary.json"
    if summary.is_file():
        timings = json.loads(summary.read_text(encoding="utf-8")).get("timings", {})
        if "totalSeconds" in timings:
            r.job_seconds = float(timings["totalSeconds"])
    res.runs.append(r)
    print(f"  {res.contender}: {r.wall:.2f} s, peak {r.peak_bytes / 2**30:.2f} GiB", file=sys.stderr)


# --------------------------------------------------------------------------------------------
# Checking the results
# --------------------------------------------------------------------------------------------


def _glob(out: Path) -> str:
    return str(out / "result" / "*.parquet").replace("'", "''")


def _qi(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def json_columns(out: Path, columns: list[str]) -> set[str]:
    """The columns of a result that hold the contract's JSON encoding (sheetscale's summary.json
    → result.encodings); none for the hand-written results."""
    summary = out / "summary.json"
    if not summary.is_file():
        return set()
    encodings = json.loads(summary.read_text(encoding="utf-8")).get("result", {}).get("encodings", {})
    return {c for c in columns if encodings.get(c) == "json"}


def normalize(v: Any, encoded: bool) -> Any:
    """One cell as a comparable value: None (blank or any Excel error), bool, float or str."""
    if encoded and isinstance(v, str):
        v = json.loads(v)
    if v is None or isinstance(v, dict):
        return None
    if isinstance(v, bool | str):
        return v
    if isinstance(v, int | float | Decimal):
        return float(v)
    if isinstance(v, dt.datetime):
        return (v - dt.datetime(1899, 12, 30)).total_seconds() / 86400
    if isinstance(v, dt.date):
        return float((v - EXCEL_EPOCH).days)
    return str(v)


def same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b or math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)
    return type(a) is type(b) and a == b


def check(results: list[Result], shape: str, work: Path, sample: int) -> None:
    con = duckdb.connect()
    ident = _qi(ID_COLUMN[shape])
    ok = [r for r in results if not r.failed and r.runs]
    for r in ok:
        src = f"read_parquet('{_glob(work / r.contender)}', filename = true, file_row_number = true)"
        row = con.execute(f"SELECT count(*) FROM {src}").fetchone()
        r.rows_out = int(row[0]) if row else None
        back = con.execute(
            f"SELECT count(*) FROM (SELECT {ident} AS id, lag({ident}) OVER "
            f"(ORDER BY filename, file_row_number) AS prev FROM {src}) WHERE id < prev"
        ).fetchone()
        r.in_order = bool(back and back[0] == 0)
        if r.rows_out != r.rows:
            r.notes.append(f"rows out {r.rows_out} != rows in {r.rows}")
    ref = next((r for c in REFERENCES for r in ok if r.contender == c), None)
    if ref is None:
        return
    con.execute(
        f"CREATE TABLE sample_ids AS SELECT {ident} AS id FROM read_parquet('{_glob(work / ref.contender)}') "
        f"USING SAMPLE reservoir({int(sample)} ROWS) REPEATABLE (42)"
    )

    def fetch(r: Result) -> tuple[list[str], dict[Any, tuple[Any, ...]]]:
        rel = con.execute(
            f"SELECT * FROM read_parquet('{_glob(work / r.contender)}') "
            f"WHERE {ident} IN (SELECT id FROM sample_ids)"
        )
        names = [d[0] for d in rel.description or []]
        rows = rel.fetchall()
        at = names.index(ID_COLUMN[shape])
        return names, {row[at]: row for row in rows}

    ref_names, ref_rows = fetch(ref)
    ref_json = json_columns(work / ref.contender, ref_names)
    for r in ok:
        r.compared_with = ref.contender
        names, rows = fetch(r)
        encoded = json_columns(work / r.contender, names)
        missing = [c for c in ref_names if c not in names]
        extra = [c for c in names if c not in ref_names]
        if missing:
            r.notes.append(f"missing columns: {missing}")
        if extra:
            r.notes.append(f"extra columns: {extra}")
        index = {c: i for i, c in enumerate(names)}
        bad = cells = 0
        for key, ref_row in ref_rows.items():
            row = rows.get(key)
            for i, c in enumerate(ref_names):
                cells += 1
                want = normalize(ref_row[i], c in ref_json)
                got = normalize(row[index[c]], c in encoded) if row is not None and c in index else "<absent>"
                if not same(want, got):
                    bad += 1
                    if len(r.examples) < 10:
                        r.examples.append({"id": key, "column": c, "expected": want, "got": got})
        r.mismatches, r.cells = bad, cells
    con.close()


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------


def _ratio(r: Result, by: dict[str, Result]) -> float | None:
    base = by.get(BASELINE.get(r.contender, ""))
    if base is None or r.median is None or base.median is None or base.median == 0:
        return None
    return r.median / base.median


def table(results: list[Result]) -> str:
    head = (
        "| shape | rows | contender | median wall (s) | runs (s) | vs hand-written | peak memory (GiB) "
        "| rows out | in input order | mismatching cells |\n|---|---|---|---|---|---|---|---|---|---|\n"
    )
    lines = []
    groups: dict[tuple[str, int], dict[str, Result]] = {}
    for r in results:
        groups.setdefault((r.shape, r.rows), {})[r.contender] = r
    for r in results:
        by = groups[(r.shape, r.rows)]
        if r.failed or r.median is None:
            lines.append(f"| {r.shape} | {r.rows:,} | {r.contender} | failed | | | | | | |")
            continue
        ratio = _ratio(r, by)
        mism = "" if r.mismatches is None else f"{r.mismatches} of {r.cells:,}"
        if r.compared_with == r.contender:
            mism = "(reference)"
        lines.append(
            f"| {r.shape} | {r.rows:,} | {r.contender} | {r.median:.2f} | "
            f"{', '.join(f'{x.wall:.2f}' for x in r.runs)} | "
            f"{'' if ratio is None else f'{ratio:.2f}'} | {max(x.peak_bytes for x in r.runs) / 2**30:.2f} | "
            f"{'' if r.rows_out is None else f'{r.rows_out:,}'} | "
            f"{'' if r.in_order is None else ('yes' if r.in_order else 'no')} | {mism} |"
        )
    return head + "\n".join(lines)


def to_json(results: list[Result], args: argparse.Namespace) -> dict[str, Any]:
    groups: dict[tuple[str, int], dict[str, Result]] = {}
    for r in results:
        groups.setdefault((r.shape, r.rows), {})[r.contender] = r
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return {
        "machine": {
            "cores": os.cpu_count(),
            "memoryBytes": mem,
            "python": platform.python_version(),
            "duckdb": duckdb.__version__,
        },
        "settings": {
            "runs": args.runs,
            "master": args.master,
            "driverMemory": args.driver_memory,
            "memoryLimit": args.memory_limit,
            "sampleRows": args.sample,
        },
        "results": [
            {
                "shape": r.shape,
                "rows": r.rows,
                "contender": r.contender,
                "status": "failed" if r.failed else "ok",
                "failure": r.failed,
                "medianWallSeconds": r.median,
                "wallSeconds": [x.wall for x in r.runs],
                "jobSeconds": [x.job_seconds for x in r.runs if x.job_seconds is not None],
                "ratioToHandwritten": _ratio(r, groups[(r.shape, r.rows)]),
                "peakMemoryBytes": [x.peak_bytes for x in r.runs],
                "rowsOut": r.rows_out,
                "inInputOrder": r.in_order,
                "comparedWith": r.compared_with,
                "mismatchingCells": r.mismatches,
                "comparedCells": r.cells,
                "mismatchExamples": r.examples,
                "notes": r.notes,
            }
            for r in results
        ],
    }


def ensure_data(shape: str, rows: int, root: Path) -> Path:
    data = root / f"{shape}-{rows}"
    done = data / ".complete"
    if not done.is_file():
        t = time.perf_counter()
        GENERATORS[shape](rows, data)
        done.write_text("ok\n", encoding="utf-8")
        print(f"generated {shape} {rows} rows in {time.perf_counter() - t:.1f} s ({data})", file=sys.stderr)
    return data


def main() -> None:
    parser = argparse.ArgumentParser(
        description=(__doc__ or "").splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--shape", choices=["seed", "recon", "all"], default="all")
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--contenders", nargs="+", choices=CONTENDERS, default=list(CONTENDERS))
    parser.add_argument("--memory-limit", default=None, help="DuckDB contenders' memory limit, e.g. 2GB")
    parser.add_argument("--master", default="local[*]", help="Spark contenders' master")
    parser.add_argument("--driver-memory", default="8g", help="Spark contenders' driver memory")
    parser.add_argument("--data", default="/tmp/sheetscale-bench", help="generated data and results go here")
    parser.add_argument("--sample", type=int, default=2000, help="rows compared cell by cell")
    parser.add_argument("--json", default=None, help="also write the results as JSON here")
    args = parser.parse_args()
    shapes = ["seed", "recon"] if args.shape == "all" else [args.shape]
    contenders = [c for c in CONTENDERS if c in args.contenders]
    results: list[Result] = []
    for shape in shapes:
        for rows in args.rows:
            data = ensure_data(shape, rows, Path(args.data))
            config = data / f"{shape}.config.json"
            config.write_text(json.dumps(CONFIGS[shape](), indent=1), encoding="utf-8")
            work = data / "out"
            group = [Result(shape, rows, c) for c in contenders]
            for run in range(args.runs):
                print(f"{shape} {rows} rows, run {run + 1}/{args.runs}", file=sys.stderr)
                for res in group:
                    if not res.failed:
                        run_once(res, data=data, config=config, work=work, run=run, args=args)
            check(group, shape, work, args.sample)
            for res in group:
                for e in res.examples[:3]:
                    print(f"  {res.contender} mismatch: {e}", file=sys.stderr)
            results += group
    report = table(results)
    print(report)
    notes = [f"- {r.shape} {r.rows:,} {r.contender}: {n}" for r in results for n in r.notes]
    notes += [f"- {r.shape} {r.rows:,} {r.contender}: {r.failed}" for r in results if r.failed]
    if notes:
        print("\n" + "\n".join(notes))
    if args.json:
        Path(args.json).write_text(
            json.dumps(to_json(results, args), indent=2, default=str), encoding="utf-8"
        )


if __name__ == "__main__":
    main()
