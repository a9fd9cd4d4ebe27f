"""Benchmark data, deterministically (fixed seeds): run it again and the files are identical.

    python3 bench/generate.py --shape seed --rows 1000000 --out /tmp/sheetscale-bench/seed-1000000
    python3 bench/generate.py --shape recon --rows 1000000 --out /tmp/sheetscale-bench/recon-1000000

- seed (``generate``): two large tables joined by a unique key: transactions.csv (the main table)
  and reference.csv (the lookup table, one row per key, in another order); ~2% of the
  transactions' keys have no reference row.
- recon (``generate_recon``): a general-ledger extract against a bank statement: gl.csv (the main
  table, ``rows`` journal lines), bank.csv (one line per matched GL line plus ~1% bank-only lines,
  shuffled) and fx.csv (12 currencies). Guarantees the hand-written contenders rely on: every key
  (EntryId, Bank Ref, Reference, Currency) is unique in its table; ~3% of GL lines have no bank
  line (their VLOOKUPs give #N/A); every GL currency has a rate; amounts have two decimals and are
  never 0 (|amount| >= 1.00); dates are ISO yyyy-mm-dd in 2023-2024; no field is empty, quoted or
  has leading, trailing or repeated spaces.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from array import array
from pathlib import Path

CATEGORIES = [
    "Travel",
    "Meals",
    "Software",
    "Hardware",
    "Rent",
    "Utilities",
    "Payroll",
    "Consulting",
    "Freight",
    "Misc",
]
REGIONS = ["North", "South", "East", "West", "Central"]


def generate(rows: int, out: Path, seed: int = 53) -> None:
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    base = dt.date(2023, 1, 1).toordinal()
    with open(out / "transactions.csv", "w", encoding="utf-8") as f:
        f.write("TxnId,Key,Amount,Qty,Price,Date,Category,Memo\n")
        for i in range(rows):
            key = rng.randrange(rows + rows // 50)  # ~2% of keys have no reference row
            day = dt.date.fromordinal(base + rng.randrange(730)).isoformat()
            f.write(
                f"T{i:09d},K{key:09d},{rng.uniform(-10000, 10000):.2f},{rng.randrange(1, 50)},"
                f"{rng.uniform(1, 500):.2f},{day},{rng.choice(CATEGORIES)},"
                f"memo {i % 997} {rng.choice(REGIONS).lower()}\n"
            )
    keys = list(range(rows))
    rng.shuffle(keys)
    with open(out / "reference.csv", "w", encoding="utf-8") as f:
        f.write("Key,Rate,Name,Region\n")
        for key in keys:
            f.write(
                f"K{key:09d},{rng.uniform(0.5, 1.5):.6f},Counterparty {key % 10007},{rng.choice(REGIONS)}\n"
            )


# Rates to USD with 4 or 6 decimals: Amount*Rate then has 6 or 8 decimals, so ROUND(...,2) meets
# exact halves (x.xx5) about once in 10,000 rows: the half-away-from-zero rule is exercised.
FX_RATES = [
    ("USD", "1"),
    ("EUR", "1.0842"),
    ("GBP", "1.2687"),
    ("JPY", "0.006712"),
    ("CHF", "1.1295"),
    ("CAD", "0.7354"),
    ("AUD", "0.6571"),
    ("SEK", "0.0952"),
    ("NOK", "0.0937"),
    ("DKK", "0.1454"),
    ("SGD", "0.7431"),
    ("MXN", "0.0583"),
]
ENTRY_KINDS = ["Invoice", "Payment", "Refund", "Accrual", "Transfer", "Fee", "Payroll", "Reversal"]
COUNTERPARTIES = [
    "Acme Corp",
    "Globex",
    "Initech",
    "Umbrella Ltd",
    "Stark Industries",
    "Wayne Enterprises",
    "Hooli",
    "Vandelay Imports",
    "Soylent Co",
    "Tyrell GmbH",
    "Cyberdyne",
    "Wonka SA",
]


def _money(cents: int) -> str:
    """Cents as an exact two-decimal string ("-1234.05")."""
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def generate_recon(rows: int, out: Path, seed: int = 71) -> None:
    """gl.csv (``rows`` lines), bank.csv and fx.csv: see the module docstring for the guarantees."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    base = dt.date(2023, 1, 1).toordinal()
    currencies = [c for c, _ in FX_RATES]
    # USD half of the lines, the other currencies share the rest.
    weights = [len(currencies) - 1] + [1] * (len(currencies) - 1)
    accounts = [str(a) for a in range(1000, 9000, 10)]
    matched = bytearray(rows)
    value_day = array("i", bytes(4 * rows))  # days after the posting date, per GL line
    bank_cents = array("q", bytes(8 * rows))
    counterparty = bytearray(rows)
    with open(out / "gl.csv", "w", encoding="utf-8") as f:
        f.write("EntryId,Posting Date,Account,Currency,Amount,Bank Ref,Description\n")
        for i in range(rows):
            day = base + rng.randrange(730)
            cents = rng.randrange(100, 5_000_000) * (1 if rng.random() < 0.6 else -1)
            party = rng.randrange(len(COUNTERPARTIES))
            currency = rng.choices(currencies, weights)[0]
            f.write(
                f"JE{i:010d},{dt.date.fromordinal(day).isoformat()},{rng.choice(accounts)},{currency},"
                f"{_money(cents)},BR{i:010d},{rng.choice(ENTRY_KINDS)} {rng.randrange(100000)} "
                f"{COUNTERPARTIES[party]}\n"
            )
            if rng.random() < 0.97:
                matched[i] = 1
                value_day[i] = day - base + rng.randrange(8)
                if rng.random() < 0.9:
                    bank_cents[i] = cents
                else:  # a bank fee or a partial payment: same sign, never 0
                    fee = rng.randrange(1, 2500) * (1 if cents > 0 else -1)
                    bank_cents[i] = cents - fee if abs(cents) > abs(fee) else cents + fee
                counterparty[i] = party
    extra = rows // 100  # bank-only lines: no GL line points at them
    order = [i for i in range(rows) if matched[i]] + list(range(rows, rows + extra))
    rng.shuffle(order)
    with open(out / "bank.csv", "w", encoding="utf-8") as f:
        f.write("Reference,Value Date,Amount,Counterparty\n")
        for i in order:
            if i < rows:
                day, cents, party = value_day[i], bank_cents[i], counterparty[i]
            else:
                day = rng.randrange(737)
                cents = rng.randrange(100, 5_000_000) * rng.choice((1, -1))
                party = rng.randrange(len(COUNTERPARTIES))
            f.write(
                f"BR{i:010d},{dt.date.fromordinal(base + day).isoformat()},{_money(cents)},"
                f"{COUNTERPARTIES[party]}\n"
            )
    with open(out / "fx.csv", "w", encoding="utf-8") as f:
        f.write("Currency,RateToUSD\n")
        for currency, rate in FX_RATES:
            f.write(f"{currency},{rate}\n")


GENERATORS = {"seed": generate, "recon": generate_recon}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shape", choices=sorted(GENERATORS), default="seed")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--out", default="/tmp/sheetscale-bench")
    args = parser.parse_args()
    GENERATORS[args.shape](args.rows, Path(args.out))


if __name__ == "__main__":
    main()
