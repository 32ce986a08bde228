"""max_per_artist / max_per_album: the SQL windows against a plain walk down the list (property), and errors."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs

from lib.rules import RuleValidationError, describe_rule, evaluate_tracks, ordered_track_ids, parse_rule
from lib.rules.semantics import fold
from tests.rules import strategies as S
from tests.rules.trackdata import write_tracks

NOW = datetime(2026, 1, 3, 9, 30)


def walk_caps(data: dict, rows: list[dict]) -> list[str]:
    """The oracle: order and dedupe (Python evaluator, no limit), then keep a track while its album and its
    first artist have room, then the limit."""
    plain = parse_rule({k: v for k, v in data.items() if k not in ("max_per_artist", "max_per_album", "limit")})
    per_artist: dict = {}
    per_album: dict = {}
    kept = []
    for track in evaluate_tracks(plain, rows, NOW):
        artist = fold(track["artist"] or "")
        album = (artist, fold(track["album"])) if track["album"] else None
        if album is not None and data.get("max_per_album") and per_album.get(album, 0) >= data["max_per_album"]:
            continue
        if artist and data.get("max_per_artist") and per_artist.get(artist, 0) >= data["max_per_artist"]:
            continue
        if album is not None:
            per_album[album] = per_album.get(album, 0) + 1
        if artist:
            per_artist[artist] = per_artist.get(artist, 0) + 1
        kept.append(track)
    limit = data.get("limit")
    if limit and "tracks" in limit:
        kept = kept[: limit["tracks"]]
    elif limit:
        total, out = 0, []
        for track in kept:
            total += track.get("duration_ms") or 0
            if total > limit["minutes"] * 60_000:
                break
            out.append(track)
        kept = out
    return [t["track_id"] for t in kept]


caps = hs.fixed_dictionaries({}, optional={"max_per_artist": hs.integers(1, 3), "max_per_album": hs.integers(1, 2)})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=S.tracks(max_size=14), data=S.rule(), cap=caps)
def test_caps_in_sql_equal_a_walk_down_the_list(shared_library, rows, data, cap):
    rows = write_tracks(shared_library, rows)
    data = {**data, **cap}
    assert ordered_track_ids(shared_library, parse_rule(data), NOW) == walk_caps(data, rows)


def test_first_artist_counts_case_insensitively_and_unknown_artists_are_never_capped(library):
    write_tracks(library, [
        {"track_id": "a1", "artist": "Bowie", "artists": ["Bowie", "Queen"], "energy": 0.9},
        {"track_id": "a2", "artist": "BOWIE", "artists": ["BOWIE"], "energy": 0.8},
        {"track_id": "q1", "artist": "Queen", "artists": ["Queen", "Bowie"], "energy": 0.7},
        {"track_id": "n1", "artist": None, "energy": 0.6},
        {"track_id": "n2", "artist": "", "energy": 0.5},
    ])
    rule = parse_rule({"id": "c", "name": "C", "sort": [{"field": "energy", "direction": "desc"}],
                       "max_per_artist": 1})
    # q1 is by Queen first: a feature credit of Bowie does not count towards Bowie's cap.
    assert ordered_track_ids(library, rule) == ["a1", "q1", "n1", "n2"]
    assert describe_rule(rule).endswith("at most 1 per artist")


def test_album_is_title_and_first_artist(library):
    write_tracks(library, [
        {"track_id": "x1", "artist": "X", "album": "Greatest Hits", "energy": 0.9},
        {"track_id": "x2", "artist": "X", "album": "greatest hits", "energy": 0.8},
        {"track_id": "y1", "artist": "Y", "album": "Greatest Hits", "energy": 0.7},
    ])
    rule = parse_rule({"id": "c", "name": "C", "sort": [{"field": "energy", "direction": "desc"}],
                       "max_per_album": 1})
    assert ordered_track_ids(library, rule) == ["x1", "y1"]


@pytest.mark.parametrize("key", ["max_per_artist", "max_per_album", "separate_artists"])
def test_zero_is_refused_with_a_clear_error(key):
    with pytest.raises(RuleValidationError) as caught:
        parse_rule({"id": "c", "name": "C", key: 0})
    assert f"rule 'c': {key}: {key} must be 1 or more" in caught.value.errors[0]
    with pytest.raises(RuleValidationError, match=key):
        parse_rule({"id": "c", "name": "C", key: -2})
