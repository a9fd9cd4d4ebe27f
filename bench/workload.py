"""The benchmark's configs, as a recorder would write them.

- seed (``config``): a VLOOKUP of the transactions against the reference table (three columns of
  one key), then 49 Excel-like formula columns (arithmetic, ROUND, IF, text, dates).
- recon (``recon_config``): a GL extract reconciled against a bank statement: 16 columns, three of
  them VLOOKUPs (bank amount inside IFERROR, value date, FX rate), then ROUND, IFERROR, IF, TEXT,
  YEAR/MONTH/EOMONTH and string concatenation.

VLOOKUP(..., FALSE) is recorded as ``"match": "wildcard"`` (Excel's exact match honours * ? ~).
"""

from __future__ import annotations

from collections.abc import Callable
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


# --------------------------------------------------------------------------------------------
# The reconciliation shape: GL vs bank statement
# --------------------------------------------------------------------------------------------


def recon_lookup(
    step_id: str,
    column: str,
    *,
    cell: str,
    key: str,
    source: str,
    key_column: str,
    return_column: str,
    formula: str,
    match: str,
    hidden: bool = False,
) -> dict[str, Any]:
    step: dict[str, Any] = {
        "op": "lookup",
        "id": step_id,
        "provenance": {"sheet": "GL", "cell": cell, "formula": formula},
        "column": column,
        "function": "VLOOKUP",
        "key": col(key),
        "source": source,
        "keyColumn": key_column,
        "returnColumn": return_column,
        "match": match,
    }
    if hidden:
        step["hidden"] = True
    return step


POSTING = col("Posting Date")

# (column, cell, Excel formula as recorded, expression); the lookups are separate steps.
RECON_FORMULAS: list[tuple[str, str, str, dict[str, Any]]] = [
    (
        "Bank Amount",
        "H2",
        "=IFERROR(VLOOKUP([@[Bank Ref]],Bank!A:D,3,FALSE),0)",
        call("IFERROR", col("Bank Amount (lookup)"), num(0)),
    ),
    (
        "Amount USD",
        "K2",
        "=ROUND([@Amount]*[@Rate],2)",
        call("ROUND", op("*", col("Amount"), col("Rate")), num(2)),
    ),
    (
        "Bank USD",
        "L2",
        "=ROUND([@[Bank Amount]]*[@Rate],2)",
        call("ROUND", op("*", col("Bank Amount"), col("Rate")), num(2)),
    ),
    (
        "Difference",
        "M2",
        "=ROUND([@[Amount USD]]-[@[Bank USD]],2)",
        call("ROUND", op("-", col("Amount USD"), col("Bank USD")), num(2)),
    ),
    (
        "Status",
        "N2",
        '=IF([@[Bank Amount]]=0,"Unmatched",IF([@Difference]=0,"Matched","Difference"))',
        call(
            "IF",
            op("=", col("Bank Amount"), num(0)),
            txt("Unmatched"),
            call("IF", op("=", col("Difference"), num(0)), txt("Matched"), txt("Difference")),
        ),
    ),
    (
        "Days To Clear",
        "O2",
        "=IFERROR([@[Value Date]]-[@[Posting Date]],0)",
        call("IFERROR", op("-", col("Value Date"), POSTING), num(0)),
    ),
    (
        "Late",
        "P2",
        '=IF([@[Days To Clear]]>3,"Late","On time")',
        call("IF", op(">", col("Days To Clear"), num(3)), txt("Late"), txt("On time")),
    ),
    ("Posting Text", "Q2", '=TEXT([@[Posting Date]],"yyyy-mm-dd")', call("TEXT", POSTING, txt("yyyy-mm-dd"))),
    (
        "Amount Text",
        "R2",
        '=TEXT([@[Amount USD]],"#,##0.00")',
        call("TEXT", col("Amount USD"), txt("#,##0.00")),
    ),
    (
        "Period",
        "S2",
        '=YEAR([@[Posting Date]])&"-"&TEXT(MONTH([@[Posting Date]]),"00")',
        op("&", op("&", call("YEAR", POSTING), txt("-")), call("TEXT", call("MONTH", POSTING), txt("00"))),
    ),
    ("Period End", "T2", "=EOMONTH([@[Posting Date]],0)", call("EOMONTH", POSTING, num(0))),
    (
        "Quarter",
        "U2",
        '="Q"&ROUNDUP(MONTH([@[Posting Date]])/3,0)',
        op("&", txt("Q"), call("ROUNDUP", op("/", call("MONTH", POSTING), num(3)), num(0))),
    ),
    (
        "Fiscal Year",
        "V2",
        "=IF(MONTH([@[Posting Date]])>=7,YEAR([@[Posting Date]])+1,YEAR([@[Posting Date]]))",
        call(
            "IF",
            op(">=", call("MONTH", POSTING), num(7)),
            op("+", call("YEAR", POSTING), num(1)),
            call("YEAR", POSTING),
        ),
    ),
    (
        "Match Key",
        "W2",
        '=[@Account]&"|"&[@Currency]&"|"&UPPER(LEFT([@Description],12))',
        op(
            "&",
            op("&", op("&", op("&", col("Account"), txt("|")), col("Currency")), txt("|")),
            call("UPPER", call("LEFT", col("Description"), num(12))),
        ),
    ),
]

# The output's computed columns in order (the hidden lookup helper is not among them).
RECON_COLUMNS = [
    "Bank Amount",
    "Value Date",
    "Rate",
    *[name for name, *_ in RECON_FORMULAS[1:]],
]


def recon_config(lookup_match: str = "wildcard") -> dict[str, Any]:
    """GL vs bank: 3 VLOOKUPs (one hidden inside IFERROR, as the recorder writes IFERROR(VLOOKUP))
    and 13 more formula columns; 16 columns added to the GL's 7."""
    bank_amount, *rest = RECON_FORMULAS
    steps: list[dict[str, Any]] = [
        recon_lookup(
            "bank-amount-lookup",
            "Bank Amount (lookup)",
            cell="H2",
            key="Bank Ref",
            source="bank",
            key_column="Reference",
            return_column="Amount",
            formula=bank_amount[2],
            match=lookup_match,
            hidden=True,
        ),
        _recon_formula("bank-amount", bank_amount),
        recon_lookup(
            "value-date",
            "Value Date",
            cell="I2",
            key="Bank Ref",
            source="bank",
            key_column="Reference",
            return_column="Value Date",
            formula="=VLOOKUP([@[Bank Ref]],Bank!A:D,2,FALSE)",
            match=lookup_match,
        ),
        recon_lookup(
            "rate",
            "Rate",
            cell="J2",
            key="Currency",
            source="fx",
            key_column="Currency",
            return_column="RateToUSD",
            formula="=VLOOKUP([@Currency],FX!A:B,2,FALSE)",
            match=lookup_match,
        ),
    ]
    steps += [_recon_formula(f"f{i + 1}", f) for i, f in enumerate(rest)]
    return {
        "version": 1,
        "name": "benchmark: GL vs bank statement reconciliation, 3 VLOOKUPs + 13 formula columns",
        "main": "gl",
        "sources": [
            {
                "name": "gl",
                "sheet": "GL",
                "format": {"type": "csv"},
                "columns": [
                    {"name": "EntryId", "type": "text"},
                    {"name": "Posting Date", "type": "date"},
                    {"name": "Account", "type": "text"},
                    {"name": "Currency", "type": "text"},
                    {"name": "Amount", "type": "number"},
                    {"name": "Bank Ref", "type": "text"},
                    {"name": "Description", "type": "text"},
                ],
            },
            {
                "name": "bank",
                "sheet": "Bank",
                "format": {"type": "csv"},
                "columns": [
                    {"name": "Reference", "type": "text"},
                    {"name": "Value Date", "type": "date"},
                    {"name": "Amount", "type": "number"},
                    {"name": "Counterparty", "type": "text"},
                ],
            },
            {
                "name": "fx",
                "sheet": "FX",
                "format": {"type": "csv"},
                "columns": [
                    {"name": "Currency", "type": "text"},
                    {"name": "RateToUSD", "type": "number"},
                ],
            },
        ],
        "steps": steps,
        "output": {"format": "parquet", "summary": {"firstRows": 10, "totals": ["Amount USD", "Difference"]}},
    }


def _recon_formula(step_id: str, f: tuple[str, str, str, dict[str, Any]]) -> dict[str, Any]:
    column, cell, formula, expr = f
    return {
        "op": "formula",
        "id": step_id,
        "provenance": {"sheet": "GL", "cell": cell, "formula": formula},
        "column": column,
        "expr": expr,
    }


# --------------------------------------------------------------------------------------------
# The shapes: config, input files (source name → file in the data folder), the row id column
# --------------------------------------------------------------------------------------------

CONFIGS: dict[str, Callable[[], dict[str, Any]]] = {"seed": config, "recon": recon_config}
INPUT_FILES: dict[str, dict[str, str]] = {
    "seed": {"transactions": "transactions.csv", "reference": "reference.csv"},
    "recon": {"gl": "gl.csv", "bank": "bank.csv", "fx": "fx.csv"},
}
# A unique column of the main source: rows of two results are compared by it.
ID_COLUMN: dict[str, str] = {"seed": "TxnId", "recon": "EntryId"}


def source_columns(shape: str, source: str) -> list[tuple[str, str]]:
    """(name, type) of a source's columns in the shape's config: the CSV schema of the
    hand-written contenders (number, text, date)."""
    for s in CONFIGS[shape]()["sources"]:
        if s["name"] == source:
            return [(c["name"], c["type"]) for c in s["columns"]]
    raise KeyError(source)
