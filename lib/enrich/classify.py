"""Classification façade: mood thresholds, manual labels and the genre-family map, each applied at once."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from lib.store import labels
from lib.store.classification import MoodThresholds, read_mood_thresholds, write_mood_thresholds
from lib.store.db import Library

MOOD_NAMES = ("happy", "energetic", "calm", "sad", "tense")


def get_mood_thresholds(library: Library) -> MoodThresholds:
    with library.cursor() as cur:
        return read_mood_thresholds(cur)


def set_mood_thresholds(library: Library, thresholds: MoodThresholds) -> MoodThresholds:
    """Store new thresholds (validated) and recompute every track's mood in the same transaction."""
    thresholds.validate()

    with library.write() as w:
        write_mood_thresholds(w.cur, thresholds)
        w.touch_all()
    return thresholds


def mood_points(library: Library, limit: int = 5000) -> pd.DataFrame:
    """Tracks with energy and valence (a deterministic sample) for the mood map."""
    return library.query_df("""
        SELECT track_id, title, artist, energy, valence, coalesce(mood, '(none)') AS mood
        FROM track_view WHERE energy IS NOT NULL AND valence IS NOT NULL
        ORDER BY hash(track_id) LIMIT $n
    """, {"n": limit})


def mood_counts(library: Library) -> pd.DataFrame:
    return library.query_df("SELECT coalesce(mood, '(none)') AS mood, count(*) AS tracks FROM track_view"
                            " GROUP BY ALL ORDER BY tracks DESC")


_UNSET = labels._UNSET


def set_labels(library: Library, track_ids: Sequence[str], *, mood=_UNSET, genre_family=_UNSET,
               tags=_UNSET) -> int:
    """Set manual mood / genre family / tags for tracks (None resets that class); returns tracks touched."""
    if mood not in (_UNSET, None, "") and mood not in MOOD_NAMES:
        raise ValueError(f"mood must be one of {', '.join(MOOD_NAMES)}, got {mood!r}")
    with library.write() as w:
        n = labels.set_manual_labels(w.cur, track_ids, mood=mood, genre_family=genre_family, tags=tags)
        w.touch(tracks=track_ids)
    return n


def reset_labels(library: Library, track_ids: Sequence[str] | None = None,
                 classes: Iterable[str] = labels.LABEL_CLASSES) -> int:
    """Remove manual labels so computed classes show again; returns labels removed."""
    with library.write() as w:
        n = labels.reset_manual_labels(w.cur, track_ids, classes)
        if track_ids is None:
            w.touch_all()
        else:
            w.touch(tracks=track_ids)
    return n


def save_genre_mappings(library: Library, mappings: Iterable[tuple[str, str]],
                        removed: Iterable[str] = ()) -> int:
    """Add/change the user's genre → family rows (and drop some), then reclassify every track."""
    with library.write() as w:
        n = labels.upsert_genre_mappings(w.cur, mappings)
        n += labels.delete_genre_mappings(w.cur, removed)
        w.touch_all()
    return n
