"""Test helper: the materialized track table (and computed classes) must equal their definitions."""

from __future__ import annotations

from lib.store.classification import computed_classes_definition


def _differences(cur, left: str, right: str) -> list[tuple]:
    return cur.execute(f"SELECT * FROM (({left}) EXCEPT ALL ({right})) LIMIT 5").fetchall()


def assert_track_table_exact(library) -> None:
    """`track_view` equals `track_view_source` row for row (EXCEPT ALL both ways is empty, so extra,
    missing, stale and duplicated rows all fail), and so do `computed_classes` and their definition."""
    with library.cursor() as cur:
        table, view = "SELECT * FROM track_view", "SELECT * FROM track_view_source"
        stale = _differences(cur, table, view)
        missing = _differences(cur, view, table)
        assert (stale, missing) == ([], []), (
            f"track_view differs from its definition: rows only in the table {stale}; only in the view {missing}")
        stored = "SELECT track_id, class_name, value FROM computed_classes"
        sql, params = computed_classes_definition(cur)
        defined = f"SELECT track_id, class_name, value FROM ({sql})"
        for a, b, what in ((stored, defined, "stored but not defined"), (defined, stored, "defined but not stored")):
            rows = cur.execute(f"SELECT * FROM (({a}) EXCEPT ALL ({b})) LIMIT 5", params).fetchall()
            assert not rows, f"computed_classes differ from their definition ({what}): {rows}"
