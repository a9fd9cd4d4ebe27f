"""Progress as JSON lines on stdout: the only thing the job prints there (logs go to stderr)."""

from __future__ import annotations

import json
import sys
from typing import Literal, TextIO

Phase = Literal["reading", "computing", "writing", "summarizing"]


class Progress:
    def __init__(self, out: TextIO | None = None) -> None:
        self.out = out if out is not None else sys.stdout

    def _emit(self, event: dict[str, object]) -> None:
        self.out.write(json.dumps(event, ensure_ascii=False) + "\n")
        self.out.flush()

    def report(self, phase: Phase, fraction: float, message: str) -> None:
        self._emit(
            {
                "event": "progress",
                "phase": phase,
                "fraction": round(max(0.0, min(1.0, fraction)), 3),
                "message": message,
            }
        )

    def done(self, succeeded: bool) -> None:
        self._emit({"event": "done", "status": "succeeded" if succeeded else "failed"})
