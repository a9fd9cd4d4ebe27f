"""Config issues: a place in the config (``steps[3].expr.args[1]``) and a reason in words.

Formats, sorts and words issues exactly like src/config/issues.ts; the shared fixtures under
test/fixtures/configs prove both validators agree.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cmp_to_key

PathSegment = str | int
ROOT_PATH = "(root)"
_IDENTIFIER = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")


@dataclass(frozen=True)
class ConfigIssue:
    """One problem found in a config. ``path`` is ``(root)`` for the config itself."""

    path: str
    message: str

    def __str__(self) -> str:
        return format_issue(self)


@dataclass(frozen=True)
class RawIssue:
    """An issue found while walking the config; sorted by its segments before it is formatted."""

    segments: tuple[PathSegment, ...]
    message: str


def format_path(segments: Sequence[PathSegment]) -> str:
    """``("steps", 3, "expr")`` → ``steps[3].expr``; ``()`` → ``(root)``."""
    if not segments:
        return ROOT_PATH
    out = ""
    for seg in segments:
        if isinstance(seg, int):
            out += f"[{seg}]"
        elif _IDENTIFIER.match(seg):
            out += seg if out == "" else f".{seg}"
        else:
            out += f"[{json.dumps(seg, ensure_ascii=False)}]"
    return out


def format_issue(issue: ConfigIssue) -> str:
    """``"<path>: <message>"``, the one way an issue is shown."""
    return f"{issue.path}: {issue.message}"


def _compare_segments(a: Sequence[PathSegment], b: Sequence[PathSegment]) -> int:
    for x, y in zip(a, b, strict=False):
        if isinstance(x, int) and isinstance(y, int):
            if x != y:
                return -1 if x < y else 1
        elif isinstance(x, int):
            return -1
        elif isinstance(y, int):
            return 1
        elif x != y:
            return -1 if x < y else 1
    return len(a) - len(b)


def _compare(a: RawIssue, b: RawIssue) -> int:
    by_segments = _compare_segments(a.segments, b.segments)
    if by_segments != 0:
        return by_segments
    return 0 if a.message == b.message else (-1 if a.message < b.message else 1)


def finish_issues(raw: Iterable[RawIssue]) -> list[ConfigIssue]:
    """Deduplicated, sorted by path (indexes numerically) then message, and formatted."""
    out: list[ConfigIssue] = []
    previous = ""
    for issue in sorted(raw, key=cmp_to_key(_compare)):
        formatted = ConfigIssue(format_path(issue.segments), issue.message)
        key = format_issue(formatted)
        if key == previous:
            continue
        previous = key
        out.append(formatted)
    return out
