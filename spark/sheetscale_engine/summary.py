"""summary.json and error.json: what a job leaves at its output location (see the engine contract)."""

from __future__ import annotations

import datetime as dt
import json
import os
from typing import Any

from pyspark.sql import SparkSession

from sheetscale_engine.errors import EngineError
from sheetscale_engine.reader import SourceTable
from sheetscale_engine.table import PivotResult, StepMetrics


def iso(t: dt.datetime) -> str:
    return t.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def step_json(m: StepMetrics) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": m.step.get("id"),
        "op": m.step.get("op"),
        "rowsIn": m.rows_in,
        "rowsOut": m.rows_out,
    }
    if m.step.get("op") == "lookup":
        out["unmatched"] = m.extra.get("unmatched", 0)
        out["duplicateKeys"] = m.extra.get("duplicateKeys", 0)
    out["errors"] = m.errors
    # Spark runs all steps in one pass: a step's own time cannot be measured; this is the time it
    # took to plan it (see timings for the run).
    out["seconds"] = round(m.seconds, 3)
    return out


def build_summary(
    *,
    config: dict[str, Any],
    config_hash: str,
    engine_version: str,
    started: dt.datetime,
    finished: dt.datetime,
    today: dt.date,
    row_count: int,
    columns: list[tuple[str, str]],
    first_rows: list[list[Any]],
    totals: dict[str, Any],
    pivots: list[PivotResult],
    steps: list[StepMetrics],
    sources: list[SourceTable],
    timings: dict[str, float],
    result_format: str,
    encodings: dict[str, str],
) -> dict[str, Any]:
    examples = [e.to_json() for s in sources for e in s.examples][:10]
    return {
        "status": "succeeded",
        "engine": "spark",
        "engineVersion": engine_version,
        "configVersion": config.get("version", 1),
        "configHash": config_hash,
        "startedAt": iso(started),
        "finishedAt": iso(finished),
        "today": today.isoformat(),
        "rowCount": row_count,
        "columns": [{"name": n, "type": t} for n, t in columns],
        "firstRows": first_rows,
        "totals": totals,
        "pivots": [{"name": p.name, "header": p.header, "rows": p.rows} for p in pivots],
        "steps": [step_json(m) for m in steps],
        "badRows": {"count": sum(s.bad_count for s in sources), "examples": examples},
        "timings": {k: round(v, 3) for k, v in timings.items()},
        "result": {"format": result_format, "path": "result", "rowCount": row_count, "encodings": encodings},
    }


def build_error(error: EngineError, started: dt.datetime, failed: dt.datetime) -> dict[str, Any]:
    return {
        "status": "failed",
        "code": error.code,
        "message": error.message,
        "step": error.step,
        "location": error.location.to_json() if error.location else None,
        "hint": error.hint,
        "startedAt": iso(started),
        "failedAt": iso(failed),
    }


def is_local(uri: str) -> bool:
    return "://" not in uri or uri.startswith("file://")


def local_path(uri: str) -> str:
    return uri[len("file://") :] if uri.startswith("file://") else uri


def write_json(spark: SparkSession | None, directory: str, name: str, document: dict[str, Any]) -> None:
    """Write a small JSON file next to the result: plain files locally, Hadoop's FileSystem (S3 on
    EMR through EMRFS) otherwise."""
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    if is_local(directory):
        base = local_path(directory)
        os.makedirs(base, exist_ok=True)
        tmp = os.path.join(base, f".{name}.tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, os.path.join(base, name))
        return
    if spark is None:
        raise RuntimeError(f"cannot write {name} to {directory} without a Spark session")
    jvm: Any = spark.sparkContext._jvm  # py4j gateway: untyped
    conf = spark.sparkContext._jsc.hadoopConfiguration()
    path = jvm.org.apache.hadoop.fs.Path(directory.rstrip("/") + "/" + name)
    fs = path.getFileSystem(conf)
    stream = fs.create(path, True)
    try:
        stream.write(bytearray(text.encode("utf-8")))
    finally:
        stream.close()


def read_text(spark: SparkSession | None, uri: str) -> bytes:
    """A small file (the config) from a local path or a URI Hadoop can read (s3:// on EMR)."""
    if is_local(uri):
        with open(local_path(uri), "rb") as f:
            return f.read()
    if spark is None:
        raise RuntimeError(f"cannot read {uri} without a Spark session")
    jvm: Any = spark.sparkContext._jvm  # py4j gateway: untyped
    conf = spark.sparkContext._jsc.hadoopConfiguration()
    path = jvm.org.apache.hadoop.fs.Path(uri)
    fs = path.getFileSystem(conf)
    stream = fs.open(path)
    try:
        data = jvm.org.apache.commons.io.IOUtils.toByteArray(stream)
    finally:
        stream.close()
    return bytes(data)
