"""Writing the full result, and reading its first rows back for the summary.

Parquet (default), in ONE pass, so each column's encoding is decided from the plan, not the data:
  - a column that provably holds one kind (a source column of type number/date → double, text →
    string, logical → boolean, from a source whose bad rows fail the job, so no #VALUE! can appear
    in it) is written with that natural type, blank → null;
  - every other column (formula, lookup and aggregate columns, mixed source columns: their kind can
    vary by row) is a string holding the contract's JSON value encoding: 12.5, "text" (with quotes),
    true, null, {"error":"#N/A"} — readable anywhere, and nothing is lost.
docs/engine.md shows how to read it back.

CSV: one text column per result column, as Excel would show the value: numbers in the General
format, TRUE/FALSE, error codes, blank as an empty field.
"""

from __future__ import annotations

import json
from typing import Any, Final

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F  # noqa: N812 (PySpark's convention)

from sheetscale_engine.spark import values as V  # noqa: N812
from sheetscale_engine.spark.names import col

ENCODING_JSON: Final = "json"


def json_value(xv: Column) -> Column:
    """XV → its JSON text (the contract's value encoding) as a Spark string."""
    k = V.kind(xv)
    n = V.num(xv)
    # Whole numbers below 10^15 are exact as a long ("12", not "12.0"); the rest as Java writes a
    # double ("12.5", "1.0E21": valid JSON numbers that read back as the same double).
    whole = (n == F.floor(n)) & (F.abs(n) < 1e15)
    number = F.when(whole, n.cast("bigint").cast("string")).otherwise(n.cast("string"))
    return (
        F.when(k == V.NUMBER, number)
        .when(k == V.TEXT, _json_string(V.text(xv)))
        .when(k == V.LOGICAL, F.when(V.logical(xv), F.lit("true")).otherwise(F.lit("false")))
        .when(k == V.ERROR, F.concat(F.lit('{"error":'), _json_string(V.text(xv)), F.lit("}")))
        .otherwise(F.lit("null"))
    )


def _json_string(s: Column) -> Column:
    """A string → its JSON literal ("a\"b"), via to_json of a one-element array."""
    arr = F.to_json(F.array(s))
    return arr.substr(F.lit(2), F.length(arr) - 2)


def natural_column(xv: Column, ctype: str) -> Column:
    """A typed source column: its natural Spark type (blank → null)."""
    if ctype in ("number", "date"):
        return V.num(xv)
    if ctype == "text":
        return V.text(xv)
    if ctype == "logical":
        return V.logical(xv)
    raise ValueError(ctype)


def csv_text(xv: Column) -> Column:
    """XV → the text Excel shows in a CSV it saves (General format)."""
    return F.when(V.is_error(xv), V.text(xv)).when(V.is_blank(xv), F.lit(None)).otherwise(V.to_text_raw(xv))


def result_frame(
    df: DataFrame, columns: list[str], natural: dict[str, str], fmt: str
) -> tuple[DataFrame, dict[str, str]]:
    """The frame to write and each column's encoding ('double', 'string', 'boolean' or 'json').

    ``natural`` names the columns that are main-source columns of a single type and hold no error
    or off-type cell (known from the plan: columns no step rewrote and whose source had no bad rows
    possible... the caller decides).
    """
    if fmt == "csv":
        return df.select(*[csv_text(col(c)).alias(c) for c in columns]), {c: "text" for c in columns}
    out: list[Column] = []
    encodings: dict[str, str] = {}
    for c in columns:
        ctype = natural.get(c)
        if ctype is not None:
            out.append(natural_column(col(c), ctype).alias(c))
            encodings[c] = {"number": "double", "date": "double", "text": "string", "logical": "boolean"}[
                ctype
            ]
        else:
            out.append(json_value(col(c)).alias(c))
            encodings[c] = ENCODING_JSON
    return df.select(*out), encodings


def write_result(df: DataFrame, path: str, fmt: str) -> None:
    writer = df.write.mode("overwrite")
    if fmt == "csv":
        writer.option("header", "true").option("nullValue", "").option("emptyValue", '""').csv(path)
    else:
        writer.parquet(path)


def read_first_rows(
    spark: SparkSession, *, path: str, fmt: str, columns: list[str], encodings: dict[str, str], limit: int
) -> list[list[Any]]:
    """The first ``limit`` rows of the written result, in order (part files hold consecutive rows)."""
    if limit <= 0:
        return []
    reader = (
        spark.read.format("csv").option("header", "true") if fmt == "csv" else spark.read.format("parquet")
    )
    try:
        files = sorted(f for f in reader.load(path).inputFiles() if "/part-" in f)
    except Exception:  # an empty result has no data files
        return []
    rows: list[list[Any]] = []
    for file in files:
        frame = (
            spark.read.format("csv").option("header", "true").load(file)
            if fmt == "csv"
            else spark.read.parquet(file)
        )
        for r in frame.limit(limit - len(rows)).collect():
            rows.append([_decode(r[c], encodings[c]) for c in columns])
        if len(rows) >= limit:
            break
    return rows


def _decode(value: Any, encoding: str) -> Any:
    if value is None:
        return None
    if encoding == ENCODING_JSON:
        return json.loads(value)
    if encoding == "double":
        f = float(value)
        return int(f) if f.is_integer() and abs(f) < 2**53 else f
    if encoding == "text":
        return value
    return value
