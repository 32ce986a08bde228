"""Rules beyond one SQL query: references to other rules, mixes, fixed lists and artist separation.

A `Run` evaluates rules against one library at one `now`, each rule id once, and refuses a cycle of
references with its path. Plain rules never come here (lib.rules.engine compiles them to one query).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from lib.rules.caps import ARTIST_KEY
from lib.rules.compile import compile_rule, compile_where, in_ids
from lib.rules.describe import describe_rule
from lib.rules.mix import PartResult, combine, quotas
from lib.rules.models import PlaylistRuleSet, RuleGroup, RuleRef
from lib.rules.parse import RuleValidationError
from lib.rules.semantics import fold, normalize_now
from lib.rules.separate import separate
from lib.store.track_view import TRACK_VIEW_COLUMNS


@dataclass
class Outcome:
    """A rule's track ids in playlist order, with what the preview should say about them."""

    ids: list[str]
    matched: int
    notes: list[str] = field(default_factory=list)
    parts: list[PartResult] = field(default_factory=list)
    artists: dict[str, str | None] | None = None   # folded first artist per track, when the query read it


def referenced(rule: PlaylistRuleSet) -> list[str]:
    """Ids of the saved rules this rule reads (in_rule / not_in_rule, mix parts by id), inline parts included."""
    out: list[str] = []

    def walk(group: RuleGroup) -> None:
        for child in group.conditions:
            if isinstance(child, RuleRef):
                out.append(child.rule_id)
            elif isinstance(child, RuleGroup):
                walk(child)

    walk(rule.match)
    for part in rule.mix.parts if rule.mix else ():
        out.extend([part.rule] if isinstance(part.rule, str) else referenced(part.rule))
    return list(dict.fromkeys(out))


def _refuse_cycle(rule_id: str, path: list[str]) -> None:
    """RuleValidationError naming the cycle when `rule_id` is already on the `path` of references."""
    if rule_id in path:
        cycle = path[path.index(rule_id):] + [rule_id]
        raise RuleValidationError([f"rule {rule_id!r}: rules refer to each other in a cycle: " + " → ".join(cycle)])


def check_cycles(rules: Mapping[str, PlaylistRuleSet], first: list[str] = ()) -> None:
    """RuleValidationError naming the path of a cycle of references among `rules` (looked for from `first`)."""
    done: set[str] = set()

    def visit(rule_id: str, path: list[str]) -> None:
        _refuse_cycle(rule_id, path)
        if rule_id in done or rule_id not in rules:
            return
        for target in referenced(rules[rule_id]):
            visit(target, [*path, rule_id])
        done.add(rule_id)

    for rule_id in [*first, *rules]:
        visit(rule_id, [])


class Run:
    """Evaluate rules over one library; `rules` (e.g. a rules file) come before the saved ones.

    With `figures`, the rule evaluated first also counts its matches before dedupe and limit (a preview).
    With `cursor`, every query of the run goes through it (e.g. one that is stopped when late).
    """

    def __init__(self, library, now=None, rules: Mapping[str, PlaylistRuleSet] | None = None,
                 figures: bool = False, cursor=None):
        self.library, self.now, self.rules = library, normalize_now(now), dict(rules or {})
        self.figures = figures
        self._ids: dict[str, list[str]] = {}
        self._path: list[str] = []
        self._saved: dict | None = None
        self._cur = cursor

    def lookup(self, rule_id: str) -> PlaylistRuleSet:
        if rule_id in self.rules:
            return self.rules[rule_id]
        if self._saved is None:   # every saved rule at once: one read, however many references
            from lib.rules.repo import list_rules

            self._saved = {s.rule_id: s for s in list_rules(self.library)}
        stored = self._saved.get(rule_id)
        if stored is None:
            raise RuleValidationError([f"rule {self._path[-1]!r} refers to rule {rule_id!r}, which does not"
                                       " exist"])
        if stored.rule is None:
            raise RuleValidationError([f"rule {rule_id!r} (referred to by {self._path[-1]!r}) is invalid: "
                                       + "; ".join(stored.errors)])
        return stored.rule

    def ids_of(self, rule_id: str) -> list[str]:
        """A referenced rule's playlist, evaluated once per run."""
        _refuse_cycle(rule_id, self._path)
        if rule_id not in self._ids:
            self._ids[rule_id] = self.outcome(self.lookup(rule_id)).ids
        return self._ids[rule_id]

    def refs(self, rule: PlaylistRuleSet) -> dict[str, list[str]]:
        """The playlists of the rules `rule`'s match refers to (in_rule, not_in_rule), by rule id."""
        return {target: self.ids_of(target) for target in referenced(rule) if not rule.mix}

    def outcome(self, rule: PlaylistRuleSet) -> Outcome:
        if self._cur is None:     # the whole run reads through one cursor (opening the file costs)
            with self.library.cursor() as cur:
                self._cur = cur
                try:
                    return self.outcome(rule)
                finally:
                    self._cur = None
        self._path.append(rule.id)
        try:
            refs = self.refs(rule)
            if rule.mix is not None:
                result = self._mix(rule)
            elif rule.tracks is not None:
                result = self._fixed(rule)
            else:
                result = self._query(rule, refs)
            if rule.separate_artists and result.ids:
                self._separate(rule, result)
            return result
        finally:
            self._path.pop()

    def _query(self, rule: PlaylistRuleSet, refs: dict) -> Outcome:
        # The artists come along when the separation needs them: no second query.
        sql, params = compile_rule(rule, self.now, ["track_id", "artist"] if rule.separate_artists else ["track_id"],
                                   refs=refs)
        rows = self._query_rows(sql, params)
        matched = len(rows)
        if self.figures and len(self._path) == 1:
            where, where_params = compile_where(rule.match, self.now, refs)
            matched = self._query_rows(f"SELECT count(*) FROM track_view WHERE {where}", where_params)[0][0]
        artists = {row[0]: fold(row[1] or "") or None for row in rows} if rule.separate_artists else None
        return Outcome([row[0] for row in rows], int(matched), artists=artists)

    def _query_rows(self, sql: str, params: dict) -> list[tuple]:
        return self._cur.execute(sql, params).fetchall()

    def _fixed(self, rule: PlaylistRuleSet) -> Outcome:
        present = {row[0] for row in self._query_rows(
            f"SELECT track_id FROM track_view WHERE {in_ids()}",
            {"ids": list(rule.tracks)})}
        ids = list(dict.fromkeys(i for i in rule.tracks if i in present))
        result = Outcome(self._limited(rule, ids), len(ids))
        if len(ids) < len(rule.tracks):
            result.notes.append(f"{len(rule.tracks) - len(ids)} of the {len(rule.tracks)} fixed tracks are no"
                                " longer in the library")
        return result

    def _mix(self, rule: PlaylistRuleSet) -> Outcome:
        lists, labels = [], []
        for i, part in enumerate(rule.mix.parts):
            if isinstance(part.rule, str):
                lists.append(self.ids_of(part.rule))
                labels.append(f"rule {part.rule!r}")
            else:
                # Named after its mix (a name no saved rule can have) and seeded by it unless it has a seed.
                inline = part.rule.model_copy(update={"id": f"{rule.id} part {i + 1}",
                                                      "seed": rule.seed if part.rule.seed is None else part.rule.seed})
                lists.append(self.outcome(inline).ids)
                labels.append(f"part {i + 1}: {describe_rule(inline)}")
        total = rule.limit.tracks if rule.limit is not None else None
        wanted = quotas([p.tracks for p in rule.mix.parts], [p.share for p in rule.mix.parts], total)
        ids, parts = combine(lists, wanted, rule.mix.mode, rule.mix.fill, labels)
        offered = len({track for ids_ in lists for track in ids_})
        return Outcome(self._limited(rule, ids), offered, parts=parts)

    def _limited(self, rule: PlaylistRuleSet, ids: list[str]) -> list[str]:
        if rule.limit is None:
            return ids
        if rule.limit.tracks is not None:
            return ids[: rule.limit.tracks]
        durations = dict(self._query_rows(
            f"SELECT track_id, coalesce(duration_ms, 0) FROM track_view WHERE {in_ids()}", {"ids": ids}))
        budget, total, out = rule.limit.minutes * 60_000, 0, []
        for track in ids:
            total += durations.get(track, 0)
            if total > budget:
                break
            out.append(track)
        return out

    def _separate(self, rule: PlaylistRuleSet, result: Outcome) -> None:
        k = rule.separate_artists
        artists = result.artists or dict(self._query_rows(
            f"SELECT track_id, nullif({ARTIST_KEY}, '') FROM track_view WHERE {in_ids()}",
            {"ids": result.ids}))
        done = separate([artists.get(t) for t in result.ids], k)
        result.ids = [result.ids[i] for i in done.order]
        if done.too_close:
            result.notes.append(f"Artists cannot all be kept {k} apart: {done.too_close} track(s) still follow one"
                                f" by the same artist within {k} (too few different artists); this is the best"
                                " order found.")
        elif done.moved:
            result.notes.append(f"Artists kept {k} apart: {done.moved} track(s) moved from their sorted place.")


def rows_query(ids: list[str], columns: list[str]) -> tuple[str, dict]:
    """track_view rows of `ids`, in that order."""
    unknown = [c for c in columns if c not in TRACK_VIEW_COLUMNS]
    if unknown:
        raise ValueError(f"not track_view columns: {unknown}")
    select = ", ".join(f'v."{c}"' for c in columns)
    return (f"SELECT {select} FROM track_view v JOIN (SELECT unnest(CAST($ids AS VARCHAR[])) AS _id,"
            f" generate_subscripts(CAST($ids AS VARCHAR[]), 1) AS _pos) o ON v.track_id = o._id ORDER BY o._pos",
            {"ids": list(ids)})
