"""Importing files into the library: Exportify CSV exports of playlists and Liked Songs."""

from lib.imports.exportify import ParsedCsv, RowError, parse_exportify
from lib.imports.exportify_convert import split_list, split_names
from lib.imports.store import (
    PROVIDER,
    ImportResult,
    import_exportify_csv,
    is_liked_file,
    playlist_name_from_file,
    source_id_for,
)

__all__ = ["PROVIDER", "ImportResult", "ParsedCsv", "RowError", "import_exportify_csv", "is_liked_file",
           "parse_exportify", "playlist_name_from_file", "source_id_for", "split_list", "split_names"]
