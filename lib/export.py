"""CSV export of exactly a given table, safe to open in a spreadsheet.

Formula injection: a text cell that begins with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage
return) would be run as a formula by Excel, LibreOffice and Google Sheets, also after leading spaces
or invisible characters (no-break space, U+3000, zero-width space, BOM), which spreadsheets strip.
We neutralise such a cell by prefixing a single quote (``'=HYPERLINK(...)``), the OWASP
recommendation: spreadsheets show the text as typed, and the change is visible rather than silent.
Only text cells are touched: numeric columns keep negative numbers such as loudness ``-7.5`` as
numbers. List cells are joined with ``"; "`` first and then neutralised like any other text.

Every CSV the project writes goes through `to_csv_bytes`: a BOM, CRLF line ends, the guard.
"""

from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd

from lib.store import TRACK_VIEW_COLUMNS, Library

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# A formula start after any run of whitespace (\s: also no-break space, U+3000) and invisible format characters.
_FORMULA = re.compile(r"[\s\u200b-\u200f\u2060\ufeff]*[=+\-@\t\r]")
LIST_SEPARATOR = "; "


def is_formula_like(value: str) -> bool:
    return _FORMULA.match(value) is not None


def neutralise(value: str) -> str:
    """Prefix a quote to text a spreadsheet would treat as a formula."""
    return "'" + value if is_formula_like(value) else value


def _join(value) -> object:
    if isinstance(value, (list, tuple, np.ndarray)):
        return LIST_SEPARATOR.join("" if v is None else str(v) for v in value)
    if isinstance(value, dict):
        return LIST_SEPARATOR.join(f"{k}={v}" for k, v in value.items())
    return value


def _is_text_column(series: pd.Series) -> bool:
    return (pd.api.types.is_string_dtype(series) or series.dtype == object) and not pd.api.types.is_bool_dtype(series)


def csv_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` with list cells joined and formula-like text cells neutralised."""
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if not _is_text_column(series):
            continue
        joined = series.map(_join, na_action="ignore")
        out[column] = joined.map(lambda v: neutralise(v) if isinstance(v, str) else v, na_action="ignore")
    return out


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV (with BOM so Excel reads accents and CJK right) of exactly these rows and columns."""
    buffer = io.StringIO()
    csv_ready(frame).to_csv(buffer, index=False, date_format="%Y-%m-%dT%H:%M:%S", lineterminator="\r\n")
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# Whole tables the CLI can export (fixed names, never user text in SQL).
EXPORT_TABLES = {
    "tracks": f"SELECT {', '.join(TRACK_VIEW_COLUMNS)} FROM track_view ORDER BY track_id",
    "sources": "SELECT source_id, kind, name, origin, track_count, local_count, episode_count, null_count,"
               " readable, snapshot_id, last_synced_at, file_path FROM sources ORDER BY kind, name",
    "jobs": "SELECT job_id, kind, target, status, message, requests, created_at, finished_at FROM jobs"
            " ORDER BY job_id",
    "enrichments": "SELECT track_id, field, provider, precedence, num_value, text_value, list_value,"
                   " provider_version, fetched_at FROM enrichment_values ORDER BY track_id, field, provider",
}


def export_table(library: Library, table: str) -> pd.DataFrame:
    """One of EXPORT_TABLES as a DataFrame."""
    if table not in EXPORT_TABLES:
        from lib.errors import ValidationError

        raise ValidationError(f"unknown table {table!r}; choose one of {', '.join(EXPORT_TABLES)}")
    return library.query_df(EXPORT_TABLES[table])
