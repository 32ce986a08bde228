"""The CLI with the version-2 additions: validate, preview (per-part counts on stderr), import and export."""

from __future__ import annotations

import json

from lib.cli import main
from tests.rules.trackdata import write_tracks

DOC = {"version": 2, "rules": [
    {"id": "loud", "name": "Loud", "match": {"conditions": [{"field": "energy", "operator": "gte", "value": 0.5}]},
     "sort": [{"field": "energy", "direction": "desc"}], "max_per_artist": 1},
    {"id": "quiet", "name": "Quiet", "match": {"conditions": [{"not_in_rule": "loud"}]}, "separate_artists": 1},
    {"id": "mix", "name": "Mix", "limit": {"tracks": 4}, "mix": {"mode": "in_blocks", "parts": [
        {"rule": "loud", "tracks": 2}, {"rule": "quiet", "share": 0.5}, {"rule": "saved-only", "tracks": 1}]}},
]}


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_validate_preview_import_export(library, tmp_path, capsys):
    write_tracks(library, [{"track_id": f"t{i}", "artist": "ABC"[i % 3], "energy": i / 10} for i in range(10)])
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(DOC), encoding="utf-8")
    code, out, _ = run(capsys, "rules", "validate", str(path))
    assert code == 0
    assert "3 valid rule(s) (format version 2)" in out
    assert "loud: Loud — energy ≥ 0.5; sorted by energy ↓; at most 1 per artist" in out
    assert "reads saved rule(s) not in this file: saved-only" in out
    db = ["--db", library.target]
    code, _, err = run(capsys, "preview", "--rules", str(path), "--rule", "mix", *db)
    assert code == 1
    assert "refers to rule 'saved-only', which does not exist" in err
    assert run(capsys, "rules", "import", str(path), *db)[0] == 0
    code, out, _ = run(capsys, "preview", "--saved", "--rule", "loud", *db)
    assert out.split() == ["t9", "t8", "t7"]
    main(["rules", "import", "--db", library.target, str(_write(tmp_path, {"version": 2, "rules": [
        {"id": "saved-only", "name": "S", "tracks": ["t0", "nope"]}]}))])
    capsys.readouterr()
    code, out, err = run(capsys, "preview", "--rules", str(path), "--rule", "mix", "--format", "json", *db)
    assert code == 0
    assert [r["track_id"] for r in json.loads(out)] == ["t9", "t8", "t0", "t1"]
    assert "rule 'loud': gave 2 of 2 (+1 filling in)" in err
    assert "rule 'quiet': gave 2 of 2" in err
    assert "rule 'saved-only': gave 0 of 1: 1 of its tracks were already taken by other parts" in err
    code, out, _ = run(capsys, "rules", "export", "-", *db)
    exported = json.loads(out)
    assert exported["version"] == 2
    assert next(r for r in exported["rules"] if r["id"] == "mix")["mix"] == {**DOC["rules"][2]["mix"], "fill": True}


def test_a_cycle_in_a_file_fails_validation(tmp_path, capsys):
    doc = {"version": 2, "rules": [{"id": "a", "name": "A", "match": {"conditions": [{"in_rule": "b"}]}},
                                   {"id": "b", "name": "B", "mix": {"parts": [{"rule": "a", "tracks": 1}]}}]}
    code, _, err = run(capsys, "rules", "validate", str(_write(tmp_path, doc)))
    assert code == 1
    assert "cycle: a → b → a" in err


def _write(tmp_path, doc):
    path = tmp_path / f"f{len(list(tmp_path.iterdir()))}.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path
