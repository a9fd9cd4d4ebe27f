"""Checks JSON Schema cannot express, run on a config the schema accepted; mirrors
src/config/semanticIssues.ts message for message.

Names resolve (sources, functions, pivots, and columns as they exist at each step: the table's
columns are tracked through the pipeline), step ids are unique, function arities fit.
"""

from __future__ import annotations

from typing import Any

from sheetscale_engine.config.functions import functions, get_function
from sheetscale_engine.config.issues import PathSegment, RawIssue
from sheetscale_engine.config.limits import reserved_column_prefix
from sheetscale_engine.config.words import did_you_mean, js_number, plural, quote

Path = tuple[PathSegment, ...]
_SINGLE_CRITERION = ("SUMIF", "COUNTIF", "AVERAGEIF")
_COUNTS = ("COUNTIF", "COUNTIFS")


def _reserved_name(name: str) -> str | None:
    """The message when a column would be named with the engine's helper prefix, else None."""
    prefix = reserved_column_prefix()
    if not name.startswith(prefix):
        return None
    why = f"names starting with {quote(prefix)} are the engine's helper columns"
    return f"column name {quote(name)} is reserved ({why})"


def _arity(low: int, high: int) -> str:
    if low == high:
        return "no arguments" if low == 0 else plural(low, "argument", "arguments")
    return f"{low} to {high} arguments"


class _Checker:
    def __init__(self, config: dict[str, Any], limits: dict[str, int]) -> None:
        self.config = config
        self.limits = limits
        self.issues: list[RawIssue] = []
        self.sources: dict[str, dict[str, Any]] = {}
        # The flowing table's columns, in order; None when the main source is unknown.
        self.columns: list[str] | None = None
        self.pivots: dict[str, int] = {}
        # Columns that existed and were removed, with how: the hint for a later reference.
        self.gone: dict[str, str] = {}

    def add(self, at: Path, message: str) -> None:
        self.issues.append(RawIssue(at, message))

    def run(self) -> list[RawIssue]:
        config, limits = self.config, self.limits
        steps: list[dict[str, Any]] = config["steps"]
        sources: list[dict[str, Any]] = config["sources"]
        if len(steps) > limits["maxSteps"]:
            self.add(("steps",), f"has {len(steps)} steps; the limit is {limits['maxSteps']}")
        if len(sources) > limits["maxSources"]:
            self.add(("sources",), f"has {len(sources)} sources; the limit is {limits['maxSources']}")
        self.check_sources(sources)
        main_name: str = config["main"]
        main = self.sources.get(main_name)
        if main is None:
            self.add(("main",), f"unknown source {quote(main_name)}{did_you_mean(main_name, self.sources)}")
        else:
            self.columns = []
            for c in main["columns"]:
                if c["name"] not in self.columns:
                    self.columns.append(c["name"])
        ids: dict[str, int] = {}
        for i, step in enumerate(steps):
            first = ids.get(step["id"])
            if first is None:
                ids[step["id"]] = i
            else:
                self.add(
                    ("steps", i, "id"),
                    f"duplicate step id {quote(step['id'])} (first used by steps[{first}])",
                )
            self.check_step(step, ("steps", i))
        self.check_output()
        return self.issues

    def check_sources(self, sources: list[dict[str, Any]]) -> None:
        names = [s["name"] for s in sources]
        for i, source in enumerate(sources):
            first = names.index(source["name"])
            if first != i:
                self.add(
                    ("sources", i, "name"),
                    f"duplicate source name {quote(source['name'])} (first used by sources[{first}])",
                )
            else:
                self.sources[source["name"]] = source
            columns: list[dict[str, Any]] = source["columns"]
            if len(columns) > self.limits["maxColumnsPerSource"]:
                self.add(
                    ("sources", i, "columns"),
                    f"has {len(columns)} columns; the limit is {self.limits['maxColumnsPerSource']}",
                )
            column_names = [c["name"] for c in columns]
            for j, name in enumerate(column_names):
                reserved = _reserved_name(name)
                if reserved is not None:
                    self.add(("sources", i, "columns", j, "name"), reserved)
                first_column = column_names.index(name)
                if first_column != j:
                    self.add(
                        ("sources", i, "columns", j, "name"),
                        f"duplicate column {quote(name)} in source {quote(source['name'])} "
                        f"(first at columns[{first_column}])",
                    )

    def column(self, name: str, at: Path) -> None:
        if self.columns is not None and name not in self.columns:
            how = self.gone.get(name)
            hint = did_you_mean(name, self.columns) if how is None else f" ({how})"
            self.add(at, f"unknown column {quote(name)}{hint}")

    def replace_columns(self, nxt: list[str], how: str) -> None:
        """The table's columns become ``nxt``; the ones left behind are remembered with ``how``."""
        if self.columns is None:
            return
        for c in self.columns:
            if c not in nxt:
                self.gone[c] = how
        for c in nxt:
            self.gone.pop(c, None)
        self.columns = nxt

    def new_column(self, name: str, at: Path) -> None:
        reserved = _reserved_name(name)
        if reserved is not None:
            self.add(at, reserved)
        if self.columns is None:
            return
        if name in self.columns:
            self.add(at, f"column {quote(name)} already exists")
        else:
            self.columns.append(name)
            self.gone.pop(name, None)

    def source(self, name: str, at: Path) -> dict[str, Any] | None:
        source = self.sources.get(name)
        if source is None:
            self.add(at, f"unknown source {quote(name)}{did_you_mean(name, self.sources)}")
        return source

    def source_column(self, source: dict[str, Any] | None, name: str, at: Path) -> None:
        if source is None:
            return
        names = [c["name"] for c in source["columns"]]
        if name not in names:
            self.add(
                at,
                f"unknown column {quote(name)} in source {quote(source['name'])}{did_you_mean(name, names)}",
            )

    def expr(self, expr: dict[str, Any], at: Path) -> None:
        kind = expr["kind"]
        if kind == "column":
            self.column(expr["name"], at)
        elif kind == "unary":
            self.expr(expr["arg"], (*at, "arg"))
        elif kind == "binary":
            self.expr(expr["left"], (*at, "left"))
            self.expr(expr["right"], (*at, "right"))
        elif kind == "call":
            name: str = expr["name"]
            args: list[dict[str, Any]] = expr["args"]
            spec = get_function(name)
            if spec is None:
                self.add(
                    at, f"unknown function {quote(name)}{did_you_mean(name, [f.name for f in functions()])}"
                )
            elif not spec.is_scalar:
                step = spec.becomes_step or "separate"
                self.add(at, f"{name} cannot appear inside an expression; it is recorded as a {step} step")
            elif not spec.min_args <= len(args) <= spec.max_args:
                self.add(at, f"{name} takes {_arity(spec.min_args, spec.max_args)}, got {len(args)}")
            for k, arg in enumerate(args):
                self.expr(arg, (*at, "args", k))

    def check_step(self, step: dict[str, Any], at: Path) -> None:
        op = step["op"]
        if op == "formula":
            self.expr(step["expr"], (*at, "expr"))
            self.new_column(step["column"], (*at, "column"))
        elif op == "lookup":
            self.expr(step["key"], (*at, "key"))
            if "ifNotFound" in step:
                self.expr(step["ifNotFound"], (*at, "ifNotFound"))
            source = self.source(step["source"], (*at, "source"))
            self.source_column(source, step["keyColumn"], (*at, "keyColumn"))
            if "returnColumn" in step:
                self.source_column(source, step["returnColumn"], (*at, "returnColumn"))
            elif step["function"] != "MATCH":
                self.add(at, 'missing required property "returnColumn" (only MATCH may omit it)')
            self.new_column(step["column"], (*at, "column"))
        elif op == "conditionalAggregate":
            source = self.source(step["source"], (*at, "source"))
            criteria: list[dict[str, Any]] = step["criteria"]
            for j, c in enumerate(criteria):
                self.source_column(source, c["column"], (*at, "criteria", j, "column"))
                self.expr(c["criterion"], (*at, "criteria", j, "criterion"))
            function: str = step["function"]
            if function in _SINGLE_CRITERION and len(criteria) != 1:
                self.add(
                    (*at, "criteria"),
                    f"{function} takes one criterion, got {len(criteria)} (use {function}S for several)",
                )
            if "valueColumn" in step:
                self.source_column(source, step["valueColumn"], (*at, "valueColumn"))
            elif function not in _COUNTS:
                self.add(
                    at, 'missing required property "valueColumn" (only COUNTIF and COUNTIFS may omit it)'
                )
            self.new_column(step["column"], (*at, "column"))
        elif op == "filter":
            for j, c in enumerate(step["conditions"]):
                self.column(c["column"], (*at, "conditions", j, "column"))
        elif op == "sort":
            for j, k in enumerate(step["keys"]):
                self.column(k["column"], (*at, "keys", j, "column"))
        elif op == "removeDuplicates":
            for j, c in enumerate(step["columns"]):
                self.column(c, (*at, "columns", j))
        elif op == "pivot":
            self.check_pivot(step, at)
        elif op == "group":
            self.check_group(step, at)
        elif op == "selectColumns":
            selected: list[str] = []
            for j, c in enumerate(step["columns"]):
                self.column(c, (*at, "columns", j))
                if c in selected:
                    self.add((*at, "columns", j), f"column {quote(c)} is listed twice")
                else:
                    selected.append(c)
            if self.columns is not None:
                current = self.columns
                self.replace_columns(
                    [c for c in selected if c in current], f"dropped by selectColumns step steps[{at[1]}]"
                )
        elif op == "renameColumns":
            for j, r in enumerate(step["renames"]):
                reserved = _reserved_name(r["to"])
                if reserved is not None:
                    self.add((*at, "renames", j, "to"), reserved)
                columns = self.columns
                if columns is None:
                    continue
                if r["from"] not in columns:
                    self.column(r["from"], (*at, "renames", j, "from"))
                elif r["to"] != r["from"] and r["to"] in columns:
                    self.add((*at, "renames", j, "to"), f"column {quote(r['to'])} already exists")
                else:
                    columns[columns.index(r["from"])] = r["to"]
                    if r["to"] != r["from"]:
                        self.gone[r["from"]] = f"renamed to {quote(r['to'])} by steps[{at[1]}]"
                    self.gone.pop(r["to"], None)
        elif op == "deleteColumns":
            for j, c in enumerate(step["columns"]):
                self.column(c, (*at, "columns", j))
                if self.columns is not None and c in self.columns:
                    self.columns = [x for x in self.columns if x != c]
                    self.gone[c] = f"deleted by steps[{at[1]}]"
        elif op == "append":
            for j, name in enumerate(step["sources"]):
                source = self.source(name, (*at, "sources", j))
                if source is None or self.columns is None:
                    continue
                for c in source["columns"]:
                    if c["name"] not in self.columns:
                        self.columns.append(c["name"])
                        self.gone.pop(c["name"], None)

    def check_pivot(self, step: dict[str, Any], at: Path) -> None:
        name: str = step["name"]
        first = self.pivots.get(name)
        if first is None:
            self.pivots[name] = int(at[1])
        else:
            self.add((*at, "name"), f"duplicate pivot name {quote(name)} (first used by steps[{first}])")
        for j, c in enumerate(step["rows"]):
            self.column(c, (*at, "rows", j))
        for j, c in enumerate(step.get("columns", [])):
            self.column(c, (*at, "columns", j))
        for j, v in enumerate(step["values"]):
            self.column(v["column"], (*at, "values", j, "column"))
        for j, f in enumerate(step.get("filters", [])):
            self.column(f["column"], (*at, "filters", j, "column"))

    def check_group(self, step: dict[str, Any], at: Path) -> None:
        for j, c in enumerate(step["by"]):
            self.column(c, (*at, "by", j))
        aggregates: list[dict[str, Any]] = step["aggregates"]
        for j, a in enumerate(aggregates):
            if a["function"] != "countRows":
                self.column(a["column"], (*at, "aggregates", j, "column"))
            reserved = _reserved_name(a["as"])
            if reserved is not None:
                self.add((*at, "aggregates", j, "as"), reserved)
        if self.columns is None:
            return
        nxt: list[str] = []
        for c in step["by"]:
            if c not in nxt:
                nxt.append(c)
        for j, a in enumerate(aggregates):
            if a["as"] in nxt:
                self.add((*at, "aggregates", j, "as"), f"column {quote(a['as'])} already exists")
            else:
                nxt.append(a["as"])
        self.replace_columns(nxt, f"dropped by group step steps[{at[1]}]")

    def check_output(self) -> None:
        output: dict[str, Any] = self.config["output"]
        for j, c in enumerate(output.get("columns", [])):
            self.column(c, ("output", "columns", j))
        summary: dict[str, Any] | None = output.get("summary")
        if summary is None:
            return
        first_rows = summary.get("firstRows")
        if first_rows is not None and first_rows > self.limits["maxSummaryRows"]:
            self.add(
                ("output", "summary", "firstRows"),
                f"asks for {js_number(first_rows)} rows; the limit is {self.limits['maxSummaryRows']}",
            )
        for j, c in enumerate(summary.get("totals", [])):
            self.column(c, ("output", "summary", "totals", j))
        for j, p in enumerate(summary.get("pivots", [])):
            if p not in self.pivots:
                self.add(
                    ("output", "summary", "pivots", j),
                    f"unknown pivot {quote(p)}{did_you_mean(p, self.pivots)}",
                )


def semantic_issues(config: dict[str, Any], limits: dict[str, int]) -> list[RawIssue]:
    """Semantic issues of a schema-valid config (unsorted; see finish_issues)."""
    return _Checker(config, limits).run()
