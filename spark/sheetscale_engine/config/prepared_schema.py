"""The schema as both validators run it; mirrors src/config/preparedSchema.ts.

Each discriminated ``oneOf`` union (Step by ``op``, Expr by ``kind``, SourceFormat by ``type``,
FilterCondition by ``filterOn``) becomes an equivalent if/then chain keyed by the discriminator, so
that only the errors of the branch the config chose are reported.
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from sheetscale_engine.config.resources import config_schema

DISCRIMINATOR_KEYWORD = "x-discriminator"
_MISSING = object()


def _resolve_local(schema: dict[str, Any], node: Any) -> dict[str, Any]:
    if isinstance(node, dict) and isinstance(node.get("$ref"), str):
        prefix = "#/$defs/"
        ref: str = node["$ref"]
        if not ref.startswith(prefix):
            raise ValueError(f"unsupported $ref {ref}")
        target = schema["$defs"].get(ref[len(prefix) :])
        if not isinstance(target, dict):
            raise ValueError(f"unresolved $ref {ref}")
        return target
    if not isinstance(node, dict):
        raise ValueError("oneOf branch is not a schema object")
    return node


def _discriminator_values(branch: dict[str, Any], prop: str) -> list[Any] | None:
    required = branch.get("required")
    props = branch.get("properties")
    if not isinstance(required, list) or prop not in required or not isinstance(props, dict):
        return None
    p = props.get(prop)
    if not isinstance(p, dict):
        return None
    if "const" in p:
        return [p["const"]]
    if isinstance(p.get("enum"), list):
        return list(p["enum"])
    return None


def prepare_schema(original: dict[str, Any]) -> dict[str, Any]:
    """The rewritten schema (a deep copy; the original is untouched)."""
    schema = copy.deepcopy(original)
    defs: dict[str, Any] = schema["$defs"]
    for name, definition in list(defs.items()):
        if not isinstance(definition, dict) or not isinstance(definition.get("oneOf"), list):
            continue
        refs: list[Any] = definition["oneOf"]
        branches = [_resolve_local(schema, b) for b in refs]
        first_required = branches[0].get("required", []) if branches else []
        prop = next(
            (
                p
                for p in first_required
                if isinstance(p, str) and all(_discriminator_values(b, p) is not None for b in branches)
            ),
            None,
        )
        if prop is None:
            raise ValueError(f"$defs.{name}: oneOf without a discriminating property")
        values: list[Any] = []
        chain: list[Any] = []
        for branch_ref, branch in zip(refs, branches, strict=True):
            own = _discriminator_values(branch, prop) or []
            values.extend(own)
            test = {"const": own[0]} if len(own) == 1 else {"enum": own}
            chain.append(
                {"if": {"type": "object", "required": [prop], "properties": {prop: test}}, "then": branch_ref}
            )
        rewritten = {k: v for k, v in definition.items() if k != "oneOf"}
        rewritten["type"] = "object"
        rewritten["required"] = [prop]
        rewritten["properties"] = {prop: {"enum": values, DISCRIMINATOR_KEYWORD: True}}
        rewritten["allOf"] = chain
        defs[name] = rewritten
    return schema


@cache
def prepared_schema() -> dict[str, Any]:
    return prepare_schema(config_schema())
