"""Sources → DataFrames of XV columns plus ``__row`` (source row order).

Design:
- CSV and JSON Lines are read as *text lines* and parsed with native ``from_csv``/``from_json``
  against an explicit all-string schema, then converted to XV by the column's config type. Reading
  lines ourselves (instead of Spark's CSV reader) keeps the physical line of every record, so a bad
  row is reported with its exact 1-based line number, and a line with the wrong number of fields is
  detected (Spark's CSV reader silently pads or truncates it). Records are one per line: a quoted
  field spanning lines shows up as bad rows. Empty lines are skipped, as Excel shows no row for a
  trailing newline. Only UTF-8 is read.
- ``__row`` comes from ``monotonically_increasing_id()`` on the scan of one file: Spark plans the
  splits of one file in file order (partition i holds split i), so the id grows with the position
  in the file; several files are read one by one and their ids are offset by the file's index in
  path order (``file << 47``). It is an order key, not dense: MATCH computes positions itself.
- No pass over the data happens here: bad rows with ``onBadRow: "fail"`` stop the job from inside
  Spark (``raise_error``) when the job runs; with ``"error"`` they are counted by an Observation
  during the job's one write, and examples with line numbers are fetched only when there are some.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import Any, Final

from pyspark.sql import Column, DataFrame, Observation, SparkSession
from pyspark.sql import functions as F  # noqa: N812 (PySpark's convention)
from pyspark.sql.types import DataType, StringType, StructField, StructType

from sheetscale_engine.config.error_codes import error_codes
from sheetscale_engine.errors import BAD_ROW_MARKER, ConfigInvalidError, Location, SourceNotFoundError
from sheetscale_engine.spark import values as V  # noqa: N812
from sheetscale_engine.spark.names import ROW, col

FILE_INDEX_SHIFT: Final = 47  # ids of one file scan stay below 2**47 (16384 partitions of 2**33 rows)
MAX_BAD_ROW_EXAMPLES: Final = 10

_PLAIN_NUMBER: Final = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
_BAD: Final = "__bad"
_REASON: Final = "__bad_reason"
_BAD_COLUMN: Final = "__bad_column"
_BAD_VALUE: Final = "__bad_value"
_FILE: Final = "__file"
_MID: Final = "__mid"
_LINE_TEXT: Final = "__line"


@dataclass
class BadRowExample:
    source: str
    file: str
    line: int
    column: str | None
    value: str | None
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "value": self.value,
            "reason": self.reason,
        }


@dataclass
class SourceTable:
    """One source read: ``df`` has an XV column per config column (config names) and ``__row``."""

    name: str
    config: dict[str, Any]
    files: list[str]
    df: DataFrame
    # What the bad-row report needs (never evaluated unless there are bad rows).
    checked: DataFrame
    raw_lines: DataFrame
    header_lines: int
    observation: Observation | None = None
    bad_count: int = 0
    rows_read: int | None = None
    examples: list[BadRowExample] = field(default_factory=list)

    @property
    def column_types(self) -> list[tuple[str, str]]:
        return [(c["name"], c["type"]) for c in self.config["columns"]]

    @property
    def column_kinds(self) -> dict[str, frozenset[int]]:
        """The kinds each column can hold, from its type (see values.TYPE_KINDS)."""
        return {c["name"]: V.TYPE_KINDS.get(c["type"], V.ALL_KINDS) for c in self.config["columns"]}

    def collect_bad_rows(self) -> None:
        """After the job ran: read the observed counts and, if any row was bad, fetch examples."""
        if self.observation is None:
            return
        metrics = self.observation.get
        self.bad_count = int(metrics.get("bad") or 0)
        self.rows_read = int(metrics.get("rows") or 0)
        if self.bad_count:
            self.examples = fetch_bad_row_examples(self)


def list_files(spark: SparkSession, uris: list[str], source: str) -> list[str]:
    """The data files behind the URIs (a file, a folder or a glob), in path order.

    Listed with Hadoop's FileSystem from the driver (works for file:// and s3:// alike); files
    whose names start with "_" or "." (_SUCCESS, .crc) are skipped as Spark does.
    """
    jvm: Any = spark.sparkContext._jvm  # py4j gateway: untyped
    conf = spark.sparkContext._jsc.hadoopConfiguration()
    files: list[str] = []
    for uri in uris:
        try:
            path = jvm.org.apache.hadoop.fs.Path(uri)
            fs = path.getFileSystem(conf)
            statuses = fs.globStatus(path) or []
            found: list[str] = []
            for status in statuses:
                if status.isDirectory():
                    found += [
                        str(s.getPath().toString()) for s in fs.listStatus(status.getPath()) if s.isFile()
                    ]
                else:
                    found.append(str(status.getPath().toString()))
        except Exception as exc:  # a Java IOException: permission, bad bucket...
            raise SourceNotFoundError(
                f"The input for source '{source}' cannot be listed: {uri} ({str(exc).splitlines()[0][:300]})",
                hint="Check the --input NAME=URI binding: the path must exist and be readable.",
                location=Location(source=source, file=uri),
            ) from exc
        found = [f for f in found if not f.rsplit("/", 1)[-1].startswith(("_", "."))]
        if not found:
            raise SourceNotFoundError(
                f"The input for source '{source}' was not found: {uri}",
                hint="Check the --input NAME=URI binding: the path must exist and hold at least one file.",
                location=Location(source=source, file=uri),
            )
        files.extend(sorted(found))
    return files


def read_source(
    spark: SparkSession, source: dict[str, Any], uris: list[str], date_system: str = "1900"
) -> SourceTable:
    """Read one source of the config from the URIs bound to it (lazy: no Spark job runs here)."""
    name: str = source["name"]
    fmt: dict[str, Any] = source["format"]
    files = list_files(spark, uris, name)
    if fmt["type"] == "parquet":
        raw, checked, header_lines = _read_parquet(spark, source, files, date_system)
    else:
        raw, checked, header_lines = _read_lines(spark, source, files, date_system)
    table = SourceTable(
        name=name,
        config=source,
        files=files,
        df=checked,
        checked=checked,
        raw_lines=raw,
        header_lines=header_lines,
    )
    table.df = _apply_bad_row_policy(table)
    return table


# ------------------------------------------------------------------------------------------------
# Lines (CSV, JSON Lines)
# ------------------------------------------------------------------------------------------------


def _scan_files(spark: SparkSession, files: list[str], reader: str) -> tuple[DataFrame, list[int]]:
    """Union of one scan per file with the order key, so that row order follows (path, position).

    Also returns the order id of each file's first line (the id is computed in the file's own
    scan, below the union, so it starts at 0 for every file).
    """
    frames: list[DataFrame] = []
    first_ids: list[int] = []
    for index, path in enumerate(files):
        scan = spark.read.format(reader).load(path)
        first_ids.append(index * 2**FILE_INDEX_SHIFT)
        frames.append(
            scan.select(
                "*",
                F.lit(index).alias(_FILE),
                (
                    F.lit(index).cast("long") * F.lit(2**FILE_INDEX_SHIFT) + F.monotonically_increasing_id()
                ).alias(_MID),
            )
        )
    out = frames[0]
    for frame in frames[1:]:
        out = out.unionByName(frame)
    return out, first_ids


def _read_first_line(spark: SparkSession, path: str) -> str:
    """The first line of a file, read from the driver (no Spark job): the CSV header."""
    jvm: Any = spark.sparkContext._jvm  # py4j gateway: untyped
    conf = spark.sparkContext._jsc.hadoopConfiguration()
    hpath = jvm.org.apache.hadoop.fs.Path(path)
    stream = hpath.getFileSystem(conf).open(hpath)
    try:
        reader = jvm.java.io.BufferedReader(jvm.java.io.InputStreamReader(stream, "UTF-8"))
        line = reader.readLine()
    finally:
        stream.close()
    return str(line) if line is not None else ""


def _read_lines(
    spark: SparkSession, source: dict[str, Any], files: list[str], date_system: str
) -> tuple[DataFrame, DataFrame, int]:
    name: str = source["name"]
    fmt: dict[str, Any] = source["format"]
    if str(fmt.get("encoding", "UTF-8")).upper().replace("_", "-") not in ("UTF-8", "UTF8"):
        raise ConfigInvalidError(
            f"Source '{name}': only UTF-8 files can be read (the config says {fmt.get('encoding')}).",
            hint="Save the file as CSV UTF-8 (Excel: File > Save As > CSV UTF-8).",
            location=Location(source=name, file=files[0]),
        )
    raw, first_ids = _scan_files(spark, files, "text")
    raw = raw.withColumnRenamed("value", _LINE_TEXT)
    columns: list[dict[str, Any]] = source["columns"]
    if fmt["type"] == "jsonl":
        header_lines = 0
        data = raw.where(F.trim(col(_LINE_TEXT)) != "")
        parsed = F.from_json(col(_LINE_TEXT), "map<string,string>")
        cells = [parsed.getItem(c.get("field", c["name"])) for c in columns]
        shape_ok = parsed.isNotNull()
        shape_reason = F.lit("the line is not a JSON object")
    else:
        delimiter = str(fmt.get("delimiter", ","))
        quote = str(fmt.get("quote", '"'))
        escape = str(fmt.get("escape", '"'))
        has_header = bool(fmt.get("header", True))
        header_lines = 1 if has_header else 0
        first = _read_first_line(spark, files[0]).lstrip("\ufeff")
        header = next(csv.reader(io.StringIO(first), delimiter=delimiter, quotechar=quote or None), [])
        width = len(header)
        positions = _column_positions(name, files[0], columns, header if has_header else None, width)
        schema = StructType([StructField(f"c{i}", StringType()) for i in range(max(width, 1))])
        options = {
            "sep": delimiter,
            "quote": quote,
            "escape": escape,
            "nullValue": "\u0000",
            "mode": "PERMISSIVE",
            "ignoreLeadingWhiteSpace": "false",
            "ignoreTrailingWhiteSpace": "false",
        }
        data = raw.where(col(_LINE_TEXT) != "")
        if has_header:
            # The header is the first line of each file.
            data = data.where(~col(_MID).isin(*first_ids))
        parsed = F.from_csv(col(_LINE_TEXT), schema.simpleString(), options)
        cells = [parsed.getField(f"c{positions[c['name']]}") for c in columns]
        fields = _field_count(col(_LINE_TEXT), delimiter, quote, escape)
        shape_ok = fields == width
        shape_reason = F.format_string(f"expected {width} fields, found %d", fields)
    checked = _convert(
        data,
        source=name,
        columns=columns,
        cells=cells,
        shape_ok=shape_ok,
        shape_reason=shape_reason,
        date_system=date_system,
    )
    return raw, checked, header_lines


def _column_positions(
    source: str, file: str, columns: list[dict[str, Any]], header: list[str] | None, width: int
) -> dict[str, int]:
    positions: dict[str, int] = {}
    if header is None:
        if len(columns) > width:
            raise ConfigInvalidError(
                f"Source '{source}' has {len(columns)} columns in the config "
                f"but its first line has {width} fields.",
                hint="Check the delimiter and the columns of the source.",
                location=Location(source=source, file=file, line=1),
            )
        return {c["name"]: i for i, c in enumerate(columns)}
    exact = {h: i for i, h in reversed(list(enumerate(header)))}
    folded = {h.strip().lower(): i for i, h in reversed(list(enumerate(header)))}
    for c in columns:
        wanted = str(c.get("field", c["name"]))
        index = exact.get(wanted, folded.get(wanted.strip().lower()))
        if index is None:
            raise ConfigInvalidError(
                f"Source '{source}': column '{wanted}' is not in the header of {file} "
                f"(found: {', '.join(header) or 'nothing'}).",
                hint="Bind the source to a file with that column, "
                "or fix the column's name or 'field' in the config.",
                location=Location(source=source, file=file, line=1, column=str(c["name"])),
            )
        positions[c["name"]] = index
    return positions


def _field_count(line: Column, delimiter: str, quote: str, escape: str) -> Column:
    """Number of fields of a CSV line: delimiters outside quoted sections, plus one."""
    if quote:
        q = _regex_char(quote)
        if escape and escape != quote:
            e = _regex_char(escape)
            quoted = f"{q}([^{q}{e}]|{e}.)*{q}"
        else:
            quoted = f"{q}[^{q}]*{q}"
        unquoted = F.regexp_replace(line, quoted, "")
    else:
        unquoted = line
    return F.length(unquoted) - F.length(F.replace(unquoted, F.lit(delimiter), F.lit(""))) + 1


def _regex_char(c: str) -> str:
    return "\\" + c if not c.isalnum() else c


# ------------------------------------------------------------------------------------------------
# Parquet
# ------------------------------------------------------------------------------------------------


def _read_parquet(
    spark: SparkSession, source: dict[str, Any], files: list[str], date_system: str
) -> tuple[DataFrame, DataFrame, int]:
    name: str = source["name"]
    columns: list[dict[str, Any]] = source["columns"]
    raw, _ = _scan_files(spark, files, "parquet")
    available = {f.name: f.dataType for f in raw.schema.fields}
    cells: list[Column] = []
    for c in columns:
        wanted = str(c.get("field", c["name"]))
        if wanted not in available:
            raise ConfigInvalidError(
                f"Source '{name}': column '{wanted}' is not in the Parquet file {files[0]}.",
                hint="Bind the source to a file with that column, or fix the column's 'field' in the config.",
                location=Location(source=name, file=files[0], column=str(c["name"])),
            )
        cells.append(_parquet_cell(col(wanted), available[wanted], c["type"], date_system))
    checked = _convert(
        raw,
        source=name,
        columns=columns,
        cells=cells,
        shape_ok=F.lit(True),
        shape_reason=F.lit(""),
        date_system=date_system,
    )
    return raw, checked, 0


def _parquet_cell(c: Column, dtype: DataType, ctype: str, date_system: str) -> Column:
    """Typed Parquet values keep their meaning (a timestamp is a date serial); others go via text."""
    tname = dtype.typeName()
    if tname in ("date",):
        return V.date_serial(c, date_system).cast("string")
    if tname in ("timestamp", "timestamp_ntz"):
        day = V.date_serial(F.to_date(c), date_system)
        secs = F.unix_timestamp(c) - F.unix_timestamp(F.date_trunc("day", c))
        return (day + secs / 86400.0).cast("string")
    if tname == "boolean":
        return F.when(c, F.lit("TRUE")).when(~c, F.lit("FALSE"))
    if tname in ("double", "float", "decimal"):
        return F.format_string("%.17g", c.cast("double"))
    return c.cast("string")


# ------------------------------------------------------------------------------------------------
# Text → XV by column type
# ------------------------------------------------------------------------------------------------


def parsed_value(raw: Column, ctype: str, date_format: str | None, date_system: str) -> Column:
    """Stage 1 of a cell's conversion: the raw text → a native value (double, text, boolean).

    Null when the text does not fit the type (or is empty). Kept apart from stage 2 so that each
    projection stays small: Spark analyses and compiles a few small expressions much faster than
    one large one.
    """
    t = F.trim(raw)
    if ctype == "number":
        plain = F.when(t.rlike(_PLAIN_NUMBER), t.cast("double"))
        return F.coalesce(plain, V.text_to_number(t, date_system))
    if ctype == "logical":
        u = F.upper(t)
        return F.when(u == "TRUE", F.lit(True)).when(u == "FALSE", F.lit(False))
    if ctype == "date":
        return _date_serial_of_text(t, date_format, date_system)
    if ctype == "mixed":
        return F.when(t.rlike(_PLAIN_NUMBER), t.cast("double"))
    if ctype == "text":
        return raw
    raise ConfigInvalidError(
        f"Unknown column type '{ctype}'.", hint="Use number, text, logical, date or mixed."
    )


def cell_value(raw: Column, parsed: Column, ctype: str) -> tuple[Column, Column]:
    """Stage 2: (raw text, parsed value) → (XV value, fits). An empty cell is blank in every type."""
    empty = raw.isNull() | (raw == "")
    if ctype == "text":
        return F.when(empty, V.xv_blank()).otherwise(V.xv_of(V.TEXT, s=raw)), F.lit(True)
    if ctype in ("number", "date"):
        fits = empty | parsed.isNotNull()
        value = (
            F.when(empty, V.xv_blank())
            .when(parsed.isNotNull(), V.xv_number(parsed))
            .otherwise(V.xv_error(V.VALUE))
        )
        return value, fits
    if ctype == "logical":
        fits = empty | parsed.isNotNull()
        value = (
            F.when(empty, V.xv_blank())
            .when(parsed.isNotNull(), V.xv_of(V.LOGICAL, b=parsed))
            .otherwise(V.xv_error(V.VALUE))
        )
        return value, fits
    # mixed: numbers, TRUE/FALSE, error codes, blank, else text as it is.
    u = F.upper(F.trim(raw))
    value = (
        F.when(empty, V.xv_blank())
        .when(parsed.isNotNull(), V.xv_number(parsed))
        .when(u == "TRUE", V.xv_logical(True))
        .when(u == "FALSE", V.xv_logical(False))
        .when(u.isin(*error_codes()), V.xv_of(V.ERROR, s=u))
        .otherwise(V.xv_of(V.TEXT, s=raw))
    )
    return value, F.lit(True)


def _date_serial_of_text(t: Column, date_format: str | None, date_system: str) -> Column:
    if date_format:
        ts = F.to_timestamp(t, date_format)
    else:
        ts = F.coalesce(F.to_timestamp(t, "yyyy-MM-dd"), F.to_timestamp(t))
    day = V.date_serial(F.to_date(ts), date_system)
    secs = F.unix_timestamp(ts) - F.unix_timestamp(F.date_trunc("day", ts))
    return F.when(ts.isNotNull(), day + secs / 86400.0)


def _convert(
    data: DataFrame,
    *,
    source: str,
    columns: list[dict[str, Any]],
    cells: list[Column],
    shape_ok: Column,
    shape_reason: Column,
    date_system: str,
) -> DataFrame:
    """Cells → XV in three small projections, plus the row's bad flag, reason, first bad column
    and its text."""
    n = len(columns)
    keep = [col(_FILE), col(_MID)]
    raw = data.select(
        *[c.alias(f"__raw{i}") for i, c in enumerate(cells)],
        shape_ok.alias("__shape_ok"),
        F.when(~shape_ok, shape_reason).alias("__shape_reason"),
        *keep,
    )
    parsed = raw.select(
        "*",
        *[
            parsed_value(col(f"__raw{i}"), c["type"], c.get("dateFormat"), date_system).alias(f"__parsed{i}")
            for i, c in enumerate(columns)
        ],
    )
    shape = col("__shape_ok")
    values: list[Column] = []
    fits_cols: list[Column] = []
    for i, c in enumerate(columns):
        value, fits = cell_value(col(f"__raw{i}"), col(f"__parsed{i}"), c["type"])
        values.append(F.when(shape, value).otherwise(V.xv_error(V.VALUE)).alias(c["name"]))
        fits_cols.append(fits.alias(f"__fits{i}"))
    converted = parsed.select(
        *values,
        *fits_cols,
        *[col(f"__raw{i}") for i in range(n)],
        col("__shape_ok"),
        col("__shape_reason"),
        *keep,
    )
    reason: Column = col("__shape_reason")
    bad_column: Column = F.lit(None).cast("string")
    bad_value: Column = F.lit(None).cast("string")
    all_fit: Column = shape
    # Walking backwards leaves the first column that does not fit as the one reported.
    for i in reversed(range(n)):
        c = columns[i]
        fits = col(f"__fits{i}")
        bad_column = F.when(shape & ~fits, F.lit(c["name"])).otherwise(bad_column)
        bad_value = F.when(shape & ~fits, col(f"__raw{i}")).otherwise(bad_value)
        reason = F.when(shape & ~fits, F.lit(f"not a {c['type']}")).otherwise(reason)
        all_fit = all_fit & fits
    return converted.select(
        *[col(c["name"]) for c in columns],
        col(_MID).alias(ROW),
        *keep,
        (~all_fit).alias(_BAD),
        reason.alias(_REASON),
        bad_column.alias(_BAD_COLUMN),
        bad_value.alias(_BAD_VALUE),
    )


def _apply_bad_row_policy(table: SourceTable) -> DataFrame:
    """Count rows and bad rows (an Observation, filled during the job's one pass) and, with
    onBadRow "fail", stop the job at the first bad row from inside Spark.

    The Observation also keeps Spark's optimizer from pushing later filters into the conversion
    expressions (it does not push filters through an observed node): pushed down, they would
    inline and copy those expressions into every filter.
    """
    names = [c["name"] for c in table.config["columns"]]
    observation = Observation(f"source:{table.name}")
    table.observation = observation
    observed = table.checked.observe(
        observation,
        F.count(F.lit(1)).alias("rows"),
        F.sum(F.when(col(_BAD), 1).otherwise(0)).alias("bad"),
    )
    if table.config.get("onBadRow", "fail") == "fail":
        details = F.to_json(
            F.struct(
                col(_FILE).alias("file"),
                col(_MID).alias("mid"),
                col(_REASON).alias("reason"),
                col(_BAD_COLUMN).alias("column"),
                col(_BAD_VALUE).alias("value"),
            )
        )
        message = F.concat(F.lit(BAD_ROW_MARKER + json.dumps(table.name) + "|"), details)
        observed = observed.where(F.when(col(_BAD), F.raise_error(message)).isNull())
    return observed.select(*[col(n) for n in names], col(ROW))


def fetch_bad_row_examples(table: SourceTable, limit: int = MAX_BAD_ROW_EXAMPLES) -> list[BadRowExample]:
    """The first bad rows with their 1-based line numbers (two small jobs, only when rows are bad)."""
    bad = (
        table.checked.where(col(_BAD))
        .select(_FILE, _MID, _REASON, _BAD_COLUMN, _BAD_VALUE)
        .orderBy(_MID)
        .limit(limit)
        .collect()
    )
    return [
        BadRowExample(table.name, table.files[int(r[0])], line, r[3], r[4], str(r[2]))
        for r, line in zip(bad, line_numbers(table, [(int(r[0]), int(r[1])) for r in bad]), strict=True)
    ]


def line_numbers(table: SourceTable, positions: list[tuple[int, int]]) -> list[int]:
    """1-based line numbers in their files of rows given as (file index, order id): one aggregate."""
    if not positions:
        return []
    lines_col = table.raw_lines  # every physical line (row), header and empty lines included
    aggs = [
        F.sum(F.when((col(_FILE) == f) & (col(_MID) <= m), 1).otherwise(0)).alias(f"l{i}")
        for i, (f, m) in enumerate(positions)
    ]
    row = lines_col.agg(*aggs).collect()[0]
    return [int(row[f"l{i}"] or 0) for i in range(len(positions))]


def bad_row_location(table: SourceTable, details: dict[str, Any]) -> tuple[Location, str]:
    """The location and reason of a bad row reported from inside Spark (onBadRow "fail")."""
    file_index = int(details.get("file", 0))
    mid = int(details.get("mid", 0))
    line = line_numbers(table, [(file_index, mid)])[0]
    location = Location(
        source=table.name,
        file=table.files[file_index] if file_index < len(table.files) else None,
        line=line,
        column=details.get("column"),
    )
    return location, str(details.get("reason") or "the row does not fit the source's columns")
