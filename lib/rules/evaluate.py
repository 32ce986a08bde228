"""The pure-Python twin of the compiler: match one track, and order/dedupe/limit a list of tracks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from lib.rules.fields import RANDOM_SORT, FieldInfo, field_info
from lib.rules.models import PlaylistRuleSet, RuleCondition, RuleGroup
from lib.rules.operators import positive
from lib.rules.semantics import fold, normalize_now, random_key


def _as_datetime(value) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=None) if value.tzinfo is None else normalize_now(value)
    if isinstance(value, date):
        return datetime.combine(value, datetime.min.time())
    return normalize_now(value)


def field_value(track: dict, info: FieldInfo, now: datetime):
    """The track's value of a field; a `counts` field is counted from its column at `now`."""
    if info.counts:
        column, days = info.counts
        low = now - timedelta(days=days)
        return sum(1 for moment in track.get(column) or () if low <= _as_datetime(moment) <= now)
    if info.custom_column:
        return (track.get(info.custom_column) or {}).get(info.name[2:])
    return track.get(info.name)


def _is_empty(cond: RuleCondition, info: FieldInfo, track: dict) -> bool:
    if info.counts:
        return False
    if info.custom_column:
        key = cond.field[2:]
        return (track.get("custom_num") or {}).get(key) is None and not (track.get("custom_text") or {}).get(key)
    value = track.get(cond.field)
    return value is None or (info.type in ("text", "list") and len(value) == 0)


def _condition_test(cond: RuleCondition, now: datetime) -> Callable[[dict], bool]:
    """The condition as a function of one track, mirroring the compiler's SQL (see compile._test)."""
    info = field_info(cond.field, cond.operator.value, cond.value)
    row, negated = positive(cond.operator.value, info.type)
    bound = row.bound(cond.value, now)
    test = row.match

    def positive_holds(track: dict) -> bool:
        if "{empty}" in row.sql:
            return test(empty=_is_empty(cond, info, track))
        value = field_value(track, info, now)
        if value is None:
            return False
        if info.type == "text":
            return value != "" and test(fold(value) if row.folds else value, **bound)
        if info.type == "list":
            items = (fold(item) if row.folds else item for item in value if item is not None)
            return any(item != "" and test(item, **bound) for item in items)
        if info.type == "number":
            return test(float(value), **bound)
        if info.type == "boolean":
            return test(bool(value), **bound)
        return test(_as_datetime(value), **bound)

    return (lambda track: not positive_holds(track)) if negated else positive_holds


def holds(node: RuleGroup | RuleCondition, now=None) -> Callable[[dict], bool]:
    """The group or condition as a function of one track (a dict shaped like a track_view row)."""
    now = normalize_now(now)
    if isinstance(node, RuleCondition):
        return _condition_test(node, now)
    tests = [holds(child, now) for child in node.conditions]
    combine = all if node.operator.value == "and" else any
    if node.negate:
        return lambda track: not combine(t(track) for t in tests)
    return lambda track: combine(t(track) for t in tests)


def condition_holds(condition: RuleCondition, track: dict, now=None) -> bool:
    """Whether one track satisfies one condition, exactly as the SQL compiler decides it."""
    return _condition_test(condition, normalize_now(now))(track)


def group_holds(group: RuleGroup, track: dict, now=None) -> bool:
    """Whether one track satisfies a group (all/any of its children, negated if asked)."""
    return holds(group, now)(track)


def matches_rules(rule_or_group: PlaylistRuleSet | RuleGroup | RuleCondition, track: dict, now=None) -> bool:
    """Whether one track (a dict shaped like a track_view row) satisfies the rule, group or condition."""
    node = rule_or_group.match if isinstance(rule_or_group, PlaylistRuleSet) else rule_or_group
    return holds(node, now)(track)


def _sort_value(track: dict, field: str, seed: int | None, now: datetime):
    if field == RANDOM_SORT:
        return random_key(track["track_id"], seed)
    info = field_info(field, "gt")
    value = field_value(track, info, now)
    if value is None:
        return None
    if info.type == "text":
        return fold(value)
    if info.type in ("date", "timestamp"):
        return _as_datetime(value)
    return value


def order_tracks(rule: PlaylistRuleSet, tracks: list[dict], now=None) -> list[dict]:
    """Tracks in playlist order: sort keys with nulls last, ties by track_id (stable multi-pass sort)."""
    now = normalize_now(now)
    result = sorted(tracks, key=lambda t: t["track_id"])
    for key in reversed(rule.sort_keys):
        values = {id(t): _sort_value(t, key.field, rule.seed, now) for t in result}
        # Nulls form a group of their own, placed last in both directions.
        if key.direction == "desc":
            keyed = {i: (0, 0) if v is None else (1, v) for i, v in values.items()}
            result.sort(key=lambda t, k=keyed: k[id(t)], reverse=True)
        else:
            keyed = {i: (1, 0) if v is None else (0, v) for i, v in values.items()}
            result.sort(key=lambda t, k=keyed: k[id(t)])
    return result


def _dedupe_key(rule: PlaylistRuleSet, track: dict):
    if rule.dedupe == "isrc":
        return ("isrc", track["isrc"]) if track.get("isrc") is not None else None
    if rule.dedupe == "title_artist":
        return fold(track.get("title") or ""), fold(track.get("artist") or "")
    return ("track", track["track_id"])


def finish_tracks(rule: PlaylistRuleSet, ordered: list[dict]) -> list[dict]:
    """Dedupe (keep the first of each key) then apply the limit, on tracks already in order."""
    seen, kept = set(), []
    for track in ordered:
        key = _dedupe_key(rule, track)
        if key is not None:
            if key in seen:
                continue
            seen.add(key)
        kept.append(track)
    if rule.limit is None:
        return kept
    if rule.limit.tracks is not None:
        return kept[: rule.limit.tracks]
    budget, total, out = rule.limit.minutes * 60_000, 0, []
    for track in kept:
        total += track.get("duration_ms") or 0
        if total > budget:
            break
        out.append(track)
    return out


def evaluate_tracks(rule: PlaylistRuleSet, tracks: list[dict], now=None) -> list[dict]:
    """The whole rule in Python over track dicts: match, order, dedupe, limit."""
    test = holds(rule.match, now)
    matched = [t for t in tracks if test(t)]
    return finish_tracks(rule, order_tracks(rule, matched, now))
