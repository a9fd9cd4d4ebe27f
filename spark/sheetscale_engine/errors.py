"""Errors that fail a job, each carrying what error.json needs: a code, the step, the place, a hint.

An error *in a cell* (#N/A, #DIV/0!...) is a value and never one of these: only problems that stop
the whole job are (an invalid config, a missing input, a bad input row with onBadRow "fail", a
step that Spark cannot run).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, Literal

ErrorCode = Literal["CONFIG_INVALID", "SOURCE_NOT_FOUND", "BAD_INPUT_ROW", "STEP_FAILED", "INTERNAL"]

# The marker that a bad-row check raised inside Spark (raise_error) puts before its JSON details,
# so that the driver can recognise it in the Java exception text.
BAD_ROW_MARKER: Final = "SHEETSCALE_BAD_ROW:"


@dataclass
class Location:
    source: str
    file: str | None = None
    line: int | None = None
    column: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "file": self.file, "line": self.line, "column": self.column}


class EngineError(Exception):
    """A job failure a user can act on."""

    code: ErrorCode = "INTERNAL"

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        step: dict[str, Any] | None = None,
        location: Location | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.step = step
        self.location = location

    def with_step(self, step: dict[str, Any]) -> EngineError:
        if self.step is None:
            self.step = step
        return self


class ConfigInvalidError(EngineError):
    code: ErrorCode = "CONFIG_INVALID"


class SourceNotFoundError(EngineError):
    code: ErrorCode = "SOURCE_NOT_FOUND"


class BadInputRowError(EngineError):
    code: ErrorCode = "BAD_INPUT_ROW"


class StepFailedError(EngineError):
    code: ErrorCode = "STEP_FAILED"


def step_ref(step: dict[str, Any]) -> dict[str, Any]:
    """The step as error.json names it: id, op and where in the workbook it came from."""
    prov = step.get("provenance") or {}
    keep = ("sheet", "cell", "range", "formula", "action", "table")
    return {"id": step.get("id"), "op": step.get("op"), "provenance": {k: prov[k] for k in keep if k in prov}}


def describe_step(step: dict[str, Any]) -> str:
    """'step s3 (lookup, Ledger!F2 =VLOOKUP(...))' for messages."""
    prov = step.get("provenance") or {}
    where = prov.get("sheet", "")
    if prov.get("cell"):
        where += f"!{prov['cell']}"
    what = prov.get("formula") or prov.get("action") or ""
    detail = ", ".join(p for p in (step.get("op", ""), f"{where} {what}".strip()) if p)
    return f"step {step.get('id')} ({detail})"
