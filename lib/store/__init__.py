"""The DuckDB library store: connections, the one write path, schema, the flattened track table and jobs."""

from lib.store.catalog import track_count
from lib.store.db import Library, atomic, data_version, is_file_target, library_has_content, open_library
from lib.store.jobs import (
    Job,
    create_job,
    get_job,
    job_events,
    latest_job,
    list_jobs,
    set_job_status,
    update_job,
)
from lib.store.listening_store import listening_summary, plays_per_day, top_artists_by_plays
from lib.store.push_store import get_link, labels_for_uris, list_links
from lib.store.schema import PRECEDENCE, applied_migrations, migrate
from lib.store.sync_store import pause_state, save_listing, spotify_sources
from lib.store.track_view import (
    FEATURE_FIELDS,
    SEARCH_COLUMNS,
    TRACK_VIEW_COLUMNS,
    fill_search_columns,
)
from lib.store.unit_of_work import Write

__all__ = [
    "FEATURE_FIELDS", "Job", "Library", "PRECEDENCE", "SEARCH_COLUMNS", "TRACK_VIEW_COLUMNS", "Write",
    "applied_migrations", "atomic", "create_job", "data_version", "fill_search_columns", "get_job", "get_link",
    "is_file_target", "job_events", "labels_for_uris", "latest_job", "library_has_content", "list_jobs", "list_links",
    "listening_summary", "migrate", "open_library", "pause_state", "plays_per_day", "save_listing", "set_job_status",
    "spotify_sources", "top_artists_by_plays", "track_count", "update_job",
]
