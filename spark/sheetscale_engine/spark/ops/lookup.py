"""Lookups (VLOOKUP, XLOOKUP, INDEX/MATCH, MATCH): one value per row, rows never multiply.

- exact / wildcard: a left equi-join on the match key (values.match_key: kind-tagged, text
  lower-cased, numbers on 15 digits, so 1 never matches "1") against the lookup source deduplicated
  by that key keeping the first row in source order (the last with XLOOKUP search -1). The deduplicated
  side is broadcast when Spark's size estimate is small. In wildcard mode a text key with an unescaped
  ``*`` or ``?`` is a pattern: those rows (and only those) are matched against an array of the
  source's text keys in row order with a native regular expression; ``~`` escapes.
- approximate (VLOOKUP TRUE, MATCH 1), approximateDescending (MATCH -1), nextSmaller / nextLarger
  (XLOOKUP -1 / 1): a sorted as-of join: the rows and the source's keys are unioned, ordered by key
  within each kind (numbers with numbers, text with text), and each row takes the last source row
  at or before it (``last(..., ignorenulls)`` over a window). No cross join.
- Consecutive exact or wildcard lookups of the same value in the same source (a worksheet's
  =VLOOKUP(B2,Ref!A:D,2,0), ...3,0), ...4,0)) are fused: one join returns all their columns.
- MATCH returns the 1-based position of the matched row in the source.
- No match: ``ifNotFound`` (XLOOKUP) or #N/A; an error as the lookup value is the result.
"""

from __future__ import annotations

from typing import Any, Final

from pyspark.sql import Column, DataFrame, Observation, Window
from pyspark.sql import functions as F  # noqa: N812 (PySpark's convention)

from sheetscale_engine.core.planner import lookup_fusable
from sheetscale_engine.spark import values as V  # noqa: N812
from sheetscale_engine.spark.expressions import compile_expr, finished_kinds
from sheetscale_engine.spark.names import ROW, col
from sheetscale_engine.spark.table import PlanContext, StepMetrics, Table
from sheetscale_engine.spark.wildcards import wildcard_regex

_KEY: Final = "__lk_key"
_VAL: Final = "__lk_val"
_HIT: Final = "__lk_hit"
_POS: Final = "__lk_pos"
_CNT: Final = "__lk_cnt"
_WILD: Final = "__lk_wild"
_ARR: Final = "__lk_arr"
_SIDE: Final = "__lk_side"
_LROW: Final = "__lk_row"

# A text key with a * or ? not escaped by ~ is a pattern in wildcard mode.
_HAS_WILDCARD: Final = r"(^|[^~])(~~)*[*?]"


def unescaped_key(xv: Column) -> Column:
    """The match key of a wildcard-mode value without patterns: ``~*`` is a literal ``*``."""
    plain_text = F.regexp_replace(V.text(xv), r"~([*?~])", "$1")
    return F.when(V.is_text(xv), F.concat(F.lit(f"{V.TEXT}:"), F.lower(plain_text))).otherwise(
        V.match_key(xv)
    )


def _formula_cell(xv: Column) -> Column:
    """A lookup that returns an empty cell shows 0, as any formula referring to an empty cell."""
    return F.when(V.is_blank(xv), V.xv_number_unchecked(F.lit(0.0))).otherwise(xv)


def _val(i: int) -> str:
    """The helper column of the i-th returned value of a fused group."""
    return f"{_VAL}{i}"


def _lookup_side(steps: list[dict[str, Any]], ctx: PlanContext) -> DataFrame:
    """The source's key, each step's returned value (or the 1-based position for MATCH), row order."""
    first = steps[0]
    source = ctx.source(first["source"]).df
    values = []
    for i, step in enumerate(steps):
        if step.get("returnColumn") is None:
            # MATCH: the position in the source; a window over the source's order (sources
            # searched by MATCH are small tables; Spark moves them to one partition for this).
            value = V.xv_number_unchecked(F.row_number().over(Window.orderBy(col(ROW))).cast("double"))
        else:
            value = _formula_cell(col(step["returnColumn"]))
        values.append(value.alias(_val(i)))
    return source.select(col(first["keyColumn"]).alias(_KEY), *values, col(ROW).alias(_LROW))


def fusable(group: list[dict[str, Any]], step: dict[str, Any]) -> bool:
    """Whether ``step`` can join ``group`` in ONE join with the source (the core's rule)."""
    return lookup_fusable(group, step)


def apply_group(
    table: Table, steps: list[dict[str, Any]], ctx: PlanContext, metrics: list[StepMetrics]
) -> Table:
    """One or more fusable lookup steps (see ``fusable``) as one join; one new column per step."""
    first = steps[0]
    where = table.eval_ctx(ctx.eval_ctx)
    key = compile_expr(first["key"], table.refs(), where, formula_result=False)
    if first["match"] in ("exact", "wildcard"):
        joined, ordered = _exact(table, steps, ctx, key, metrics)
    else:
        if len(steps) != 1:
            raise ValueError("only exact and wildcard lookups are fused")
        joined, ordered = _approximate(table, first, ctx, key)
    results = []
    for i, step in enumerate(steps):
        if "ifNotFound" in step:
            not_found = compile_expr(step["ifNotFound"], table.refs(), where)
        else:
            not_found = V.xv_error(V.NA)
        result = F.when(V.is_error(col(_KEY)), col(_KEY)).when(col(_HIT), col(_val(i))).otherwise(not_found)
        results.append(result.alias(step["column"]))
    names = tuple(step["column"] for step in steps)
    out = joined.select(
        *[col(c) for c in table.columns],
        *results,
        col(ROW),
        (~col(_HIT) & ~V.is_error(col(_KEY))).alias(_HIT),
    )
    metrics[0].flags[_HIT] = "unmatched"
    return table.with_df(
        out,
        columns=(*table.columns, *names),
        hidden=table.hidden | {s["column"] for s in steps if s.get("hidden")},
        ordered=ordered,
        kinds=table.with_kinds({s["column"]: _result_kinds(s, ctx) for s in steps}),
    )


def _result_kinds(step: dict[str, Any], ctx: PlanContext) -> frozenset[int]:
    """What the lookup can return: the returned column's kinds (a blank shows as 0), a position
    for MATCH, #N/A or the key's error, or whatever ``ifNotFound`` gives."""
    if "ifNotFound" in step:
        return V.ALL_KINDS
    if step.get("returnColumn") is None:
        return frozenset({V.NUMBER, V.ERROR})
    returned = ctx.source(step["source"]).column_kinds.get(step["returnColumn"], V.ALL_KINDS)
    return finished_kinds(returned) | {V.ERROR}


def _exact(
    table: Table,
    steps: list[dict[str, Any]],
    ctx: PlanContext,
    key: Column,
    metrics: list[StepMetrics],
) -> tuple[DataFrame, bool]:
    first = steps[0]
    vals = [_val(i) for i in range(len(steps))]
    wildcard = first["match"] == "wildcard"
    last = first.get("search") == "lastToFirst"
    # Blank source keys are never matched: a blank lookup value gets a null join key.
    side = _lookup_side(steps, ctx)
    pick = F.max_by if last else F.min_by
    deduped = side.groupBy(V.match_key(col(_KEY)).alias("__lk_mk")).agg(
        *[pick(col(v), col(_LROW)).alias(v) for v in vals],
        F.count(F.lit(1)).alias(_CNT),
    )
    duplicates = Observation(f"lookup-keys:{first['id']}")
    deduped = deduped.observe(duplicates, F.sum(F.when(col(_CNT) > 1, 1).otherwise(0)).alias("duplicateKeys"))
    for m in metrics:
        m.observations.append(duplicates)
    small = ctx.is_small(side)
    right = F.broadcast(deduped) if small else deduped
    base = table.df.select("*", key.alias(_KEY))
    if wildcard:
        is_wild = V.is_text(col(_KEY)) & V.text(col(_KEY)).rlike(_HAS_WILDCARD)
        base = base.select("*", is_wild.alias(_WILD))
        mk = F.when(col(_WILD), F.lit(None)).otherwise(unescaped_key(col(_KEY)))
    else:
        mk = F.when(V.is_blank(col(_KEY)), F.lit(None)).otherwise(V.match_key(col(_KEY)))
    base = base.select("*", mk.alias("__lk_main_mk"))
    joined = base.join(right, base["__lk_main_mk"] == right["__lk_mk"], "left")
    joined = joined.select(
        *[col(c) for c in base.columns],
        *[col(v) for v in vals],
        right["__lk_mk"].isNotNull().alias(_HIT),
    )
    if wildcard:
        found = _wildcard_rows if small else _wildcard_rows_large
        joined = found(joined, side, last, vals)
    return joined, table.ordered and small


def _wildcard_rows(joined: DataFrame, side: DataFrame, last: bool, vals: list[str]) -> DataFrame:
    """Rows whose key is a pattern: the first (last) source text key matching it, in row order.

    The array of the source's text keys is joined only to the pattern rows (an equi-join on the
    flag), so ordinary rows never carry it.
    """
    texts = side.where(V.is_text(col(_KEY))).select(
        F.struct(col(_LROW).alias("r"), V.text(col(_KEY)).alias("t"), *[col(v).alias(v) for v in vals]).alias(
            "e"
        )
    )
    array = texts.agg(F.array_sort(F.collect_list("e")).alias(_ARR)).select(F.lit(True).alias("__lk_w"), _ARR)
    with_array = joined.join(F.broadcast(array), joined[_WILD] == array["__lk_w"], "left")
    regex = wildcard_regex(V.text(col(_KEY)))
    hits = F.filter(col(_ARR), lambda e: F.regexp_like(e.getField("t"), regex))
    found = F.element_at(hits, -1 if last else 1)
    wild = col(_WILD) & (F.size(hits) > 0)
    return with_array.select(
        *[col(c) for c in joined.columns if c not in (*vals, _HIT)],
        *[F.when(wild, found.getField(v)).otherwise(col(v)).alias(v) for v in vals],
        (col(_HIT) | F.coalesce(wild, F.lit(False))).alias(_HIT),
    )


def _wildcard_rows_large(joined: DataFrame, side: DataFrame, last: bool, vals: list[str]) -> DataFrame:
    """Pattern rows against a large source: a join of those rows (rare) with the source's text keys
    on the regular expression, the first (last) match per row, joined back by ``__row``. The
    pattern rows are a second read of the upstream rows (filtered early), not a cross join of all.
    """
    patterns = joined.where(col(_WILD)).select(
        col(ROW).alias("__lk_prow"), wildcard_regex(V.text(col(_KEY))).alias("__lk_re")
    )
    texts = side.where(V.is_text(col(_KEY))).select(
        V.text(col(_KEY)).alias("__lk_t"), F.struct(*[col(v) for v in vals]).alias("__lk_v"), col(_LROW)
    )
    pairs = patterns.join(texts, F.regexp_like(col("__lk_t"), col("__lk_re")))
    pick = F.max_by if last else F.min_by
    found = pairs.groupBy("__lk_prow").agg(pick(col("__lk_v"), col(_LROW)).alias("__lk_wv"))
    out = joined.join(F.broadcast(found), joined[ROW] == found["__lk_prow"], "left")
    hit = found["__lk_prow"].isNotNull()
    return out.select(
        *[col(c) for c in joined.columns if c not in (*vals, _HIT)],
        *[F.when(hit, col("__lk_wv").getField(v)).otherwise(col(v)).alias(v) for v in vals],
        (col(_HIT) | hit).alias(_HIT),
    )


def _approximate(table: Table, step: dict[str, Any], ctx: PlanContext, key: Column) -> tuple[DataFrame, bool]:
    match = step["match"]
    last_among_equal = step.get("search") == "lastToFirst" or match in (
        "approximate",
        "approximateDescending",
    )
    # Ascending scan (largest key <= value) for approximate and nextSmaller; descending (smallest key
    # >= value) for approximateDescending and nextLarger.
    descending = match in ("approximateDescending", "nextLarger")
    # Blank and error source keys sit in their own kind's partition, which no looked-up value
    # reaches with a hit (blank and error values are handled before).
    side = _lookup_side([step], ctx)
    val = _val(0)
    main = table.df.select("*", key.alias(_KEY))
    main_cols = [c for c in main.columns]
    lookup_rows = side.select(
        *[F.lit(None).cast(main.schema[c].dataType).alias(c) for c in main_cols if c != _KEY],
        col(_KEY),
        col(val),
        col(_LROW),
        F.lit(0).alias(_SIDE),
    )
    main_rows = main.select(
        *[col(c) for c in main_cols if c != _KEY],
        col(_KEY),
        F.lit(None).cast(side.schema[val].dataType).alias(val),
        F.lit(None).cast("long").alias(_LROW),
        F.lit(1).alias(_SIDE),
    )
    both = lookup_rows.unionByName(main_rows)
    k = col(_KEY)
    n = V.num(k)
    s = F.lower(V.text(k))
    b = V.logical(k)
    # Among equal keys the source rows come before the row looking up (so "equal" counts as
    # at-or-before), and the preferred source row comes last.
    row_order = col(_LROW).asc() if last_among_equal else col(_LROW).desc()
    if descending:
        order = [n.desc(), s.desc(), b.desc(), col(_SIDE).asc(), row_order]
    else:
        order = [n.asc(), s.asc(), b.asc(), col(_SIDE).asc(), row_order]
    window = Window.partitionBy(V.kind(k)).orderBy(*order).rowsBetween(Window.unboundedPreceding, 0)
    found = F.last(F.when(col(_SIDE) == 0, F.struct(col(val).alias("v"))), ignorenulls=True).over(window)
    scanned = both.select("*", found.alias("__lk_found")).where(col(_SIDE) == 1)
    hit = col("__lk_found").isNotNull() & ~V.is_blank(k)
    out = scanned.select(
        *[col(c) for c in main_cols],
        col("__lk_found").getField("v").alias(val),
        hit.alias(_HIT),
    )
    return out, False
