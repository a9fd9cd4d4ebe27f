"""Sources → DuckDB tables: one column per config column in the layout its type allows, plus ``__row``.

The same conversion rules as the Spark lowering's reader (spark/reader.py): every field is read as
text (never type inference) and converted by the column's config type with Excel's rules; typed
Parquet values keep their meaning (a timestamp is a date serial).

How a source is read:

- Each file of the source (path order) is INSERTed into one temporary table by DuckDB's own
  parallel readers (``read_csv`` with every field VARCHAR, ``read_parquet``; JSON Lines are read
  as lines and parsed with the json functions). With ``preserve_insertion_order`` the table's
  ``rowid`` is the record's position (files in path order, records in file order): that is
  ``__row``, dense, and costs nothing to compute (``row_number() OVER ()`` would force the scan
  onto one thread).
- Values are stored in their typed layout (number/date → DOUBLE, text → VARCHAR, logical →
  BOOLEAN, blank = NULL; mixed → the XV struct) with, for each column that can hold a value that
  does not fit (number, date, logical), a boolean *unfit* flag, and ``__shape_bad`` for a record
  that does not fit at all (a CSV line with the wrong number of fields, a JSON line that is not an
  object). With onBadRow "error" the source's table shows ``#VALUE!`` in the unfit cells, and only
  the columns that really hold one leave the typed layout (known after reading, from one
  aggregate); with "fail" no cell can be an error, so every typed column stays typed.
- Bad rows: counted with one aggregate. Their 1-based line (and the offending text) are found only
  for the rows reported — the first bad row with "fail", up to 10 examples with "error" — by
  re-reading the file with Python's csv module up to that record (CSV: a record can span lines,
  and DuckDB skips empty lines), or directly (JSON Lines: the record is the line; Parquet: the
  row). Malformed CSV lines come from DuckDB's rejects table (``store_rejects``), which gives their
  line; with "error" they are put back in their place as rows of ``#VALUE!``.

No Python runs per row on the normal path.
"""

from __future__ import annotations

import bisect
import csv
import glob
import json
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Final

import duckdb

from sheetscale_engine.config.error_codes import error_codes
from sheetscale_engine.core.engine_choice import local_path
from sheetscale_engine.core.excel_values import ALL_KINDS, BLANK, LOGICAL, NUMBER, TEXT
from sheetscale_engine.duckdb import values as V  # noqa: N812
from sheetscale_engine.duckdb.table import ROW, SourceTable, Table, fresh_name
from sheetscale_engine.errors import BadInputRowError, ConfigInvalidError, Location, SourceNotFoundError

_PLAIN_NUMBER: Final = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
MAX_BAD_ROW_EXAMPLES: Final = 10
_SHAPE: Final = "__shape_bad"  # the record does not fit the source's shape (every cell #VALUE!)
_SKIP: Final = "__skip"  # a blank JSON line: kept for its line number, never a row
_BAD_ROW_HINT: Final = (
    'Fix the file, or set "onBadRow": "error" on the source to keep such rows with #VALUE! and count them.'
)
# The kinds a source column holds before any cell is found not to fit.
_STORED_KINDS: Final[dict[str, frozenset[int]]] = {
    "number": frozenset({BLANK, NUMBER}),
    "date": frozenset({BLANK, NUMBER}),
    "text": frozenset({BLANK, TEXT}),
    "logical": frozenset({BLANK, LOGICAL}),
    "mixed": ALL_KINDS,
}
_CHECKED_TYPES: Final = frozenset({"number", "date", "logical"})  # types whose cells can be unfit


@dataclass
class BadRowExample:
    """A bad input row as summary.json reports it (the same JSON as the Spark lowering's)."""

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


def bad_row_error(row: BadRowExample) -> BadInputRowError:
    """The job failure for a bad row of a source with onBadRow "fail" (Spark's message shape)."""
    column = f", column '{row.column}'" if row.column else ""
    shown = f" (value {row.value!r})" if row.value is not None else ""
    return BadInputRowError(
        f"Source '{row.source}': the row at {row.file}, line {row.line}{column} cannot be read: "
        f"{row.reason}{shown}.",
        hint=_BAD_ROW_HINT,
        location=Location(source=row.source, file=row.file, line=row.line, column=row.column),
    )


# ------------------------------------------------------------------------------------------------
# Files
# ------------------------------------------------------------------------------------------------


def list_files(uris: list[str], source: str) -> list[str]:
    """The data files behind the URIs (a file, a folder or a glob), in path order.

    Files whose names start with "_" or "." (_SUCCESS, .crc) are skipped, as Spark does.
    """
    files: list[str] = []
    for uri in uris:
        if "://" in uri and not uri.startswith("file://"):
            raise SourceNotFoundError(
                f"The input for source '{source}' is not on this machine: {uri}",
                hint="The DuckDB engine reads local files only; run the job with --engine spark.",
                location=Location(source=source, file=uri),
            )
        path = local_path(uri)
        if os.path.isdir(path):
            found = [os.path.join(path, f) for f in os.listdir(path) if os.path.isfile(os.path.join(path, f))]
        elif any(ch in path for ch in "*?["):
            found = [p for p in glob.glob(path) if os.path.isfile(p)]
        else:
            found = [path] if os.path.isfile(path) else []
        found = [os.path.abspath(f) for f in found if not os.path.basename(f).startswith(("_", "."))]
        if not found:
            raise SourceNotFoundError(
                f"The input for source '{source}' was not found: {uri}",
                hint="Check the --input NAME=URI binding: the path must exist and hold at least one file.",
                location=Location(source=source, file=uri),
            )
        files.extend(sorted(found))
    return files


# ------------------------------------------------------------------------------------------------
# Text → value by column type (the Spark reader's rules)
# ------------------------------------------------------------------------------------------------


def _plain_number_sql(raw: str) -> str:
    """The number of a plain decimal text (``_PLAIN_NUMBER`` after trimming spaces), else NULL.

    DuckDB's cast reads the same texts, plus a few that Excel's reader does not: "1_000",
    "inf"/"nan" and other whitespace than spaces around the digits; those are ruled out with
    cheap tests instead of a regular expression (this runs on every cell of a number column).
    """
    x = f"TRY_CAST({raw} AS DOUBLE)"
    controls = " OR ".join(f"ends_with({raw}, chr({c}))" for c in (9, 10, 11, 12, 13))
    guard = f"{raw} >= ' ' AND NOT contains({raw}, '_') AND NOT ({controls})"
    return f"(CASE WHEN {guard} AND isfinite({x}) THEN {x} END)"


def _iso_date_sql(raw: str, date_system: str) -> str:
    """The serial of a text that is exactly yyyy-mm-dd (the usual case, without strptime), else NULL."""
    d = f"TRY_CAST({raw} AS DATE)"
    serial = V.date_serial_sql(d, date_system)
    return f"(CASE WHEN {raw} LIKE '____-__-__' AND {d} IS NOT NULL THEN {serial} END)"


def parsed_sql(raw: str, ctype: str, date_format: str | None, date_system: str) -> str:
    """Stage 1: the raw text → a native value (DOUBLE, VARCHAR, BOOLEAN); NULL when it does not fit.

    Each type tries a cheap exact test for the common form first, then the general rule.
    """
    t = f"trim({raw})"
    if ctype == "number":
        general = V.text_to_number_sql(raw, date_system)
        fast = _plain_number_sql(raw)
        # CASE, not coalesce: DuckDB evaluates a CASE branch only for its rows.
        return (
            f"(CASE WHEN {raw} IS NULL OR {raw} = '' THEN NULL "
            f"WHEN {fast} IS NOT NULL THEN {fast} ELSE {general} END)"
        )
    if ctype == "logical":
        return (
            f"(CASE {raw} WHEN 'TRUE' THEN TRUE WHEN 'FALSE' THEN FALSE ELSE "
            f"(CASE upper({t}) WHEN 'TRUE' THEN TRUE WHEN 'FALSE' THEN FALSE END) END)"
        )
    if ctype == "date":
        if date_format:
            ts = f"try_strptime({t}, {V.sql_text(_strptime_format(date_format))})"
        else:
            ts = (
                f"coalesce(try_strptime({t}, '%Y-%m-%d'), try_strptime({t}, '%Y-%m-%d %H:%M:%S'), "
                f"try_strptime({t}, '%Y-%m-%dT%H:%M:%S'))"
            )
        day = V.date_serial_sql(f"CAST({ts} AS DATE)", date_system)
        secs = f"(epoch({ts}) - epoch(date_trunc('day', {ts})))"
        general = f"(CASE WHEN {ts} IS NOT NULL THEN {day} + {secs} / 86400.0 END)"
        if date_format in (None, "", "yyyy-MM-dd"):
            fast = _iso_date_sql(raw, date_system)
            return f"(CASE WHEN {fast} IS NOT NULL THEN {fast} ELSE {general} END)"
        return general
    if ctype == "mixed":
        return _plain_number_sql(raw)
    if ctype == "text":
        return raw
    raise ConfigInvalidError(
        f"Unknown column type '{ctype}'.", hint="Use number, text, logical, date or mixed."
    )


def _strptime_format(java: str) -> str:
    """A Java/Spark date pattern (the config's dateFormat) → a strptime format."""
    out = java
    for a, b in (
        ("yyyy", "%Y"),
        ("MMMM", "%B"),
        ("MMM", "%b"),
        ("MM", "%m"),
        ("dd", "%d"),
        ("HH", "%H"),
        ("mm", "%M"),
        ("ss", "%S"),
    ):
        out = out.replace(a, b)
    out = out.replace("M", "%-m") if "%m" not in out and "%b" not in out and "%B" not in out else out
    return out.replace("d", "%-d") if "%d" not in out else out


def cell_sql(raw: str, parsed: str, ctype: str) -> tuple[V.Val, str]:
    """Stage 2: (raw text, parsed) → (value in the type's layout with #VALUE! for an unfit cell,
    SQL 'fits'). The reader stores the typed value and the flag apart (see ``_stored``); this is
    the combined rule, as the Spark reader's cell_value."""
    empty = f"({raw} IS NULL OR {raw} = '')"
    if ctype == "text":
        return V.Val(f"(CASE WHEN {empty} THEN NULL ELSE {raw} END)", _STORED_KINDS["text"], "text"), "TRUE"
    if ctype in ("number", "date"):
        fits = f"({empty} OR ({parsed} IS NOT NULL AND isfinite({parsed})))"
        v = V.cases([(empty, V.blank()), (fits, V.number(parsed))], V.error(V.VALUE))
        return v, fits
    if ctype == "logical":
        fits = f"({empty} OR {parsed} IS NOT NULL)"
        v = V.cases([(empty, V.blank()), (f"{parsed} IS NOT NULL", V.logical(parsed))], V.error(V.VALUE))
        return v, fits
    return _mixed_sql(raw, parsed), "TRUE"


def _mixed_sql(raw: str, parsed: str) -> V.Val:
    """A mixed cell: numbers, TRUE/FALSE, error codes, blank, else the text as it is."""
    empty = f"({raw} IS NULL OR {raw} = '')"
    u = f"upper(trim({raw}))"
    codes = ", ".join(V.sql_text(c) for c in error_codes())
    v = V.cases(
        [
            (empty, V.blank()),
            (f"{parsed} IS NOT NULL", V.number_result(parsed)),
            (f"{u} = 'TRUE'", V.logical("TRUE")),
            (f"{u} = 'FALSE'", V.logical("FALSE")),
            (f"{u} IN ({codes})", V.Val(V.xv_struct("4", s=u), frozenset({V.ERROR}), "xv")),
        ],
        V.text(raw),
    )
    return V.Val(v.sql, ALL_KINDS, "xv")


@dataclass(frozen=True)
class _Cell:
    """How one config column is taken from a scan: its raw SQL (text, or a typed Parquet value)
    and, for typed Parquet values, the parsed value and emptiness without going through text."""

    raw: str
    typed: bool = False  # the raw value is already the parsed value (DOUBLE, BOOLEAN); NULL is empty


def _stored(j: int, ctype: str) -> tuple[str, str | None]:
    """(the stored typed value, the unfit flag or None) of column ``j`` over stage 2's columns."""
    raw, p = V.ident(f"__raw{j}"), V.ident(f"__p{j}")
    empty = V.ident(f"__e{j}")
    if ctype == "text":
        return f"(CASE WHEN {empty} THEN NULL ELSE CAST({raw} AS VARCHAR) END)", None
    if ctype in ("number", "date"):
        return (
            f"(CASE WHEN isfinite({p}) THEN {p} END)",
            f"(NOT {empty} AND coalesce(NOT isfinite({p}), TRUE))",
        )
    if ctype == "logical":
        return p, f"(NOT {empty} AND {p} IS NULL)"
    return _mixed_sql(raw, p).sql, None


def _convert_select(  # noqa: PLR0917 (one call per format, each naming its parts)
    columns: list[dict[str, Any]],
    cells: list[_Cell],
    scan: str,
    shape_bad: str,
    skip: str | None,
    date_system: str,
) -> tuple[str, list[str]]:
    """The SELECT that turns a scan into the stored columns (three small stages, as the Spark
    reader's projections), and the names of the columns it produces, in order."""
    stage1 = ", ".join(
        [
            *(f"{c.raw} AS {V.ident(f'__raw{j}')}" for j, c in enumerate(cells)),
            f"{shape_bad} AS {V.ident(_SHAPE)}",
        ]
        + ([f"{skip} AS {V.ident(_SKIP)}"] if skip is not None else [])
    )
    parts = []
    for j, (c, cell) in enumerate(zip(columns, cells, strict=True)):
        raw = V.ident(f"__raw{j}")
        if cell.typed:
            parsed, empty = raw, f"({raw} IS NULL)"
        else:
            parsed = parsed_sql(raw, c["type"], c.get("dateFormat"), date_system)
            empty = f"({raw} IS NULL OR {raw} = '')"
        parts.append(f"{parsed} AS {V.ident(f'__p{j}')}, {empty} AS {V.ident(f'__e{j}')}")
    stage2 = ", ".join(["*", *parts])
    outs: list[str] = []
    names: list[str] = []
    for j, c in enumerate(columns):
        value, flag = _stored(j, c["type"])
        outs.append(f"{value} AS {V.ident(f'__c{j}')}")
        names.append(f"__c{j}")
        if flag is not None:
            outs.append(f"{flag} AS {V.ident(f'__f{j}')}")
            names.append(f"__f{j}")
    outs.append(V.ident(_SHAPE))
    names.append(_SHAPE)
    if skip is not None:
        outs.append(V.ident(_SKIP))
        names.append(_SKIP)
    sql = f"SELECT {', '.join(outs)} FROM (SELECT {stage2} FROM (SELECT {stage1} FROM {scan}) AS _s1) AS _s2"
    return sql, names


# ------------------------------------------------------------------------------------------------
# Per format: the scan, the cells, where a record is in its file
# ------------------------------------------------------------------------------------------------


@dataclass
class _Reject:
    """A record DuckDB's CSV reader could not read (from its rejects table)."""

    line: int
    reason: str


@dataclass
class _FileRead:
    """One file of the source in the table: rows [start, start + rows)."""

    path: str
    start: int
    rows: int = 0
    positions: dict[str, int] = field(default_factory=dict)  # config column → field index (CSV)
    width: int = 0  # fields per record (CSV)
    rejects: dict[int, _Reject] = field(default_factory=dict)  # record index in the file → reject (first few)
    reject_lines: set[int] = field(default_factory=set)  # onBadRow "fail": rejected lines (not in the table)


def _csv_options(fmt: dict[str, Any]) -> tuple[str, str, str]:
    return str(fmt.get("delimiter", ",")), str(fmt.get("quote", '"')), str(fmt.get("escape", '"'))


def _python_csv(f: Any, fmt: dict[str, Any]) -> Any:
    """Python's csv reader with the source's options (the same records as DuckDB's reader)."""
    delimiter, quote, escape = _csv_options(fmt)
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    if not quote:
        return csv.reader(f, delimiter=delimiter, quoting=csv.QUOTE_NONE, escapechar=escape or None)
    if escape and escape != quote:
        return csv.reader(f, delimiter=delimiter, quotechar=quote, doublequote=False, escapechar=escape)
    return csv.reader(f, delimiter=delimiter, quotechar=quote, doublequote=bool(escape))


def _csv_records(path: str, fmt: dict[str, Any], width: int) -> Iterator[tuple[int, int, list[str]]]:
    """(DuckDB's line number, 1-based first physical line, fields) of each data record of a CSV
    file, as DuckDB reads records: the header skipped, empty lines skipped.

    DuckDB's line numbers (in its rejects table) count records and empty lines, not physical
    lines (a quoted field spanning lines is one); Python's csv reader counts the same way.
    """
    has_header = bool(fmt.get("header", True))
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as f:
        reader = _python_csv(f, fmt)
        last = 0
        header_seen = not has_header
        for number, fields in enumerate(reader, start=1):
            start, last = last + 1, reader.line_num
            if not fields or (width == 1 and fields == [""]):
                continue
            if not header_seen:
                header_seen = True
                continue
            yield number, start, fields


def _first_record(path: str, fmt: dict[str, Any]) -> list[str]:
    """The first record of a CSV file (its header when it has one); [] for an empty file."""
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as f:
        return next((r for r in _python_csv(f, fmt) if r), [])


def _positions(
    source: str, file: str, columns: list[dict[str, Any]], header: list[str] | None, width: int
) -> dict[str, int]:
    """Where each config column is among the fields: by header name (exact, else trimmed and
    case-insensitive), or by position without a header."""
    if header is None:
        if len(columns) > width:
            raise ConfigInvalidError(
                f"Source '{source}' has {len(columns)} columns in the config "
                f"but the first line of {file} has {width} fields.",
                hint="Check the delimiter and the columns of the source.",
                location=Location(source=source, file=file, line=1),
            )
        return {c["name"]: i for i, c in enumerate(columns)}
    exact = {h: i for i, h in reversed(list(enumerate(header)))}
    folded = {h.strip().lower(): i for i, h in reversed(list(enumerate(header)))}
    positions: dict[str, int] = {}
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


_FIELDS: Final = re.compile(r"Expected Number of Columns: (\d+) Found: (\d+)")


def _reject_reason(error_type: str, message: str) -> str:
    m = _FIELDS.search(message or "")
    if m and error_type in ("TOO MANY COLUMNS", "MISSING COLUMNS"):
        return f"expected {m.group(1)} fields, found {m.group(2)}"
    if error_type == "INVALID ENCODING":
        return "the line is not valid UTF-8 text"
    if error_type == "UNQUOTED VALUE":
        return "a quoted field is not closed properly (" + (message or "").rstrip(".").lower() + ")"
    if error_type == "LINE SIZE OVER MAXIMUM":
        return "the line is longer than the reader's maximum line size"
    text = (message or error_type or "the line cannot be read").strip().splitlines()[0]
    return text[:1].lower() + text[1:].rstrip(".")


class _Reader:
    """Reads one source into its table (see the module doc)."""

    def __init__(
        self, con: duckdb.DuckDBPyConnection, source: dict[str, Any], files: list[str], date_system: str
    ) -> None:
        self.con = con
        self.source = source
        self.name: str = source["name"]
        self.fmt: dict[str, Any] = source["format"]
        self.kind: str = str(self.fmt["type"])
        self.columns: list[dict[str, Any]] = source["columns"]
        self.files = files
        self.date_system = date_system
        self.fail = source.get("onBadRow", "fail") == "fail"
        self.table_name = fresh_name("src")
        self.reads: list[_FileRead] = []
        self.flagged = [j for j, c in enumerate(self.columns) if c["type"] in _CHECKED_TYPES]
        self.bad_sql = " OR ".join([V.ident(_SHAPE), *(V.ident(f"__f{j}") for j in self.flagged)])

    # -- the table -----------------------------------------------------------------------------

    def create_table(self) -> None:
        cols = []
        for j, c in enumerate(self.columns):
            cols.append(f"{V.ident(f'__c{j}')} {V.SQL_TYPES[V.layout_for(_STORED_KINDS[c['type']])]}")
            if j in self.flagged:
                cols.append(f"{V.ident(f'__f{j}')} BOOLEAN")
        cols.append(f"{V.ident(_SHAPE)} BOOLEAN")
        if self.kind == "jsonl":
            cols.append(f"{V.ident(_SKIP)} BOOLEAN")
        self.con.execute(f"CREATE TEMP TABLE {V.ident(self.table_name)} ({', '.join(cols)})")

    def insert(self, select: str, names: list[str]) -> int:
        cols = ", ".join(V.ident(n) for n in names)
        row = self.con.execute(f"INSERT INTO {V.ident(self.table_name)} ({cols}) {select}").fetchone()
        return int(row[0]) if row else 0

    def read(self) -> SourceTable:
        if self.kind in ("csv", "jsonl"):
            encoding = str(self.fmt.get("encoding", "UTF-8"))
            if encoding.upper().replace("_", "-") not in ("UTF-8", "UTF8"):
                raise ConfigInvalidError(
                    f"Source '{self.name}': only UTF-8 files can be read (the config says {encoding}).",
                    hint="Save the file as CSV UTF-8 (Excel: File > Save As > CSV UTF-8).",
                    location=Location(source=self.name, file=self.files[0]),
                )
        elif self.kind != "parquet":
            raise ConfigInvalidError(f"Source '{self.name}': unknown format type '{self.kind}'.")
        self.create_table()
        for path in self.files:
            start = self.reads[-1].start + self.reads[-1].rows if self.reads else 0
            file_read = _FileRead(path=path, start=start)
            self.reads.append(file_read)
            try:
                if self.kind == "csv":
                    self._read_csv(file_read)
                elif self.kind == "jsonl":
                    self._read_jsonl(file_read)
                else:
                    self._read_parquet(file_read)
            except duckdb.IOException as exc:
                raise SourceNotFoundError(
                    f"Source '{self.name}': {path} cannot be read ({_first_line(exc)}).",
                    hint="Check that the file exists and is readable.",
                    location=Location(source=self.name, file=path),
                ) from exc
            except (duckdb.InvalidInputException, duckdb.BinderException, duckdb.ParserException) as exc:
                raise ConfigInvalidError(
                    f"Source '{self.name}': {path} cannot be read as {self.kind.upper()} with the "
                    f"source's format options ({_first_line(exc)}).",
                    hint="Check the source's format (type, delimiter, quote, escape) against the file.",
                    location=Location(source=self.name, file=path),
                ) from exc
            if self.fail:
                self._fail_on_first_bad_row(file_read)
        return self._source_table()

    def _source_table(self) -> SourceTable:
        """The source as a Table: the stored columns, #VALUE! where a cell or record did not fit."""
        unfit = self._unfit_summary()
        bad_count = unfit.pop("__bad")
        shape_bad = unfit.pop(_SHAPE) > 0
        exprs = []
        kinds: dict[str, frozenset[int]] = {}
        for j, c in enumerate(self.columns):
            stored_kinds = _STORED_KINDS[c["type"]]
            v = V.Val(V.ident(f"__c{j}"), stored_kinds, V.layout_for(stored_kinds))
            conds = [V.ident(_SHAPE)] if shape_bad else []
            if unfit.get(f"__f{j}", 0) > 0:
                conds.append(V.ident(f"__f{j}"))
            if conds:
                v = V.cases([(" OR ".join(conds), V.error(V.VALUE))], v)
            exprs.append(f"{v.sql} AS {V.ident(c['name'])}")
            kinds[c["name"]] = v.kinds
        where = f" WHERE NOT {V.ident(_SKIP)}" if self.kind == "jsonl" else ""
        table = Table(
            sql=f"SELECT {', '.join(exprs)}, rowid AS {V.ident(ROW)} FROM {V.ident(self.table_name)}{where}",
            columns=tuple(c["name"] for c in self.columns),
            kinds=kinds,
        )
        examples = self._examples() if bad_count else []
        return SourceTable(
            name=self.name,
            config=self.source,
            table=table,
            column_types=[(c["name"], c["type"]) for c in self.columns],
            bad_count=bad_count,
            examples=examples,
        )

    def _unfit_summary(self) -> dict[str, int]:
        """One aggregate: bad rows, records that do not fit, cells that do not fit per column."""
        skip = f" WHERE NOT {V.ident(_SKIP)}" if self.kind == "jsonl" else ""
        names = [_SHAPE, *(f"__f{j}" for j in self.flagged)]
        aggs = [f"count(*) FILTER (WHERE {self.bad_sql})"] + [
            f"count(*) FILTER (WHERE {V.ident(n)})" for n in names
        ]
        row = self.con.execute(f"SELECT {', '.join(aggs)} FROM {V.ident(self.table_name)}{skip}").fetchone()
        assert row is not None
        return {"__bad": int(row[0] or 0), **{n: int(v or 0) for n, v in zip(names, row[1:], strict=True)}}

    # -- bad rows ------------------------------------------------------------------------------

    def _bad_flags_sql(self) -> str:
        return ", ".join([V.ident(_SHAPE), *(V.ident(f"__f{j}") for j in self.flagged)])

    def _first_unfit(self, flags: tuple[Any, ...]) -> int | None:
        """The first column (index) whose flag is set in a fetched (shape, flags...) tuple; None
        when the record itself does not fit."""
        if flags[0]:
            return None
        for j, f in zip(self.flagged, flags[1:], strict=True):
            if f:
                return j
        return None

    def _fail_on_first_bad_row(self, file_read: _FileRead) -> None:
        """onBadRow "fail": stop at the file's first bad row (a record or a cell)."""
        end = file_read.start + file_read.rows
        row = self.con.execute(
            f"SELECT rowid, {self._bad_flags_sql()} FROM {V.ident(self.table_name)} "
            f"WHERE rowid >= {file_read.start} AND rowid < {end} AND ({self.bad_sql}) ORDER BY rowid LIMIT 1"
        ).fetchone()
        first_reject = min(file_read.rejects.values(), key=lambda r: r.line) if file_read.rejects else None
        found: BadRowExample | None = None
        if row is not None:
            found = self._describe(
                file_read, [(int(row[0]) - file_read.start, self._first_unfit(row[1:]), bool(row[1]))]
            )[0]
        if first_reject is not None and (found is None or first_reject.line < found.line):
            found = BadRowExample(
                self.name, file_read.path, first_reject.line, None, None, first_reject.reason
            )
        if found is not None:
            raise bad_row_error(found)

    def _examples(self) -> list[BadRowExample]:
        """The first bad rows (up to 10) with their file, line, column, text and reason."""
        rows = self.con.execute(
            f"SELECT rowid, {self._bad_flags_sql()} FROM {V.ident(self.table_name)} "
            f"WHERE ({self.bad_sql}){' AND NOT ' + V.ident(_SKIP) if self.kind == 'jsonl' else ''} "
            f"ORDER BY rowid LIMIT {MAX_BAD_ROW_EXAMPLES}"
        ).fetchall()
        starts = [r.start for r in self.reads]
        by_file: dict[int, list[tuple[int, int | None, bool]]] = {}
        for r in rows:
            index = bisect.bisect_right(starts, int(r[0])) - 1
            by_file.setdefault(index, []).append(
                (int(r[0]) - starts[index], self._first_unfit(r[1:]), bool(r[1]))
            )
        out: list[BadRowExample] = []
        for index in sorted(by_file):
            out += self._describe(self.reads[index], by_file[index])
        return out

    def _describe(self, file_read: _FileRead, bad: list[tuple[int, int | None, bool]]) -> list[BadRowExample]:
        """(record index in the file, first unfit column or None, the record does not fit) →
        the examples, with lines and texts read from the file."""
        if not bad:
            return []
        if self.kind == "csv":
            lines, texts = self._csv_lines(file_read, [b[0] for b in bad])
        elif self.kind == "jsonl":
            lines = [i + 1 for i, _, _ in bad]
            texts = self._jsonl_texts(file_read, [i for i, _, _ in bad])
        else:
            lines = [i + 1 for i, _, _ in bad]
            texts = self._parquet_texts(file_read, [i for i, _, _ in bad])
        out = []
        for (i, j, shape), line, text in zip(bad, lines, texts, strict=True):
            if shape or j is None:
                reject = file_read.rejects.get(i)
                reason = (
                    reject.reason
                    if reject
                    else "the line is not a JSON object"
                    if self.kind == "jsonl"
                    else "the row does not fit the source's columns"
                )
                out.append(
                    BadRowExample(
                        self.name, file_read.path, reject.line if reject else line, None, None, reason
                    )
                )
                continue
            c = self.columns[j]
            value = text.get(j) if text else None
            out.append(
                BadRowExample(self.name, file_read.path, line, str(c["name"]), value, f"not a {c['type']}")
            )
        return out

    def _csv_lines(self, file_read: _FileRead, records: list[int]) -> tuple[list[int], list[dict[int, str]]]:
        """The first line and the fields (by column index) of data records of a CSV file, by their
        index among the records the table holds (rejected lines are skipped unless they were put
        back in place)."""
        wanted = set(records)
        found: dict[int, tuple[int, dict[int, str]]] = {}
        index = 0
        for number, line, fields in _csv_records(file_read.path, self.fmt, file_read.width):
            if number in file_read.reject_lines:
                continue
            if index in wanted:
                texts = {
                    j: fields[file_read.positions[c["name"]]]
                    for j, c in enumerate(self.columns)
                    if file_read.positions.get(c["name"], len(fields)) < len(fields)
                }
                found[index] = (line, texts)
                if len(found) == len(wanted):
                    break
            index += 1
        return [found.get(i, (0, {}))[0] for i in records], [found.get(i, (0, {}))[1] for i in records]

    def _jsonl_texts(self, file_read: _FileRead, records: list[int]) -> list[dict[int, str]]:
        wanted = set(records)
        texts: dict[int, dict[int, str]] = {}
        with open(file_read.path, encoding="utf-8", errors="replace") as f:
            for i, line in enumerate(f):
                if i in wanted:
                    try:
                        obj = json.loads(line)
                    except ValueError:
                        obj = None
                    values: dict[int, str] = {}
                    if isinstance(obj, dict):
                        for j, c in enumerate(self.columns):
                            v = obj.get(str(c.get("field", c["name"])))
                            if v is not None:
                                values[j] = v if isinstance(v, str) else json.dumps(v)
                    texts[i] = values
                    if len(texts) == len(wanted):
                        break
        return [texts.get(i, {}) for i in records]

    def _parquet_texts(self, file_read: _FileRead, records: list[int]) -> list[dict[int, str]]:
        in_list = ", ".join(str(i) for i in records)
        cells = self._parquet_cells(file_read.path)
        exprs = ", ".join(f"CAST({c.raw} AS VARCHAR)" for c in cells)
        rows = self.con.execute(
            f"SELECT file_row_number, {exprs} "
            f"FROM read_parquet({V.sql_text(file_read.path)}, file_row_number = true) "
            f"WHERE file_row_number IN ({in_list})"
        ).fetchall()
        by_index = {int(r[0]): {j: v for j, v in enumerate(r[1:]) if v is not None} for r in rows}
        return [by_index.get(i, {}) for i in records]

    # -- CSV -----------------------------------------------------------------------------------

    def _read_csv(self, file_read: _FileRead) -> None:
        path = file_read.path
        has_header = bool(self.fmt.get("header", True))
        if os.path.getsize(path) == 0 and any(os.path.getsize(f) > 0 for f in self.files):
            return  # an empty file adds no rows (its header is checked only when all are empty)
        record = _first_record(path, self.fmt)
        width = len(record)
        file_read.width = width
        file_read.positions = _positions(self.name, path, self.columns, record if has_header else None, width)
        if width == 0:
            return
        delimiter, quote, escape = _csv_options(self.fmt)
        spec = "{" + ", ".join(f"{V.sql_text(f'c{i}')}: 'VARCHAR'" for i in range(width)) + "}"
        rejects_table, rejects_scan = fresh_name("rej"), fresh_name("rejscan")
        scan = (
            f"read_csv({V.sql_text(path)}, columns = {spec}, header = {'true' if has_header else 'false'}, "
            f"auto_detect = false, delim = {V.sql_text(delimiter)}, quote = {V.sql_text(quote)}, "
            f"escape = {V.sql_text(escape)}, strict_mode = true, null_padding = false, "
            f"ignore_errors = true, store_rejects = true, rejects_table = {V.sql_text(rejects_table)}, "
            f"rejects_scan = {V.sql_text(rejects_scan)})"
        )
        if width == 1:  # one field: DuckDB gives an empty line as a row (Spark and Excel skip it)
            scan = f"(SELECT * FROM {scan} WHERE c0 IS NOT NULL AND c0 <> '') AS _one"
        cells = [_Cell(raw=f"c{file_read.positions[c['name']]}") for c in self.columns]
        select, names = _convert_select(self.columns, cells, scan, "FALSE", None, self.date_system)
        try:
            file_read.rows = self.insert(select, names)
            rejects = self.con.execute(
                "SELECT line, first(error_type ORDER BY column_idx), "
                "first(error_message ORDER BY column_idx) "
                f"FROM {V.ident(rejects_table)} GROUP BY line ORDER BY line"
            ).fetchall()
        finally:
            for t in (rejects_table, rejects_scan):
                self.con.execute(f"DROP TABLE IF EXISTS {V.ident(t)}")
        if not rejects:
            return
        reasons = [(int(line), _reject_reason(str(etype), str(message))) for line, etype, message in rejects]
        if self.fail:
            # The job stops at the first bad row: note the first rejected lines (the rows are not
            # in the table; _csv_lines skips them when it maps records to lines).
            first_line, first_reason = reasons[0]
            _count, physical = self._record_positions(file_read, [first_line])[0]
            file_read.rejects[-1] = _Reject(physical, first_reason)
            file_read.reject_lines = {line for line, _ in reasons}
            return
        self._put_back(file_read, reasons, names)

    def _put_back(self, file_read: _FileRead, reasons: list[tuple[int, str]], names: list[str]) -> None:
        """onBadRow "error": the rejected records go back in their place as records that do not
        fit (the table is rebuilt once, in order; a rare path)."""
        positions = self._record_positions(file_read, [line for line, _ in reasons])
        entries: list[tuple[int, int, int]] = []  # (good records before it, rejects so far, position)
        for k, (pos, _line) in enumerate(positions):
            g = min(max(pos - k, entries[-1][0] if entries else 0), file_read.rows)
            entries.append((g, k + 1, g + k))
        examples = list(zip(reasons, positions, entries, strict=True))[:MAX_BAD_ROW_EXAMPLES]
        for (_number, reason), (_pos, line), (_g, _n, p) in examples:
            file_read.rejects[p] = _Reject(line, reason)
        cum = fresh_name("rejpos")
        self.con.execute(f"CREATE TEMP TABLE {V.ident(cum)} (g BIGINT, n BIGINT, p BIGINT)")
        self.con.executemany(f"INSERT INTO {V.ident(cum)} VALUES (?, ?, ?)", entries)
        cols = ", ".join(V.ident(n) for n in names)
        nulls = ", ".join(
            "TRUE" if n == _SHAPE else "FALSE" if n.startswith("__f") else "NULL" for n in names
        )
        old, start = V.ident(self.table_name), file_read.start
        placed = (
            f"SELECT {cols}, rowid AS __pos FROM {old} WHERE rowid < {start} "
            f"UNION ALL SELECT {cols}, {start} + _g.__i + coalesce(_c.n, 0) AS __pos "
            f"FROM (SELECT *, rowid - {start} AS __i FROM {old} WHERE rowid >= {start}) AS _g "
            f"ASOF LEFT JOIN (SELECT g, max(n) AS n FROM {V.ident(cum)} GROUP BY g) AS _c ON _g.__i >= _c.g "
            f"UNION ALL SELECT {nulls}, {start} + p AS __pos FROM {V.ident(cum)}"
        )
        new = fresh_name("src")
        self.con.execute(
            f"CREATE TEMP TABLE {V.ident(new)} AS SELECT {cols} FROM ({placed}) AS _p ORDER BY __pos"
        )
        self.con.execute(f"DROP TABLE {old}")
        self.con.execute(f"DROP TABLE {V.ident(cum)}")
        self.table_name = new
        file_read.rows += len(entries)

    def _record_positions(self, file_read: _FileRead, numbers: list[int]) -> list[tuple[int, int]]:
        """For each rejected record (DuckDB's line numbers, ascending): how many data records of the
        file come before it, and the physical line it starts on."""
        out: list[tuple[int, int]] = []
        count = 0
        pending = iter(numbers)
        target = next(pending, None)
        for number, line, _fields in _csv_records(file_read.path, self.fmt, file_read.width):
            while target is not None and number >= target:
                out.append((count, line if number == target else target))
                target = next(pending, None)
            if target is None:
                break
            count += 1
        while target is not None:  # past the records Python sees: keep DuckDB's number
            out.append((count, target))
            target = next(pending, None)
        return out

    # -- JSON Lines ----------------------------------------------------------------------------

    def _read_jsonl(self, file_read: _FileRead) -> None:
        path = file_read.path
        line = V.ident("__line")
        scan = (
            f"(SELECT line AS {line} FROM read_csv({V.sql_text(path)}, columns = {{'line': 'VARCHAR'}}, "
            f"header = false, auto_detect = false, delim = '', quote = '', escape = '', strict_mode = false, "
            f"null_padding = false)) AS _l"
        )
        pointers = ", ".join(
            V.sql_text("/" + str(c.get("field", c["name"])).replace("~", "~0").replace("/", "~1"))
            for c in self.columns
        )
        # CASE, not AND: json_type raises on text that is not JSON, and AND evaluates both sides.
        is_object = f"(CASE WHEN json_valid({line}) THEN json_type({line}) = 'OBJECT' ELSE FALSE END)"
        values = f"(CASE WHEN {is_object} THEN json_extract_string({line}, [{pointers}]) END)"
        scan = f"(SELECT {line}, {values} AS __vals, {is_object} AS __obj FROM {scan}) AS _j"
        skip = f"({line} IS NULL OR trim({line}) = '')"
        cells = [_Cell(raw=f"__vals[{j + 1}]") for j in range(len(self.columns))]
        select, names = _convert_select(
            self.columns, cells, scan, f"(NOT {skip} AND NOT __obj)", skip, self.date_system
        )
        file_read.rows = self.insert(select, names)

    # -- Parquet -------------------------------------------------------------------------------

    def _parquet_cells(self, path: str) -> list[_Cell]:
        described = self.con.execute(f"DESCRIBE SELECT * FROM read_parquet({V.sql_text(path)})").fetchall()
        available = {str(r[0]): str(r[1]).upper() for r in described}
        cells = []
        for c in self.columns:
            wanted = str(c.get("field", c["name"]))
            if wanted not in available:
                raise ConfigInvalidError(
                    f"Source '{self.name}': column '{wanted}' is not in the Parquet file {path} "
                    f"(found: {', '.join(available) or 'nothing'}).",
                    hint="Bind the source to a file with that column, "
                    "or fix the column's 'field' in the config.",
                    location=Location(source=self.name, file=path, column=str(c["name"])),
                )
            cells.append(_parquet_cell(V.ident(wanted), available[wanted], c["type"], self.date_system))
        return cells

    def _read_parquet(self, file_read: _FileRead) -> None:
        path = file_read.path
        cells = self._parquet_cells(path)
        scan = f"read_parquet({V.sql_text(path)})"
        select, names = _convert_select(self.columns, cells, scan, "FALSE", None, self.date_system)
        file_read.rows = self.insert(select, names)


_NUMERIC_PARQUET: Final = re.compile(
    r"^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL.*)$"
)


def _parquet_cell(c: str, dtype: str, ctype: str, date_system: str) -> _Cell:
    """Typed Parquet values keep their meaning (a timestamp is a date serial); others go via text
    (the Spark reader's _parquet_cell). Numbers into number/date columns skip the text."""
    if dtype == "DATE":
        if ctype in ("number", "date"):
            return _Cell(raw=V.date_serial_sql(c, date_system), typed=True)
        return _Cell(raw=f"CAST({V.date_serial_sql(c, date_system)} AS VARCHAR)")
    if dtype.startswith("TIMESTAMP"):
        ts = f"CAST({c} AS TIMESTAMP)"
        day = V.date_serial_sql(f"CAST({ts} AS DATE)", date_system)
        secs = f"(epoch({ts}) - epoch(date_trunc('day', {ts})))"
        serial = f"({day} + {secs} / 86400.0)"
        if ctype in ("number", "date"):
            return _Cell(raw=serial, typed=True)
        return _Cell(raw=f"CAST({serial} AS VARCHAR)")
    if dtype == "BOOLEAN":
        if ctype == "logical":
            return _Cell(raw=c, typed=True)
        return _Cell(raw=f"(CASE WHEN {c} THEN 'TRUE' WHEN NOT {c} THEN 'FALSE' END)")
    if _NUMERIC_PARQUET.match(dtype):
        if ctype in ("number", "date"):
            return _Cell(raw=f"CAST({c} AS DOUBLE)", typed=True)
        if dtype.startswith(("FLOAT", "DOUBLE", "DECIMAL")):
            return _Cell(raw=f"printf('%.17g', CAST({c} AS DOUBLE))")
    return _Cell(raw=f"CAST({c} AS VARCHAR)")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return (text.splitlines()[0] if text else type(exc).__name__)[:300]


def read_source(
    con: duckdb.DuckDBPyConnection, source: dict[str, Any], uris: list[str], date_system: str = "1900"
) -> SourceTable:
    """Read one source of the config from the URIs bound to it into a temporary table.

    Raises SourceNotFoundError (no file), ConfigInvalidError (options, header, columns) or, with
    onBadRow "fail", BadInputRowError naming the first bad row's file, line, column and value.
    """
    files = list_files(uris, source["name"])
    return _Reader(con, source, files, date_system).read()
