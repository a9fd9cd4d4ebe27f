"""Explain a config as readable PySpark: one block per step, with the step's Excel formula and cell.

    python -m sheetscale_engine.spark.explain CONFIG.json

The output is for a person to follow (and to review what the engine will do), not a program to run:
each Excel value is the engine's XV struct (kind, number, text, logical), and the helpers named
here (to_number, general_text, criteria.matches...) are the engine's own native Spark expressions.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sheetscale_engine.spark.criteria import describe as describe_criterion

_OPS = {
    "+": "+",
    "-": "-",
    "*": "*",
    "/": "/",
    "^": "^",
    "&": "&",
    "=": "=",
    "<>": "<>",
    "<": "<",
    ">": ">",
    "<=": "<=",
    ">=": ">=",
}


def expr_text(e: Mapping[str, Any]) -> str:
    """An Expr as an Excel-like formula (column refs as [Name])."""
    kind = e.get("kind")
    if kind == "number":
        v = e["value"]
        return str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)
    if kind == "text":
        return '"' + str(e["value"]).replace('"', '""') + '"'
    if kind == "logical":
        return "TRUE" if e["value"] else "FALSE"
    if kind == "blank":
        return ""
    if kind == "error":
        return str(e["value"])
    if kind == "column":
        return f"[{e['name']}]"
    if kind == "unary":
        inner = expr_text(e["arg"])
        return f"{inner}%" if e["op"] == "%" else f"{e['op']}{inner}"
    if kind == "binary":
        return f"({expr_text(e['left'])}{_OPS.get(e['op'], e['op'])}{expr_text(e['right'])})"
    if kind == "call":
        return f"{e['name']}({','.join(expr_text(a) for a in e.get('args', []))})"
    return f"<{kind}>"


def _comment(step: Mapping[str, Any]) -> list[str]:
    prov = step.get("provenance", {})
    where = prov.get("sheet", "?")
    if prov.get("cell"):
        where += f"!{prov['cell']}"
    elif prov.get("range"):
        where += f"!{prov['range']}"
    lines = [f"# step {step.get('id')} ({step.get('op')}) from {where}"]
    if prov.get("formula"):
        lines.append(f"#   Excel: {prov['formula']}")
    if prov.get("action"):
        lines.append(f"#   Excel action: {prov['action']}")
    return lines


def _q(name: str) -> str:
    return json.dumps(name)


def explain_step(step: Mapping[str, Any]) -> list[str]:
    op = step.get("op")
    out = _comment(step)
    if op == "formula":
        out += [
            f"#   per row: {expr_text(step['expr'])}",
            "#   compiled into native column expressions (no UDF); helper values as __b columns,",
            "#   errors as values, blank→0 as a formula result",
            f"df = add_expr_columns(df, [({_q(step['column'])}, expr)], columns)",
        ]
    elif op == "lookup":
        match = step.get("match", "exact")
        out += [
            f"#   key {expr_text(step['key'])} looked up in {step.get('source')}.{step.get('keyColumn')} ({match})",  # noqa: E501
            "lookup = (spark.read.table(" + _q(str(step.get("source"))) + ")",
            f"          .withColumn('__key', match_key(F.col({_q(str(step.get('keyColumn')))})))",
            "          .orderBy('__row').dropDuplicates(['__key']))   # first match in sheet order",
        ]
        if match == "approximate":
            out.append("# approximate: largest key <= value (sorted as-of join), #N/A below the smallest key")
        out += [
            "df = df.join(F.broadcast(lookup), on='__key', how='left')   # rows never multiply",
            f"df = df.withColumn({_q(step['column'])}, F.coalesce(F.col({_q(str(step.get('returnColumn')))}), "  # noqa: E501
            "xv_error('#N/A')))",
        ]
    elif op == "conditionalAggregate":
        crits = []
        for c in step.get("criteria", []):
            crit = c["criterion"]
            words = (
                describe_criterion(crit["value"])
                if crit.get("kind") in ("text", "number")
                else expr_text(crit)
            )
            crits.append(f"{c['column']} {words}")
        out += [
            f"#   {step.get('function')} over {step.get('source')} where " + " and ".join(crits),
            f"agg = source.where(criteria.matches(...)).groupBy(criteria keys).agg(...)   # "
            f"value column: {step.get('valueColumn', '(count)')}",
            "df = df.join(F.broadcast(agg), on=criteria keys, how='left')   # aggregate-then-join",
        ]
    elif op == "filter":
        out.append(f"df = df.where(<AutoFilter conditions: {json.dumps(step.get('conditions'))}>)")
    elif op == "sort":
        keys = ", ".join(
            f"*sort_keys(F.col({_q(str(k.get('column')))}), descending={k.get('order') == 'descending'})"
            for k in step.get("keys", [])
        )
        out.append(f"df = df.orderBy({keys}, '__row')   # stable; blanks last both ways")
    elif op == "removeDuplicates":
        cols = ", ".join(_q(str(c)) for c in step.get("columns", []))
        out.append(f"df = keep_first(df, by=[match_key(c) for c in [{cols}]], order='__row')")
    elif op == "pivot":
        out.append(
            "pivot = df.groupBy(rows).pivot(columns).agg(...)   # Sum or Count by field, '(blank)' labels, "
            "grand totals"
        )
    elif op == "group":
        out.append("df = df.groupBy(keys).agg(...)   # groups in order of first appearance")
    elif op in ("selectColumns", "renameColumns", "deleteColumns"):
        out.append(
            f"df = df.select(...)   # {op}: {json.dumps({k: v for k, v in step.items() if k not in ('op', 'id', 'provenance')})}"  # noqa: E501
        )
    elif op == "append":
        out.append(
            f"df = df.unionByName(read({_q(str(step.get('source')))}))   # rows appended after, __row continues"  # noqa: E501
        )
    else:
        out.append(f"# ({op}: see the engine's ops)")
    return out


def explain_config(config: Mapping[str, Any]) -> str:
    lines = [
        f"# sheetscale config {config.get('name', '')} (version {config.get('version')}), "
        f"main source: {config.get('main')}",
        "from pyspark.sql import functions as F",
        "from sheetscale_engine.spark.values import match_key, sort_keys, xv_error",
        "from sheetscale_engine.spark.expressions import add_expr_columns",
        "from sheetscale_engine import criteria",
        "",
    ]
    for src in config.get("sources", []):
        cols = ", ".join(f"{c['name']}: {c['type']}" for c in src.get("columns", []))
        lines.append(f"# source {src['name']} ({src.get('format', {}).get('type', '?')}): {cols}")
    lines.append(f"df = read({_q(str(config.get('main')))})   # explicit schema, __row = source order")
    lines.append("")
    steps: Sequence[Mapping[str, Any]] = config.get("steps", [])
    for step in steps:
        lines += explain_step(step)
        lines.append("")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print("usage: python -m sheetscale_engine.spark.explain CONFIG.json", file=sys.stderr)
        return 2
    path = Path(args[0])
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        print(f"cannot read config {path}: {e}", file=sys.stderr)
        return 1
    print(explain_config(config))
    return 0


if __name__ == "__main__":
    sys.exit(main())
