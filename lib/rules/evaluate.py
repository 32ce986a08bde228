"""The pure-Python twin of the compiler: match one track, and order/dedupe/limit a list of tracks."""

from __future__ import annotations

from datetime import date, datetime

from lib.rules.fields import NEGATIVE_TWINS, RANDOM_SORT, field_info
from lib.rules.models import PlaylistRuleSet, RuleCondition, RuleGroup
from lib.rules.semantics import fold, normalize_now, random_key, window
from lib.rules.values import compile_regex


def _text_test(op: str, text: str, value) -> bool:
    if op == "matches":
        return compile_regex(value).search(text) is not None
    low = fold(text)
    if op == "eq":
        return low == fold(value)
    if op == "contains":
        return fold(value) in low
    if op == "starts_with":
        return low.startswith(fold(value))
    if op == "ends_with":
        return low.endswith(fold(value))
    if op == "in":
        return low in {fold(v) for v in value}
    raise ValueError(f"not a text operator: {op}")


def _number_test(op: str, number, value) -> bool:
    number = float(number)
    if op == "between":
        return float(value[0]) <= number <= float(value[1])
    if op == "in":
        return number in {float(v) for v in value}
    target = float(value)
    return {"eq": number == target, "gt": number > target, "gte": number >= target,
            "lt": number < target, "lte": number <= target}[op]


def _as_datetime(value) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=None) if value.tzinfo is None else normalize_now(value)
    if isinstance(value, date):
        return datetime.combine(value, datetime.min.time())
    return normalize_now(value)


def _time_test(op: str, moment, value, now: datetime) -> bool:
    moment = _as_datetime(moment)
    low, high, high_inclusive = window(op, value, now)
    if low is not None and moment < low:
        return False
    if high is not None:
        return moment <= high if high_inclusive else moment < high
    return True


def _field_value(cond: RuleCondition, track: dict):
    info = field_info(cond.field, cond.operator.value, cond.value)
    if info.custom_column:
        return (track.get(info.custom_column) or {}).get(cond.field[2:]), info
    return track.get(cond.field), info


def _is_empty(cond: RuleCondition, track: dict) -> bool:
    info = field_info(cond.field, cond.operator.value, cond.value)
    if info.custom_column:
        key = cond.field[2:]
        return (track.get("custom_num") or {}).get(key) is None and not (track.get("custom_text") or {}).get(key)
    value = track.get(cond.field)
    if value is None:
        return True
    if info.type in ("text", "list"):
        return len(value) == 0
    return False


def _positive(cond: RuleCondition, op: str, track: dict, now: datetime) -> bool:
    if op == "is_empty":
        return _is_empty(cond, track)
    value, info = _field_value(cond, track)
    if value is None:
        return False
    if info.type == "text":
        return value != "" and _text_test(op, value, cond.value)
    if info.type == "list":
        return any(item is not None and item != "" and _text_test(op, item, cond.value) for item in value)
    if info.type == "number":
        return _number_test(op, value, cond.value)
    if info.type == "boolean":
        return bool(value) == cond.value
    return _time_test(op, value, cond.value, now)


def matches_condition(cond: RuleCondition, track: dict, now: datetime) -> bool:
    op = cond.operator.value
    if op in NEGATIVE_TWINS:
        return not _positive(cond, NEGATIVE_TWINS[op], track, now)
    return _positive(cond, op, track, now)


def _matches(node: RuleGroup | RuleCondition, track: dict, now: datetime) -> bool:
    if isinstance(node, RuleCondition):
        return matches_condition(node, track, now)
    if node.operator.value == "and":
        result = all(_matches(child, track, now) for child in node.conditions)
    else:
        result = any(_matches(child, track, now) for child in node.conditions)
    return not result if node.negate else result


def matches_rules(rule_or_group: PlaylistRuleSet | RuleGroup | RuleCondition, track: dict, now=None) -> bool:
    """Whether one track (a dict shaped like a track_view row) satisfies the rule, group or condition."""
    node = rule_or_group.match if isinstance(rule_or_group, PlaylistRuleSet) else rule_or_group
    return _matches(node, track, normalize_now(now))


def _sort_value(track: dict, field: str, seed: int | None):
    if field == RANDOM_SORT:
        return random_key(track["track_id"], seed)
    info = field_info(field, "gt")
    value = (track.get(info.custom_column) or {}).get(field[2:]) if info.custom_column else track.get(field)
    if value is None:
        return None
    if info.type == "text":
        return fold(value)
    if info.type in ("date", "timestamp"):
        return _as_datetime(value)
    return value


def order_tracks(rule: PlaylistRuleSet, tracks: list[dict]) -> list[dict]:
    """Tracks in playlist order: sort keys with nulls last, ties by track_id (stable multi-pass sort)."""
    result = sorted(tracks, key=lambda t: t["track_id"])
    for key in reversed(rule.sort_keys):
        values = {id(t): _sort_value(t, key.field, rule.seed) for t in result}
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
    now = normalize_now(now)
    matched = [t for t in tracks if _matches(rule.match, t, now)]
    return finish_tracks(rule, order_tracks(rule, matched))
