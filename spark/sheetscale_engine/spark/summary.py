"""Reading the config and writing summary.json/error.json through Hadoop's FileSystem (s3:// on EMR)."""

from __future__ import annotations

import json
import os
from typing import Any

from pyspark.sql import SparkSession

from sheetscale_engine.core.summary import build_error, build_summary, iso

__all__ = ["build_error", "build_summary", "iso", "read_text", "write_json"]


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
