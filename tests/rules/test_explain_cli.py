"""The CLI's explain and near-misses commands, and --query TEXT in place of a rule."""

from __future__ import annotations

from lib.cli import main
from lib.rules import parse_rule, save_rule
from tests.rules.trackdata import write_tracks


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _setup(library):
    write_tracks(library, [
        {"track_id": "a", "title": "Alpha", "artist": "X", "energy": 0.9, "genres": ["rock"]},
        {"track_id": "b", "title": "Beta", "artist": "Y", "energy": 0.6, "genres": ["rock"]},
        {"track_id": "c", "title": "Gamma", "artist": "Z", "energy": 0.8, "genres": ["pop"]},
    ])
    save_rule(library, parse_rule({"id": "loud-rock", "name": "Loud rock", "match": {"conditions": [
        {"field": "energy", "operator": "gte", "value": 0.7},
        {"field": "genres", "operator": "eq", "value": "rock"}]}}))


def test_explain_a_saved_rule_and_a_query(capsys, library):
    _setup(library)
    code, out, _ = run(capsys, "explain", "--rule", "loud-rock", "--track", "spotify:track:b", "--db", library.target)
    assert code == 0
    assert "✗ energy ≥ 0.7  [track: 0.6]" in out
    assert out.strip().endswith("Did not match: energy ≥ 0.7 failed.")
    code, out, _ = run(capsys, "explain", "--query", "genre:rock sort:-energy", "--track", "b", "--db", library.target)
    assert code == 0
    assert out.strip().endswith("In the playlist at position 2.")


def test_near_misses_counts_and_lists(capsys, library):
    _setup(library)
    code, out, _ = run(capsys, "near-misses", "--rule", "loud-rock", "--db", library.target)
    assert code == 0
    assert "1 tracks match rule loud-rock" in out
    assert "1. energy ≥ 0.7: +1 tracks if removed" in out
    assert '2. genres has "rock": +1 tracks if removed' in out
    code, out, _ = run(capsys, "near-misses", "--rule", "loud-rock", "--list", "2", "--db", library.target)
    assert out.splitlines()[1].startswith("c,spotify:track:c,Gamma")


def test_preview_takes_a_query_and_errors_point_at_the_text(capsys, library):
    _setup(library)
    code, out, _ = run(capsys, "preview", "--query", "energy:>=0.7 sort:-energy", "--db", library.target)
    assert (code, out.split()) == (0, ["a", "c"])
    code, _, err = run(capsys, "preview", "--query", "energy:>=0.7 genra:rock", "--db", library.target)
    assert code == 1
    assert "column 14: unknown field 'genra'" in err
    assert err.splitlines()[-1] == "               ^"
    code, _, err = run(capsys, "explain", "--rule", "loud-rock", "--track", "nope", "--db", library.target)
    assert code == 1
    assert "no track 'nope'" in err
