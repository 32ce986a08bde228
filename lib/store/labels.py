"""Manual labels (mood, genre family, tags) and the user's additions to the genre-family map."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import duckdb
import pandas as pd

from lib.store.db import Library
from lib.store.genre_families import normalize_genre

LABEL_CLASSES = ("mood", "genre_family", "tags")
_UNSET = object()


def set_manual_labels(cur: duckdb.DuckDBPyConnection, track_ids: Sequence[str], *, mood=_UNSET,
                      genre_family=_UNSET, tags=_UNSET) -> int:
    """Set manual classes for tracks; a class passed as None (or [] for tags) resets it to computed.

    Classes not passed are left as they are. Returns how many tracks were touched.
    """
    ids = list(dict.fromkeys(track_ids))
    if not ids:
        return 0
    for name, value in (("mood", mood), ("genre_family", genre_family), ("tags", tags)):
        if value is _UNSET:
            continue
        cur.execute("DELETE FROM classifications WHERE origin = 'manual' AND class_name = $c"
                    " AND track_id IN (SELECT unnest($ids))", {"c": name, "ids": ids})
        if name == "tags":
            column, value = "list_value", list(dict.fromkeys(t.strip() for t in (value or []) if t and t.strip()))
        else:
            column, value = "value", (value or "").strip()
        if value:
            cur.execute(f"INSERT INTO classifications (track_id, class_name, origin, {column}, classifier_version)"
                        " SELECT unnest($ids), $c, 'manual', $v, 'manual'", {"c": name, "ids": ids, "v": value})
    return len(ids)


def reset_manual_labels(cur: duckdb.DuckDBPyConnection, track_ids: Sequence[str] | None = None,
                        classes: Iterable[str] = LABEL_CLASSES) -> int:
    """Drop manual labels (for the given tracks, or all); computed classes show again. Returns how many."""
    params = {"c": [c for c in classes if c in LABEL_CLASSES]}
    only = ""
    if track_ids is not None:
        only, params["ids"] = " AND track_id IN (SELECT unnest($ids))", list(track_ids)
    return cur.execute("DELETE FROM classifications WHERE origin = 'manual' AND class_name IN (SELECT unnest($c))"
                       + only, params).fetchone()[0]


def label_rows(library: Library, *, search: str = "", mood: str | None = None, genre_family: str | None = None,
               only_manual: bool = False, limit: int = 200) -> pd.DataFrame:
    """A small, filtered set of tracks with shown and manual classes, for the label editor."""
    return library.query_df("""
        WITH man AS (
            SELECT track_id,
                   max(value) FILTER (WHERE class_name = 'mood') AS manual_mood,
                   max(value) FILTER (WHERE class_name = 'genre_family') AS manual_genre_family,
                   first(list_value) FILTER (WHERE class_name = 'tags') AS manual_tags
            FROM classifications WHERE origin = 'manual' GROUP BY track_id)
        SELECT v.track_id, v.title, v.artist, v.release_year, v.energy, v.valence, v.genres,
               v.mood, v.genre_family, v.tags,
               man.manual_mood IS NOT NULL OR man.manual_genre_family IS NOT NULL
                   OR man.manual_tags IS NOT NULL AS has_manual
        FROM track_view v LEFT JOIN man USING (track_id)
        WHERE ($q = '' OR v.title ILIKE '%' || $q || '%' OR v.artist ILIKE '%' || $q || '%'
               OR v.album ILIKE '%' || $q || '%')
          AND ($mood IS NULL OR v.mood = $mood)
          AND ($fam IS NULL OR v.genre_family = $fam)
          AND (NOT $manual OR man.track_id IS NOT NULL)
        ORDER BY v.artist, v.title, v.track_id
        LIMIT $n
    """, {"q": search.strip(), "mood": mood, "fam": genre_family, "manual": only_manual, "n": limit})


def validate_genre_key(genre: str) -> str:
    key = normalize_genre(genre)
    if not key:
        raise ValueError("a genre to map must not be empty")
    if any(ch in key for ch in "%\\"):
        raise ValueError(f"genre {genre!r} may not contain '%' or '\\'")
    return key


def upsert_genre_mappings(cur: duckdb.DuckDBPyConnection, mappings: Iterable[tuple[str, str]]) -> int:
    """Add or change (genre, family) rows as the user's own (origin 'user')."""
    rows = []
    for genre, family in mappings:
        fam = (family or "").strip().lower()
        if not fam:
            raise ValueError(f"genre {genre!r} needs a family")
        rows.append((validate_genre_key(genre), fam))
    if rows:
        cur.executemany("INSERT INTO genre_family_map (genre, family, origin) VALUES (?, ?, 'user')"
                        " ON CONFLICT (genre) DO UPDATE SET family = excluded.family, origin = 'user'", rows)
    return len(rows)


def delete_genre_mappings(cur: duckdb.DuckDBPyConnection, genres: Iterable[str]) -> int:
    """Remove user mappings; a built-in key the user had changed goes back to its built-in family."""
    from lib.store.genre_families import builtin_rows

    builtin = dict(builtin_rows())
    count = 0
    for genre in genres:
        key = normalize_genre(genre)
        if key in builtin:
            cur.execute("UPDATE genre_family_map SET family = ?, origin = 'builtin' WHERE genre = ?",
                        [builtin[key], key])
        else:
            cur.execute("DELETE FROM genre_family_map WHERE genre = ? AND origin = 'user'", [key])
        count += 1
    return count


def genre_map(library: Library) -> pd.DataFrame:
    return library.query_df("SELECT genre, family, origin FROM genre_family_map ORDER BY family, genre")


def unmapped_genres(library: Library, limit: int = 50) -> pd.DataFrame:
    """Genres of tracks that got no family, most frequent first (what to map next)."""
    return library.query_df("""
        SELECT g AS genre, count(*) AS tracks FROM (
            SELECT unnest(genres) AS g FROM track_view WHERE genre_family IS NULL AND len(genres) > 0)
        GROUP BY g ORDER BY tracks DESC, g LIMIT $n
    """, {"n": limit})


def family_breakdown(library: Library) -> pd.DataFrame:
    """Tracks per genre family (NULL = unclassified) and per mood."""
    return library.query_df("""
        SELECT coalesce(genre_family, '(none)') AS genre_family, count(*) AS tracks
        FROM track_view GROUP BY ALL ORDER BY tracks DESC
    """)
