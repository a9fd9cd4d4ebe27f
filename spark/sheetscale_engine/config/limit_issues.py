"""Limits checked before the schema: size and expression shape; mirrors src/config/limitIssues.ts.

They run first because a config over them is not worth (and, for deep trees, not safe) validating
further: jsonschema recurses once per nesting level.
"""

from __future__ import annotations

from typing import Any

from sheetscale_engine.config.issues import PathSegment, RawIssue
from sheetscale_engine.config.words import js_number, quote


def _js_json(value: Any) -> str:
    """JSON.stringify(value): compact, numbers as JavaScript prints them (1.0 → 1)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return js_number(value)
    if isinstance(value, str):
        return quote(value)
    if isinstance(value, list):
        return "[" + ",".join(_js_json(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(f"{quote(str(k))}:{_js_json(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"not a JSON value: {type(value).__name__}")


def config_bytes(config: Any, text: str | bytes | None = None) -> int:
    """UTF-8 bytes of the config: its text when given text, else its JSON serialization."""
    if isinstance(text, bytes):
        return len(text)
    if isinstance(text, str):
        return len(text.encode("utf-8"))
    return len(_js_json(config).encode("utf-8"))


def _expression_roots(config: Any) -> list[tuple[tuple[PathSegment, ...], Any]]:
    roots: list[tuple[tuple[PathSegment, ...], Any]] = []
    steps = config.get("steps") if isinstance(config, dict) else None
    if not isinstance(steps, list):
        return roots
    for i, step in enumerate(steps):
        if not isinstance(step, dict):
            continue
        for key in ("expr", "key", "ifNotFound"):
            if key in step:
                roots.append((("steps", i, key), step[key]))
        criteria = step.get("criteria")
        if isinstance(criteria, list):
            for j, c in enumerate(criteria):
                if isinstance(c, dict) and "criterion" in c:
                    roots.append((("steps", i, "criteria", j, "criterion"), c["criterion"]))
    return roots


def expression_shape(root: Any) -> tuple[int, int]:
    """(depth, nodes) of an expression tree (a single node is 1 deep), without recursion."""
    depth = 0
    nodes = 0
    stack: list[tuple[Any, int]] = [(root, 1)]
    while stack:
        node, level = stack.pop()
        nodes += 1
        depth = max(depth, level)
        if not isinstance(node, dict):
            continue
        children = [node[k] for k in ("arg", "left", "right") if k in node]
        if isinstance(node.get("args"), list):
            children.extend(node["args"])
        stack.extend((child, level + 1) for child in children)
    return depth, nodes


def size_issues(size: int, limits: dict[str, int]) -> list[RawIssue]:
    if size <= limits["maxConfigBytes"]:
        return []
    return [RawIssue((), f"config is {size} bytes; the limit is {limits['maxConfigBytes']} bytes")]


def expression_limit_issues(config: Any, limits: dict[str, int]) -> list[RawIssue]:
    issues: list[RawIssue] = []
    for segments, node in _expression_roots(config):
        depth, nodes = expression_shape(node)
        if depth > limits["maxExpressionDepth"]:
            issues.append(
                RawIssue(
                    segments,
                    f"expression is nested {depth} levels deep; the limit is {limits['maxExpressionDepth']}",
                )
            )
        if nodes > limits["maxExpressionNodes"]:
            issues.append(
                RawIssue(
                    segments, f"expression has {nodes} nodes; the limit is {limits['maxExpressionNodes']}"
                )
            )
    return issues
