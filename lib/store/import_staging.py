"""A file import's rows staged in a temporary table, block by block, then written to the catalog in SQL.

Staging keeps a large import's memory bounded: the parser hands over ~10k rows at a time, DuckDB
holds them (and can spill them), and every write below is one set-based statement. The writes run
on the caller's cursor inside the import's transaction, so nothing lands unless all of it does.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from lib.store.catalog import registered, replace_source_relation, upsert_catalog_relations
from lib.store.track_view import FEATURE_FIELDS

STAGED_LIST = pa.list_(pa.string())
# One row per importable line of the file, in file order (`position`); artist_ids pairs with artist_names.
STAGED_SCHEMA = pa.schema([
    ("position", pa.int64()), ("line", pa.int64()), ("track_id", pa.string()), ("uri", pa.string()),
    ("title", pa.string()), ("album", pa.string()), ("album_id", pa.string()), ("release_day", pa.date32()),
    ("release_precision", pa.string()), ("label", pa.string()), ("isrc", pa.string()),
    ("added_by", pa.string()), ("added_at", pa.timestamp("us")), ("duration_ms", pa.int64()),
    ("disc_number", pa.int64()), ("track_number", pa.int64()), ("explicit", pa.bool_()),
    ("artist_names", STAGED_LIST), ("artist_ids", STAGED_LIST), ("genres", STAGED_LIST),
    *((name, pa.float64()) for name in FEATURE_FIELDS),
])
_DUCKDB_TYPES = {pa.int64(): "BIGINT", pa.string(): "VARCHAR", pa.date32(): "DATE", pa.timestamp("us"): "TIMESTAMP",
                 pa.bool_(): "BOOLEAN", STAGED_LIST: "VARCHAR[]", pa.float64(): "DOUBLE"}
_STAGED_DDL = ", ".join(f"{f.name} {_DUCKDB_TYPES[f.type]}" for f in STAGED_SCHEMA)
_FEATURE_LIST = ", ".join(FEATURE_FIELDS)

# The staged rows seen as the relations that `catalog` upserts from.
_CATALOG_VIEWS = {
    "_in_members": "SELECT position, track_id, added_at, added_by FROM _import_rows",
    "_in_tracks": "SELECT track_id, uri, title, album_id, duration_ms, explicit, isrc, disc_number, track_number,"
                  " 'csv' AS origin FROM _import_rows",
    # The last line naming an album or artist wins, as for tracks.
    "_in_albums": "SELECT album_id, album AS name, release_day AS release_date,"
                  " release_precision AS release_date_precision, NULL::VARCHAR AS album_type, label"
                  " FROM _import_rows WHERE album_id IS NOT NULL"
                  " QUALIFY row_number() OVER (PARTITION BY album_id ORDER BY position DESC) = 1",
    "_in_artists": "SELECT artist_id, name FROM (SELECT position, unnest(artist_ids) AS artist_id,"
                   " unnest(artist_names) AS name, generate_subscripts(artist_ids, 1) AS k FROM _import_rows)"
                   " QUALIFY row_number() OVER (PARTITION BY artist_id ORDER BY position DESC, k DESC) = 1",
    "_in_credits": "SELECT track_id, k - 1 AS position, artist_id FROM (SELECT track_id,"
                   " unnest(artist_ids) AS artist_id, generate_subscripts(artist_ids, 1) AS k FROM _import_rows)",
}


def create_import_staging(cur: duckdb.DuckDBPyConnection) -> None:
    cur.execute(f"CREATE OR REPLACE TEMP TABLE _import_rows ({_STAGED_DDL})")


def stage_import_rows(cur: duckdb.DuckDBPyConnection, rows: pa.Table) -> None:
    """Append a block of rows with STAGED_SCHEMA."""
    if rows.num_rows:
        with registered(cur, _import_block=rows):
            cur.execute("INSERT INTO _import_rows BY NAME SELECT * FROM _import_block")


def prepare_staged_import(cur: duckdb.DuckDBPyConnection, provider: str) -> tuple[int, int]:
    """Drop `provider`'s older values for the staged tracks; return how many distinct tracks are staged and
    how many of them the library has."""
    tracks, known = cur.execute("SELECT count(DISTINCT track_id), count(DISTINCT track_id) FILTER (WHERE track_id IN"
                                " (SELECT track_id FROM tracks)) FROM _import_rows").fetchone()
    # A re-import replaces this provider's values, so a value removed from the file goes away too.
    cur.execute("DELETE FROM enrichment_values WHERE provider = $provider"
                " AND track_id IN (SELECT track_id FROM _import_rows)", {"provider": provider})
    return tracks, known


def _with_views(cur: duckdb.DuckDBPyConnection, *names: str) -> None:
    for name in names:
        cur.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS {_CATALOG_VIEWS[name]}")


def replace_source_from_staging(cur: duckdb.DuckDBPyConnection, source_id: str, **counts: int) -> int:
    """The source's membership becomes every staged row, in file order (a track may occur twice);
    `counts` are replace_source_relation's local_count, episode_count and null_count."""
    _with_views(cur, "_in_members")
    return replace_source_relation(cur, source_id, **counts)


def upsert_staged_catalog(cur: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    """Tracks, albums, artists and credits from the staged rows; a track's last line wins. Returns what to
    `touch`: the staged tracks and the stored artists and albums whose shown fields changed."""
    cur.execute("DELETE FROM _import_rows WHERE position NOT IN (SELECT max(position) FROM _import_rows"
                " GROUP BY track_id)")
    _with_views(cur, "_in_tracks", "_in_albums", "_in_artists", "_in_credits")
    changed = upsert_catalog_relations(cur)
    return {"tracks": {r[0] for r in cur.execute("SELECT track_id FROM _import_rows").fetchall()}, **changed}


def write_staged_values(cur: duckdb.DuckDBPyConnection, provider: str, precedence: int, version: str) -> None:
    """The file's audio features, popularity, genres and label as enrichment values of `provider`
    (call after `upsert_staged_catalog`, which leaves one staged row per track)."""
    params = {"provider": provider, "precedence": precedence, "version": version}
    insert = ("INSERT INTO enrichment_values (track_id, field, provider, precedence, {value}, provider_version)"
              " SELECT track_id, {field}, $provider, $precedence, {expr}, $version FROM {source}")
    cur.execute(insert.format(value="num_value", field="field", expr="num_value", source=(
        f"(UNPIVOT (SELECT track_id, {_FEATURE_LIST} FROM _import_rows)"
        " ON COLUMNS(* EXCLUDE (track_id)) INTO NAME field VALUE num_value)")), params)
    cur.execute(insert.format(value="list_value", field="'genres'", expr="genres",
                              source="_import_rows WHERE len(genres) > 0"), params)
    cur.execute(insert.format(value="text_value", field="'label'", expr="label",
                              source="_import_rows WHERE label IS NOT NULL"), params)
