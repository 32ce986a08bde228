"""One readable line for a rule, e.g. 'energy ≥ 0.7 and release year 2010–2019 and (genres contains "rock")'."""

from __future__ import annotations

from lib.rules.fields import field_info
from lib.rules.models import PlaylistRuleSet, RuleCondition, RuleGroup

_SYMBOLS = {"eq": "=", "neq": "≠", "gt": ">", "gte": "≥", "lt": "<", "lte": "≤"}
_WORDS = {
    "contains": "contains", "not_contains": "does not contain", "starts_with": "starts with",
    "ends_with": "ends with", "matches": "matches", "not_matches": "does not match",
    "before": "before", "after": "after",
}


def _text(value) -> str:
    return '"' + str(value).replace('"', '\\"') + '"'


def _number(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _fmt(kind: str, value) -> str:
    if kind in ("text", "list"):
        return _text(value)
    if kind == "number":
        return _number(value)
    if kind == "boolean":
        return "yes" if value else "no"
    return str(value)


def describe_condition(cond: RuleCondition) -> str:
    info = field_info(cond.field, cond.operator.value, cond.value)
    op, value, label = cond.operator.value, cond.value, info.label
    if op in ("is_empty", "is_not_empty"):
        return f"{label} is {'empty' if op == 'is_empty' else 'not empty'}"
    if cond.field == "playlists" and op in ("eq", "neq"):
        return f"{'in' if op == 'eq' else 'not in'} playlist {_text(value)}"
    if info.type == "boolean":
        return label if value == (op == "eq") else f"not {label}"
    if op == "between":
        sep = "–" if info.type == "number" else " to "
        return f"{label} {_fmt(info.type, value[0])}{sep}{_fmt(info.type, value[1])}"
    if op in ("in", "not_in"):
        listed = ", ".join(_fmt(info.type, v) for v in value)
        return f"{label} {'is one of' if op == 'in' else 'is none of'} [{listed}]"
    if op in ("in_last_days", "not_in_last_days"):
        return f"{label} {'within' if op == 'in_last_days' else 'not within'} the last {_number(value)} days"
    if op in ("eq", "neq") and info.type in ("text", "list"):
        verb = ("has" if op == "eq" else "has no") if info.type == "list" else ("is" if op == "eq" else "is not")
        return f"{label} {verb} {_text(value)}"
    if op in _SYMBOLS:
        return f"{label} {_SYMBOLS[op]} {_fmt(info.type, value)}"
    if op in ("matches", "not_matches"):
        return f"{label} {_WORDS[op]} /{value}/"
    return f"{label} {_WORDS[op]} {_fmt(info.type, value)}"


def describe_group(group: RuleGroup, nested: bool = False) -> str:
    if not group.conditions:
        body = "all tracks" if group.operator.value == "and" else "no tracks"
        return f"not ({body})" if group.negate else body
    parts = [describe_group(c, nested=True) if isinstance(c, RuleGroup) else describe_condition(c)
             for c in group.conditions]
    body = f" {group.operator.value} ".join(parts)
    if group.negate:
        return f"not ({body})"
    return f"({body})" if nested and len(parts) > 1 else body


def describe_rule(rule: PlaylistRuleSet | RuleGroup) -> str:
    """A one-line summary of which tracks a rule keeps, then its order, dedupe and limit."""
    if isinstance(rule, RuleGroup):
        return describe_group(rule)
    text = describe_group(rule.match)
    extras = []
    if rule.sort:
        extras.append("sorted by " + ", ".join(
            ("random" + (f" (seed {rule.seed})" if rule.seed is not None else "")) if k.field == "random"
            else f"{field_info(k.field, 'gt').label} {'↓' if k.direction == 'desc' else '↑'}" for k in rule.sort))
    if rule.dedupe != "track":
        extras.append(f"one per {'ISRC' if rule.dedupe == 'isrc' else 'title and artist'}")
    if rule.limit is not None:
        extras.append(f"first {rule.limit.tracks} tracks" if rule.limit.tracks
                      else f"at most {_number(rule.limit.minutes)} min")
    return text + ("; " + "; ".join(extras) if extras else "")
