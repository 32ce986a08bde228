"""The rules CLI: validate, import, export, list and preview."""

from __future__ import annotations

import csv
import io
import json

import pytest

from lib.cli import main
from lib.rules import save_rule
from tests.rules.trackdata import write_tracks

RULES = {"version": 1, "rules": [
    {"id": "loud", "name": "Loud", "match": {"conditions": [{"field": "energy", "operator": "gte", "value": 0.5}]},
     "sort": [{"field": "energy", "direction": "desc"}]},
    {"id": "recent", "name": "Recent", "match": {"conditions": [
        {"field": "added_at", "operator": "in_last_days", "value": 10}]}},
]}


@pytest.fixture
def setup(tmp_path, library):
    write_tracks(library, [
        {"track_id": "a", "title": "=cmd()", "energy": 0.9, "added_at": "2026-01-05 00:00:00",
         "genres": ["rock", "pop"]},
        {"track_id": "b", "title": "B", "energy": 0.6, "added_at": "2025-01-01 00:00:00"},
        {"track_id": "c", "title": "C", "energy": 0.1, "added_at": "2026-01-09 00:00:00"},
    ])
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(RULES), encoding="utf-8")
    return library, path


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_validate_ok_and_errors(capsys, setup, tmp_path):
    _, path = setup
    code, out, _ = run(capsys, "rules", "validate", str(path))
    assert code == 0
    assert "2 valid rule(s)" in out
    assert "loud: Loud — energy ≥ 0.5" in out
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"version": 1, "rules": [{"id": "x", "name": "X", "match": {"conditions": [
        {"field": "energy", "operator": "contains", "value": "a"}]}}]}), encoding="utf-8")
    code, _, err = run(capsys, "rules", "validate", str(bad))
    assert code == 1
    assert "rule 'x': match.conditions[0]: operator 'contains' does not fit number field 'energy'" in err


def test_import_list_export(capsys, setup, tmp_path):
    library, path = setup
    code, out, _ = run(capsys, "rules", "import", str(path), "--db", library.target)
    assert (code, out.strip()) == (0, f"imported {path}: 2 created, 0 updated, 0 unchanged")
    code, out, _ = run(capsys, "rules", "list", "--db", library.target)
    assert "on  loud (v1) Loud: energy ≥ 0.5; sorted by energy ↓" in out
    target = tmp_path / "out.json"
    assert run(capsys, "rules", "export", str(target), "--db", library.target)[0] == 0
    assert [r["id"] for r in json.loads(target.read_text())["rules"]] == ["loud", "recent"]
    bad = tmp_path / "bad.json"
    bad.write_text('{"version": 1, "rules": [{"id": "loud"}]}', encoding="utf-8")
    code, _, err = run(capsys, "rules", "import", str(bad), "--db", library.target)
    assert code == 1
    assert "rule 'loud': name: required key is missing" in err


def test_preview_formats(capsys, setup):
    library, path = setup
    code, out, _ = run(capsys, "preview", "--rules", str(path), "--rule", "loud", "--db", library.target)
    assert (code, out.split()) == (0, ["a", "b"])
    code, out, _ = run(capsys, "preview", "--rules", str(path), "--rule", "recent", "--now", "2026-01-10T00:00:00Z",
                       "--format", "csv", "--db", library.target)
    assert out.startswith("\ufeff")  # lib.export's writer: BOM, CRLF, formula guard
    assert "\r\n" in out
    rows = list(csv.DictReader(io.StringIO(out.removeprefix("\ufeff"), newline="")))
    assert [r["track_id"] for r in rows] == ["c", "a"]
    assert rows[1]["title"] == "'=cmd()"
    assert rows[1]["genres"] == "rock; pop"
    code, out, _ = run(capsys, "preview", "--rules", str(path), "--rule", "recent", "--now", "2026-01-06",
                       "--format", "json", "--db", library.target)
    assert [r["track_id"] for r in json.loads(out)] == ["a"]


def test_preview_csv_keeps_a_bare_cr_inside_its_cell(capsys, tmp_path, library):
    write_tracks(library, [{"track_id": "a", "title": "one\r=1+1", "energy": 0.9, "genres": ["\trock"]},
                           {"track_id": "b", "title": " =2+2", "energy": 0.8}])
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(RULES), encoding="utf-8")
    code, out, _ = run(capsys, "preview", "--rules", str(path), "--rule", "loud", "--format", "csv",
                       "--db", library.target)
    rows = list(csv.DictReader(io.StringIO(out.removeprefix("\ufeff"), newline="")))
    assert code == 0
    assert [(r["track_id"], r["title"], r["genres"]) for r in rows] == [("a", "one\r=1+1", "'\trock"),
                                                                        ("b", "' =2+2", "")]


def test_preview_saved_and_errors(capsys, setup):
    library, path = setup
    save_rule(library, {"id": "quiet", "name": "Quiet", "match": {"conditions": [
        {"field": "energy", "operator": "lt", "value": 0.5}]}})
    code, out, _ = run(capsys, "preview", "--saved", "--rule", "quiet", "--db", library.target)
    assert (code, out.split()) == (0, ["c"])
    code, _, err = run(capsys, "preview", "--saved", "--rule", "nope", "--db", library.target)
    assert code == 1
    assert "No rule 'nope'" in err
    code, _, err = run(capsys, "preview", "--rules", str(path), "--rule", "nope", "--db", library.target)
    assert code == 1
    assert "rules there: loud, recent" in err
    code, _, err = run(capsys, "preview", "--saved", "--rule", "quiet", "--now", "yesterday", "--db", library.target)
    assert code == 1
    assert "--now 'yesterday'" in err
