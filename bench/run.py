"""Run the benchmark: generate the data (once), run the job N times, report medians.

    spark/.venv/bin/python bench/run.py --rows 1000000 --runs 3

Each run is the real entry point (python -m sheetscale_engine.job) in a fresh process, so the
times include Spark's start-up; the report gives wall time, the job's own timings from
summary.json, and rows per second per core.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402
from workload import config  # noqa: E402

SPARK_DIR = HERE.parent / "spark"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--data", default="/tmp/sheetscale-bench")
    parser.add_argument("--master", default="local[*]")
    parser.add_argument("--driver-memory", default="8g")
    args = parser.parse_args()
    data = Path(args.data) / str(args.rows)
    if not (data / "transactions.csv").is_file():
        t = time.perf_counter()
        generate(args.rows, data)
        print(f"generated {args.rows} rows in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    cfg = data / "bench.config.json"
    cfg.write_text(json.dumps(config()), encoding="utf-8")
    cores = os.cpu_count() or 1
    walls: list[float] = []
    jobs: list[float] = []
    for run in range(args.runs):
        out = data / f"out-{run}"
        cmd = [
            sys.executable,
            "-m",
            "sheetscale_engine.job",
            "--config",
            str(cfg),
            "--input",
            f"transactions={data / 'transactions.csv'}",
            "--input",
            f"reference={data / 'reference.csv'}",
            "--output",
            str(out),
            "--master",
            args.master,
        ]
        env = {**os.environ, "PYSPARK_SUBMIT_ARGS": f"--driver-memory {args.driver_memory} pyspark-shell"}
        t = time.perf_counter()
        proc = subprocess.run(
            cmd, cwd=SPARK_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
        )
        wall = time.perf_counter() - t
        summary_path = out / "summary.json"
        if proc.returncode != 0 or not summary_path.is_file():
            print(f"run {run}: failed (exit {proc.returncode}); see {out / 'error.json'}", file=sys.stderr)
            sys.exit(1)
        summary = json.loads(summary_path.read_text(encoding="utf-8"))
        walls.append(wall)
        jobs.append(float(summary["timings"]["totalSeconds"]))
        print(
            f"run {run}: wall {wall:.1f} s, job {summary['timings']}, rows {summary['rowCount']}",
            file=sys.stderr,
        )
    wall_median = statistics.median(walls)
    report = {
        "rows": args.rows,
        "runs": args.runs,
        "cores": cores,
        "formulaColumns": 49,
        "lookups": 3,
        "medianWallSeconds": round(wall_median, 1),
        "medianJobSeconds": round(statistics.median(jobs), 1),
        "rowsPerSecondPerCore": round(args.rows / wall_median / cores),
        "walls": [round(w, 1) for w in walls],
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
