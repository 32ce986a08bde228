"""Near misses and what-ifs: tracks each condition keeps out, and the count at nearby values of a bound."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lib.rules.compile import _ident, _order_by, _Params, compile_condition, compile_group
from lib.rules.describe import describe_condition
from lib.rules.engine import field_expr
from lib.rules.fields import field_info
from lib.rules.models import PlaylistRuleSet, RuleCondition, RuleGroup
from lib.rules.playlist import Run
from lib.rules.semantics import normalize_now

if TYPE_CHECKING:
    import pandas as pd

    from lib.store import Library

BOUNDS = ("gt", "gte", "lt", "lte", "between")


def relaxable(cond: RuleCondition) -> bool:
    """A bound over a number field: `relax` can count its nearby values."""
    info = field_info(cond.field, cond.operator.value, cond.value)
    return cond.operator.value in BOUNDS and info is not None and info.type == "number"


@dataclass(frozen=True)
class NearMiss:
    path: str
    condition: RuleCondition
    extra: int                      # tracks that would also match if this condition were removed

    @property
    def label(self) -> str:
        return describe_condition(self.condition)


def conditions(node: RuleGroup, path: str = "match"):
    """(path, condition) for every condition of a match tree, depth first."""
    for i, child in enumerate(node.conditions):
        where = f"{path}.conditions[{i}]"
        if isinstance(child, RuleGroup):
            yield from conditions(child, where)
        elif isinstance(child, RuleCondition):      # in_rule / not_in_rule stay as they are
            yield where, child


def without(node: RuleGroup, target: RuleCondition) -> RuleGroup:
    """The match tree with one condition (by identity) removed, as the form's ✕ would."""
    kept = [without(c, target) if isinstance(c, RuleGroup) else c for c in node.conditions if c is not target]
    return node.model_copy(update={"conditions": kept})


def _flags(rule: PlaylistRuleSet, now, p: _Params, extra: dict | None = None):
    """A CTE computing every condition once per track as a column, and the leaf that names those columns."""
    listed = list(conditions(rule.match))
    names = {id(cond): f"_c{i}" for i, (_, cond) in enumerate(listed)}
    columns = [f"{compile_condition(cond, now, p)} AS {names[id(cond)]}" for _, cond in listed]
    for name, cond in (extra or {}).items():
        columns.append(f"{compile_condition(cond, now, p)} AS {name}")
    cte = f"WITH f AS (SELECT {', '.join(columns) or 'true AS _none'} FROM track_view)"
    return listed, cte, lambda cond, _now, _p: names[id(cond)]


def _params(library: Library, rule: PlaylistRuleSet, now, rules) -> _Params:
    """Parameters holding the playlists of the rules the match refers to (in_rule, not_in_rule)."""
    return _Params(Run(library, now, rules).refs(rule))


def near_misses(library: Library, rule: PlaylistRuleSet, now=None, rules=None) -> tuple[int, list[NearMiss]]:
    """(tracks matching, per condition the tracks that fail only it) in ONE query over the library."""
    now = normalize_now(now)
    p = _params(library, rule, now, rules)
    listed, cte, leaf = _flags(rule, now, p)
    full = compile_group(rule.match, now, p, leaf)
    counts = [f"count(*) FILTER (WHERE {full})"]
    counts += [f"count(*) FILTER (WHERE {compile_group(without(rule.match, cond), now, p, leaf)} AND NOT {full})"
               for _, cond in listed]
    row = library.query_one(f"{cte} SELECT {', '.join(counts)} FROM f", p.values)
    return int(row[0]), [NearMiss(path, cond, int(n)) for (path, cond), n in zip(listed, row[1:], strict=True)]


def near_miss_tracks(library: Library, rule: PlaylistRuleSet, path: str, columns: list[str], limit: int = 200,
                     now=None, rules=None) -> pd.DataFrame:
    """The tracks kept out by the condition at `path` alone, in the rule's order."""
    now = normalize_now(now)
    target = dict(conditions(rule.match))[path]
    p = _params(library, rule, now, rules)
    looser = compile_group(without(rule.match, target), now, p)
    full = compile_group(rule.match, now, p)
    select = ", ".join(_ident(c) for c in columns)
    sql = (f"SELECT {select} FROM track_view WHERE {looser} AND NOT {full} ORDER BY {_order_by(rule, p, now)}"
           f" LIMIT {int(limit)}")
    return library.query_df(sql, p.values)


def _nice_step(span: float) -> float:
    if not span > 0 or not math.isfinite(span):
        return 1.0
    rough = span / 20
    magnitude = 10 ** math.floor(math.log10(rough))
    return next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= rough)


def _round(value: float, step: float):
    digits = max(0, -math.floor(math.log10(step))) if step < 1 else 0
    out = round(value, digits)
    return int(out) if digits == 0 and float(out).is_integer() else out


def relax_values(cond: RuleCondition, low: float, high: float, steps: int = 3) -> list:
    """Nearby values of a numeric bound: the current one and `steps` nice steps each way, inside the field's range."""
    step = _nice_step(high - low)
    if cond.operator.value == "between":
        lo, hi = (float(v) for v in cond.value)
        out = [[_round(lo - k * step, step), _round(hi + k * step, step)] for k in range(-steps, steps + 1)]
        return [v for v in out if v[0] <= v[1]]
    current = float(cond.value)
    out = {_round(current + k * step, step) for k in range(-steps, steps + 1)}
    return sorted(v for v in out if low - step <= v <= high + step) or [cond.value]


def relax(library: Library, rule: PlaylistRuleSet, path: str, values: list | None = None,
          now=None, rules=None) -> list[tuple[object, int]]:
    """(value, tracks matching) with the numeric bound at `path` set to each value, in ONE query."""
    now = normalize_now(now)
    target = dict(conditions(rule.match))[path]
    if not relaxable(target):
        raise ValueError(f"{path} is not a bound over a number field")
    if values is None:
        q = _Params()
        column, _ = field_expr(target.field, q, now)
        low, high = library.query_one(f"SELECT min({column}), max({column}) FROM track_view", q.values)
        values = relax_values(target, float(low or 0), float(high if high is not None else 1))
    variants = {f"_v{i}": target.model_copy(update={"value": v}) for i, v in enumerate(values)}
    p = _params(library, rule, now, rules)
    listed, cte, leaf = _flags(rule, now, p, variants)
    counts = []
    for name in variants:
        def swap(cond, _now, _p, name=name):
            return name if cond is target else leaf(cond, _now, _p)
        counts.append(f"count(*) FILTER (WHERE {compile_group(rule.match, now, p, swap)})")
    row = library.query_one(f"{cte} SELECT {', '.join(counts)} FROM f", p.values)
    return [(v, int(n)) for v, n in zip(values, row, strict=True)]
