"""One readable line for a rule, e.g. 'energy ≥ 0.7 and release year 2010–2019 and (genres contains "rock")'."""

from __future__ import annotations

from lib.rules.fields import field_info
from lib.rules.models import PlaylistRuleSet, RuleCondition, RuleGroup
from lib.rules.operators import describe


def _text(value) -> str:
    return '"' + str(value).replace('"', '\\"') + '"'


def _number(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def describe_condition(cond: RuleCondition) -> str:
    info = field_info(cond.field, cond.operator.value, cond.value)
    op = cond.operator.value
    if cond.field == "playlists" and op in ("eq", "neq"):
        return f"{'in' if op == 'eq' else 'not in'} playlist {_text(cond.value)}"
    return describe(op, info.type, info.label, cond.value)


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
