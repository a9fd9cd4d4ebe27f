"""Hand-written DuckDB contender: the benchmark's columns as ONE typed SQL query (the speed bound).

    spark/.venv/bin/python bench/handwritten_duckdb.py --shape seed|recon --data DIR --output DIR \
        [--memory-limit 2GB] [--threads N]

Reads the shape's CSVs (bench/generate.py) with explicit column types, left-joins the lookup
tables, computes the same columns as the shape's sheetscale config (bench/workload.py) with Excel's
semantics for the data generated, and writes OUTPUT/result/data.parquet.

What it may assume, because the generator guarantees it: lookup keys are unique (so a left join
is VLOOKUP's first match), keys match case for case, no text in number columns, no blanks, no
leading/trailing/repeated spaces. An Excel error (VLOOKUP with no match, and what depends on it)
is SQL NULL. Dates stay DATE (Excel's serial numbers only in the comparison); rows are written in
whatever order DuckDB produces (no ORDER BY).

ROUND/ROUNDUP/ROUNDDOWN/TRUNC as Excel does them: Excel rounds the number it shows, with 15
significant digits, so 2.675 (stored as 2.67499999999999982236431605997495353221893310546875)
rounds to 2.68 and -506.28999999999905/40 (-12.657249999999976, shown -12.65725) to -12.6573.
Here: bring a computed x to 15 significant digits (``abs15``: floor(|x| * 10^(14-e) + 0.5) / 10^(14-e),
e = floor(log10|x|); skipped for source columns, which have at most 15 digits), scale |x| by 10^d
(dividing by 10^-d for negative d, exact for the multiples of ten it meets), nudge the scaled value
by 6e-16 of itself towards the rounding boundary (the binary error of the scaling is at most ~3e-16
of it; a 15-digit value that is not on the boundary is at least 1e-15 of it away), then
floor(+0.5) / ceil / floor and put the sign back. ``+ 0.0`` turns -0.0 into 0.0.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

import duckdb
from workload import INPUT_FILES, source_columns

# Relative nudge of the scaled value towards the rounding boundary: see the module docstring.
EPS = "6e-16"

SQL_TYPES = {"number": "DOUBLE", "text": "VARCHAR", "date": "DATE"}


def abs15(x: str) -> str:
    """|x| rounded to 15 significant digits (Excel's precision), as the nearest double."""
    e = f"floor(log10(abs({x})))"
    return (
        f"(CASE WHEN {x} = 0 THEN 0.0 "
        f"WHEN {e} <= 14 THEN floor(abs({x}) * pow(10, 14 - {e}) + 0.5) / pow(10, 14 - {e}) "
        f"ELSE floor(abs({x}) / pow(10, {e} - 14) + 0.5) * pow(10, {e} - 14) END)"
    )


def _scaled(x: str, d: int, computed: bool) -> tuple[str, str]:
    """(|x| (at 15 digits when ``computed``) scaled by 10^d, the SQL that scales a whole number back)."""
    a = abs15(x) if computed else f"abs({x})"
    if d >= 0:
        return f"({a} * {10**d}.0)", f" / {10**d}.0"
    return f"({a} / {10**-d}.0)", f" * {10**-d}.0"


def xround(x: str, d: int, computed: bool = True) -> str:
    """Excel ROUND(x, d): half away from zero. ``computed`` False: x is a source column."""
    y, back = _scaled(x, d, computed)
    return f"(sign({x}) * floor({y} * (1 + {EPS}) + 0.5){back} + 0.0)"


def xroundup(x: str, d: int, computed: bool = True) -> str:
    """Excel ROUNDUP(x, d): away from zero."""
    y, back = _scaled(x, d, computed)
    return f"(sign({x}) * ceil({y} * (1 - {EPS})){back} + 0.0)"


def xrounddown(x: str, d: int, computed: bool = True) -> str:
    """Excel ROUNDDOWN(x, d) and TRUNC(x, d): toward zero."""
    y, back = _scaled(x, d, computed)
    return f"(sign({x}) * floor({y} * (1 + {EPS})){back} + 0.0)"


def xmod(x: str, y: str) -> str:
    """Excel MOD: the result has the divisor's sign (y is never 0 here)."""
    return f"({x} - {y} * floor({x} / {y}))"


def q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def read_csv(shape: str, data: Path, source: str) -> str:
    cols = ", ".join(f"{q(n)}: '{SQL_TYPES[t]}'" for n, t in source_columns(shape, source))
    path = str(data / INPUT_FILES[shape][source]).replace("'", "''")
    return (
        f"read_csv('{path}', header = true, auto_detect = false, delim = ',', quote = '\"', "
        f"dateformat = '%Y-%m-%d', columns = {{{cols}}})"
    )


def seed_query(data: Path) -> str:
    """transactions ⟕ reference on Key (three VLOOKUPs of one key), then the 49 formula columns.
    Later columns name earlier ones (DuckDB's lateral column aliases)."""
    columns = [
        ("Gross", 't."Qty" * t."Price"'),
        ("Amount USD", xround('t."Amount" * r."Rate"', 2)),
        ("Net", '"Gross" - "Amount USD"'),
        ("Tax", xround('"Gross" * 0.2', 2)),
        ("Total", '"Gross" + "Tax"'),
        ("Abs Amount", 'abs(t."Amount")'),
        ("Sign", 'sign(t."Amount")'),
        ("Is Large", "CASE WHEN \"Abs Amount\" > 5000 THEN 'large' ELSE 'small' END"),
        ("Direction", "CASE WHEN t.\"Amount\" >= 0 THEN 'Debit' ELSE 'Credit' END"),
        ("Year", 'year(t."Date")'),
        ("Month", 'month(t."Date")'),
        ("Day", 'day(t."Date")'),
        ("Quarter", xroundup('"Month" / 3', 0)),
        ("Period", 'CAST("Year" AS VARCHAR) || \'-\' || CAST("Month" AS VARCHAR)'),
        ("Category Code", 'upper(left(t."Category", 3))'),
        ("Region Upper", 'upper(r."Region")'),
        ("Label", 't."Category" || \' / \' || r."Region"'),
        ("Memo Length", 'length(t."Memo")'),
        # Excel TRIM: no leading/trailing spaces, inner runs of spaces become one.
        ("Memo Trim", "trim(regexp_replace(t.\"Memo\", ' {2,}', ' ', 'g'))"),
        ("Unit Margin", xround('"Net" / t."Qty"', 4)),
        ("Rate Pct", xround('r."Rate" * 100', 1)),
        ("Rounded Down", xrounddown('t."Amount"', 0, computed=False)),
        ("Rounded Up", xroundup('t."Amount"', -1, computed=False)),
        ("Int Amount", 'floor(t."Amount")'),
        ("Trunc Amount", xrounddown('t."Amount"', 1, computed=False)),
        ("Mod Qty", xmod('t."Qty"', "7")),
        ("Power", 'pow(r."Rate", 2)'),
        ("Root", 'sqrt("Abs Amount")'),
        ("Max Of", 'greatest("Gross", "Abs Amount")'),
        ("Min Of", 'least("Gross", "Abs Amount")'),
        ("Sum Of", '"Gross" + "Tax" + "Net"'),
        ("Average Of", '("Gross" + "Tax") / 2'),
        ("Even Qty", 'trunc(t."Qty") % 2 = 0'),
        ("Big And Debit", 't."Amount" > 1000 AND "Direction" = \'Debit\''),
        ("Flag", 'CASE WHEN "Big And Debit" OR t."Amount" < -9000 THEN 1 ELSE 0 END'),
        ("Name Start", 'left(r."Name", 5)'),
        ("Name End", 'right(r."Name", 3)'),
        ("Name Mid", 'substr(r."Name", 3, 4)'),
        ("Key Number", 'CAST(substr(t."Key", 2, 9) AS DOUBLE)'),
        ("Key Bucket", xmod('"Key Number"', "100")),
        ("Has Memo", 't."Memo" IS NOT NULL'),
        ("Safe Ratio", 'CASE WHEN t."Qty" - 1 = 0 THEN 0 ELSE t."Amount" / (t."Qty" - 1) END'),
        ("Found", "CASE WHEN r.\"Key\" IS NULL THEN 'missing' ELSE 'ok' END"),
        ("Txn Suffix", 'right(t."TxnId", 4)'),
        ("Concat", '"Category Code" || \'-\' || "Txn Suffix"'),
        ("Substituted", "replace(t.\"Memo\", 'memo', 'note')"),
        ("Proper Region", 'upper(left(r."Region", 1)) || lower(substr(r."Region", 2))'),
        ("Weekday", 'dayofweek(t."Date") + 1'),
        ("Month End", 'last_day(t."Date")'),
    ]
    select = ",\n  ".join(f"{sql} AS {q(name)}" for name, sql in columns)
    return (
        f'SELECT t.*, r."Rate", r."Name", r."Region",\n  {select}\n'
        f"FROM {read_csv('seed', data, 'transactions')} t\n"
        f'LEFT JOIN {read_csv("seed", data, "reference")} r ON t."Key" = r."Key"'
    )


def recon_query(data: Path) -> str:
    """gl ⟕ bank on Bank Ref = Reference ⟕ fx on Currency, then the 16 columns."""
    posting = 'g."Posting Date"'
    columns = [
        ("Bank Amount", 'coalesce(b."Amount", 0)'),  # IFERROR(VLOOKUP(...,3,FALSE),0)
        ("Value Date", 'b."Value Date"'),
        ("Rate", 'x."RateToUSD"'),
        ("Amount USD", xround('g."Amount" * x."RateToUSD"', 2)),
        ("Bank USD", xround('"Bank Amount" * x."RateToUSD"', 2)),
        ("Difference", xround('"Amount USD" - "Bank USD"', 2)),
        (
            "Status",
            "CASE WHEN \"Bank Amount\" = 0 THEN 'Unmatched' "
            "WHEN \"Difference\" = 0 THEN 'Matched' ELSE 'Difference' END",
        ),
        ("Days To Clear", f'coalesce(b."Value Date" - {posting}, 0)'),
        ("Late", "CASE WHEN \"Days To Clear\" > 3 THEN 'Late' ELSE 'On time' END"),
        ("Posting Text", f"strftime({posting}, '%Y-%m-%d')"),
        ("Amount Text", "format('{:,.2f}', \"Amount USD\")"),
        (
            "Period",
            f"CAST(year({posting}) AS VARCHAR) || '-' || lpad(CAST(month({posting}) AS VARCHAR), 2, '0')",
        ),
        ("Period End", f"last_day({posting})"),
        ("Quarter", f"'Q' || CAST(CAST({xroundup(f'month({posting}) / 3', 0)} AS BIGINT) AS VARCHAR)"),
        ("Fiscal Year", f"CASE WHEN month({posting}) >= 7 THEN year({posting}) + 1 ELSE year({posting}) END"),
        ("Match Key", 'g."Account" || \'|\' || g."Currency" || \'|\' || upper(left(g."Description", 12))'),
    ]
    select = ",\n  ".join(f"{sql} AS {q(name)}" for name, sql in columns)
    return (
        f"SELECT g.*,\n  {select}\n"
        f"FROM {read_csv('recon', data, 'gl')} g\n"
        f'LEFT JOIN {read_csv("recon", data, "bank")} b ON g."Bank Ref" = b."Reference"\n'
        f'LEFT JOIN {read_csv("recon", data, "fx")} x ON g."Currency" = x."Currency"'
    )


QUERIES = {"seed": seed_query, "recon": recon_query}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--shape", choices=sorted(QUERIES), required=True)
    parser.add_argument("--data", required=True, help="the folder bench/generate.py wrote")
    parser.add_argument("--output", required=True, help="result/data.parquet is written here")
    parser.add_argument("--memory-limit", default=None, help="DuckDB's memory_limit, e.g. 2GB")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--print-sql", action="store_true", help="print the query and exit")
    args = parser.parse_args()
    query = QUERIES[args.shape](Path(args.data).resolve())
    if args.print_sql:
        print(query)
        return
    out = Path(args.output)
    result = out / "result"
    shutil.rmtree(result, ignore_errors=True)
    result.mkdir(parents=True)
    t = time.perf_counter()
    con = duckdb.connect()
    con.execute(f"SET temp_directory = '{out / 'duckdb-tmp'!s}'")
    if args.memory_limit:
        con.execute(f"SET memory_limit = '{args.memory_limit}'")
    if args.threads:
        con.execute(f"SET threads = {int(args.threads)}")
    target = str(result / "data.parquet").replace("'", "''")
    con.execute(f"COPY ({query}) TO '{target}' (FORMAT parquet)")
    con.close()
    shutil.rmtree(out / "duckdb-tmp", ignore_errors=True)
    print(f"handwritten-duckdb {args.shape}: {time.perf_counter() - t:.2f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
