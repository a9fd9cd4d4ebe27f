"""Which engine runs a job: ``--engine auto|duckdb|spark``.

The rule of ``auto`` (documented in README and docs/engine.md):

- every input is on this machine (a path or ``file://``) → **DuckDB**. DuckDB streams its inputs and
  spills to disk under its memory limit, so local data of any size that fits the disk runs there,
  and one machine beats a Spark cluster on one machine by a wide margin (docs/performance.md) —
  unless the local inputs add up to more than ``SHEETSCALE_DUCKDB_MAX_BYTES`` (default 200 GB),
  past which one machine's disk and time stop being sane and Spark is the better choice;
- any input elsewhere (``s3://``, ``hdfs://``...) → **Spark**: the data lives where a cluster reads it.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

ENGINES: Final = ("auto", "duckdb", "spark")
DEFAULT_DUCKDB_MAX_BYTES: Final = 200 * 1024**3


@dataclass(frozen=True)
class EngineChoice:
    engine: str  # "duckdb" or "spark"
    reason: str  # why, for summary.json and the log
    input_bytes: int | None = None


def is_local_uri(uri: str) -> bool:
    return "://" not in uri or uri.startswith("file://")


def local_path(uri: str) -> str:
    return uri[len("file://") :] if uri.startswith("file://") else uri


def local_input_bytes(uris: Sequence[str]) -> int:
    """Total size of the files a binding names (a file, a folder's files, or a glob)."""
    total = 0
    for uri in uris:
        path = local_path(uri)
        if os.path.isdir(path):
            for root, _dirs, files in os.walk(path):
                total += sum(os.path.getsize(os.path.join(root, f)) for f in files)
        elif any(ch in path for ch in "*?["):
            total += sum(os.path.getsize(p) for p in glob.glob(path) if os.path.isfile(p))
        elif os.path.isfile(path):
            total += os.path.getsize(path)
    return total


def duckdb_max_bytes() -> int:
    raw = os.environ.get("SHEETSCALE_DUCKDB_MAX_BYTES")
    if raw is None or not raw.strip():
        return DEFAULT_DUCKDB_MAX_BYTES
    return int(raw)


def choose_engine(requested: str, bindings: Mapping[str, Sequence[str]]) -> EngineChoice:
    """The engine for a job whose sources are bound to ``bindings`` (name → URIs)."""
    if requested == "duckdb":
        return EngineChoice("duckdb", "asked for (--engine duckdb)")
    if requested == "spark":
        return EngineChoice("spark", "asked for (--engine spark)")
    if requested != "auto":
        raise ValueError(f"--engine must be one of {', '.join(ENGINES)}, got {requested!r}")
    uris = [u for us in bindings.values() for u in us]
    remote = [u for u in uris if not is_local_uri(u)]
    if remote:
        return EngineChoice("spark", f"auto: input {remote[0]} is not on this machine")
    size = local_input_bytes(uris)
    limit = duckdb_max_bytes()
    if size > limit:
        return EngineChoice(
            "spark",
            f"auto: the inputs hold {size:,} bytes, more than SHEETSCALE_DUCKDB_MAX_BYTES ({limit:,})",
            size,
        )
    return EngineChoice("duckdb", f"auto: every input is on this machine ({size:,} bytes)", size)
