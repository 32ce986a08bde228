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
from lib.enrich.features_file import FeatureImportReport, import_features_file, read_features_file, suggest_mapping
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
from lib.store.genre_families import GENRE_FAMILIES

__all__ = [
    "FEATURE_PROVIDERS", "GENRE_FAMILIES", "GENRE_FAMILY_CLASSIFIER", "MOOD_CLASSIFIER", "MOOD_NAMES",
    "RECCOBEATS_PRIVACY_NOTE", "BatchResult", "EnrichError", "EnrichResult", "FeatureImportReport", "MoodThresholds",
    "ProviderNotConfigured", "ProviderResponseError", "ProviderSpec", "ProviderUnavailable", "TrackEnrichment",
    "class_coverage_table", "coverage_table", "get_contact", "get_feature_provider", "get_mood_thresholds",
    "import_features_file", "list_feature_providers", "mood_counts", "mood_points", "provider_rows",
    "read_features_file", "reccobeats_opted_in", "reset_labels", "resumable_job", "run_enrichment",
    "save_genre_mappings", "set_contact", "set_labels", "set_mood_thresholds", "set_reccobeats_opt_in",
    "suggest_mapping", "value_provenance",
]
