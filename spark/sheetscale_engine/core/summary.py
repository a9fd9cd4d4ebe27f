"""summary.json and error.json: what every engine leaves at its output location (the engine contract).

Both lowerings fill the same document from their own metrics objects, which only need the fields
of the protocols below.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Protocol

from sheetscale_engine.errors import EngineError


class StepMetricsLike(Protocol):
    step: dict[str, Any]
    rows_in: int | None
    rows_out: int | None
    errors: dict[str, int]
    extra: dict[str, int]
    seconds: float


class PivotLike(Protocol):
    name: str
    header: list[Any]
    rows: list[list[Any]]


class BadRowExample(Protocol):
    def to_json(self) -> dict[str, Any]: ...


class SourceLike(Protocol):
    @property
    def bad_count(self) -> int: ...

    @property
    def examples(self) -> Sequence[BadRowExample]: ...


def iso(t: dt.datetime) -> str:
    return t.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def step_json(m: StepMetricsLike) -> dict[str, Any]:
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
    # Spark runs all steps in one pass: its steps' own times cannot be measured (this is the time
    # to plan them; see timings for the run).
    out["seconds"] = round(m.seconds, 3)
    return out


def build_summary(
    *,
    config: dict[str, Any],
    config_hash: str,
    engine: str,
    engine_version: str,
    engine_reason: str = "",
    started: dt.datetime,
    finished: dt.datetime,
    today: dt.date,
    row_count: int,
    columns: list[tuple[str, str]],
    first_rows: list[list[Any]],
    totals: dict[str, Any],
    pivots: Sequence[PivotLike],
    steps: Sequence[StepMetricsLike],
    sources: Sequence[SourceLike],
    timings: dict[str, float],
    result_format: str,
    encodings: dict[str, str],
) -> dict[str, Any]:
    examples = [e.to_json() for s in sources for e in s.examples][:10]
    return {
        "status": "succeeded",
        "engine": engine,
        "engineReason": engine_reason,
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
