"""Writes examples/data/ledger.csv (about 1,000 general-ledger lines), accounts.csv (the chart of
accounts) and fx_rates.csv, deterministically (fixed seed): run it again and the files are identical.

    python3 examples/generate_data.py
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

ACCOUNTS = [
    ("1000", "Cash", "Asset"),
    ("1100", "Accounts Receivable", "Asset"),
    ("1200", "Inventory", "Asset"),
    ("2000", "Accounts Payable", "Liability"),
    ("2100", "Accrued Expenses", "Liability"),
    ("3000", "Retained Earnings", "Equity"),
    ("4000", "Sales Revenue", "Revenue"),
    ("4100", "Service Revenue", "Revenue"),
    ("5000", "Cost of Goods Sold", "Expense"),
    ("6000", "Salaries", "Expense"),
    ("6100", "Rent", "Expense"),
    ("6200", "Travel", "Expense"),
]
# Rates to USD; CHF is deliberately missing so that some lines have no rate (#N/A).
FX = [("USD", 1.0), ("EUR", 1.0842), ("GBP", 1.2687), ("JPY", 0.006712), ("CAD", 0.7391)]
DESCRIPTIONS = [
    "Invoice",
    "Payment",
    "Accrual",
    "Reversal",
    "Payroll",
    "Office rent",
    "Flight",
    "Hotel",
    "Adjustment",
    "",
]


def main() -> None:
    rng = random.Random(20240131)
    DATA.mkdir(parents=True, exist_ok=True)
    with open(DATA / "accounts.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["Account", "Name", "Type"])
        w.writerows(ACCOUNTS)
    with open(DATA / "fx_rates.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["Currency", "RateToUSD"])
        w.writerows(FX)
    start = dt.date(2024, 1, 1)
    lines: list[list[object]] = []
    for i in range(1, 981):
        account = rng.choice(ACCOUNTS)[0] if rng.random() > 0.02 else "9999"  # a few unknown accounts
        currency = rng.choice(["USD"] * 6 + ["EUR"] * 2 + ["GBP", "JPY", "CAD", "CHF"])
        amount = round(rng.uniform(-5000, 5000), 2)
        if currency == "JPY":
            amount = round(amount * 150)
        description = rng.choice(DESCRIPTIONS)
        date = start + dt.timedelta(days=rng.randrange(0, 91))
        lines.append(
            [
                f"JE-{i:05d}",
                date.isoformat(),
                account,
                currency,
                amount,
                f"{description} {i}" if description else "",
                f"ref{rng.randrange(1000, 9999)}",
            ]
        )
    # The extract repeats some lines (same entry id): Remove Duplicates keeps the first.
    for i in rng.sample(range(len(lines)), 20):
        lines.insert(rng.randrange(i, len(lines)), list(lines[i]))
    with open(DATA / "ledger.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["EntryId", "Date", "Account", "Currency", "Amount", "Description", "Reference"])
        w.writerows(lines)


if __name__ == "__main__":
    main()
