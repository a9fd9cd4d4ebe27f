"""The benchmark's config: a VLOOKUP of the transactions against the reference table, then 49
Excel-like formula columns (arithmetic, ROUND, IF, text, dates), as a recorder would write them."""

from __future__ import annotations

from typing import Any


def col(n: str) -> dict[str, Any]:
    return {"kind": "column", "name": n}


def num(v: float) -> dict[str, Any]:
    return {"kind": "number", "value": v}


def txt(v: str) -> dict[str, Any]:
    return {"kind": "text", "value": v}


def call(name: str, *args: dict[str, Any]) -> dict[str, Any]:
    return {"kind": "call", "name": name, "args": list(args)}


def op(o: str, left: dict[str, Any], right: dict[str, Any]) -> dict[str, Any]:
    return {"kind": "binary", "op": o, "left": left, "right": right}


def formulas() -> list[tuple[str, dict[str, Any]]]:
    """49 formula columns; later ones build on earlier ones as worksheets do."""
    f: list[tuple[str, dict[str, Any]]] = [
        ("Gross", op("*", col("Qty"), col("Price"))),
        ("Amount USD", call("ROUND", op("*", col("Amount"), col("Rate")), num(2))),
        ("Net", op("-", col("Gross"), col("Amount USD"))),
        ("Tax", call("ROUND", op("*", col("Gross"), num(0.2)), num(2))),
        ("Total", op("+", col("Gross"), col("Tax"))),
        ("Abs Amount", call("ABS", col("Amount"))),
        ("Sign", call("SIGN", col("Amount"))),
        ("Is Large", call("IF", op(">", col("Abs Amount"), num(5000)), txt("large"), txt("small"))),
        ("Direction", call("IF", op(">=", col("Amount"), num(0)), txt("Debit"), txt("Credit"))),
        ("Year", call("YEAR", col("Date"))),
        ("Month", call("MONTH", col("Date"))),
        ("Day", call("DAY", col("Date"))),
        ("Quarter", call("ROUNDUP", op("/", col("Month"), num(3)), num(0))),
        ("Period", op("&", op("&", col("Year"), txt("-")), col("Month"))),
        ("Category Code", call("UPPER", call("LEFT", col("Category"), num(3)))),
        ("Region Upper", call("UPPER", col("Region"))),
        ("Label", op("&", op("&", col("Category"), txt(" / ")), col("Region"))),
        ("Memo Length", call("LEN", col("Memo"))),
        ("Memo Trim", call("TRIM", col("Memo"))),
        ("Unit Margin", call("ROUND", op("/", col("Net"), col("Qty")), num(4))),
        ("Rate Pct", call("ROUND", op("*", col("Rate"), num(100)), num(1))),
        ("Rounded Down", call("ROUNDDOWN", col("Amount"), num(0))),
        ("Rounded Up", call("ROUNDUP", col("Amount"), num(-1))),
        ("Int Amount", call("INT", col("Amount"))),
        ("Trunc Amount", call("TRUNC", col("Amount"), num(1))),
        ("Mod Qty", call("MOD", col("Qty"), num(7))),
        ("Power", call("POWER", col("Rate"), num(2))),
        ("Root", call("SQRT", col("Abs Amount"))),
        ("Max Of", call("MAX", col("Gross"), col("Abs Amount"))),
        ("Min Of", call("MIN", col("Gross"), col("Abs Amount"))),
        ("Sum Of", call("SUM", col("Gross"), col("Tax"), col("Net"))),
        ("Average Of", call("AVERAGE", col("Gross"), col("Tax"))),
        ("Even Qty", call("ISEVEN", col("Qty"))),
        (
            "Big And Debit",
            call("AND", op(">", col("Amount"), num(1000)), op("=", col("Direction"), txt("Debit"))),
        ),
        (
            "Flag",
            call("IF", call("OR", col("Big And Debit"), op("<", col("Amount"), num(-9000))), num(1), num(0)),
        ),
        ("Name Start", call("LEFT", col("Name"), num(5))),
        ("Name End", call("RIGHT", col("Name"), num(3))),
        ("Name Mid", call("MID", col("Name"), num(3), num(4))),
        ("Key Number", call("VALUE", call("MID", col("Key"), num(2), num(9)))),
        ("Key Bucket", call("MOD", col("Key Number"), num(100))),
        ("Has Memo", call("NOT", call("ISBLANK", col("Memo")))),
        ("Safe Ratio", call("IFERROR", op("/", col("Amount"), op("-", col("Qty"), num(1))), num(0))),
        ("Found", call("IF", call("ISNA", col("Rate")), txt("missing"), txt("ok"))),
        ("Txn Suffix", call("RIGHT", col("TxnId"), num(4))),
        ("Concat", call("CONCAT", col("Category Code"), txt("-"), col("Txn Suffix"))),
        ("Substituted", call("SUBSTITUTE", col("Memo"), txt("memo"), txt("note"))),
        ("Proper Region", call("PROPER", col("Region"))),
        ("Weekday", call("WEEKDAY", col("Date"))),
        ("Month End", call("EOMONTH", col("Date"), num(0))),
    ]
    assert len(f) == 49, len(f)
    return f


def vlookup(step_id: str, cell: str, index: int, column: str, match: str) -> dict[str, Any]:
    """=VLOOKUP(B2,Reference!A:D,index,FALSE) in ``cell``: the reference's ``column`` by Key."""
    return {
        "op": "lookup",
        "id": step_id,
        "provenance": {"sheet": "Txns", "cell": cell, "formula": f"=VLOOKUP(B2,Reference!A:D,{index},FALSE)"},
        "column": column,
        "function": "VLOOKUP",
        "key": col("Key"),
        "source": "reference",
        "keyColumn": "Key",
        "returnColumn": column,
        "match": match,
    }


def config(lookup_match: str = "wildcard") -> dict[str, Any]:
    # Three VLOOKUPs of one key fetching columns 2, 3 and 4 of the same reference row.
    steps = [
        vlookup(step_id, cell, index, column, lookup_match)
        for step_id, cell, index, column in (
            ("rate", "I2", 2, "Rate"),
            ("name", "J2", 3, "Name"),
            ("region", "K2", 4, "Region"),
        )
    ]
    for i, (name, expr) in enumerate(formulas()):
        steps.append(
            {
                "op": "formula",
                "id": f"f{i + 1}",
                "provenance": {"sheet": "Txns", "cell": f"L{i + 2}"},
                "column": name,
                "expr": expr,
            }
        )
    return {
        "version": 1,
        "name": "benchmark: VLOOKUP of two large tables + 49 formula columns",
        "main": "transactions",
        "sources": [
            {
                "name": "transactions",
                "format": {"type": "csv"},
                "columns": [
                    {"name": "TxnId", "type": "text"},
                    {"name": "Key", "type": "text"},
                    {"name": "Amount", "type": "number"},
                    {"name": "Qty", "type": "number"},
                    {"name": "Price", "type": "number"},
                    {"name": "Date", "type": "date"},
                    {"name": "Category", "type": "text"},
                    {"name": "Memo", "type": "text"},
                ],
            },
            {
                "name": "reference",
                "format": {"type": "csv"},
                "columns": [
                    {"name": "Key", "type": "text"},
                    {"name": "Rate", "type": "number"},
                    {"name": "Name", "type": "text"},
                    {"name": "Region", "type": "text"},
                ],
            },
        ],
        "steps": steps,
        "output": {"format": "parquet", "summary": {"firstRows": 10, "totals": ["Amount USD"]}},
    }
