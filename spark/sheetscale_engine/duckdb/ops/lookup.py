"""Lookups (VLOOKUP, XLOOKUP, INDEX/MATCH, MATCH) on DuckDB: one value per row, rows never multiply.

The Spark lowering's rules (spark/ops/lookup.py), as SQL:

- exact / wildcard: a LEFT JOIN on the match key (values.match_key_sql: kind-tagged, text
  lower-cased, numbers on 15 digits, so 1 never matches "1"; no trimming) against the source
  deduplicated by that key, keeping the first row in source order (``arg_min`` by ``__row``; the
  last, ``arg_max``, for XLOOKUP search -1). The deduplicated side is computed once into a
  temporary table; its keys seen more than once are the step's ``duplicateKeys``.
- wildcard (VLOOKUP FALSE, MATCH 0, XLOOKUP 2): a text key with a ``*`` or ``?`` not escaped by
  ``~`` is a pattern. Only those rows take the pattern path: each *distinct* pattern is joined to
  the source's text keys with LIKE (criteria.wildcard_like_sql) and keeps the first (last) match;
  the rows join that by pattern. Other rows use the equi-join, ``~*`` ``~?`` ``~~`` unescaped.
- approximate (VLOOKUP TRUE, MATCH 1), approximateDescending (MATCH -1), nextSmaller / nextLarger
  (XLOOKUP -1 / 1): ASOF LEFT JOINs, one per kind both sides can hold (numbers with numbers, text
  with text lower-cased, logicals with logicals), against the source deduplicated by key value
  (among equal keys the last row for VLOOKUP TRUE / MATCH and XLOOKUP search -1, else the first).
  ``>=`` finds the largest key at or below the value, ``<=`` the smallest at or above. Never a
  cross join.
- Consecutive lookups of the same value in the same source (core.planner.lookup_fusable) come as
  one group: one join returns all their columns.
- MATCH returns the 1-based position of the row in the source's order; a returned empty cell
  shows 0 (any formula referring to an empty cell does).
- No match: ``ifNotFound`` (XLOOKUP) or #N/A; an error as the lookup value is the result; a blank
  lookup value finds nothing. Rows without a match (the value not an error) are counted per step
  as ``unmatched`` (a flag column plan._measure counts).

After a join the rows are no longer in ``__row`` order: the result says ``ordered=False``.
"""

from __future__ import annotations

from typing import Any, Final

from sheetscale_engine.duckdb import criteria as C  # noqa: N812
from sheetscale_engine.duckdb import values as V  # noqa: N812
from sheetscale_engine.duckdb.compile import compile_formulas, finished, finished_kinds, staged_select
from sheetscale_engine.duckdb.table import ROW, PlanContext, StepMetrics, Table, fresh_name
from sheetscale_engine.duckdb.values import Val, ident
from sheetscale_engine.errors import ConfigInvalidError, describe_step

_KEY: Final = "__lk_key"  # the lookup value of the row
_MK: Final = "__lk_mk"  # its match key (NULL when it cannot match by equality)
_PAT: Final = "__lk_pat"  # its LIKE pattern (wildcard rows only)
_VALS: Final = "__lk_v"  # struct of the returned values of the matched row
_HIT: Final = "__lk_hit"
_SKEY: Final = "__lk_skey"  # the source's key
_SROW: Final = "__lk_srow"  # the source's __row
_CNT: Final = "__lk_cnt"

# An as-of search compares a value with the source's keys of its own kind only.
_ASOF_KINDS: Final = (V.NUMBER, V.TEXT, V.LOGICAL)


def _nf(i: int) -> str:
    return f"__lk_nf{i}"


def _sv(i: int) -> str:
    return f"v{i}"


def _asof_key(v: Val, kind: int) -> str:
    """The value's key for an as-of search among ``kind``: NULL for other kinds."""
    if kind == V.NUMBER:
        part = V.num_sql(v)
    elif kind == V.TEXT:
        part = f"lower({V.text_sql(v)})"
    else:
        part = f"CAST({V.bool_sql(v)} AS INTEGER)"
    return f"(CASE WHEN {V.is_kind(v, kind)} THEN {part} END)"


def apply_group(
    table: Table, steps: list[dict[str, Any]], ctx: PlanContext, metrics: list[StepMetrics]
) -> Table:
    """One or more fused lookup steps (same value, same source, same mode): one join, one new
    column per step."""
    first = steps[0]
    if first["match"] not in ("exact", "wildcard") and len(steps) != 1:
        raise ValueError("only exact and wildcard lookups are fused")
    source = ctx.source(first["source"]).table
    _check_columns(steps, source)

    # The rows: every column, the lookup value, each step's ifNotFound.
    exprs = [(_KEY, first["key"])]
    exprs += [(_nf(i), s["ifNotFound"]) for i, s in enumerate(steps) if "ifNotFound" in s]
    places = {_KEY: describe_step(first)} | {_nf(i): describe_step(s) for i, s in enumerate(steps)}
    compiled = compile_formulas(exprs, table.vals(), ctx.eval_ctx, where=places, formula_result=False)
    key_val = compiled.results[_KEY]
    not_found = {i: _formula_cell(compiled.results[_nf(i)]) for i, s in enumerate(steps) if "ifNotFound" in s}
    final = [(c, ident(c)) for c in table.columns] + [(ROW, ident(ROW)), (_KEY, key_val.sql)]
    final += [(_nf(i), v.sql) for i, v in not_found.items()]
    rows = f"({staged_select(table.from_sql, [*table.columns, ROW], compiled, final)})"
    key = Val(ident(_KEY), key_val.kinds, key_val.layout)
    nf_vals = {i: Val(ident(_nf(i)), v.kinds, v.layout) for i, v in not_found.items()}

    # The source: its key, each step's returned value (a struct of them), its order.
    returned = [_returned_value(s, source) for s in steps]
    values_struct = "{" + ", ".join(f"'{_sv(i)}': {v.sql}" for i, v in enumerate(returned)) + "}"
    src_key = source.val(first["keyColumn"])
    side = (
        f"(SELECT {src_key.sql} AS {ident(_SKEY)}, {values_struct} AS {ident(_VALS)}, "
        f"{ident(ROW)} AS {ident(_SROW)} FROM {source.from_sql} AS _src)"
    )
    side_key = Val(ident(_SKEY), src_key.kinds, src_key.layout)

    if first["match"] in ("exact", "wildcard"):
        joined, hit = _exact(rows, key, side, side_key, step=first, ctx=ctx, metrics=metrics)
    else:
        joined, hit = _approximate(rows, key, side, side_key, first)

    results: dict[str, Val] = {}
    for i, step in enumerate(steps):
        found = Val(f"({ident(_VALS)}).{_sv(i)}", returned[i].kinds, returned[i].layout)
        branches = []
        if V.ERROR in key.kinds:
            branches.append((V.is_error(key), Val(key.sql, frozenset({V.ERROR}), key.layout)))
        branches.append((hit, found))
        results[step["column"]] = V.cases(branches, nf_vals.get(i, V.error(V.NA)))
    unmatched = f"(NOT {hit}" + (f" AND NOT {V.is_error(key)})" if V.ERROR in key.kinds else ")")
    flags = {}
    for m in metrics:
        flag = fresh_name("lk_unmatched")
        flags[flag] = unmatched
        m.flags[flag] = "unmatched"

    cols = [f"{results[c].sql} AS {ident(c)}" if c in results else ident(c) for c in table.columns]
    new = [s["column"] for s in steps if s["column"] not in table.columns]
    cols += [f"{results[c].sql} AS {ident(c)}" for c in new]
    cols += [ident(ROW), *(f"{sql} AS {ident(f)}" for f, sql in flags.items())]
    return table.with_sql(
        f"SELECT {', '.join(cols)} FROM {joined} AS _j",
        columns=(*table.columns, *new),
        kinds={**table.kinds, **{c: v.kinds for c, v in results.items()}},
        hidden=table.hidden | {s["column"] for s in steps if s.get("hidden")},
        ordered=False,
    )


def _check_columns(steps: list[dict[str, Any]], source: Table) -> None:
    for step in steps:
        for field in ("keyColumn", "returnColumn"):
            name = step.get(field)
            if name is not None and name not in source.columns:
                raise ConfigInvalidError(
                    f"{describe_step(step)}: source '{step['source']}' has no column '{name}' "
                    f"(it has: {', '.join(source.columns)}).",
                    hint="Record the step again, or bind the source to a file with that column.",
                )


def _formula_cell(v: Val) -> Val:
    """``v`` as a formula cell shows it: a blank is the number 0 (and no longer a blank kind)."""
    shown = finished(v)
    return Val(shown.sql, finished_kinds(v.kinds), shown.layout)


def _returned_value(step: dict[str, Any], source: Table) -> Val:
    """What a match returns, over the source's columns: the return column as a formula shows it
    (an empty cell is 0), or for MATCH the 1-based position in the source's order."""
    if step.get("returnColumn") is None:
        return V.number(f"CAST(row_number() OVER (ORDER BY {ident(ROW)}) AS DOUBLE)")
    return _formula_cell(source.val(step["returnColumn"]))


def _exact(
    rows: str,
    key: Val,
    side: str,
    side_key: Val,
    *,
    step: dict[str, Any],
    ctx: PlanContext,
    metrics: list[StepMetrics],
) -> tuple[str, str]:
    """The rows LEFT JOINed to the source's first (last) row per match key; (relation, hit SQL)."""
    pick = "arg_max" if step.get("search") == "lastToFirst" else "arg_min"
    wildcard = step["match"] == "wildcard" and V.TEXT in key.kinds
    # Blank and error keys never match (an error value is the result; a blank finds nothing).
    matchable_src = f"NOT {V.is_blank(side_key)} AND NOT {V.is_error(side_key)}"
    deduped_name = fresh_name("lk_keys")
    ctx.con.execute(
        f"CREATE TEMP TABLE {ident(deduped_name)} AS "
        f"SELECT {V.match_key_sql(side_key)} AS {ident(_MK)}, "
        f"{pick}({ident(_VALS)}, {ident(_SROW)}) AS {ident(_VALS)}, "
        f"count(*) AS {ident(_CNT)} FROM {side} AS _sd WHERE {matchable_src} GROUP BY 1"
    )
    duplicates = int(ctx.fetch(f"SELECT count(*) FROM {ident(deduped_name)} WHERE {ident(_CNT)} > 1")[0][0])
    for m in metrics:
        m.extra["duplicateKeys"] = duplicates

    no_match = [V.is_blank(key), V.is_error(key)]
    if wildcard:
        is_pattern = f"({V.is_kind(key, V.TEXT)} AND {C.has_wildcard_sql(V.text_sql(key))})"
        no_match.append(is_pattern)
        # Not a pattern: ``~*`` ``~?`` ``~~`` stand for the character itself.
        plain_key = V.match_key_sql(V.text(C.unescape_wildcards_sql(V.text_sql(key))))
        mk = f"(CASE WHEN {V.is_kind(key, V.TEXT)} THEN {plain_key} ELSE {V.match_key_sql(key)} END)"
        pattern = f"(CASE WHEN {is_pattern} THEN {C.wildcard_like_sql(f'lower({V.text_sql(key)})')} END)"
    else:
        mk = V.match_key_sql(key)
        pattern = "CAST(NULL AS VARCHAR)"
    never = " OR ".join(c for c in no_match if c != "FALSE") or "FALSE"
    keyed = (
        f"(SELECT *, (CASE WHEN {never} THEN NULL ELSE {mk} END) AS {ident(_MK)}, "
        f"{pattern} AS {ident(_PAT)} FROM {rows} AS _r)"
    )
    if not wildcard:
        joined = (
            f"(SELECT _k.* EXCLUDE ({ident(_MK)}, {ident(_PAT)}), _d.{ident(_VALS)}, "
            f"(_d.{ident(_MK)} IS NOT NULL) AS {ident(_HIT)} "
            f"FROM {keyed} AS _k LEFT JOIN {ident(deduped_name)} AS _d ON _k.{ident(_MK)} = _d.{ident(_MK)})"
        )
        return joined, ident(_HIT)
    # Each distinct pattern against the source's text keys, in source order.
    texts = (
        f"(SELECT lower({V.text_sql(side_key)}) AS __lk_t, {ident(_VALS)}, {ident(_SROW)} FROM {side} AS _st "
        f"WHERE {V.is_kind(side_key, V.TEXT)})"
    )
    patterns = f"(SELECT DISTINCT {ident(_PAT)} FROM {keyed} AS _p WHERE {ident(_PAT)} IS NOT NULL)"
    found = (
        f"(SELECT _p.{ident(_PAT)}, {pick}(_t.{ident(_VALS)}, _t.{ident(_SROW)}) AS {ident(_VALS)} "
        f"FROM {patterns} AS _p JOIN {texts} AS _t ON _t.__lk_t LIKE _p.{ident(_PAT)} {C.LIKE_ESCAPE} "
        f"GROUP BY _p.{ident(_PAT)})"
    )
    joined = (
        f"(SELECT _k.* EXCLUDE ({ident(_MK)}, {ident(_PAT)}), "
        f"coalesce(_d.{ident(_VALS)}, _w.{ident(_VALS)}) AS {ident(_VALS)}, "
        f"(_d.{ident(_MK)} IS NOT NULL OR _w.{ident(_PAT)} IS NOT NULL) AS {ident(_HIT)} "
        f"FROM {keyed} AS _k LEFT JOIN {ident(deduped_name)} AS _d ON _k.{ident(_MK)} = _d.{ident(_MK)} "
        f"LEFT JOIN {found} AS _w ON _k.{ident(_PAT)} = _w.{ident(_PAT)})"
    )
    return joined, ident(_HIT)


def _approximate(rows: str, key: Val, side: str, side_key: Val, step: dict[str, Any]) -> tuple[str, str]:
    """The rows ASOF-joined to the source's keys, one join per kind; (relation, hit SQL)."""
    match = step["match"]
    # Excel's binary search lands on the last of equal keys for VLOOKUP TRUE and MATCH 1/-1.
    last = step.get("search") == "lastToFirst" or match in ("approximate", "approximateDescending")
    pick = "arg_max" if last else "arg_min"
    # largest key <= value (approximate, nextSmaller); smallest key >= value (the other two).
    op = "<=" if match in ("approximateDescending", "nextLarger") else ">="
    kinds = [k for k in _ASOF_KINDS if k in key.kinds and k in side_key.kinds]
    if not kinds:
        return rows, "FALSE"
    keys = [f"{_asof_key(key, k)} AS {ident(f'__lk_a{k}')}" for k in kinds]
    current = f"(SELECT *, {', '.join(keys)} FROM {rows} AS _r)"
    joins = []
    for k in kinds:
        src = _asof_key(side_key, k)
        by_key = (
            f"(SELECT __lk_sk, {pick}({ident(_VALS)}, {ident(_SROW)}) AS {ident(_VALS)} "
            f"FROM (SELECT {src} AS __lk_sk, {ident(_VALS)}, {ident(_SROW)} FROM {side} AS _s{k}) AS _ss{k} "
            f"WHERE __lk_sk IS NOT NULL GROUP BY __lk_sk)"
        )
        joins.append(f"ASOF LEFT JOIN {by_key} AS _a{k} ON _r.{ident(f'__lk_a{k}')} {op} _a{k}.__lk_sk")
    values = ", ".join(f"_a{k}.{ident(_VALS)}" for k in kinds)
    hit = " OR ".join(f"_a{k}.__lk_sk IS NOT NULL" for k in kinds)
    drop = ", ".join(ident(f"__lk_a{k}") for k in kinds)
    joined = (
        f"(SELECT _r.* EXCLUDE ({drop}), coalesce({values}) AS {ident(_VALS)}, ({hit}) AS {ident(_HIT)} "
        f"FROM {current} AS _r {' '.join(joins)})"
    )
    return joined, ident(_HIT)
