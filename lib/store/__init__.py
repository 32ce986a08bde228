"""The DuckDB library store: connections, the one write path, schema, the flattened track table and jobs."""

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
from lib.store.schema import PRECEDENCE, applied_migrations, migrate
from lib.store.track_view import (
    FEATURE_FIELDS,
    SEARCH_COLUMNS,
    TRACK_VIEW_COLUMNS,
    fill_search_columns,
)
from lib.store.unit_of_work import Write

__all__ = [
    "FEATURE_FIELDS", "PRECEDENCE", "SEARCH_COLUMNS", "TRACK_VIEW_COLUMNS", "Job", "Library", "Write",
    "applied_migrations", "atomic", "data_version", "create_job", "fill_search_columns", "get_job", "is_file_target",
    "job_events", "latest_job", "library_has_content", "list_jobs", "migrate", "open_library", "set_job_status",
    "update_job",
]
