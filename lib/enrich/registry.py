"""The provider registry: what each enrichment source is, fills, and how a runnable one is built."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lib.config import Settings
from lib.enrich.errors import EnrichError
from lib.store import enrichment_store
from lib.store.classification import GENRE_FAMILY_CLASSIFIER, MOOD_CLASSIFIER
from lib.store.db import Library

AUDIO_FEATURES = ("acousticness", "danceability", "energy", "instrumentalness", "key", "liveness", "loudness",
                  "mode", "speechiness", "tempo", "valence")


@dataclass(frozen=True)
class ProviderSpec:
    """One provider: id, type (features | tags | classifier | file), version, fields, origin for precedence."""

    id: str
    type: str
    version: str
    origin: str                      # manual | file | online | computed (see PRECEDENCE)
    fields: tuple[str, ...]
    label: str
    description: str
    factory: Callable[..., Any] | None = None   # (library, settings, session) -> provider with enrich()
    require: str | None = None       # 'isrc': only tracks with an ISRC can be looked up
    third_party: bool = False        # sends data elsewhere: off until the user opts in

    @property
    def runnable(self) -> bool:
        return self.factory is not None

    def build(self, library: Library, settings: Settings, session=None):
        if self.factory is None:
            raise EnrichError(f"{self.label} is not run as a job: {self.description}")
        return self.factory(library, settings, session)


def _musicbrainz(library: Library, settings: Settings, session=None):
    from lib.enrich.musicbrainz import MusicBrainzProvider
    from lib.enrich.overview import get_contact

    return MusicBrainzProvider(library, base_url=settings.musicbrainz_url, contact=get_contact(library, settings),
                               rate=settings.musicbrainz_rate, timeout=settings.http_timeout, session=session)


def _reccobeats(library: Library, settings: Settings, session=None):
    from lib.enrich.reccobeats import OPT_IN_SETTING, ReccoBeatsProvider

    return ReccoBeatsProvider(library, base_url=settings.reccobeats_url, timeout=settings.http_timeout,
                              opted_in=bool(enrichment_store.get_setting(library, OPT_IN_SETTING, False)),
                              session=session)


def _spotify_genres(library: Library, settings: Settings, session=None):
    from lib.enrich.spotify_genres import SpotifyArtistGenresProvider

    return SpotifyArtistGenresProvider.connect(library, settings)


FEATURE_PROVIDERS: dict[str, ProviderSpec] = {spec.id: spec for spec in (
    ProviderSpec("exportify-csv", "file", "1", "file",
                 ("genres", "popularity", "release_date", "label", *AUDIO_FEATURES, "time_signature"),
                 "Exportify CSV", "values come with playlists imported from Exportify CSV files "
                 "(Sources & import page)."),
    ProviderSpec("features-file", "file", "1", "file", ("genres", "release_date", "label", *AUDIO_FEATURES,
                                                        "popularity", "time_signature", "x_*"),
                 "Features file", "a CSV or Parquet file keyed by Spotify id, URI or ISRC, imported with a "
                 "column mapping; unknown columns become custom fields x_<name>."),
    ProviderSpec("demo", "file", "1", "file", ("genres", "popularity", *AUDIO_FEATURES),
                 "Demo data", "generated values of the demo library."),
    ProviderSpec("musicbrainz", "tags", "1", "online", ("genres", "release_date"), "MusicBrainz",
                 "genres/tags and first release date by ISRC, at most MUSICBRAINZ_RATE requests a second.",
                 factory=_musicbrainz, require="isrc"),
    ProviderSpec("reccobeats", "features", "1", "online", AUDIO_FEATURES, "ReccoBeats",
                 "audio features by Spotify id, 40 a request. Sends track ids to a third party: opt-in.",
                 factory=_reccobeats, third_party=True),
    ProviderSpec("spotify-artist-genres", "tags", "1", "online", ("genres",), "Spotify artist genres",
                 "the genres Spotify still lists for each artist (one request per artist, often empty).",
                 factory=_spotify_genres),
    ProviderSpec("mood", "classifier", MOOD_CLASSIFIER, "computed", ("mood",), "Mood classifier",
                 "mood from energy × valence with editable thresholds; always current."),
    ProviderSpec("genre-family", "classifier", GENRE_FAMILY_CLASSIFIER, "computed", ("genre_family",),
                 "Genre families", "maps fine genres/tags onto about fifteen families; the map is editable."),
)}


def get_feature_provider(provider_id: str) -> ProviderSpec:
    try:
        return FEATURE_PROVIDERS[provider_id]
    except KeyError:
        raise EnrichError(f"unknown provider {provider_id!r}; known: {', '.join(FEATURE_PROVIDERS)}") from None


def list_feature_providers() -> list[dict[str, str]]:
    """[{id, type, version}] for every registered provider."""
    return [{"id": s.id, "type": s.type, "version": s.version} for s in FEATURE_PROVIDERS.values()]
