"""Build what an EMR step (or EMR Serverless job run) needs.

    python -m sheetscale_engine.spark.package OUTDIR


OUTDIR/job.py                  the spark-submit entry point (a small file, no engine code)
OUTDIR/sheetscale_engine.zip   the engine package plus the contract files (schema/config.schema.json,
                               schema/functions.json) in the repository's layout

Submit with, e.g.::

    spark-submit --deploy-mode cluster --py-files s3://bucket/engine/sheetscale_engine.zip \\
        s3://bucket/engine/job.py --config s3://bucket/jobs/J/config.json \\
        --input ledger=s3://bucket/data/ledger/ --output s3://bucket/jobs/J/out

The entry point unpacks the zip into a temporary folder laid out like the repository
(``spark/sheetscale_engine``, ``schema/``) so that every module finds the contract files exactly as
it does in a checkout. Only the driver imports the engine: it builds native Spark expressions, so
executors run no Python. The driver's Python needs pyspark's version of Spark (EMR 7.12/7.13: Spark
3.5.6), Python 3.11 and jsonschema (see docs/engine.md).
"""

from __future__ import annotations

import argparse
import sys
import zipfile
from pathlib import Path
from typing import Final

# The whole engine package (core, both lowerings): this file is sheetscale_engine/spark/package.py.
PACKAGE_DIR: Final = Path(__file__).resolve().parents[1]
REPO_ROOT: Final = PACKAGE_DIR.parents[1]
SCHEMA_FILES: Final = ("config.schema.json", "functions.json")

ENTRY_POINT: Final = '''"""sheetscale job entry point for spark-submit (made by the engine's package builder).

Unpacks sheetscale_engine.zip (given with --py-files, or next to this file) into a temporary folder
in the repository's layout and runs sheetscale_engine.job.main() with Spark as the engine.
"""
import os
import sys
import tempfile
import zipfile

ZIP_NAME = "sheetscale_engine.zip"


def _find_zip():
    for entry in sys.path:
        if entry.endswith(ZIP_NAME) and os.path.isfile(entry):
            return entry
    for folder in (os.path.dirname(os.path.abspath(__file__)), os.getcwd()):
        candidate = os.path.join(folder, ZIP_NAME)
        if os.path.isfile(candidate):
            return candidate
    raise SystemExit("sheetscale: " + ZIP_NAME + " not found: pass it with spark-submit --py-files")


def _unpack():
    archive = _find_zip()
    target = tempfile.mkdtemp(prefix="sheetscale-")
    with zipfile.ZipFile(archive) as z:
        z.extractall(target)
    sys.path.insert(0, os.path.join(target, "spark"))
    sys.path[:] = [p for p in sys.path if not p.endswith(ZIP_NAME)]


if __name__ == "__main__":
    _unpack()
    from sheetscale_engine.job import main

    # On EMR the data is beyond one machine: Spark, whatever --engine says by default.
    sys.exit(main(default_engine="spark"))
'''


def build(outdir: Path) -> tuple[Path, Path]:
    """Write OUTDIR/job.py and OUTDIR/sheetscale_engine.zip; returns their paths."""
    outdir.mkdir(parents=True, exist_ok=True)
    entry = outdir / "job.py"
    entry.write_text(ENTRY_POINT, encoding="utf-8")
    archive = outdir / "sheetscale_engine.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for path in sorted(PACKAGE_DIR.rglob("*")):
            if path.is_dir() or "__pycache__" in path.parts or path.suffix in (".pyc", ".pyo"):
                continue
            z.write(path, f"spark/sheetscale_engine/{path.relative_to(PACKAGE_DIR).as_posix()}")
        for name in SCHEMA_FILES:
            source = REPO_ROOT / "schema" / name
            z.write(source, f"schema/{name}")
            # Also as package data, where sheetscale_engine.config.resources looks first.
            z.write(source, f"spark/sheetscale_engine/config/schema/{name}")
    return entry, archive


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sheetscale_engine.spark.package", description=__doc__.splitlines()[0]
    )
    parser.add_argument("outdir", help="folder to write job.py and sheetscale_engine.zip to")
    args = parser.parse_args(argv)
    entry, archive = build(Path(args.outdir))
    print(f"{entry}\n{archive}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
