"""Compile a rule to ONE DuckDB query over track_view: match, order, dedupe and limit, bound parameters only."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from lib.rules.fields import NEGATIVE_TWINS, RANDOM_SORT, field_info
from lib.rules.models import PlaylistRuleSet, RuleCondition, RuleGroup
from lib.rules.semantics import fold, normalize_now, seed_text, window
from lib.store.track_view import SEARCH_COLUMNS, TRACK_VIEW_COLUMNS

RESULT_COLUMNS = tuple(TRACK_VIEW_COLUMNS)


class _Params:
    """Collects values as named parameters ($p0, $p1, ...) so no value is ever written into SQL."""

    def __init__(self) -> None:
        self.values: dict[str, object] = {}

    def add(self, value: object) -> str:
        name = f"p{len(self.values)}"
        self.values[name] = value
        return f"${name}"


def _ident(name: str) -> str:
    # Only names from the field registry reach here; quoting keeps e.g. "key" unambiguous.
    if name not in TRACK_VIEW_COLUMNS and name not in SEARCH_COLUMNS:
        raise ValueError(f"not a track_view column: {name!r}")
    return f'"{name}"'


def _column(cond: RuleCondition, p: _Params) -> tuple[str, str]:
    info = field_info(cond.field, cond.operator.value, cond.value)
    if info.custom_column:
        return f"{info.custom_column}[{p.add(cond.field[2:])}]", info.type
    return _ident(cond.field), info.type


def _text_test(op: str, expr: str, value, p: _Params) -> str:
    """A positive text operator on one non-empty text `expr`.

    Values are case-folded in Python with `fold`, which equals DuckDB's lower() code point by code
    point (a test checks every one), so lower() runs once per row instead of twice.
    """
    if op == "matches":
        return f"regexp_matches({expr}, {p.add(value)}, 'i')"
    return _folded_test(op, f"lower({expr})", value, p)


def _folded_test(op: str, expr: str, value, p: _Params) -> str:
    """A positive text operator other than `matches` on an already lower-cased non-empty `expr`."""
    if op == "in":
        return f"list_contains(CAST({p.add([fold(v) for v in value])} AS VARCHAR[]), {expr})"
    if op not in ("eq", "contains", "starts_with", "ends_with"):
        raise ValueError(f"not a text operator: {op}")
    folded = p.add(fold(value))
    return {"eq": f"{expr} = {folded}", "contains": f"contains({expr}, {folded})",
            "starts_with": f"starts_with({expr}, {folded})", "ends_with": f"suffix({expr}, {folded})"}[op]


def _list_test(field: str, op: str, expr: str, value, p: _Params) -> str:
    """True when ANY non-empty element passes the positive text operator."""
    column = f"{field}_lc"
    if column not in SEARCH_COLUMNS or op == "matches":
        # Regexes run on the original text (a lower-cased copy would change classes such as \\p{Lu}).
        return f"{expr} IS NOT NULL AND len(list_filter({expr}, lambda x: x <> '' AND " \
               f"{_text_test(op, 'x', value, p)})) > 0"
    folded = _ident(column)
    if op == "eq" and fold(value) != "":
        return f"{folded} IS NOT NULL AND list_contains({folded}, {p.add(fold(value))})"
    if op == "in":
        wanted = [w for w in (fold(v) for v in value) if w != ""]
        return f"{folded} IS NOT NULL AND list_has_any({folded}, CAST({p.add(wanted)} AS VARCHAR[]))"
    # An empty element cannot equal, contain, start or end with a non-empty value.
    non_empty = "" if fold(value) != "" else "x <> '' AND "
    return f"{folded} IS NOT NULL AND len(list_filter({folded}, lambda x: {non_empty}" \
           f"{_folded_test(op, 'x', value, p)})) > 0"


def _number_test(op: str, expr: str, value, p: _Params) -> str:
    if op == "between":
        return f"({expr} >= {p.add(float(value[0]))} AND {expr} <= {p.add(float(value[1]))})"
    if op == "in":
        return f"list_contains(CAST({p.add([float(v) for v in value])} AS DOUBLE[]), CAST({expr} AS DOUBLE))"
    symbol = {"eq": "=", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}[op]
    return f"{expr} {symbol} {p.add(float(value))}"


def _time_test(op: str, expr: str, value, now: datetime, p: _Params) -> str:
    low, high, high_inclusive = window(op, value, now)
    moment = f"CAST({expr} AS TIMESTAMP)"
    parts = []
    if low is not None:
        parts.append(f"{moment} >= {p.add(low)}")
    if high is not None:
        parts.append(f"{moment} {'<=' if high_inclusive else '<'} {p.add(high)}")
    return " AND ".join(parts)


def _empty(cond: RuleCondition, p: _Params) -> str:
    info = field_info(cond.field, cond.operator.value, cond.value)
    if info.custom_column:
        key = p.add(cond.field[2:])
        return f"(custom_num[{key}] IS NULL AND coalesce(custom_text[{key}], '') = '')"
    column = _ident(cond.field)
    if info.type == "text":
        return f"coalesce({column}, '') = ''"
    if info.type == "list":
        return f"coalesce(len({column}), 0) = 0"
    return f"{column} IS NULL"


def _positive(cond: RuleCondition, op: str, now: datetime, p: _Params) -> str:
    """The positive form of a condition as an expression that is never NULL.

    Each test is guarded by `<column> IS NOT NULL AND ...` (false AND NULL is false) rather than
    wrapped in coalesce(), so DuckDB can still push simple comparisons down into the table scan.
    """
    if op == "is_empty":
        return f"({_empty(cond, p)})"
    expr, kind = _column(cond, p)
    if kind == "text":
        test = f"coalesce({expr}, '') <> '' AND {_text_test(op, expr, cond.value, p)}"
    elif kind == "list":
        test = _list_test(cond.field, op, expr, cond.value, p)
    elif kind == "number":
        test = f"{expr} IS NOT NULL AND {_number_test(op, expr, cond.value, p)}"
    elif kind == "boolean":
        test = f"{expr} IS NOT NULL AND {expr} = {p.add(bool(cond.value))}"
    else:
        test = f"{expr} IS NOT NULL AND {_time_test(op, expr, cond.value, now, p)}"
    return f"({test})"


def compile_condition(cond: RuleCondition, now: datetime, p: _Params) -> str:
    op = cond.operator.value
    if op in NEGATIVE_TWINS:
        return f"(NOT {_positive(cond, NEGATIVE_TWINS[op], now, p)})"
    return _positive(cond, op, now, p)


def compile_group(group: RuleGroup, now: datetime, p: _Params) -> str:
    parts = [compile_group(c, now, p) if isinstance(c, RuleGroup) else compile_condition(c, now, p)
             for c in group.conditions]
    if not parts:
        body = "true" if group.operator.value == "and" else "false"
    else:
        body = "(" + f" {group.operator.value.upper()} ".join(parts) + ")"
    return f"(NOT {body})" if group.negate else body


def compile_where(node: RuleGroup | RuleCondition, now=None) -> tuple[str, dict]:
    """Just the filter: (boolean SQL expression over track_view, params)."""
    p = _Params()
    now = normalize_now(now)
    sql = compile_group(node, now, p) if isinstance(node, RuleGroup) else compile_condition(node, now, p)
    return sql, p.values


def _order_by(rule: PlaylistRuleSet, p: _Params) -> str:
    terms = []
    for key in rule.sort_keys:
        direction = "DESC" if key.direction == "desc" else "ASC"
        if key.field == RANDOM_SORT:
            expr = f"md5(track_id || {p.add(seed_text(rule.seed))})"
        else:
            info = field_info(key.field, "gt")
            if info.custom_column:
                expr = f"{info.custom_column}[{p.add(key.field[2:])}]"
            elif info.type == "text":
                expr = f"lower({_ident(key.field)})"
            else:
                expr = _ident(key.field)
        terms.append(f"{expr} {direction} NULLS LAST")
    terms.append("track_id ASC")
    return ", ".join(terms)


def _dedupe_qualify(rule: PlaylistRuleSet, order: str) -> str:
    """QUALIFY keeping the first track (in playlist order) of each dedupe key; '' for plain tracks."""
    if rule.dedupe == "isrc":
        return f" QUALIFY isrc IS NULL OR row_number() OVER (PARTITION BY isrc ORDER BY {order}) = 1"
    if rule.dedupe == "title_artist":
        return (" QUALIFY row_number() OVER (PARTITION BY lower(coalesce(title, '')), lower(coalesce(artist, ''))"
                f" ORDER BY {order}) = 1")
    return ""    # track_view holds each track once


def compile_rule(rule: PlaylistRuleSet, now=None, columns: Sequence[str] | None = None, *, head: int | None = None,
                 params: _Params | None = None) -> tuple[str, dict]:
    """The rule as one query returning `columns` (default: all of track_view) in playlist order; only
    the first `head` tracks if given. `params` lets a caller embed the query in a bigger one."""
    p = params or _Params()
    now = normalize_now(now)
    cols = list(columns or RESULT_COLUMNS)
    select = ", ".join(_ident(c) for c in cols)
    where = compile_group(rule.match, now, p)
    order = _order_by(rule, p)
    qualify = _dedupe_qualify(rule, order)
    if rule.limit is not None and rule.limit.minutes is not None:
        # The longest prefix within the budget: a running total over the deduped playlist order.
        carried = ", ".join(_ident(c) for c in dict.fromkeys([*cols, "duration_ms"]))
        budget = p.add(float(rule.limit.minutes) * 60_000)
        sql = (f"WITH kept AS (SELECT {carried}, row_number() OVER (ORDER BY {order}) AS _pos FROM track_view"
               f" WHERE {where}{qualify}), limited AS (SELECT *, sum(coalesce(duration_ms, 0)) OVER (ORDER BY _pos"
               f" ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS _cum_ms FROM kept)"
               f" SELECT {select} FROM limited WHERE _cum_ms <= {budget} ORDER BY _pos")
        return sql + (f" LIMIT {p.add(int(head))}" if head is not None else ""), p.values
    # One SELECT: filter, dedupe window, then a top-N sort (the cheapest plan DuckDB can run).
    cap = [n for n in (rule.limit.tracks if rule.limit is not None else None, head) if n is not None]
    tail = f" LIMIT {p.add(int(min(cap)))}" if cap else ""
    sql = f"SELECT {select} FROM track_view WHERE {where}{qualify} ORDER BY {order}{tail}"
    return sql, p.values
