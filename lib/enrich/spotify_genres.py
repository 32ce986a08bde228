"""Spotify artist genres: one GET /artists/{id} per artist never asked, cached on the artist; best effort."""

from __future__ import annotations

import pandas as pd

from lib.config import Settings
from lib.enrich.errors import ProviderUnavailable
from lib.enrich.model import BatchResult, TrackEnrichment
from lib.store.db import Library

PROVIDER_ID = "spotify-artist-genres"
VERSION = "1"


class SpotifyArtistGenresProvider:
    """Track genres = its artists' Spotify genres in credit order (often empty for Dev Mode apps)."""

    id = PROVIDER_ID
    version = VERSION
    origin = "online"
    require = None
    batch_size = 25

    def __init__(self, library: Library, client):
        self.library = library
        self.client = client

    @classmethod
    def connect(cls, library: Library, settings: Settings) -> SpotifyArtistGenresProvider:
        from lib.spotify import connect_client

        return cls(library, connect_client(settings))

    def _fetch(self, artist_id: str) -> list[str]:
        from lib.spotify import QuotaExceeded, SpotifyApiError, SpotifyUnavailable

        try:
            data = self.client.artist(artist_id)
        except QuotaExceeded as exc:
            raise ProviderUnavailable(f"Spotify's daily quota is used up; resume after {exc.until:%Y-%m-%d %H:%M} UTC.",
                                      retry_after=exc.retry_after, until=exc.until) from exc
        except SpotifyUnavailable as exc:
            raise ProviderUnavailable(f"Spotify is not answering: {exc}") from exc
        except SpotifyApiError as exc:
            if exc.status in (400, 404):
                return []                      # unknown artist: remember it as having no genres
            raise
        genres = data.get("genres") if isinstance(data, dict) else None
        return [str(g) for g in genres or [] if g]

    def enrich(self, batch: pd.DataFrame) -> BatchResult:
        result = BatchResult()
        wanted = sorted({a for ids in batch["artist_ids"] for a in ids if a and not a.startswith("name:")})
        known = {aid: list(genres) if genres is not None else None for aid, genres, fetched in self.library.query(
            "SELECT artist_id, spotify_genres, genres_fetched_at FROM artists"
            " WHERE artist_id IN (SELECT unnest($ids)) AND genres_fetched_at IS NOT NULL", {"ids": wanted})}
        before = self.client.request_count
        try:
            for artist_id in wanted:
                if artist_id in known:
                    continue
                genres = self._fetch(artist_id)
                known[artist_id] = genres
                result.writes.append(lambda cur, a=artist_id, g=genres: cur.execute(
                    "UPDATE artists SET spotify_genres = ?, genres_fetched_at = now() WHERE artist_id = ?", [g, a]))
        except ProviderUnavailable as exc:
            result.requests = self.client.request_count - before
            exc.partial = result                # keep the artists already fetched
            raise
        result.requests = self.client.request_count - before
        for row in batch.itertuples(index=False):
            genres = list(dict.fromkeys(g for a in row.artist_ids for g in (known.get(a) or [])))
            done = {"track_id": row.track_id, "provider": PROVIDER_ID, "provider_version": VERSION}
            result.tracks.append(TrackEnrichment(**done, values={"genres": genres}) if genres else
                                 TrackEnrichment(**done, status="no_data", detail="Spotify lists no genres"))
        return result
