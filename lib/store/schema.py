"""Named schema migrations, applied in order once per library and recorded in _migrations."""

from __future__ import annotations

from collections.abc import Callable

import duckdb

Migration = tuple[str, Callable[[duckdb.DuckDBPyConnection], None]]

# Precedence of a value's origin when several providers fill the same field (lower wins).
PRECEDENCE = {"manual": 0, "file": 1, "online": 2, "computed": 3}


def _m001_core(cur: duckdb.DuckDBPyConnection) -> None:
    cur.execute("""
        CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR);

        CREATE TABLE albums (
            album_id VARCHAR PRIMARY KEY,         -- Spotify id, or 'name:<hash>' when unknown
            name VARCHAR,
            release_date DATE,
            release_date_precision VARCHAR,       -- 'year' | 'month' | 'day'
            album_type VARCHAR,
            label VARCHAR,
            updated_at TIMESTAMP DEFAULT current_timestamp
        );

        CREATE TABLE artists (
            artist_id VARCHAR PRIMARY KEY,        -- Spotify id, or 'name:<hash>' when unknown
            name VARCHAR NOT NULL,
            spotify_genres VARCHAR[],             -- raw cache of GET /artists/{id}; NULL = not asked
            genres_fetched_at TIMESTAMP,
            updated_at TIMESTAMP DEFAULT current_timestamp
        );

        CREATE TABLE tracks (
            track_id VARCHAR PRIMARY KEY,         -- Spotify track id (22 chars base62)
            uri VARCHAR NOT NULL,
            title VARCHAR NOT NULL,
            album_id VARCHAR,
            duration_ms INTEGER,
            explicit BOOLEAN,
            isrc VARCHAR,
            disc_number INTEGER,
            track_number INTEGER,
            origin VARCHAR NOT NULL,              -- 'spotify' | 'csv' | 'demo'
            first_seen_at TIMESTAMP DEFAULT current_timestamp,
            updated_at TIMESTAMP DEFAULT current_timestamp
        );

        CREATE TABLE track_artists (
            track_id VARCHAR NOT NULL,
            position INTEGER NOT NULL,            -- 0 = first (main) artist
            artist_id VARCHAR NOT NULL,
            PRIMARY KEY (track_id, position)
        );

        -- Liked Songs and each playlist, from Spotify or an imported file.
        CREATE TABLE sources (
            source_id VARCHAR PRIMARY KEY,        -- 'liked' | 'playlist:<spotify id>' | 'file:<slug>'
            kind VARCHAR NOT NULL,                -- 'liked' | 'playlist'
            spotify_id VARCHAR,                   -- playlist id on Spotify, when known
            name VARCHAR NOT NULL,
            description VARCHAR,
            owner_id VARCHAR,
            owner_name VARCHAR,
            collaborative BOOLEAN DEFAULT false,
            readable BOOLEAN DEFAULT true,        -- false: followed, not owned (Dev Mode 403)
            unreadable_reason VARCHAR,
            selected BOOLEAN DEFAULT false,       -- chosen for sync
            origin VARCHAR NOT NULL,              -- 'spotify' | 'csv' | 'demo'
            snapshot_id VARCHAR,                  -- last fully stored snapshot
            remote_total INTEGER,                 -- item count Spotify reported
            track_count INTEGER DEFAULT 0,        -- rows in source_tracks
            local_count INTEGER DEFAULT 0,        -- kept out of tracks: local files
            episode_count INTEGER DEFAULT 0,      -- kept out of tracks: podcast episodes
            null_count INTEGER DEFAULT 0,         -- kept out of tracks: null / unavailable items
            file_path VARCHAR,                    -- for imported files
            last_synced_at TIMESTAMP,
            created_at TIMESTAMP DEFAULT current_timestamp
        );

        -- Membership: a track may appear several times in one playlist.
        CREATE TABLE source_tracks (
            source_id VARCHAR NOT NULL,
            position INTEGER NOT NULL,
            track_id VARCHAR NOT NULL,
            added_at TIMESTAMP,
            added_by VARCHAR
        );

        -- Every enriched value with its provenance; the flattened view picks by precedence.
        CREATE TABLE enrichment_values (
            track_id VARCHAR NOT NULL,
            field VARCHAR NOT NULL,               -- 'energy', 'genres', 'release_date', 'x_<custom>'
            provider VARCHAR NOT NULL,            -- provider id, e.g. 'exportify-csv', 'musicbrainz'
            precedence TINYINT NOT NULL,          -- see PRECEDENCE: manual 0 < file 1 < online 2 < computed 3
            num_value DOUBLE,
            text_value VARCHAR,
            list_value VARCHAR[],
            provider_version VARCHAR,
            fetched_at TIMESTAMP DEFAULT current_timestamp
        );

        -- One row per (track, provider) once asked: 'ok', 'no_data' (e.g. 404) or 'error'.
        CREATE TABLE enrichment_status (
            track_id VARCHAR NOT NULL,
            provider VARCHAR NOT NULL,
            status VARCHAR NOT NULL,
            provider_version VARCHAR,
            detail VARCHAR,
            fetched_at TIMESTAMP DEFAULT current_timestamp,
            PRIMARY KEY (track_id, provider)
        );

        -- Provider responses cached by their lookup key (e.g. an ISRC) so nothing is asked twice.
        CREATE TABLE provider_cache (
            provider VARCHAR NOT NULL,
            lookup_key VARCHAR NOT NULL,
            status VARCHAR NOT NULL,              -- 'ok' | 'no_data'
            payload JSON,
            provider_version VARCHAR,
            fetched_at TIMESTAMP DEFAULT current_timestamp,
            PRIMARY KEY (provider, lookup_key)
        );

        -- Computed and manual classes: mood, genre_family, tags (list), ...
        CREATE TABLE classifications (
            track_id VARCHAR NOT NULL,
            class_name VARCHAR NOT NULL,          -- 'mood' | 'genre_family' | 'tags'
            origin VARCHAR NOT NULL,              -- 'computed' | 'manual'
            value VARCHAR,
            list_value VARCHAR[],
            classifier_version VARCHAR,
            updated_at TIMESTAMP DEFAULT current_timestamp,
            PRIMARY KEY (track_id, class_name, origin)
        );

        CREATE TABLE genre_family_map (
            genre VARCHAR PRIMARY KEY,            -- lower-case genre or tag
            family VARCHAR NOT NULL,
            origin VARCHAR NOT NULL DEFAULT 'builtin'   -- 'builtin' | 'user'
        );

        CREATE TABLE settings (key VARCHAR PRIMARY KEY, value JSON NOT NULL,
                               updated_at TIMESTAMP DEFAULT current_timestamp);

        CREATE TABLE rules (
            rule_id VARCHAR PRIMARY KEY,
            name VARCHAR NOT NULL,
            enabled BOOLEAN NOT NULL DEFAULT true,
            definition JSON NOT NULL,             -- the PlaylistRuleSet as in the rules file
            version INTEGER NOT NULL DEFAULT 1,   -- bumped on every change of definition
            created_at TIMESTAMP DEFAULT current_timestamp,
            updated_at TIMESTAMP DEFAULT current_timestamp
        );

        -- The Spotify playlist each rule pushes to.
        CREATE TABLE playlist_links (
            rule_id VARCHAR PRIMARY KEY,
            playlist_id VARCHAR NOT NULL,
            playlist_name VARCHAR,
            created_by_app BOOLEAN NOT NULL,      -- false: linked by hand, with confirmation
            linked_at TIMESTAMP DEFAULT current_timestamp,
            last_snapshot_id VARCHAR,             -- snapshot after our last successful push
            last_pushed_at TIMESTAMP,
            last_result VARCHAR
        );

        CREATE SEQUENCE push_history_seq;
        CREATE TABLE push_history (
            push_id BIGINT PRIMARY KEY DEFAULT nextval('push_history_seq'),
            rule_id VARCHAR NOT NULL,
            playlist_id VARCHAR NOT NULL,
            rule_version INTEGER,
            pushed_at TIMESTAMP DEFAULT current_timestamp,
            kind VARCHAR NOT NULL DEFAULT 'push', -- 'push' | 'restore' | 'merge'
            status VARCHAR NOT NULL,              -- 'done' | 'partial' | 'failed'
            before_uris VARCHAR[],
            after_uris VARCHAR[],
            snapshot_before VARCHAR,
            snapshot_after VARCHAR,
            added INTEGER, removed INTEGER, moved INTEGER, write_calls INTEGER,
            message VARCHAR
        );

        CREATE SEQUENCE jobs_seq;
        CREATE TABLE jobs (
            job_id BIGINT PRIMARY KEY DEFAULT nextval('jobs_seq'),
            kind VARCHAR NOT NULL,                -- 'sync' | 'fetch_tracks' | 'enrich' | 'import' | 'push'
            target VARCHAR,                       -- source id, provider id, rule id ...
            parent_id BIGINT,
            status VARCHAR NOT NULL,              -- queued | running | paused | done | failed
            progress JSON,                        -- {"page": 3, "tracks": 150, "total": 900, ...}
            resume_state JSON,                    -- what the next run continues from
            message VARCHAR,
            paused_until TIMESTAMP,
            requests INTEGER DEFAULT 0,
            created_at TIMESTAMP DEFAULT current_timestamp,
            updated_at TIMESTAMP DEFAULT current_timestamp,
            finished_at TIMESTAMP
        );
        CREATE TABLE job_events (
            job_id BIGINT NOT NULL,
            event_at TIMESTAMP DEFAULT current_timestamp,
            status VARCHAR NOT NULL,
            message VARCHAR
        );

        -- Pages fetched by a sync that has not finished; swapped into source_tracks at the end.
        CREATE TABLE sync_staging (
            source_id VARCHAR NOT NULL,
            snapshot_id VARCHAR,
            page_offset INTEGER NOT NULL,
            items JSON NOT NULL,
            fetched_at TIMESTAMP DEFAULT current_timestamp,
            PRIMARY KEY (source_id, page_offset)
        );
    """)


def _track_view(cur: duckdb.DuckDBPyConnection) -> None:
    # Also for libraries made with an older view definition (computed classes moved to their own table
    # in 021; lower-cased list copies added in 030). The write that migrates refreshes every row.
    from lib.store.track_view import create_track_view

    create_track_view(cur)


def _m020_genre_families(cur: duckdb.DuckDBPyConnection) -> None:
    from lib.store.classification import seed_genre_families

    seed_genre_families(cur)


def _m050_listening_autopilot(cur: duckdb.DuckDBPyConnection) -> None:
    cur.execute("""
        -- Autopilot: when each task runs ('rule:<id>' pushes a rule, 'listening' reads history) and how it went.
        CREATE TABLE schedules (
            task VARCHAR PRIMARY KEY,
            kind VARCHAR NOT NULL,                -- 'off' | 'hours' | 'daily' | 'weekly'
            every_hours INTEGER,                  -- kind 'hours'
            at_time VARCHAR,                      -- 'HH:MM' UTC, kinds 'daily' and 'weekly'
            weekday INTEGER,                      -- 0 = Monday, kind 'weekly'
            mode VARCHAR NOT NULL DEFAULT 'overwrite',   -- pushes: 'overwrite' | 'merge'
            last_run_at TIMESTAMP,
            last_status VARCHAR,                  -- 'done' | 'paused' | 'failed' | 'skipped'
            last_message VARCHAR,
            last_job_id BIGINT,
            updated_at TIMESTAMP DEFAULT current_timestamp
        );
    """)
    _track_view(cur)  # creates plays and top_tracks (the view reads them), adds the listening columns


MIGRATIONS: list[Migration] = [
    ("001_core", _m001_core),
    ("002_track_view", _track_view),
    ("020_genre_families", _m020_genre_families),
    ("021_computed_classes", _track_view),
    ("030_search_columns", _track_view),
    ("040_data_version", lambda cur: cur.execute("CREATE SEQUENCE IF NOT EXISTS data_version")),
    # The process running a job ('host:pid:start'), so a job whose process died shows as interrupted.
    ("041_job_owner", lambda cur: cur.execute("ALTER TABLE jobs ADD COLUMN IF NOT EXISTS owner VARCHAR")),
    ("050_listening_autopilot", _m050_listening_autopilot),
]


def pending_migrations(cur: duckdb.DuckDBPyConnection) -> list[str]:
    """Names of the migrations this library has not had yet (a read; all of them for a new file)."""
    if not cur.execute("SELECT 1 FROM duckdb_tables() WHERE table_name = '_migrations'"
                       " AND database_name = current_database() AND schema_name = 'main'").fetchone():
        return [name for name, _ in MIGRATIONS]
    done = {row[0] for row in cur.execute("SELECT name FROM _migrations").fetchall()}
    return [name for name, _ in MIGRATIONS if name not in done]


def migrate(cur: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply pending migrations inside the caller's write (which then refreshes track_view whole)."""
    pending = pending_migrations(cur)
    cur.execute("CREATE TABLE IF NOT EXISTS _migrations (name VARCHAR PRIMARY KEY,"
                " applied_at TIMESTAMP DEFAULT current_timestamp)")
    for name, step in MIGRATIONS:
        if name in pending:
            step(cur)
            cur.execute("INSERT INTO _migrations (name) VALUES (?)", [name])
    return pending


def applied_migrations(cur: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in cur.execute("SELECT name FROM _migrations ORDER BY applied_at, name").fetchall()]
