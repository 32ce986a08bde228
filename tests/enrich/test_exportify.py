"""On an imported Exportify CSV: coverage by field from 'exportify-csv', classes computed, labels survive re-import."""

from __future__ import annotations

from lib.demo import generate_demo
from lib.demo.exportify import exportify_csv
from lib.enrich import class_coverage_table, coverage_table, provider_rows, set_labels
from lib.imports import import_exportify_csv


def test_exportify_import_gets_coverage_classes_and_keeps_manual_labels(library):
    data = exportify_csv(generate_demo(seed=3, n_tracks=60), layout="classic")
    import_exportify_csv(library, data, file_name="Road_Trip.csv")
    cov = coverage_table(library).set_index(["field", "provider"])
    assert cov.loc[("energy", "exportify-csv"), "origin"] == "file"
    assert cov.loc[("energy", "exportify-csv"), "shown"] > 0
    assert {r.id: r.ok for r in provider_rows(library)}["exportify-csv"] == 0   # file values carry no status
    classes = class_coverage_table(library).set_index(["class_name", "origin"])["tracks"]
    assert classes[("mood", "computed")] > 0
    assert classes[("genre_family", "computed")] > 0
    track_id, mood = library.query("SELECT track_id, mood FROM track_view WHERE mood IS NOT NULL LIMIT 1")[0]
    other = next(m for m in ("sad", "happy") if m != mood)
    set_labels(library, [track_id], mood=other, genre_family="world", tags=["favourite"])
    import_exportify_csv(library, data, file_name="Road_Trip.csv")          # the same file again
    assert library.query("SELECT mood, genre_family, tags FROM track_view WHERE track_id = ?", [track_id]) == [
        (other, "world", ["favourite"])]
