"""Enrichment: providers (files, MusicBrainz, ReccoBeats, Spotify artist genres), jobs and classification."""

from lib.enrich.classify import (
    MOOD_NAMES,
    get_mood_thresholds,
    mood_counts,
    mood_points,
    reset_labels,
    save_genre_mappings,
    set_labels,
    set_mood_thresholds,
)
from lib.enrich.errors import EnrichError, ProviderNotConfigured, ProviderResponseError, ProviderUnavailable
from lib.enrich.features_file import (
    KEY_KINDS,
    KNOWN_FIELDS,
    FeatureImportReport,
    import_features_file,
    read_features_file,
    suggest_mapping,
)
from lib.enrich.model import BatchResult, TrackEnrichment
from lib.enrich.overview import (
    class_coverage_table,
    coverage_table,
    get_contact,
    provider_rows,
    reccobeats_opted_in,
    set_contact,
    set_reccobeats_opt_in,
    value_provenance,
)
from lib.enrich.reccobeats import PRIVACY_NOTE as RECCOBEATS_PRIVACY_NOTE
from lib.enrich.registry import FEATURE_PROVIDERS, ProviderSpec, get_feature_provider, list_feature_providers
from lib.enrich.runner import EnrichResult, resumable_job, run_enrichment
from lib.store.classification import GENRE_FAMILY_CLASSIFIER, MOOD_CLASSIFIER, MoodThresholds
from lib.store.enrichment_store import get_setting, set_setting
from lib.store.genre_families import GENRE_FAMILIES
from lib.store.labels import family_breakdown, genre_map, label_rows, unmapped_genres

_CHARTS = ("coverage_figure", "family_figure", "mood_map_figure")   # plotly is imported when one is used


def __getattr__(name: str):
    if name in _CHARTS:
        from lib.enrich import charts

        return getattr(charts, name)
    raise AttributeError(f"module 'lib.enrich' has no attribute {name!r}")

__all__ = [
    "BatchResult", "EnrichError", "EnrichResult", "FEATURE_PROVIDERS", "FeatureImportReport", "GENRE_FAMILIES",
    "GENRE_FAMILY_CLASSIFIER", "KEY_KINDS", "KNOWN_FIELDS", "MOOD_CLASSIFIER", "MOOD_NAMES", "MoodThresholds",
    "ProviderNotConfigured", "ProviderResponseError", "ProviderSpec", "ProviderUnavailable",
    "RECCOBEATS_PRIVACY_NOTE", "TrackEnrichment", "class_coverage_table", "coverage_figure", "coverage_table",
    "family_breakdown", "family_figure", "genre_map", "get_contact", "get_feature_provider", "get_mood_thresholds",
    "get_setting", "import_features_file", "label_rows", "list_feature_providers", "mood_counts", "mood_map_figure",
    "mood_points", "provider_rows", "read_features_file", "reccobeats_opted_in", "reset_labels", "resumable_job",
    "run_enrichment", "save_genre_mappings", "set_contact", "set_labels", "set_mood_thresholds",
    "set_reccobeats_opt_in", "set_setting", "suggest_mapping", "unmapped_genres", "value_provenance",
]
