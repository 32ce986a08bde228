"""What each rule wants on Spotify: its ordered track URIs, and whether they can be pushed at all."""

from __future__ import annotations

from dataclasses import dataclass

from lib.errors import AutoPlaylistsError
from lib.store.push_store import track_rows


class NotPushable(AutoPlaylistsError):
    """The rule's tracks cannot be sent to Spotify (demo tracks, unknown rule...)."""


@dataclass(frozen=True)
class RuleTarget:
    """One rule and the tracks it wants, in playlist order."""

    rule_id: str
    name: str
    description: str
    version: int | None
    enabled: bool
    sorted: bool               # an explicit order (sort, mix, fixed list, separation): the playlist keeps it
    uris: tuple[str, ...]
    demo_tracks: int           # tracks that exist only in the demo (ids not real on Spotify)

    def check_pushable(self) -> None:
        if self.demo_tracks:
            raise NotPushable(
                f"Rule {self.rule_id!r} selects {self.demo_tracks} demo tracks: the demo library's track ids are "
                "made up and do not exist on Spotify. Push from your own library (synced from Spotify or "
                "imported from an Exportify CSV).")


def target_for(library, stored_or_id, now=None) -> RuleTarget:
    """The rule's wanted playlist (a StoredRule or a rule id)."""
    from lib.rules.engine import ordered_track_ids
    from lib.rules.repo import get_rule

    stored = get_rule(library, stored_or_id) if isinstance(stored_or_id, str) else stored_or_id
    rule = stored.rule
    if rule is None:
        raise NotPushable(f"Rule {stored.rule_id!r} is not valid any more ({'; '.join(stored.errors)}); "
                          "fix it on the Rules page first.")
    ids = ordered_track_ids(library, rule, now)
    rows = track_rows(library, ids)
    uris = tuple(rows[i][0] if i in rows else f"spotify:track:{i}" for i in ids)
    demo = sum(1 for i in ids if i in rows and rows[i][2] == "demo")
    return RuleTarget(rule.id, rule.name, rule.description or "", stored.version, bool(stored.enabled),
                      bool(rule.sort or rule.mix or rule.tracks is not None or rule.separate_artists), uris, demo)


def enabled_rules(library) -> list:
    """StoredRules that are switched on, in the Rules page's order."""
    from lib.rules.repo import list_rules

    return [stored for stored in list_rules(library) if stored.enabled]
