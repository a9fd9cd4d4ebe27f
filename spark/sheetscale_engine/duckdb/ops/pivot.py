"""PivotTable on DuckDB: a summary of the current rows, kept under its name; the rows are unchanged.

One grouped aggregate computes partial sums/counts per (row items, column items) cell, grouped by
the fields' match keys (case-insensitive, 15 digits). An item is its match key ("East" and "east"
are one item; TRUE and 1 are two), shown as its first appearance in row order. The small result is
laid out in Python as the Spark lowering's ops/pivot.py does (tabular form):

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

from sheetscale_engine.duckdb import values as V  # noqa: N812
from sheetscale_engine.duckdb.table import ROW, PivotResult, PlanContext, StepMetrics, Table
from sheetscale_engine.duckdb.values import Val

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

_PARTS: Final = ("sum", "cnum", "call", "cother", "max", "min", "prod", "sq", "err", "err_row")


def _numbers_sql(v: Val) -> str:
    if V.NUMBER not in v.kinds:
        return "CAST(NULL AS DOUBLE)"
    if v.layout == "number":
        return f"({v.sql})"
    return f"(CASE WHEN {V.is_kind(v, V.NUMBER)} THEN {V.num_sql(v)} END)"


def _partials(v: Val) -> list[str]:
    """SQL aggregates, in the order of ``_PARTS``, for one value field over a pivot cell."""
    n = _numbers_sql(v)
    row = V.ident(ROW)
    is_error = V.is_error(v)
    return [
        f"sum({n})",
        f"count({n})",
        f"count(*) FILTER (WHERE NOT {V.is_blank(v)})",
        f"count(*) FILTER (WHERE NOT {V.is_kind(v, V.NUMBER)})",
        f"max({n})",
        f"min({n})",
        f"product({n})",
        f"sum({n} * {n})",
        f"arg_min({V.error_code_sql(v)}, {row}) FILTER (WHERE {is_error})",
        f"min({row}) FILTER (WHERE {is_error})",
    ]


def _label(layout: str, raw: Any) -> Any:
    """A fetched item → the pivot label (JSON value encoding, blank → "(blank)")."""
    out = V.python_value(layout, raw)
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


def _filter_sql(table: Table, step: dict[str, Any]) -> str:
    """The report filters: each field's match key among the allowed values' keys."""
    tests = []
    for f in step.get("filters", []):
        allowed = [V.match_key_sql(V.literal(x)) for x in f["values"]]
        key = V.match_key_sql(table.val(f["column"]))
        tests.append(f"({key} IN ({', '.join(allowed)}))" if allowed else "FALSE")
    return " AND ".join(f"coalesce({t}, FALSE)" for t in tests) if tests else "TRUE"


def compute_pivot(table: Table, step: dict[str, Any], ctx: PlanContext) -> tuple[list[Any], list[list[Any]]]:
    """Run the pivot's one aggregate and lay the table out (the result is small)."""
    rows: list[str] = list(step.get("rows", []))
    cols: list[str] = list(step.get("columns", []))
    values: list[dict[str, Any]] = step["values"]
    fields = rows + cols
    row = V.ident(ROW)
    field_vals = [table.val(c) for c in fields]
    keys = [V.match_key_sql(v) for v in field_vals]
    # Per cell: each field's item (its match key) and label (the cell's first value), the cell's
    # first row, then the partials of each value field.
    selects = [*keys, *(f"arg_min_null({v.sql}, {row})" for v in field_vals), f"min({row})"]
    for value in values:
        selects += _partials(table.val(value["column"]))
    group_by = f" GROUP BY {', '.join(keys)}" if fields else ""
    sql = (
        f"SELECT {', '.join(selects)} FROM {table.from_sql} AS _p WHERE {_filter_sql(table, step)}{group_by}"
    )
    # Without fields, one aggregate row even over no rows (as Spark's global aggregate gives).
    fetched = ctx.fetch(sql)

    n_fields = len(fields)
    base = 2 * n_fields + 1
    width = len(_PARTS)
    cells: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    # An item is shown as its first appearance: the label of the cell with the first row among
    # the cells of that item ("East" and "east" are one item, shown as the one seen first).
    first_seen: list[dict[str, tuple[int, Any]]] = [{} for _ in fields]
    for r in fetched:
        items = tuple(str(k) for k in r[:n_fields])
        first_row = r[2 * n_fields]
        for j, v in enumerate(field_vals):
            seen = first_seen[j].get(items[j])
            if seen is None or first_row < seen[0]:
                first_seen[j][items[j]] = (first_row, _label(v.layout, r[n_fields + j]))
        cells[items] = [
            dict(zip(_PARTS, r[base + i * width : base + (i + 1) * width], strict=True))
            for i in range(len(values))
        ]
    labels = [{key: label for key, (_, label) in seen.items()} for seen in first_seen]

    def label_of(offset: int, item: tuple[str, ...]) -> list[Any]:
        return [labels[offset + j][key] for j, key in enumerate(item)]

    functions: list[str] = []
    captions: list[str] = []
    for i, field in enumerate(values):
        chosen = field.get("summarizeBy")
        if chosen is None:
            others = sum(c[i]["cother"] for c in cells.values())
            chosen = "sum" if others == 0 else "count"
        functions.append(chosen)
        captions.append(field.get("name") or f"{CAPTIONS[chosen]} of {field['column']}")

    def sort_items(items: set[tuple[str, ...]], offset: int) -> list[tuple[str, ...]]:
        return sorted(items, key=lambda t: (tuple(_item_order(x) for x in label_of(offset, t)), t))

    n_rows = len(rows)
    row_items = sort_items({k[:n_rows] for k in cells}, 0)
    col_items = sort_items({k[n_rows:] for k in cells}, n_rows) if cols else [()]
    grand = step.get("grandTotals") or {}
    show_row_total = bool(grand.get("rows", True))
    show_col_total = bool(grand.get("columns", True)) and bool(cols)

    def value_at(ri: tuple[str, ...] | None, ci: tuple[str, ...] | None, i: int) -> Any:
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
                shown = label_of(n_rows, ci)
                label = shown[0] if len(shown) == 1 else " - ".join(str(x) for x in shown)
                header.append(label if len(values) == 1 else f"{label} - {caption}")
            else:
                header.append(caption)
    if show_col_total:
        header += [GRAND_TOTAL] if len(values) == 1 else [f"Total {c}" for c in captions]
    out_rows: list[list[Any]] = []
    for ri in row_items:
        line: list[Any] = label_of(0, ri)
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


def apply(table: Table, step: dict[str, Any], ctx: PlanContext, metrics: StepMetrics) -> Table:
    header, rows = compute_pivot(table, step, ctx)
    ctx.pivots.append(PivotResult(name=step["name"], step=step, header=header, rows=rows))
    return table
