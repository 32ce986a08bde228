"""The memory-bounded paths give the same results: the ranged full view rebuild."""

from __future__ import annotations

import lib.store.track_view as track_view
from lib.imports import import_exportify_csv

from .test_import import multiline_csv


def test_ranged_full_rebuild_equals_one_statement(library, monkeypatch, classic_csv):
    import_exportify_csv(library, classic_csv, file_name="Demo.csv")
    import_exportify_csv(library, multiline_csv(), file_name="Liked_Songs.csv")
    monkeypatch.setattr(track_view, "REBUILD_RANGE", 7)
    with library.cursor() as cur:
        assert len(track_view.track_id_ranges(cur, 7)) > 3
        track_view.refresh_track_view(cur)
        ranged = cur.execute("SELECT * FROM track_view").fetchall()
        expected = cur.execute("SELECT * FROM track_view_source ORDER BY track_id").fetchall()
    assert ranged == expected  # same rows, same (track_id) order
    assert len(ranged) == library.query_one("SELECT count(*) FROM tracks")[0]
