"""One readable line for a rule, e.g. 'energy ≥ 0.7 and release year 2010–2019 and (genres contains "rock")'."""

from __future__ import annotations

from lib.rules.fields import field_info
from lib.rules.models import PlaylistRuleSet, RuleCondition, RuleGroup, RuleRef
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
    parts = [describe_group(c, nested=True) if isinstance(c, RuleGroup) else describe_ref(c)
             if isinstance(c, RuleRef) else describe_condition(c) for c in group.conditions]
    body = f" {group.operator.value} ".join(parts)
    if group.negate:
        return f"not ({body})"
    return f"({body})" if nested and len(parts) > 1 else body


def describe_rule(rule: PlaylistRuleSet | RuleGroup) -> str:
    """A one-line summary of which tracks a rule keeps, then its order, dedupe and limit."""
    if isinstance(rule, RuleGroup):
        return describe_group(rule)
    text = describe_source(rule) or describe_group(rule.match)
    extras = []
    if rule.sort:
        extras.append("sorted by " + ", ".join(
            ("random" + (f" (seed {rule.seed})" if rule.seed is not None else "")) if k.field == "random"
            else f"{field_info(k.field, 'gt').label} {'↓' if k.direction == 'desc' else '↑'}" for k in rule.sort))
    if rule.dedupe != "track":
        extras.append(f"one per {'ISRC' if rule.dedupe == 'isrc' else 'title and artist'}")
    extras += describe_caps(rule)
    if rule.limit is not None:
        extras.append(f"first {rule.limit.tracks} tracks" if rule.limit.tracks
                      else f"at most {_number(rule.limit.minutes)} min")
    if rule.separate_artists:
        extras.append(f"no artist twice within {rule.separate_artists} tracks")
    return text + ("; " + "; ".join(extras) if extras else "")


def describe_ref(ref: RuleRef) -> str:
    return f"{'not in' if ref.negated else 'in'} rule {ref.rule_id!r}"


def describe_caps(rule: PlaylistRuleSet) -> list[str]:
    return [f"at most {n} per {what}" for n, what in ((rule.max_per_artist, "artist"), (rule.max_per_album, "album"))
            if n]


def describe_source(rule: PlaylistRuleSet) -> str:
    """Where a mix or a fixed list takes its tracks from; '' for a rule that filters the library."""
    if rule.tracks is not None:
        return f"a fixed list of {len(rule.tracks)} track{'s' if len(rule.tracks) != 1 else ''}"
    if rule.mix is None:
        return ""
    parts = []
    for part in rule.mix.parts:
        quota = f"{part.tracks}" if part.tracks is not None else f"{_number(round(part.share * 100, 1))}%"
        source = f"rule {part.rule!r}" if isinstance(part.rule, str) else f"({describe_rule(part.rule)})"
        parts.append(f"{quota} from {source}")
    mode = "in turn" if rule.mix.mode == "in_turn" else "in blocks"
    fill = "others fill in for a part that runs dry" if rule.mix.fill else "a part that runs dry gives fewer"
    return f"a mix {mode} of {', '.join(parts)} ({fill}, never a track twice)"
