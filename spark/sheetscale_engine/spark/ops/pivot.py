"""PivotTable: a summary of the current rows, kept under its name; the flowing rows are unchanged.

Spark computes partial aggregates per (row items, column items) cell in one grouped aggregate;
the small result is laid out on the driver as Excel lays out a PivotTable in tabular form:

    header: [row field names..., column items (or value captions)..., "Grand Total"]
    rows:   one per row item combination, items sorted ascending as Excel does (numbers < text <
            logicals < errors, case-insensitive), "(blank)" for blank items (last),
            then a "Grand Total" row.

A value field without ``summarizeBy`` is summed when all its cells are numbers and counted
(non-blank cells, COUNTA) when any cell is text, a logical, an error or blank — one blank cell is
enough to make Excel pick Count — with Excel's captions "Sum of X" / "Count of X".
"""

from __future__ import annotations

import math
from typing import Any, Final

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F  # noqa: N812 (PySpark's convention)

from sheetscale_engine.spark import values as V  # noqa: N812
from sheetscale_engine.spark.names import col
from sheetscale_engine.spark.table import PivotResult, PlanContext, StepMetrics, Table

BLANK_LABEL: Final = "(blank)"
GRAND_TOTAL: Final = "Grand Total"

CAPTIONS: Final[dict[str, str]] = {
    "sum": "Sum",
    "count": "Count",
    "countNumbers": "Count",
    "average": "Average",
    "max": "Max",
    "min": "Min",
    "product": "Product",
    "standardDeviation": "StdDev",
    "standardDeviationP": "StdDevp",
    "variance": "Var",
    "varianceP": "Varp",
}


def _partials(xv: Column, i: int) -> list[Column]:
    n = F.when(V.is_number(xv), V.num(xv))
    return [
        F.sum(n).alias(f"sum{i}"),
        F.count(n).alias(f"cnum{i}"),
        F.count(F.when(~V.is_blank(xv), 1)).alias(f"call{i}"),
        F.count(F.when(~V.is_number(xv), 1)).alias(f"cother{i}"),
        F.max(n).alias(f"max{i}"),
        F.min(n).alias(f"min{i}"),
        F.product(n).alias(f"prod{i}"),
        F.sum(n * n).alias(f"sq{i}"),
        F.min_by(F.when(V.is_error(xv), V.text(xv)), F.when(V.is_error(xv), F.col("__row"))).alias(f"err{i}"),
    ]


def _label(value: Any) -> Any:
    """A collected XV item → the pivot label (JSON value encoding, blank → "(blank)")."""
    out = V.xv_to_json_value(value)
    return BLANK_LABEL if out is None else out


def _item_order(label: Any) -> tuple[int, Any]:
    if label == BLANK_LABEL:
        return (5, "")
    if isinstance(label, bool):
        return (3, label)
    if isinstance(label, (int, float)):
        return (1, label)
    if isinstance(label, dict):
        return (4, str(label.get("error")))
    return (2, str(label).lower())


def _finish(function: str, p: dict[str, Any]) -> Any:
    """Partials (summed over the cells of a pivot cell or total) → the shown value."""
    if p["err"] is not None and function not in ("count", "countNumbers"):
        return {"error": p["err"]}
    cnum = p["cnum"]
    # A pivot cell no value contributes to is shown empty (not 0).
    if (function == "count" and p["call"] == 0) or (function != "count" and cnum == 0):
        return None
    if function == "sum":
        return _num(p["sum"] or 0.0)
    if function == "count":
        return p["call"]
    if function == "countNumbers":
        return cnum
    if function == "average":
        return _num(p["sum"] / cnum)
    if function == "max":
        return _num(p["max"] if p["max"] is not None else 0.0)
    if function == "min":
        return _num(p["min"] if p["min"] is not None else 0.0)
    if function == "product":
        return _num(p["prod"] if cnum else 0.0)
    if function in ("variance", "standardDeviation", "varianceP", "standardDeviationP"):
        sample = function in ("variance", "standardDeviation")
        denominator = cnum - 1 if sample else cnum
        if denominator <= 0:
            return {"error": V.DIV0}
        mean = p["sum"] / cnum
        var = max(0.0, (p["sq"] - cnum * mean * mean) / denominator)
        return _num(math.sqrt(var) if function.startswith("standard") else var)
    raise ValueError(f"unknown summary function {function!r}")


def _num(x: float) -> int | float:
    return int(x) if float(x).is_integer() and abs(x) < 2**53 else float(x)


def _merge(parts: list[dict[str, Any]]) -> dict[str, Any]:
    def total(key: str) -> Any:
        vals = [p[key] for p in parts if p[key] is not None]
        return sum(vals) if vals else None

    maxes = [p["max"] for p in parts if p["max"] is not None]
    mins = [p["min"] for p in parts if p["min"] is not None]
    prods = [p["prod"] for p in parts if p["prod"] is not None]
    product = 1.0
    for x in prods:
        product *= x
    errs = [p for p in parts if p["err"] is not None]
    first_err = min(errs, key=lambda p: p["err_row"])["err"] if errs else None
    return {
        "sum": total("sum"),
        "cnum": total("cnum") or 0,
        "call": total("call") or 0,
        "cother": total("cother") or 0,
        "max": max(maxes) if maxes else None,
        "min": min(mins) if mins else None,
        "prod": product if prods else None,
        "sq": total("sq"),
        "err": first_err,
        "err_row": min((p["err_row"] for p in errs), default=None),
    }


def compute_pivot(df: DataFrame, step: dict[str, Any]) -> tuple[list[Any], list[list[Any]]]:
    """Run the pivot's one aggregate and lay the table out (the result is small)."""
    rows: list[str] = list(step.get("rows", []))
    cols: list[str] = list(step.get("columns", []))
    values: list[dict[str, Any]] = step["values"]
    for f in step.get("filters", []):
        allowed = [V.match_key(V.xv_literal(v)) for v in f["values"]]
        df = df.where(V.match_key(col(f["column"])).isin(*allowed))
    fields = rows + cols
    keys = [V.match_key(col(c)).alias(f"__pk{i}") for i, c in enumerate(fields)]
    labels = [F.min_by(col(c), F.col("__row")).alias(f"__pl{i}") for i, c in enumerate(fields)]
    partials: list[Column] = []
    for i, v in enumerate(values):
        partials += _partials(col(v["column"]), i)
        xv = col(v["column"])
        partials.append(F.min(F.when(V.is_error(xv), F.col("__row"))).alias(f"errrow{i}"))
    grouped = df.groupBy(*keys).agg(*labels, *partials).collect()

    cells: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for r in grouped:
        items = tuple(_freeze(_label(r[f"__pl{j}"])) for j in range(len(fields)))
        cells[items] = [
            {
                "sum": r[f"sum{i}"],
                "cnum": r[f"cnum{i}"],
                "call": r[f"call{i}"],
                "cother": r[f"cother{i}"],
                "max": r[f"max{i}"],
                "min": r[f"min{i}"],
                "prod": r[f"prod{i}"],
                "sq": r[f"sq{i}"],
                "err": r[f"err{i}"],
                "err_row": r[f"errrow{i}"],
            }
            for i in range(len(values))
        ]
    functions: list[str] = []
    captions: list[str] = []
    for i, v in enumerate(values):
        chosen = v.get("summarizeBy")
        if chosen is None:
            others = sum(c[i]["cother"] for c in cells.values())
            chosen = "sum" if others == 0 else "count"
        functions.append(chosen)
        captions.append(v.get("name") or f"{CAPTIONS[chosen]} of {v['column']}")

    def sort_items(items: set[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        return sorted(items, key=lambda t: tuple(_item_order(_thaw(x)) for x in t))

    row_items = sort_items({k[: len(rows)] for k in cells})
    col_items = sort_items({k[len(rows) :] for k in cells}) if cols else [()]
    grand = step.get("grandTotals") or {}
    show_row_total = bool(grand.get("rows", True))
    show_col_total = bool(grand.get("columns", True)) and bool(cols)

    n_rows = len(rows)

    def value_at(ri: tuple[Any, ...] | None, ci: tuple[Any, ...] | None, i: int) -> Any:
        """The value over the cells of row items ``ri`` and column items ``ci`` (None: all)."""
        parts = [
            c[i]
            for k, c in cells.items()
            if (ri is None or k[:n_rows] == ri) and (ci is None or k[n_rows:] == ci)
        ]
        if not parts:
            return None
        return _finish(functions[i], _merge(parts))

    header: list[Any] = list(rows)
    for ci in col_items:
        for caption in captions:
            if cols:
                label = _thaw(ci[0]) if len(ci) == 1 else " - ".join(str(_thaw(x)) for x in ci)
                header.append(label if len(values) == 1 else f"{label} - {caption}")
            else:
                header.append(caption)
    if show_col_total:
        header += [GRAND_TOTAL] if len(values) == 1 else [f"Total {c}" for c in captions]
    out_rows: list[list[Any]] = []
    for ri in row_items:
        line: list[Any] = [_thaw(x) for x in ri]
        for ci in col_items:
            for i in range(len(values)):
                line.append(value_at(ri, ci, i))
        if show_col_total:
            for i in range(len(values)):
                line.append(value_at(ri, None, i))
        out_rows.append(line)
    if show_row_total and (rows or not out_rows):
        line = [GRAND_TOTAL] + [None] * max(0, n_rows - 1)
        for ci in col_items:
            for i in range(len(values)):
                line.append(value_at(None, ci, i))
        if show_col_total:
            for i in range(len(values)):
                line.append(value_at(None, None, i))
        out_rows.append(line)
    return header, out_rows


def _freeze(x: Any) -> Any:
    return ("__error", x["error"]) if isinstance(x, dict) else x


def _thaw(x: Any) -> Any:
    return {"error": x[1]} if isinstance(x, tuple) and len(x) == 2 and x[0] == "__error" else x


def apply(table: Table, step: dict[str, Any], ctx: PlanContext, metrics: StepMetrics) -> Table:
    df = table.df

    def compute() -> tuple[list[Any], list[list[Any]]]:
        return compute_pivot(df, step)

    ctx.pivots.append(PivotResult(name=step["name"], step=step, compute=compute))
    return table
