"""ReccoBeats audio features by Spotify id (opt-in: it sends track ids to a third party)."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import requests

from lib.enrich.errors import ProviderNotConfigured, ProviderResponseError
from lib.enrich.http import APP_USER_AGENT, PoliteClient, shared_throttle
from lib.enrich.model import BatchResult, TrackEnrichment
from lib.store import enrichment_store
from lib.store.db import Library

PROVIDER_ID = "reccobeats"
VERSION = "1"
OPT_IN_SETTING = "enrich.reccobeats_opt_in"
BATCH = 40          # the service drops ids beyond about 40 silently
RATE = 4.0          # its limits are unpublished; stay well below anything plausible
FEATURES = ("acousticness", "danceability", "energy", "instrumentalness", "key", "liveness", "loudness",
            "mode", "speechiness", "tempo", "valence")
PRIVACY_NOTE = ("ReccoBeats is a third-party service: running it sends the Spotify ids of your tracks to "
                "api.reccobeats.com (or the RECCOBEATS_URL you configured). Nothing else is sent.")


def spotify_id_from_href(href: Any) -> str | None:
    """'https://open.spotify.com/track/<id>?si=…' → '<id>'."""
    if not isinstance(href, str) or "/track/" not in href:
        return None
    return href.split("/track/", 1)[1].split("?", 1)[0].strip("/") or None


def features_from_record(record: dict) -> tuple[dict[str, float], list[str]]:
    """The record's features, and those left out for not being finite numbers (e.g. NaN, 1e999)."""
    values, dropped = {}, []
    for name in FEATURES:
        value = record.get(name)
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        number = float(value) if isinstance(value, float) or abs(value) < 2**1023 else math.inf
        if not math.isfinite(number):
            dropped.append(f"{name} {value if isinstance(value, float) else 'too large'}")
        elif not (name == "key" and number < 0):  # -1: key not detected
            values[name] = number
    return values, dropped


def parse_features(data: Any) -> dict[str, dict]:
    """{spotify id: record} from an /audio-features answer; raise if it is not one."""
    if not isinstance(data, dict) or not isinstance(data.get("content"), list):
        raise ProviderResponseError("ReccoBeats sent an answer without a 'content' list")
    found: dict[str, dict] = {}
    for record in data["content"]:
        if not isinstance(record, dict):
            raise ProviderResponseError("ReccoBeats sent a record that is not an object")
        spotify_id = spotify_id_from_href(record.get("href"))
        if spotify_id and spotify_id not in found:
            found[spotify_id] = {k: record.get(k) for k in ("id", "href", "isrc", *FEATURES)}
    return found


class ReccoBeatsProvider:
    """Up to 40 Spotify ids a call; unknown ids are omitted by the service and stored as 'no_data'."""

    id = PROVIDER_ID
    version = VERSION
    origin = "online"
    require = None
    batch_size = BATCH

    def __init__(self, library: Library, *, base_url: str, opted_in: bool, timeout: float = 10.0,
                 session: requests.Session | None = None, rate: float = RATE):
        if not opted_in:
            raise ProviderNotConfigured("ReccoBeats is off. " + PRIVACY_NOTE +
                                        " Turn it on (opt in) on the Enrich page or with --opt-in.")
        self.library = library
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.http = PoliteClient(session=session or requests.Session(), service="ReccoBeats",
                                 throttle=shared_throttle(self.base_url, rate), timeout=timeout,
                                 headers={"User-Agent": APP_USER_AGENT, "Accept": "application/json"})

    def enrich(self, batch: pd.DataFrame) -> BatchResult:
        result = BatchResult()
        ids = list(dict.fromkeys(batch["track_id"]))[:BATCH]
        known = enrichment_store.cache_get(self.library, PROVIDER_ID, ids)
        missing = [i for i in ids if i not in known]
        if missing:
            before = self.http.requests
            try:
                code, data = self.http.get_json(f"{self.base_url}audio-features", params={"ids": ",".join(missing)})
                found = parse_features(data) if code == 200 else {}
            except ProviderResponseError as exc:
                # Cached answers still count; the others are marked and retried on the next run.
                result.tracks = [TrackEnrichment(track_id=i, provider=PROVIDER_ID, provider_version=VERSION,
                                                 status="error", detail=str(exc)) for i in missing]
                found = None
            finally:
                result.requests += self.http.requests - before
            if found is not None:
                for track_id in missing:
                    answer = ("ok", found[track_id]) if track_id in found else ("no_data", None)
                    known[track_id] = answer
                    result.cache.append((track_id, *answer))
        for track_id in ids:
            if track_id not in known:
                continue
            status, record = known[track_id]
            values, dropped = features_from_record(record) if status == "ok" and record else ({}, [])
            left_out = f"left out, not finite numbers: {', '.join(dropped)}" if dropped else None
            if not values:
                result.tracks.append(TrackEnrichment(track_id=track_id, provider=PROVIDER_ID, provider_version=VERSION,
                                                     status="no_data", detail=left_out or "unknown to ReccoBeats"))
            else:
                result.tracks.append(TrackEnrichment(track_id=track_id, provider=PROVIDER_ID,
                                                     provider_version=VERSION, values=values, detail=left_out))
        return result
