"""Benchmark data in the seed's shape: two large tables joined by a unique key.

    python3 bench/generate.py --rows 1000000 --out /tmp/sheetscale-bench

writes transactions.csv (the main table) and reference.csv (the lookup table, one row per key, in
another order), deterministically (fixed seed).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--out", default="/tmp/sheetscale-bench")
    args = parser.parse_args()
    generate(args.rows, Path(args.out))


if __name__ == "__main__":
    main()
