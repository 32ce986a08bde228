"""A handful of example rules that show off the DSL and give real playlists on the demo library."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lib.rules.models import RulesFile

if TYPE_CHECKING:
    from lib.store import Library


def _c(field: str, operator: str, value=None) -> dict:
    return {"field": field, "operator": operator, "value": value} if value is not None else \
        {"field": field, "operator": operator}


EXAMPLE_RULES: list[dict] = [
    {"id": "upbeat-2010s", "name": "Upbeat 2010s",
     "description": "High-energy tracks from the 2010s that rock or made it into the workout playlist.",
     "match": {"operator": "and", "conditions": [
         _c("energy", "gte", 0.7), _c("release_year", "between", [2010, 2019]),
         {"operator": "or", "conditions": [_c("genres", "contains", "rock"), _c("playlists", "contains", "workout")]},
     ]},
     "sort": [{"field": "added_at", "direction": "desc"}], "limit": {"tracks": 100}},
    {"id": "calm-acoustic", "name": "Calm & Acoustic",
     "description": "Two hours of quiet, acoustic, non-explicit music, the mellowest first.",
     "match": {"operator": "and", "conditions": [
         _c("acousticness", "gte", 0.5), _c("energy", "lt", 0.5), _c("explicit", "neq", True)]},
     "sort": [{"field": "energy", "direction": "asc"}], "limit": {"minutes": 120}},
    {"id": "liked-throwbacks", "name": "Liked Throwbacks",
     "description": "Liked songs from the 80s and 90s, oldest releases first, one version of each song.",
     "match": {"operator": "and", "conditions": [_c("decade", "in", [1980, 1990]), _c("liked", "eq", True)]},
     "sort": [{"field": "release_date", "direction": "asc"}], "dedupe": "title_artist"},
    {"id": "party-shuffle", "name": "Party Shuffle",
     "description": "Danceable and happy, shuffled the same way every time (seed 42), one hour.",
     "match": {"operator": "and", "conditions": [_c("danceability", "gte", 0.65), _c("valence", "gte", 0.5)]},
     "sort": [{"field": "random"}], "seed": 42, "limit": {"minutes": 60}, "dedupe": "isrc"},
    {"id": "hip-hop-no-trap", "name": "Hip Hop, No Trap",
     "description": "Anything hip hop or rap, but nothing tagged trap; fastest first.",
     "match": {"operator": "and", "conditions": [
         _c("genres", "matches", r"hip.?hop|\brap\b"),
         {"operator": "or", "negate": True, "conditions": [_c("genres", "contains", "trap")]}]},
     "sort": [{"field": "tempo", "direction": "desc"}], "limit": {"tracks": 150}},
    {"id": "jazz-cafe", "name": "Jazz Café",
     "description": "The jazz family, or anything from a café playlist (accents ignored by the regex).",
     "match": {"operator": "or", "conditions": [
         _c("genre_family", "eq", "jazz"), _c("playlists", "matches", "^caf[eé]")]},
     "sort": [{"field": "valence", "direction": "desc"}], "dedupe": "isrc"},
    {"id": "liked-not-in-playlists", "name": "Liked, Not Yet Filed",
     "description": "Liked songs that sit in none of your playlists, most recently liked first.",
     "match": {"operator": "and", "conditions": [_c("liked", "eq", True), _c("playlists", "is_empty")]},
     "sort": [{"field": "liked_at", "direction": "desc"}], "limit": {"tracks": 200}},
    {"id": "liked-not-played-90-days", "name": "Liked, Not Played in 90 Days",
     "description": "Liked songs you have not played for three months (or ever, as far as the history goes): "
                    "the ones to rediscover, most played before first.",
     "match": {"operator": "and", "conditions": [_c("liked", "eq", True),
                                                 _c("last_played_at", "not_in_last_days", 90)]},
     "sort": [{"field": "play_count", "direction": "desc"}, {"field": "liked_at", "direction": "desc"}],
     "limit": {"tracks": 100}},
    {"id": "top-50-not-liked", "name": "My Top 50 This Month, Not in Liked Songs",
     "description": "What Spotify counts as your top tracks of the last four weeks that you never liked.",
     "match": {"operator": "and", "conditions": [_c("top_rank_short", "is_not_empty"), _c("liked", "eq", False)]},
     "sort": [{"field": "top_rank_short", "direction": "asc"}], "limit": {"tracks": 50}},
]


def example_rules() -> RulesFile:
    """The examples as a validated rules file."""
    return RulesFile.model_validate({"version": 1, "rules": EXAMPLE_RULES})


def install_example_rules(library: Library, *, overwrite: bool = False) -> list[str]:
    """Save the examples into `library` (rules already there are kept unless `overwrite`); return ids saved."""
    from lib.rules.repo import import_rules, list_rules

    present = {s.rule_id for s in list_rules(library)}
    chosen = [r.definition() for r in example_rules().rules if overwrite or r.id not in present]
    if chosen:
        import_rules(library, {"version": 1, "rules": chosen})
    return [r["id"] for r in chosen]
