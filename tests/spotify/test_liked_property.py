"""Property: whatever happens to Liked Songs between two syncs, the incremental sync ends up exact."""

from __future__ import annotations

import tempfile

from hypothesis import given, settings
from hypothesis import strategies as st

from lib.spotify import connect_client
from lib.spotify.sync import sync_library
from lib.store import open_library
from tests.fakes.spotify_server import FakeSpotify, connected_settings

EDITS = st.lists(st.tuples(st.sampled_from(["like", "unlike", "relike"]), st.integers(0, 119)), max_size=20)


@settings(max_examples=12, deadline=None)
@given(initial=st.integers(0, 110), edits=EDITS)
def test_incremental_liked_sync_is_exact(initial, edits):
    fake = FakeSpotify().start()
    library = open_library(":memory:")
    try:
        ids = fake.data.make_tracks(120)
        fake.data.like(ids[:initial])
        with tempfile.TemporaryDirectory() as tmp:
            client = connect_client(connected_settings(fake, tmp), sleep=lambda s: None)
            assert sync_library(library, client, liked=True).status == "done"
            for op, n in edits:
                if op == "like":
                    fake.data.like([ids[n]])
                elif op == "unlike":
                    fake.data.unlike([ids[n]])
                else:
                    fake.data.unlike([ids[n]])
                    fake.data.like([ids[n]])
            fake.reset_log()
            summary = sync_library(library, client, liked=True)

        stored = library.query("SELECT track_id, strftime(added_at, '%Y-%m-%dT%H:%M:%SZ') FROM source_tracks"
                               " WHERE source_id = 'liked' ORDER BY position")
        assert summary.status == "done"
        assert [(tid, at) for tid, at in stored] == [(tid, at) for at, tid in fake.data.liked]
        if not edits:
            assert fake.count("GET", "/me/tracks$") == 1                 # unchanged: one page, stop
        assert library.query_one("SELECT count(*) FROM track_view WHERE liked")[0] == len(fake.data.liked)
    finally:
        library.close()
        fake.stop()
