"""Per-artist and per-album caps as DuckDB window functions over a rule's sorted, deduped tracks.

The artist of a track is its first credited artist (track_view's `artist`), compared ignoring case and accents;
an album is its title together with that first artist, so two "Greatest Hits" by different artists are
two albums. Tracks without an artist (or, for the album cap, without an album title) are never capped.
The album cap is applied first and the artist cap counts only the tracks it kept, which is the same as
walking down the list and keeping a track while both its album and its artist have room.
"""

from __future__ import annotations

from lib.rules.models import PlaylistRuleSet
from lib.rules.semantics import FOLD_SQL

# Case and accents ignored, like every text comparison of the rules (semantics.fold).
ARTIST_KEY = FOLD_SQL.format("artist")
ALBUM_KEY = FOLD_SQL.format("coalesce(artist, '')") + ", " + FOLD_SQL.format("album")


def has_caps(rule: PlaylistRuleSet) -> bool:
    return bool(rule.max_per_artist or rule.max_per_album)


def cap_columns(rule: PlaylistRuleSet) -> list[str]:
    """The track_view columns the caps read (carried through the ranked subquery)."""
    return ["artist", "album"] if has_caps(rule) else []


def capped(rule: PlaylistRuleSet, ranked: str, add) -> str:
    """`ranked` (a SELECT with a `_pos` column in playlist order) with the rule's caps applied.

    `add` binds a value as a parameter and returns its placeholder.
    """
    if rule.max_per_album:
        ranked = (f"SELECT * FROM ({ranked}) QUALIFY coalesce(album, '') = '' OR row_number() OVER"
                  f" (PARTITION BY {ALBUM_KEY} ORDER BY _pos) <= {add(int(rule.max_per_album))}")
    if rule.max_per_artist:
        ranked = (f"SELECT * FROM ({ranked}) QUALIFY coalesce(artist, '') = '' OR row_number() OVER"
                  f" (PARTITION BY {ARTIST_KEY} ORDER BY _pos) <= {add(int(rule.max_per_artist))}")
    return ranked
