"""The closed list of supported Excel functions, read from schema/functions.json (never copied)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from sheetscale_engine.config.resources import functions_document

CATEGORIES = ("logical", "information", "math", "text", "date", "table")


@dataclass(frozen=True)
class FunctionSpec:
    name: str
    category: str
    min_args: int
    max_args: int
    becomes_step: str | None = None  # 'lookup' | 'conditionalAggregate' for table functions
    pinned_to_run_start: bool = False  # TODAY/NOW: evaluated once, at the start of the run

    @property
    def is_scalar(self) -> bool:
        return self.category != "table"


@cache
def functions() -> tuple[FunctionSpec, ...]:
    """Every supported function, in the file's order."""
    entries = functions_document().get("functions")
    if not isinstance(entries, list):
        raise ValueError('schema/functions.json: "functions" must be a list')
    out: list[FunctionSpec] = []
    for i, entry in enumerate(entries):
        where = f"schema/functions.json: functions[{i}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise ValueError(f"{where} must be an object with a name")
        if entry.get("category") not in CATEGORIES:
            raise ValueError(f"{where}.category must be one of {', '.join(CATEGORIES)}")
        becomes = entry.get("becomesStep")
        if becomes not in (None, "lookup", "conditionalAggregate"):
            raise ValueError(f"{where}.becomesStep is not a step op")
        out.append(
            FunctionSpec(
                name=entry["name"],
                category=entry["category"],
                min_args=int(entry["minArgs"]),
                max_args=int(entry["maxArgs"]),
                becomes_step=becomes,
                pinned_to_run_start=entry.get("pinnedToRunStart") is True,
            )
        )
    return tuple(out)


@cache
def _by_name() -> dict[str, FunctionSpec]:
    return {f.name: f for f in functions()}


def get_function(name: str) -> FunctionSpec | None:
    """The function of that (upper-case) name, or None when it is not supported."""
    return _by_name().get(name)


def is_scalar_function(name: str) -> bool:
    spec = get_function(name)
    return spec is not None and spec.is_scalar
