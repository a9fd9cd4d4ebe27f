"""The planner both lowerings share: which steps run together, and in which order.

- Consecutive formula steps form one *run*; inside it, a formula that reads another formula of the
  run goes one dependency level higher (each level is one projection). Inlining the referenced
  expression instead would copy it into every place that reads it, exponentially along a chain.
- Consecutive lookups of the same value in the same source (``=VLOOKUP(B2,Ref!A:D,2,0)``,
  ``…3,0)``, ``…4,0)``) are *fused*: one join answers them all.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any


def references(expr: Any) -> set[str]:
    """The names of the columns an Expr (or any JSON holding Exprs) refers to."""
    if isinstance(expr, dict):
        if expr.get("kind") == "column":
            return {str(expr.get("name"))}
        return set().union(*(references(v) for v in expr.values()))
    if isinstance(expr, list):
        return set().union(*(references(v) for v in expr))
    return set()


def lookup_group_key(step: dict[str, Any]) -> tuple[Any, ...]:
    """Lookups with equal group keys search the same rows for the same value in the same way."""
    return (
        step["source"],
        step["keyColumn"],
        json.dumps(step["key"], sort_keys=True),
        step["match"],
        step.get("search", "firstToLast"),
    )


def lookup_fusable(group: list[dict[str, Any]], step: dict[str, Any]) -> bool:
    """Whether ``step`` can join ``group`` (consecutive lookups) in ONE join with the source.

    Only exact and wildcard matches are fused, and not when the step reads a column the group
    makes (its key or ifNotFound would need it first).
    """
    if step["op"] != "lookup" or not group or group[0]["op"] != "lookup":
        return False
    if step["match"] not in ("exact", "wildcard") or lookup_group_key(step) != lookup_group_key(group[0]):
        return False
    made = {g["column"] for g in group}
    return not (references(step["key"]) | references(step.get("ifNotFound")) | {step["column"]}) & made


def step_runs(steps: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    """Steps grouped so that consecutive formula steps come together, and so do consecutive
    lookups that one join can answer."""
    run: list[dict[str, Any]] = []
    for step in steps:
        formulas = step["op"] == "formula" and run and run[0]["op"] == "formula"
        if formulas or lookup_fusable(run, step):
            run.append(step)
            continue
        if run:
            yield run
        run = [step]
    if run:
        yield run


def formula_levels(run: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """A run of formula steps split by dependency level (level 0 reads no formula of the run)."""
    level: dict[str, int] = {}
    for step in run:
        deps = [level[r] for r in references(step["expr"]) if r in level]
        level[step["column"]] = 1 + max(deps) if deps else 0
    top = max(level.values(), default=-1)
    return [[s for s in run if level[s["column"]] == d] for d in range(top + 1)]


def used_sources(config: dict[str, Any]) -> list[str]:
    """The main source first, then every source a step reads, in order of first use."""
    used = [config["main"]]
    for step in config["steps"]:
        for name in [step.get("source"), *step.get("sources", [])]:
            if isinstance(name, str) and name not in used:
                used.append(name)
    return used
