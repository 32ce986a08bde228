"""MusicBrainz by ISRC: genres/tags (artist tags as fallback) and the first release date, cached by ISRC."""

from __future__ import annotations

import re
import unicodedata
from typing import Any
from urllib.parse import quote

import pandas as pd
import requests

from lib.enrich.errors import ProviderNotConfigured, ProviderResponseError, ProviderUnavailable
from lib.enrich.http import APP_USER_AGENT, PoliteClient, shared_throttle
from lib.enrich.model import BatchResult, TrackEnrichment
from lib.store import enrichment_store
from lib.store.db import Library

PROVIDER_ID = "musicbrainz"
VERSION = "1"
CONTACT_SETTING = "enrich.musicbrainz_contact"
MAX_GENRES = 8
MAX_CONSECUTIVE_FAILURES = 3


def user_agent(contact: str) -> str:
    return f"{APP_USER_AGENT} ( {contact} )"


def _norm(text: str | None) -> str:
    text = unicodedata.normalize("NFKD", text or "").casefold()
    text = re.sub(r"\s*[\(\[].*?[\)\]]", "", text)          # "(Remastered 2011)", "[Live]"
    text = re.sub(r"\s+-\s+.*$", "", text)                  # "Song - 2011 Remaster"
    return re.sub(r"[^\w]+", " ", text).strip()


def _names(items: Any) -> list[tuple[str, int]]:
    out = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and isinstance(item.get("name"), str) and item["name"].strip():
            count = item.get("count") if isinstance(item.get("count"), int) else 0
            out.append((item["name"].strip().lower(), count))
    return out


def trim_isrc_payload(data: Any) -> dict:
    """Keep what we use from an ISRC answer; raise ProviderResponseError if it is not one."""
    if not isinstance(data, dict) or not isinstance(data.get("recordings"), list):
        raise ProviderResponseError("MusicBrainz sent an ISRC answer without a 'recordings' list")
    recordings = []
    for rec in data["recordings"]:
        if not isinstance(rec, dict):
            raise ProviderResponseError("MusicBrainz sent a recording that is not an object")
        credits = [{"name": c.get("name"), "artist_id": (c.get("artist") or {}).get("id")}
                   for c in rec.get("artist-credit") or [] if isinstance(c, dict)]
        length = rec.get("length")  # milliseconds; anything but a whole number (NaN, 1e999) is left out
        recordings.append({"id": rec.get("id"), "title": rec.get("title"),
                           "length": length if isinstance(length, int) and not isinstance(length, bool) else None,
                           "first_release_date": rec.get("first-release-date") or None, "artists": credits,
                           "genres": _names(rec.get("genres")), "tags": _names(rec.get("tags"))})
    return {"recordings": recordings}


def trim_artist_payload(data: Any) -> dict:
    if not isinstance(data, dict) or "id" not in data:
        raise ProviderResponseError("MusicBrainz sent an artist answer without an id")
    return {"genres": _names(data.get("genres")), "tags": _names(data.get("tags"))}


def choose_recording(recordings: list[dict], title: str | None, artist: str | None,
                     duration_ms: int | None) -> dict | None:
    """One ISRC may name several recordings (e.g. an Atmos mix): prefer title, artist and length matches."""
    def score(rec: dict) -> tuple:
        title_ok = bool(title) and _norm(rec.get("title")) == _norm(title)
        artist_ok = bool(artist) and any(_norm(a.get("name")) == _norm(artist) for a in rec.get("artists", []))
        length = rec.get("length")
        length_ok = bool(duration_ms) and isinstance(length, int) and abs(length - duration_ms) <= 3000
        return (title_ok + artist_ok + length_ok, rec.get("first_release_date") is not None)

    return max(recordings, key=score) if recordings else None


def best_names(genres: list, tags: list) -> list[str]:
    """Curated genres first; folksonomy tags (with a positive count) only when there are none."""
    chosen = genres or [t for t in tags if t[1] > 0]
    ordered = sorted(chosen, key=lambda item: (-item[1], item[0]))
    return list(dict.fromkeys(name for name, _ in ordered))[:MAX_GENRES]


def normalize_date(text: str | None) -> str | None:
    """'1975', '1975-10' or '1975-10-31' → 'YYYY-MM-DD' (first day it can mean)."""
    if not text or not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", text) or text.startswith("0000"):
        return None
    parts = (text.split("-") + ["01", "01"])[:3]
    return "-".join(p if p != "00" else "01" for p in parts)


class MusicBrainzProvider:
    """Looks tracks up by ISRC; every answer (including 404) is cached so nothing is asked twice."""

    id = PROVIDER_ID
    version = VERSION
    origin = "online"
    require = "isrc"
    batch_size = 10

    def __init__(self, library: Library, *, base_url: str, contact: str, rate: float = 1.0,
                 timeout: float = 10.0, session: requests.Session | None = None):
        if not contact.strip():
            raise ProviderNotConfigured(
                "MusicBrainz needs a contact (an e-mail address or URL) for its User-Agent: set it on the "
                "Enrich page or with MUSICBRAINZ_CONTACT.")
        self.library = library
        # About five seconds of requests per stored batch: little bookkeeping, little lost on a crash.
        self.batch_size = max(10, int(rate * 5))
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.http = PoliteClient(session=session or requests.Session(), service="MusicBrainz",
                                 throttle=shared_throttle(self.base_url, rate), timeout=timeout,
                                 headers={"User-Agent": user_agent(contact.strip()), "Accept": "application/json"})

    def _lookup(self, key: str, url: str, trim, result: BatchResult, known: dict) -> tuple[str, Any]:
        if key in known:
            return known[key]
        if key.startswith("artist:"):              # ISRCs were looked up in the cache per batch already
            cached = enrichment_store.cache_get(self.library, PROVIDER_ID, [key])
            if key in cached:
                known[key] = cached[key]
                return cached[key]
        before = self.http.requests
        try:
            code, data = self.http.get_json(url)
        finally:
            result.requests += self.http.requests - before
        answer = ("no_data", None) if code == 404 else ("ok", trim(data))
        known[key] = answer
        result.cache.append((key, *answer))
        return answer

    def _enrich_one(self, row, result: BatchResult, known: dict) -> TrackEnrichment:
        isrc = str(row.isrc).strip().upper()
        url = f"{self.base_url}isrc/{quote(isrc)}?inc=artist-credits+tags+genres&fmt=json"
        status, payload = self._lookup(isrc, url, trim_isrc_payload, result, known)
        done = {"track_id": row.track_id, "provider": PROVIDER_ID, "provider_version": VERSION}
        rec = choose_recording(payload["recordings"], row.title, row.artist,
                               None if pd.isna(row.duration_ms) else int(row.duration_ms)) if payload else None
        if status == "no_data" or rec is None:
            return TrackEnrichment(**done, status="no_data", detail=f"ISRC {isrc} unknown to MusicBrainz")
        genres = best_names(rec["genres"], rec["tags"])
        artist_id = next((a["artist_id"] for a in rec["artists"] if a.get("artist_id")), None)
        if not genres and artist_id:
            url = f"{self.base_url}artist/{quote(artist_id)}?inc=tags+genres&fmt=json"
            a_status, a_payload = self._lookup(f"artist:{artist_id}", url, trim_artist_payload, result, known)
            if a_status == "ok":
                genres = best_names(a_payload["genres"], a_payload["tags"])
        # The earliest date among recordings of the same song: a remaster keeps the original's year.
        same = [r for r in payload["recordings"] if _norm(r.get("title")) == _norm(rec.get("title"))] or [rec]
        dates = sorted(d for d in (normalize_date(r.get("first_release_date")) for r in same) if d)
        values = {"genres": genres or None, "release_date": dates[0] if dates else None}
        if not any(values.values()):
            return TrackEnrichment(**done, status="no_data", detail="no genres, tags or release date")
        return TrackEnrichment(**done, values=values)

    def enrich(self, batch: pd.DataFrame) -> BatchResult:
        result, failures = BatchResult(), 0
        isrcs = sorted({str(i).strip().upper() for i in batch["isrc"].dropna()})
        known = enrichment_store.cache_get(self.library, PROVIDER_ID, isrcs)
        for row in batch.itertuples(index=False):
            try:
                result.tracks.append(self._enrich_one(row, result, known))
                failures = 0
            except ProviderResponseError as exc:
                result.tracks.append(TrackEnrichment(track_id=row.track_id, provider=PROVIDER_ID,
                                                     provider_version=VERSION, status="error", detail=str(exc)))
            except ProviderUnavailable as exc:
                failures += 1
                if exc.retry_after is not None or failures >= MAX_CONSECUTIVE_FAILURES:
                    exc.partial = result
                    raise
                result.tracks.append(TrackEnrichment(track_id=row.track_id, provider=PROVIDER_ID,
                                                     provider_version=VERSION, status="error", detail=str(exc)))
        return result
