"""Why one track is in a rule's playlist or not: each condition's value and result, and the step that decided."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from lib.errors import ValidationError
from lib.rules.compile import _Params, compile_condition, compile_group, compile_ref, dedupe_key, in_ids
from lib.rules.describe import describe_condition, describe_ref
from lib.rules.evaluate import field_value
from lib.rules.fields import field_info
from lib.rules.models import PlaylistRuleSet, RuleCondition, RuleGroup, RuleRef
from lib.rules.playlist import Run
from lib.rules.semantics import normalize_now
from lib.store.track_view import TRACK_VIEW_COLUMNS

if TYPE_CHECKING:
    from lib.store import Library

_COLUMNS = list(TRACK_VIEW_COLUMNS)
VERDICTS = {"no_match": "did not match", "duplicate": "dropped as a duplicate", "capped": "dropped by a cap",
            "limit": "cut by the limit", "not_picked": "not picked", "dropped": "not kept",
            "included": "in the playlist"}


@dataclass(frozen=True)
class Check:
    """One condition or group of the rule, for one track: what it says, the track's value, whether it held."""

    path: str
    node: RuleCondition | RuleGroup | RuleRef
    held: bool
    value: Any = None
    children: tuple[Check, ...] = ()

    @property
    def label(self) -> str:
        if isinstance(self.node, RuleCondition):
            return describe_condition(self.node)
        if isinstance(self.node, RuleRef):
            return describe_ref(self.node)
        words = "ALL of" if self.node.operator.value == "and" else "ANY of"
        return ("NOT " if self.node.negate else "") + words

    def walk(self, depth: int = 0):
        yield depth, self
        for child in self.children:
            yield from child.walk(depth + 1)


@dataclass(frozen=True)
class Explanation:
    track: dict                              # track_id, uri, title, artist
    root: Check
    verdict: str                             # a key of VERDICTS
    position: int | None = None              # place in the playlist, or in the list before the limit / caps
    minutes: float | None = None             # running length up to and including the track
    duplicate_of: dict | None = None         # the track kept in its place
    failed: list[Check] = field(default_factory=list)
    rule: PlaylistRuleSet | None = None

    @property
    def included(self) -> bool:
        return self.verdict == "included"

    def summary(self) -> str:
        if self.verdict == "no_match":
            return "Did not match: " + "; ".join(_failure(c) for c in self.failed) + "."
        if self.verdict == "duplicate":
            other = self.duplicate_of or {}
            key = {"isrc": "the same ISRC", "title_artist": "the same title and artist"}[self.rule.dedupe]
            return (f"Dropped as a duplicate of “{other.get('title')}” by {other.get('artist')} "
                    f"({other.get('track_id')}), which has {key} and comes first.")
        if self.verdict == "capped":
            caps = [f"{n} per {what}" for n, what in ((self.rule.max_per_album, "album"),
                                                       (self.rule.max_per_artist, "artist")) if n]
            return (f"Dropped by the cap (at most {' and '.join(caps)}): earlier tracks of its "
                    f"{'album or artist' if len(caps) > 1 else caps[0].split()[-1]} filled it.")
        if self.verdict == "not_picked":
            what = "mix" if self.rule.mix is not None else "fixed track list"
            return f"Not in the playlist: this {what} does not pick it."
        if self.verdict == "dropped":
            return "Matched, but the playlist does not keep it."
        if self.verdict == "limit":
            limit = self.rule.limit
            if limit.tracks is not None:
                return f"Cut by the limit: it would be track {self.position} of a {limit.tracks}-track playlist."
            return (f"Cut by the limit: it would end at minute {self.minutes:.1f} of a "
                    f"{limit.minutes:g}-minute playlist (position {self.position}).")
        return f"In the playlist at position {self.position}."

    def lines(self) -> list[str]:
        """The rule tree as text, one node a line: ✓/✗, what it tests and the track's value."""
        out = []
        for depth, check in self.root.walk():
            mark = "✓" if check.held else "✗"
            value = f"  [track: {_show(check.value)}]" if isinstance(check.node, RuleCondition) else ""
            out.append(f"{'  ' * depth}{mark} {check.label}{value}")
        return out


def _failure(check: Check) -> str:
    empty = isinstance(check.node, RuleGroup) and not check.node.conditions
    return f"{check.label}{' (an empty group)' if empty else ''} failed"


def _show(value) -> str:
    if value is None or value == "" or value == []:
        return "empty"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _nodes(node, path: str = "match"):
    yield path, node
    if isinstance(node, RuleGroup):
        for i, child in enumerate(node.conditions):
            yield from _nodes(child, f"{path}.conditions[{i}]")


def _blame(check: Check, want: bool = True) -> list[Check]:
    """The conditions whose result made `check` differ from `want`."""
    if check.held == want:
        return []
    if isinstance(check.node, RuleCondition):
        return [check]
    inner = want != check.node.negate
    return [c for child in check.children for c in _blame(child, inner)] or [check]    # e.g. an empty group


def find_track(library: Library, ref: str) -> str:
    """The track id for a track id, a spotify:track: URI or an open.spotify.com link; ValidationError if unknown."""
    ref = ref.strip()
    candidate = ref.rsplit("/", 1)[-1].split("?")[0] if "open.spotify.com" in ref else ref
    row = library.query_one("SELECT track_id FROM track_view WHERE track_id = $r OR uri = $r OR uri = $u LIMIT 1",
                            {"r": candidate, "u": f"spotify:track:{candidate}"})
    if row is None:
        raise ValidationError(f"no track {ref!r} in this library (give a track id or a spotify:track: URI)")
    return row[0]


def search_tracks(library: Library, text: str, limit: int = 25) -> list[dict]:
    """Library tracks whose title, artist or album contains `text` (as the rules' `contains` reads it)."""
    words = text.strip()
    if not words:
        return []
    match = RuleGroup(operator="or", conditions=[RuleCondition(field=f, operator="contains", value=words)
                                                 for f in ("title", "artist", "album")])
    p = _Params()
    where = compile_group(match, normalize_now(None), p)
    rows = library.query(f"SELECT track_id, title, artist, album FROM track_view WHERE {where}"
                         f" ORDER BY lower(title), track_id LIMIT {int(limit)}", p.values)
    return [dict(zip(("track_id", "title", "artist", "album"), r, strict=True)) for r in rows]


def explain_track(library: Library, rule: PlaylistRuleSet, track_id: str, now=None, rules=None) -> Explanation:
    """Explain one track against one rule: each condition and group from its own compiled SQL, then the
    step that decided, from the playlists the engine builds (`rules`: where in_rule and mix parts look first)."""
    now = normalize_now(now)
    run = Run(library, now, rules)
    p = _Params(run.refs(rule))
    nodes = list(_nodes(rule.match))
    tests = [compile_group(n, now, p) if isinstance(n, RuleGroup) else compile_ref(n, p) if isinstance(n, RuleRef)
             else compile_condition(n, now, p) for _, n in nodes]
    columns = ", ".join(f'"{c}"' for c in _COLUMNS)
    flags = ", ".join(f"{t} AS _n{i}" for i, t in enumerate(tests))
    got = library.query_one(f"SELECT {columns}, {flags} FROM track_view WHERE track_id = $track",
                            {**p.values, "track": track_id})
    if got is None:
        raise ValidationError(f"no track {track_id!r} in this library")
    row = dict(zip(_COLUMNS, got, strict=False))
    root = _tree(nodes, got[len(_COLUMNS):], row, now)
    track = {k: row[k] for k in ("track_id", "uri", "title", "artist")}
    if not root.held:
        return Explanation(track, root, "no_match", failed=_blame(root), rule=rule)
    return _place(library, run, rule, track, root)


def _tree(nodes: list, held, row: dict, now) -> Check:
    checks: dict[str, Check] = {}
    for (path, node), ok in reversed(list(zip(nodes, held, strict=True))):
        if isinstance(node, RuleGroup):
            kids = tuple(checks[f"{path}.conditions[{i}]"] for i in range(len(node.conditions)))
            checks[path] = Check(path, node, bool(ok), children=kids)
        else:
            value = (field_value(row, field_info(node.field, node.operator.value, node.value), now)
                     if isinstance(node, RuleCondition) else None)
            checks[path] = Check(path, node, bool(ok), value)
    return checks["match"]


def _place(library: Library, run: Run, rule: PlaylistRuleSet, track: dict, root: Check) -> Explanation:
    """Where a matching track ends up, step by step backwards: the playlist, before its limit, before its caps."""
    tid = track["track_id"]
    final = run.outcome(rule).ids
    if tid in final:
        return Explanation(track, root, "included", position=final.index(tid) + 1, rule=rule)
    if rule.mix is not None or rule.tracks is not None:
        return Explanation(track, root, "not_picked", rule=rule)
    steps = [("limit", {"limit": None})] if rule.limit is not None else []
    if rule.max_per_artist or rule.max_per_album:
        steps.append(("capped", {"limit": None, "max_per_artist": None, "max_per_album": None}))
    for verdict, change in steps:
        ids = run.outcome(rule.model_copy(update=change)).ids
        if tid in ids:
            position = ids.index(tid) + 1
            if verdict == "capped":
                return Explanation(track, root, "capped", position=position, rule=rule)
            minutes = library.query_one(f"SELECT sum(coalesce(duration_ms, 0)) FROM track_view WHERE {in_ids()}",
                                        {"ids": ids[:position]})[0]
            return Explanation(track, root, "limit", position=position, minutes=float(minutes or 0) / 60_000,
                               rule=rule)
    twin = _kept_twin(library, run, rule, tid)
    return Explanation(track, root, "duplicate" if twin else "dropped", duplicate_of=twin, rule=rule)


def _kept_twin(library: Library, run: Run, rule: PlaylistRuleSet, track_id: str) -> dict | None:
    """The track with the same dedupe key that the rule keeps (before caps and limit) in this one's place."""
    key = dedupe_key(rule)
    if key is None:
        return None
    kept = run.outcome(rule.model_copy(update={"limit": None, "max_per_artist": None, "max_per_album": None})).ids
    row = library.query_one(
        f"SELECT track_id, title, artist FROM track_view WHERE {in_ids()}"
        f" AND list_value({key}) = (SELECT list_value({key}) FROM track_view WHERE track_id = $track) LIMIT 1",
        {"ids": kept, "track": track_id})
    return dict(zip(("track_id", "title", "artist"), row, strict=True)) if row else None
