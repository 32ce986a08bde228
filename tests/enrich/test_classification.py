"""Classification: mood thresholds and versions, genre families, manual labels that win and survive."""

from __future__ import annotations

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.enrich import (
    MoodThresholds,
    get_mood_thresholds,
    reset_labels,
    save_genre_mappings,
    set_labels,
    set_mood_thresholds,
)
from lib.store.catalog import EnrichmentValue, TrackRecord, upsert_tracks, write_enrichment_values
from lib.store.classification import mood_case_sql
from tests.enrich.conftest import add_values, spotify_id


def _features(track, energy, valence, genres=None, provider="demo"):
    out = [EnrichmentValue(track, "energy", provider, "file", num_value=energy),
           EnrichmentValue(track, "valence", provider, "file", num_value=valence)]
    if genres is not None:
        out.append(EnrichmentValue(track, "genres", provider, "file", list_value=genres))
    return out


def _classes(library):
    return {r[0]: r[1:] for r in library.query("SELECT track_id, mood, genre_family, tags FROM track_view")}


def reference_mood(e, v, t: MoodThresholds):
    if v >= t.valence:
        return "energetic" if e >= t.high_energy else ("happy" if e >= t.energy else "calm")
    return "tense" if e >= t.energy else "sad"


@settings(max_examples=200, deadline=None)
@given(e=st.floats(0, 1), v=st.floats(0, 1), a=st.floats(0.05, 0.6), b=st.floats(0, 1), gap=st.floats(0.01, 0.39))
def test_sql_mood_matches_the_documented_rules(e, v, a, b, gap):
    t = MoodThresholds(energy=a, valence=b, high_energy=a + gap)
    (mood,) = duckdb.execute(f"SELECT {mood_case_sql('$en', '$va')}",
                             {"en": e, "va": v, "e": t.energy, "v": t.valence, "h": t.high_energy}).fetchone()
    assert mood == reference_mood(e, v, t)


def test_thresholds_recompute_and_version(small_library):
    add_values(small_library, _features(spotify_id(0), 0.6, 0.9) + _features(spotify_id(1), 0.3, 0.3))
    assert _classes(small_library)[spotify_id(0)][0] == "happy"
    set_mood_thresholds(small_library, MoodThresholds(energy=0.4, valence=0.5, high_energy=0.55))
    assert get_mood_thresholds(small_library) == MoodThresholds(0.4, 0.5, 0.55)
    assert _classes(small_library)[spotify_id(0)][0] == "energetic"
    versions = small_library.query("SELECT DISTINCT classifier_version FROM computed_classes WHERE class_name='mood'")
    assert versions == [("mood-1(energy=0.4,valence=0.5,high=0.55)",)]
    with pytest.raises(ValueError, match="must be above"):
        set_mood_thresholds(small_library, MoodThresholds(energy=0.6, valence=0.5, high_energy=0.5))
    assert get_mood_thresholds(small_library).energy == 0.4
    assert MoodThresholds().explain()["tense"] == "valence < 0.50 and energy ≥ 0.50"


def test_missing_features_give_no_mood(small_library):
    add_values(small_library, [EnrichmentValue(spotify_id(0), "energy", "demo", "file", num_value=0.9)])
    assert _classes(small_library)[spotify_id(0)][0] is None


def test_genre_family_vote_and_user_mappings(small_library):
    add_values(small_library, _features(spotify_id(0), 0.5, 0.5, ["deep house", "techno", "indie rock"])
               + _features(spotify_id(1), 0.5, 0.5, ["chamber pop", "zydeco"]))
    assert _classes(small_library)[spotify_id(0)][1] == "electronic"
    assert _classes(small_library)[spotify_id(1)][1] == "pop"
    save_genre_mappings(small_library, [("Chamber-Pop", "classical")])
    assert _classes(small_library)[spotify_id(1)][1] == "classical"
    assert small_library.query("SELECT family, origin FROM genre_family_map WHERE genre = 'chamber pop'") == [
        ("classical", "user")]
    save_genre_mappings(small_library, [], removed=["chamber pop"])
    assert _classes(small_library)[spotify_id(1)][1] == "pop"
    with pytest.raises(ValueError, match="needs a family"):
        save_genre_mappings(small_library, [("zydeco", "")])


def test_manual_labels_win_survive_reimport_and_reset(small_library):
    add_values(small_library, _features(spotify_id(0), 0.9, 0.9, ["rock"]) + _features(spotify_id(1), 0.1, 0.1))
    set_labels(small_library, [spotify_id(0), spotify_id(1)], mood="calm", tags=["road trip", "road trip", " "])
    set_labels(small_library, [spotify_id(0)], genre_family="jazz")
    assert _classes(small_library)[spotify_id(0)] == ("calm", "jazz", ["road trip"])
    # A re-import / re-sync rewrites tracks and values and refreshes: manual labels stay.
    with small_library.write() as w:
        cur = w.cur
        upsert_tracks(cur, [TrackRecord(spotify_id(0), "Song 0 (again)", [(None, "Artist 0")])], "spotify")
        write_enrichment_values(cur, _features(spotify_id(0), 0.95, 0.95, ["punk"]))
        w.touch_all()
    set_mood_thresholds(small_library, MoodThresholds(0.3, 0.3, 0.8))
    assert _classes(small_library)[spotify_id(0)] == ("calm", "jazz", ["road trip"])
    assert reset_labels(small_library, [spotify_id(0)], ["mood", "genre_family"]) == 2
    assert _classes(small_library)[spotify_id(0)] == ("energetic", "punk", ["road trip"])
    set_labels(small_library, [spotify_id(1)], tags=[])
    assert _classes(small_library)[spotify_id(1)][2] == []
    assert reset_labels(small_library) == 2                    # the remaining manual mood and tags
    with pytest.raises(ValueError, match="mood must be one of"):
        set_labels(small_library, [spotify_id(0)], mood="grumpy")
