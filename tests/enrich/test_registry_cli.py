"""The provider registry, coverage by field and provider, and the `enrich` CLI."""

from __future__ import annotations

import pytest

from lib.cli import main
from lib.enrich import (
    FEATURE_PROVIDERS,
    EnrichError,
    coverage_table,
    get_feature_provider,
    list_feature_providers,
    provider_rows,
)
from lib.store.catalog import EnrichmentValue
from tests.enrich.conftest import add_values, isrc, spotify_id


def test_registry_lists_id_type_version():
    listed = {p["id"]: p for p in list_feature_providers()}
    assert {"exportify-csv", "features-file", "musicbrainz", "reccobeats", "spotify-artist-genres"} <= set(listed)
    assert listed["musicbrainz"] == {"id": "musicbrainz", "type": "tags", "version": "1"}
    assert listed["reccobeats"]["type"] == "features"
    assert listed["mood"]["type"] == "classifier"
    spec = get_feature_provider("reccobeats")
    assert spec.third_party
    assert spec.origin == "online"
    assert "energy" in spec.fields
    assert get_feature_provider("exportify-csv").origin == "file"
    assert not FEATURE_PROVIDERS["exportify-csv"].runnable
    with pytest.raises(EnrichError, match="unknown provider"):
        get_feature_provider("lastfm")


def test_coverage_per_field_and_provider_follows_precedence(small_library):
    add_values(small_library, [
        EnrichmentValue(spotify_id(0), "energy", "exportify-csv", "file", num_value=0.1),
        EnrichmentValue(spotify_id(0), "energy", "reccobeats", "online", num_value=0.2),
        EnrichmentValue(spotify_id(1), "energy", "reccobeats", "online", num_value=0.3),
    ])
    cov = coverage_table(small_library).set_index(["field", "provider"])
    assert cov.loc[("energy", "reccobeats"), ["origin", "tracks", "shown", "total"]].tolist() == ["online", 2, 1, 6]
    assert cov.loc[("energy", "exportify-csv"), ["tracks", "shown"]].tolist() == [1, 1]
    rows = {r.id: r for r in provider_rows(small_library)}
    assert rows["musicbrainz"].pending == 6
    assert rows["exportify-csv"].pending is None


def test_cli_list_and_run(small_library, fake_musicbrainz, monkeypatch, capsys):
    for i in range(6):
        fake_musicbrainz.add_recording(isrc(i), f"Song {i}", "Artist", genres=[("jazz", 1)])
    monkeypatch.setenv("MUSICBRAINZ_URL", fake_musicbrainz.url)
    monkeypatch.setenv("MUSICBRAINZ_RATE", "100")
    db = small_library.target
    assert main(["enrich", "--provider", "musicbrainz", "--db", db]) == 1
    assert "contact" in capsys.readouterr().err
    assert main(["enrich", "--provider", "musicbrainz", "--limit", "4", "--contact", "cli@example.com",
                 "--db", db]) == 0
    out = capsys.readouterr().out
    assert "4 with data" in out
    assert "2 still pending" in out
    assert fake_musicbrainz.log[0].headers["user-agent"].endswith("( cli@example.com )")
    assert main(["enrich", "--list", "--db", db]) == 0
    listing = capsys.readouterr().out
    assert "musicbrainz" in listing
    assert "genres" in listing


def test_cli_reccobeats_needs_opt_in_and_import_file(small_library, fake_reccobeats, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("RECCOBEATS_URL", fake_reccobeats.url)
    fake_reccobeats.add_track(spotify_id(0), energy=0.42)
    db = small_library.target
    assert main(["enrich", "--provider", "reccobeats", "--db", db]) == 1
    assert "third-party" in capsys.readouterr().err
    assert fake_reccobeats.log == []
    assert main(["enrich", "--provider", "reccobeats", "--opt-in", "--db", db]) == 0
    assert small_library.query("SELECT energy FROM track_view WHERE track_id = ?", [spotify_id(0)]) == [(0.42,)]
    path = tmp_path / "features.csv"
    path.write_text(f"spotify_id,tempo,crate\n{spotify_id(1)},99,B12\n")
    assert main(["enrich", "--import-file", str(path), "--db", db]) == 0
    assert small_library.query("SELECT tempo, custom_text['crate'] FROM track_view WHERE track_id = ?",
                               [spotify_id(1)]) == [(99.0, "B12")]
