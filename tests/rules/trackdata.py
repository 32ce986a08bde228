"""Test helper: write hand-made track_view rows straight into a library (no catalog needed)."""

from __future__ import annotations

from lib.store import fill_search_columns
from lib.store.track_view import TRACK_VIEW_COLUMNS

_PLAIN = [c for c in TRACK_VIEW_COLUMNS if c not in ("custom_num", "custom_text")]

DEFAULTS = {"artists": [], "genres": [], "playlists": [], "tags": [], "source_ids": [], "liked": False}


def full_row(track: dict) -> dict:
    """A complete track_view row: missing keys are null (lists empty, liked false)."""
    row = {c: None for c in TRACK_VIEW_COLUMNS}
    row.update({k: (list(v) if isinstance(v, list) else v) for k, v in DEFAULTS.items()})
    row["custom_num"], row["custom_text"] = {}, {}
    row.update(track)
    row["uri"] = row["uri"] or f"spotify:track:{row['track_id']}"
    return row


def write_tracks(library, tracks: list[dict]) -> list[dict]:
    """Replace the library's track_view rows with `tracks`; return the full rows written."""
    rows = [full_row(t) for t in tracks]
    one = "(" + ", ".join(["?"] * len(_PLAIN)) + ", MAP(CAST(? AS VARCHAR[]), CAST(? AS DOUBLE[])),"\
          " MAP(CAST(? AS VARCHAR[]), CAST(? AS VARCHAR[])))"
    # One statement for all rows: executemany costs a round trip per row.
    sql = (f"INSERT INTO track_view ({', '.join(chr(34) + c + chr(34) for c in _PLAIN)}, custom_num, custom_text)"
           f" VALUES {', '.join([one] * len(rows))}")
    params = []
    for r in rows:
        params += [r[c] for c in _PLAIN] + [list(r["custom_num"]), list(r["custom_num"].values()),
                                            list(r["custom_text"]), list(r["custom_text"].values())]
    with library.transaction() as cur:
        cur.execute("DELETE FROM track_view")
        if rows:
            cur.execute(sql, params)
            fill_search_columns(cur)
    return rows
