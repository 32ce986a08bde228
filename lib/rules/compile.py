"""Compile a rule to ONE DuckDB query over track_view: match, order, dedupe and limit, bound parameters only."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from lib.rules.caps import cap_columns, capped, has_caps
from lib.rules.fields import RANDOM_SORT, FieldInfo, field_info
from lib.rules.models import PlaylistRuleSet, RuleCondition, RuleGroup, RuleRef
from lib.rules.operators import Operator, positive
from lib.rules.semantics import FOLD_SQL, normalize_now, seed_text
from lib.store.track_view import SEARCH_COLUMNS, TRACK_VIEW_COLUMNS

RESULT_COLUMNS = tuple(TRACK_VIEW_COLUMNS)


class _Params:
    """Collects values as named parameters ($p0, $p1, ...) so no value is ever written into SQL."""

    def __init__(self, refs: dict[str, list[str]] | None = None) -> None:
        self.values: dict[str, object] = {}
        self.refs = refs or {}    # rule id → its track ids, for in_rule / not_in_rule

    def add(self, value: object) -> str:
        name = f"p{len(self.values)}"
        self.values[name] = value
        return f"${name}"


def in_ids(placeholder: str = "$ids") -> str:
    """A test that the track is one of a list bound at `placeholder` (a list of ids, maybe empty)."""
    return f"track_id IN (SELECT unnest(CAST({placeholder} AS VARCHAR[])))"


def _ident(name: str) -> str:
    # Only names from the field registry reach here; quoting keeps e.g. "key" unambiguous.
    if name not in TRACK_VIEW_COLUMNS and name not in SEARCH_COLUMNS:
        raise ValueError(f"not a track_view column: {name!r}")
    return f'"{name}"'


def counted_sql(info: FieldInfo, now: datetime, p: _Params) -> str:
    """A `counts` field: how many of the column's moments fall in the `days` before `now` (never NULL)."""
    column, days = info.counts
    low, high = p.add(now - timedelta(days=days)), p.add(now)
    return f"coalesce(len(list_filter({_ident(column)}, lambda t: t >= {low} AND t <= {high})), 0)"


def _field(cond: RuleCondition, info: FieldInfo, p: _Params, now: datetime) -> tuple[str, str]:
    """(the field's SQL expression, its emptiness test: null, '' or [])."""
    if info.counts:
        return counted_sql(info, now, p), "false"
    if info.custom_column:
        key = p.add(cond.field[2:])
        return f"{info.custom_column}[{key}]", f"(custom_num[{key}] IS NULL AND coalesce(custom_text[{key}], '') = '')"
    column = _ident(cond.field)
    if info.type == "text":
        return column, f"coalesce({column}, '') = ''"
    if info.type == "list":
        return column, f"coalesce(len({column}), 0) = 0"
    return column, f"{column} IS NULL"


def _fill(template: str, bound: dict, p: _Params, **names: str) -> str:
    return template.format(**names, **{name: p.add(value) for name, value in bound.items()})


def _test(cond: RuleCondition, info: FieldInfo, row: Operator, now: datetime, p: _Params) -> str:
    """The positive test of a condition, never NULL: guarded by `<field> IS NOT NULL AND ...`
    (false AND NULL is false) rather than coalesce(), so DuckDB can push simple comparisons into the scan."""
    if info.counts and "{empty}" in row.sql:
        return f"({_fill(row.sql, row.bound(cond.value, now), p, empty='false')})"   # a count is never empty
    expr, empty = _field(cond, info, p, now)
    bound = row.bound(cond.value, now)
    if "{empty}" in row.sql:
        return f"({_fill(row.sql, bound, p, empty=empty)})"
    if info.type == "text":
        x = FOLD_SQL.format(expr) if row.folds else expr
        return f"(coalesce({expr}, '') <> '' AND {_fill(row.sql, bound, p, x=x)})"
    if info.type == "list":
        folded = f"{cond.field}_lc"
        if row.folds and folded in SEARCH_COLUMNS:
            expr, element = _ident(folded), "e"        # a stored folded copy of the list
        else:
            element = FOLD_SQL.format("e") if row.folds else "e"
        if row.list_sql and element == "e" and row.folds:
            return f"({expr} IS NOT NULL AND {_fill(row.list_sql, bound, p, x=expr)})"
        # Any element that is not empty (as the test sees it) passes.
        return (f"({expr} IS NOT NULL AND len(list_filter({expr}, lambda e: {element} <> '' AND "
                f"{_fill(row.sql, bound, p, x=element)})) > 0)")
    x = f"CAST({expr} AS TIMESTAMP)" if info.type in ("date", "timestamp") else expr
    return f"({expr} IS NOT NULL AND {_fill(row.sql, bound, p, x=x)})"


def compile_condition(cond: RuleCondition, now: datetime, p: _Params) -> str:
    info = field_info(cond.field, cond.operator.value, cond.value)
    row, negated = positive(cond.operator.value, info.type)
    test = _test(cond, info, row, now, p)
    return f"(NOT {test})" if negated else test


def compile_ref(ref: RuleRef, p: _Params) -> str:
    """in_rule / not_in_rule over the other rule's track ids, resolved beforehand (lib.rules.refs)."""
    if ref.rule_id not in p.refs:
        raise ValueError(f"rule {ref.rule_id!r} was not resolved before compiling (use lib.rules.refs)")
    # A semi-join on a hash table: list_contains would scan the list once per row.
    test = in_ids(p.add(list(p.refs[ref.rule_id])))
    return f"(NOT {test})" if ref.negated else f"({test})"


def compile_group(group: RuleGroup, now: datetime, p: _Params, leaf=compile_condition) -> str:
    """`leaf(condition, now, p)` gives each condition's SQL (explain and near misses name precomputed flags)."""
    parts = [compile_group(c, now, p, leaf) if isinstance(c, RuleGroup) else compile_ref(c, p) if isinstance(c, RuleRef)
             else leaf(c, now, p) for c in group.conditions]
    if not parts:
        body = "true" if group.operator.value == "and" else "false"
    else:
        body = "(" + f" {group.operator.value.upper()} ".join(parts) + ")"
    return f"(NOT {body})" if group.negate else body


def compile_where(node: RuleGroup | RuleCondition, now=None, refs=None) -> tuple[str, dict]:
    """Just the filter: (boolean SQL expression over track_view, params)."""
    p = _Params(refs)
    now = normalize_now(now)
    sql = compile_group(node, now, p) if isinstance(node, RuleGroup) else compile_condition(node, now, p)
    return sql, p.values


def _order_by(rule: PlaylistRuleSet, p: _Params, now: datetime) -> str:
    terms = []
    for key in rule.sort_keys:
        direction = "DESC" if key.direction == "desc" else "ASC"
        if key.field == RANDOM_SORT:
            expr = f"md5(track_id || {p.add(seed_text(rule.seed))})"
        else:
            info = field_info(key.field, "gt")
            if info.counts:
                expr = counted_sql(info, now, p)
            elif info.custom_column:
                expr = f"{info.custom_column}[{p.add(key.field[2:])}]"
            elif info.type == "text":
                expr = FOLD_SQL.format(_ident(key.field))
            else:
                expr = _ident(key.field)
        terms.append(f"{expr} {direction} NULLS LAST")
    terms.append("track_id ASC")
    return ", ".join(terms)


def dedupe_key(rule: PlaylistRuleSet) -> str | None:
    """The SQL key two tracks share when one is a duplicate of the other; None for plain tracks."""
    if rule.dedupe == "isrc":
        return "isrc"
    if rule.dedupe == "title_artist":
        return ", ".join(FOLD_SQL.format(f"coalesce({column}, '')") for column in ("title", "artist"))
    return None    # track_view holds each track once


def _dedupe_qualify(rule: PlaylistRuleSet, order: str) -> str:
    """QUALIFY keeping the first track (in playlist order) of each dedupe key; '' for plain tracks."""
    key = dedupe_key(rule)
    if key is None:
        return ""
    unkeyed = "isrc IS NULL OR " if rule.dedupe == "isrc" else ""    # tracks without an ISRC are all kept
    return f" QUALIFY {unkeyed}row_number() OVER (PARTITION BY {key} ORDER BY {order}) = 1"


def compile_rule(rule: PlaylistRuleSet, now=None, columns: Sequence[str] | None = None, *, head: int | None = None,
                 params: _Params | None = None, refs: dict[str, list[str]] | None = None) -> tuple[str, dict]:
    """The rule as one query returning `columns` (default: all of track_view) in playlist order; only
    the first `head` tracks if given. `params` lets a caller embed the query in a bigger one; `refs`
    holds the track ids of the rules its in_rule / not_in_rule conditions name."""
    p = params or _Params()
    p.refs.update(refs or {})
    now = normalize_now(now)
    cols = list(columns or RESULT_COLUMNS)
    select = ", ".join(_ident(c) for c in cols)
    where = compile_group(rule.match, now, p)
    order = _order_by(rule, p, now)
    qualify = _dedupe_qualify(rule, order)
    minutes = rule.limit is not None and rule.limit.minutes is not None
    if minutes or has_caps(rule):
        # Ranked in playlist order after dedupe, then capped, then limited.
        carried = ", ".join(_ident(c) for c in dict.fromkeys([*cols, "duration_ms", *cap_columns(rule)]))
        kept = capped(rule, f"SELECT {carried}, row_number() OVER (ORDER BY {order}) AS _pos FROM track_view"
                            f" WHERE {where}{qualify}", p.add)
        if not minutes:
            cap = [n for n in (rule.limit.tracks if rule.limit is not None else None, head) if n is not None]
            tail = f" LIMIT {p.add(int(min(cap)))}" if cap else ""
            return f"WITH kept AS ({kept}) SELECT {select} FROM kept ORDER BY _pos{tail}", p.values
        # The longest prefix within the budget: a running total over the deduped playlist order.
        budget = p.add(float(rule.limit.minutes) * 60_000)
        sql = (f"WITH kept AS ({kept}), limited AS (SELECT *, sum(coalesce(duration_ms, 0)) OVER (ORDER BY _pos"
               f" ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS _cum_ms FROM kept)"
               f" SELECT {select} FROM limited WHERE _cum_ms <= {budget} ORDER BY _pos")
        return sql + (f" LIMIT {p.add(int(head))}" if head is not None else ""), p.values
    # One SELECT: filter, dedupe window, then a top-N sort (the cheapest plan DuckDB can run).
    cap = [n for n in (rule.limit.tracks if rule.limit is not None else None, head) if n is not None]
    tail = f" LIMIT {p.add(int(min(cap)))}" if cap else ""
    sql = f"SELECT {select} FROM track_view WHERE {where}{qualify} ORDER BY {order}{tail}"
    return sql, p.values
