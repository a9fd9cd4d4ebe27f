"""Hand-written PySpark contender: the benchmark's columns as ONE typed select (the speed bound).

    spark/.venv/bin/python bench/handwritten_pyspark.py --shape seed|recon --data DIR --output DIR \
        [--master 'local[*]']

Reads the shape's CSVs (bench/generate.py) with an explicit schema, left-joins the lookup tables
(the small FX table broadcast; the large ones as Spark decides under the engine's settings),
computes the same columns as the shape's sheetscale config (bench/workload.py) in one select, and
writes Parquet to OUTPUT/result/. The SparkSession comes from
sheetscale_engine.spark.session.build_session: the engine's settings (ANSI off, AQE, broadcast
threshold, Kryo), so the two Spark contenders differ only in the plan.

The same assumptions and the same ROUND rule (15 significant digits first) as
bench/handwritten_duckdb.py (see its docstring): unique keys, typed clean data, an Excel error is
null, dates stay dates, no row order kept.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "spark"))

from pyspark.sql import Column, DataFrame, SparkSession  # noqa: E402
from pyspark.sql import functions as F  # noqa: E402, N812 (PySpark's convention)
from pyspark.sql.types import DataType, DateType, DoubleType, StringType, StructField, StructType  # noqa: E402
from workload import INPUT_FILES, source_columns  # noqa: E402

from sheetscale_engine.spark.session import build_session  # noqa: E402

EPS = 6e-16  # the nudge towards the rounding boundary: see bench/handwritten_duckdb.py
SPARK_TYPES: dict[str, DataType] = {"number": DoubleType(), "text": StringType(), "date": DateType()}


def abs15(x: Column) -> Column:
    """|x| rounded to 15 significant digits (Excel's precision), as the nearest double. Math.pow
    of 10 to a whole power is exact (Java's contract); floor(+0.5) instead of F.round, which goes
    through BigDecimal."""
    a = F.abs(x)
    e = F.floor(F.log10(a))
    up, down = F.pow(F.lit(10.0), 14 - e), F.pow(F.lit(10.0), e - 14)
    return (
        F.when(a == 0, F.lit(0.0))
        .when(e <= 14, F.floor(a * up + 0.5) / up)
        .otherwise(F.floor(a / down + 0.5) * down)
    )


def _scale(x: Column, d: int, computed: bool) -> Column:
    """|x| (at 15 digits when ``computed``) scaled by 10^d."""
    a = abs15(x) if computed else F.abs(x)
    return a * float(10**d) if d >= 0 else a / float(10**-d)


def _back(whole: Column, x: Column, d: int) -> Column:
    signed = F.signum(x) * whole.cast("double")
    return (signed / float(10**d) if d >= 0 else signed * float(10**-d)) + F.lit(0.0)


def xround(x: Column, d: int, computed: bool = True) -> Column:
    """Excel ROUND(x, d): half away from zero. ``computed`` False: x is a source column."""
    return _back(F.floor(_scale(x, d, computed) * (1 + EPS) + 0.5), x, d)


def xroundup(x: Column, d: int, computed: bool = True) -> Column:
    """Excel ROUNDUP(x, d): away from zero."""
    return _back(F.ceil(_scale(x, d, computed) * (1 - EPS)), x, d)


def xrounddown(x: Column, d: int, computed: bool = True) -> Column:
    """Excel ROUNDDOWN(x, d) and TRUNC(x, d): toward zero."""
    return _back(F.floor(_scale(x, d, computed) * (1 + EPS)), x, d)


def xmod(x: Column, y: float) -> Column:
    """Excel MOD: the result has the divisor's sign."""
    return x - F.lit(y) * F.floor(x / y)


def read_csv(spark: SparkSession, shape: str, data: Path, source: str) -> DataFrame:
    schema = StructType(
        [StructField(n, SPARK_TYPES[t], nullable=True) for n, t in source_columns(shape, source)]
    )
    return spark.read.csv(
        str(data / INPUT_FILES[shape][source]), header=True, schema=schema, dateFormat="yyyy-MM-dd"
    )


def seed_frame(spark: SparkSession, data: Path) -> DataFrame:
    t = read_csv(spark, "seed", data, "transactions").alias("t")
    r = read_csv(spark, "seed", data, "reference").withColumnRenamed("Key", "__ref_key").alias("r")
    joined = t.join(r, F.col("t.Key") == F.col("r.__ref_key"), "left")
    c = {n: F.col(f"t.`{n}`") for n, _ in source_columns("seed", "transactions")}
    rate, name, region = F.col("r.Rate"), F.col("r.Name"), F.col("r.Region")
    amount, qty, date, memo = c["Amount"], c["Qty"], c["Date"], c["Memo"]
    v: dict[str, Column] = {}
    v["Gross"] = qty * c["Price"]
    v["Amount USD"] = xround(amount * rate, 2)
    v["Net"] = v["Gross"] - v["Amount USD"]
    v["Tax"] = xround(v["Gross"] * 0.2, 2)
    v["Total"] = v["Gross"] + v["Tax"]
    v["Abs Amount"] = F.abs(amount)
    v["Sign"] = F.signum(amount)
    v["Is Large"] = F.when(v["Abs Amount"] > 5000, "large").otherwise("small")
    v["Direction"] = F.when(amount >= 0, "Debit").otherwise("Credit")
    v["Year"] = F.year(date)
    v["Month"] = F.month(date)
    v["Day"] = F.dayofmonth(date)
    v["Quarter"] = xroundup(v["Month"] / 3, 0)
    v["Period"] = F.concat(v["Year"].cast("string"), F.lit("-"), v["Month"].cast("string"))
    v["Category Code"] = F.upper(F.substring(c["Category"], 1, 3))
    v["Region Upper"] = F.upper(region)
    v["Label"] = F.concat(c["Category"], F.lit(" / "), region)
    v["Memo Length"] = F.length(memo)
    v["Memo Trim"] = F.trim(F.regexp_replace(memo, " {2,}", " "))
    v["Unit Margin"] = xround(v["Net"] / qty, 4)
    v["Rate Pct"] = xround(rate * 100, 1)
    v["Rounded Down"] = xrounddown(amount, 0, computed=False)
    v["Rounded Up"] = xroundup(amount, -1, computed=False)
    v["Int Amount"] = F.floor(amount).cast("double")
    v["Trunc Amount"] = xrounddown(amount, 1, computed=False)
    v["Mod Qty"] = xmod(qty, 7)
    v["Power"] = F.pow(rate, 2)
    v["Root"] = F.sqrt(v["Abs Amount"])
    v["Max Of"] = F.greatest(v["Gross"], v["Abs Amount"])
    v["Min Of"] = F.least(v["Gross"], v["Abs Amount"])
    v["Sum Of"] = v["Gross"] + v["Tax"] + v["Net"]
    v["Average Of"] = (v["Gross"] + v["Tax"]) / 2
    v["Even Qty"] = (qty.cast("long") % 2) == 0  # ISEVEN truncates toward zero, as the cast does
    v["Big And Debit"] = (amount > 1000) & (v["Direction"] == "Debit")
    v["Flag"] = F.when(v["Big And Debit"] | (amount < -9000), 1).otherwise(0)
    v["Name Start"] = F.substring(name, 1, 5)
    v["Name End"] = F.substring(name, -3, 3)
    v["Name Mid"] = F.substring(name, 3, 4)
    v["Key Number"] = F.substring(c["Key"], 2, 9).cast("double")
    v["Key Bucket"] = xmod(v["Key Number"], 100)
    v["Has Memo"] = memo.isNotNull()
    v["Safe Ratio"] = F.when(qty - 1 == 0, F.lit(0.0)).otherwise(amount / (qty - 1))
    v["Found"] = F.when(F.col("r.__ref_key").isNull(), "missing").otherwise("ok")
    v["Txn Suffix"] = F.substring(c["TxnId"], -4, 4)
    v["Concat"] = F.concat(v["Category Code"], F.lit("-"), v["Txn Suffix"])
    v["Substituted"] = F.regexp_replace(memo, "memo", "note")
    v["Proper Region"] = F.concat(
        F.upper(F.substring(region, 1, 1)), F.lower(F.substring(region, 2, 1 << 30))
    )
    v["Weekday"] = F.dayofweek(date)
    v["Month End"] = F.last_day(date)
    return joined.select(
        *[col.alias(n) for n, col in c.items()],
        rate.alias("Rate"),
        name.alias("Name"),
        region.alias("Region"),
        *[col.alias(n) for n, col in v.items()],
    )


def recon_frame(spark: SparkSession, data: Path) -> DataFrame:
    g = read_csv(spark, "recon", data, "gl").alias("g")
    b = read_csv(spark, "recon", data, "bank").alias("b")
    x = read_csv(spark, "recon", data, "fx").alias("x")
    joined = g.join(b, F.col("g.`Bank Ref`") == F.col("b.Reference"), "left").join(
        F.broadcast(x), F.col("g.Currency") == F.col("x.Currency"), "left"
    )
    c = {n: F.col(f"g.`{n}`") for n, _ in source_columns("recon", "gl")}
    posting, rate, value_date = c["Posting Date"], F.col("x.RateToUSD"), F.col("b.`Value Date`")
    v: dict[str, Column] = {}
    v["Bank Amount"] = F.coalesce(F.col("b.Amount"), F.lit(0.0))  # IFERROR(VLOOKUP(...,3,FALSE),0)
    v["Value Date"] = value_date
    v["Rate"] = rate
    v["Amount USD"] = xround(c["Amount"] * rate, 2)
    v["Bank USD"] = xround(v["Bank Amount"] * rate, 2)
    v["Difference"] = xround(v["Amount USD"] - v["Bank USD"], 2)
    v["Status"] = (
        F.when(v["Bank Amount"] == 0, "Unmatched")
        .when(v["Difference"] == 0, "Matched")
        .otherwise("Difference")
    )
    v["Days To Clear"] = F.coalesce(F.datediff(value_date, posting), F.lit(0))
    v["Late"] = F.when(v["Days To Clear"] > 3, "Late").otherwise("On time")
    v["Posting Text"] = F.date_format(posting, "yyyy-MM-dd")
    v["Amount Text"] = F.format_number(v["Amount USD"], 2)
    v["Period"] = F.concat(
        F.year(posting).cast("string"), F.lit("-"), F.lpad(F.month(posting).cast("string"), 2, "0")
    )
    v["Period End"] = F.last_day(posting)
    v["Quarter"] = F.concat(F.lit("Q"), xroundup(F.month(posting) / 3, 0).cast("long").cast("string"))
    v["Fiscal Year"] = F.when(F.month(posting) >= 7, F.year(posting) + 1).otherwise(F.year(posting))
    v["Match Key"] = F.concat(
        c["Account"], F.lit("|"), c["Currency"], F.lit("|"), F.upper(F.substring(c["Description"], 1, 12))
    )
    return joined.select(*[col.alias(n) for n, col in c.items()], *[col.alias(n) for n, col in v.items()])


FRAMES = {"seed": seed_frame, "recon": recon_frame}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--shape", choices=sorted(FRAMES), required=True)
    parser.add_argument("--data", required=True, help="the folder bench/generate.py wrote")
    parser.add_argument("--output", required=True, help="result/ (Parquet) is written here")
    parser.add_argument("--master", default="local[*]")
    parser.add_argument("--explain", action="store_true", help="print the physical plan and exit")
    args = parser.parse_args()
    t = time.perf_counter()
    spark = build_session("bench-handwritten-pyspark", master=args.master)
    frame = FRAMES[args.shape](spark, Path(args.data).resolve())
    if args.explain:
        frame.explain()
        spark.stop()
        return
    frame.write.mode("overwrite").parquet(str(Path(args.output).resolve() / "result"))
    spark.stop()
    print(f"handwritten-pyspark {args.shape}: {time.perf_counter() - t:.2f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
