"""Import a features file (CSV or Parquet keyed by Spotify id, URI or ISRC) with a user-chosen column mapping."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

from lib.clock import stored_now
from lib.enrich.errors import EnrichError
from lib.rules.fields import CUSTOM_NAME
from lib.store import enrichment_store
from lib.store.catalog import parse_release_date, write_enrichment_frame
from lib.store.db import Library
from lib.store.track_view import FEATURE_FIELDS

PROVIDER_ID = "features-file"
VERSION = "1"
KEY_KINDS = ("auto", "id", "uri", "isrc")
TEXT_FIELDS = ("release_date", "label")
LIST_FIELDS = ("genres",)
KNOWN_FIELDS = (*FEATURE_FIELDS, *TEXT_FIELDS, *LIST_FIELDS)
_KEY_NAMES = {"id": "id", "track id": "id", "track_id": "id", "spotify id": "id", "spotify_id": "id",
              "uri": "uri", "track uri": "uri", "spotify uri": "uri", "isrc": "isrc"}
_ALIASES = {"bpm": "tempo", "genre": "genres", "artist genres": "genres", "release date": "release_date",
            "album release date": "release_date", "record label": "label", "time signature": "time_signature"}
_SPOTIFY_ID = re.compile(r"^[0-9A-Za-z]{22}$")
_ISRC = re.compile(r"^[A-Z]{2}[A-Z0-9]{3}\d{7}$")


@dataclass
class FeatureImportReport:
    rows: int
    matched_rows: int
    tracks: int
    fields: list[str]
    custom_fields: dict[str, str] = field(default_factory=dict)    # x_name → 'number' | 'text'
    unmatched_keys: list[str] = field(default_factory=list)         # a sample
    left_out: list[str] = field(default_factory=list)               # values that are not finite numbers


def read_features_file(source: str | Path | IO[bytes], name: str | None = None) -> pd.DataFrame:
    """Read CSV (any common delimiter) or Parquet; the format is taken from the name or the content."""
    if isinstance(source, str | Path):
        name = name or str(source)
        data = Path(source).read_bytes()
    else:
        data = source.read()
    try:
        if data[:4] == b"PAR1" or (name or "").lower().endswith(".parquet"):
            return pd.read_parquet(io.BytesIO(data))
        return pd.read_csv(io.BytesIO(data), sep=None, engine="python", dtype=str, keep_default_na=False,
                           na_values=[""])
    except Exception as exc:
        raise EnrichError(f"Cannot read {name or 'the file'} as CSV or Parquet: {exc}") from exc


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(name).strip().lower()).strip("_") or "column"


def suggest_mapping(frame: pd.DataFrame) -> tuple[str | None, dict[str, str | None]]:
    """(key column, {column: field}): known names map to fields, others to custom 'x_<name>'."""
    key_column, mapping = None, {}
    for column in frame.columns:
        lowered = str(column).strip().lower()
        if key_column is None and lowered in _KEY_NAMES:
            key_column = column
            continue
        target = _ALIASES.get(lowered, lowered.replace(" ", "_"))
        mapping[column] = target if target in KNOWN_FIELDS else f"x_{slug(column)}"
    return key_column, mapping


def _key_of(value: str, kind: str) -> tuple[str, str] | None:
    text = str(value).strip()
    if not text or text.lower() == "nan":
        return None
    if kind in ("auto", "uri") and ("spotify:track:" in text or "/track/" in text):
        text = text.split("track:", 1)[-1] if "spotify:track:" in text else text.split("/track/", 1)[1]
        text = text.split("?", 1)[0].strip("/")
        return ("id", text) if _SPOTIFY_ID.match(text) else None
    if kind in ("auto", "isrc") and _ISRC.match(text.upper().replace("-", "")):
        return "isrc", text.upper().replace("-", "")
    if kind in ("auto", "id") and _SPOTIFY_ID.match(text):
        return "id", text
    return None


def _is_numeric(series: pd.Series) -> bool:
    present = series.dropna()
    present = present[(present.astype(str).str.strip() != "") & ~_not_finite(present)]
    return len(present) > 0 and pd.to_numeric(present, errors="coerce").notna().mean() >= 0.95


def _not_finite(series: pd.Series) -> pd.Series:
    """Cells holding inf, NaN or a number too large for a float."""
    text = series.astype(str).str.strip()
    numbers = pd.to_numeric(series, errors="coerce")
    return text.str.fullmatch(r"(?i)[+-]?(inf|infinity|nan)") | np.isinf(numbers)


def _column_values(series: pd.Series, target: str) -> pd.DataFrame:
    """Long rows (row index, num/text/list value) for one mapped column."""
    out = pd.DataFrame(index=series.index)
    out["num_value"], out["text_value"], out["list_value"] = None, None, None
    if target in LIST_FIELDS:
        out["list_value"] = series.map(lambda v: [p.strip() for p in re.split(r"[,;|]", str(v)) if p.strip()]
                                       if pd.notna(v) else None)
    elif target in FEATURE_FIELDS or (target.startswith("x_") and _is_numeric(series)):
        numbers = pd.to_numeric(series, errors="coerce")
        out["num_value"] = numbers.where(np.isfinite(numbers))  # inf and NaN are left out (and reported)
    elif target == "release_date":
        dates = series.map(lambda v: parse_release_date(str(v).split(".")[0])[0] if pd.notna(v) else None)
        out["text_value"] = dates.map(lambda d: d.isoformat() if d else None)
    else:
        out["text_value"] = series.map(lambda v: str(v).strip() if pd.notna(v) and str(v).strip() else None)
    return out


def import_features_file(library: Library, frame: pd.DataFrame, *, key_column: str,
                         mapping: dict[str, str | None], key_kind: str = "auto") -> FeatureImportReport:
    """Store mapped columns as 'file' values (provider features-file) in one transaction."""
    if key_column not in frame.columns:
        raise EnrichError(f"the key column {key_column!r} is not in the file")
    if key_kind not in KEY_KINDS:
        raise EnrichError(f"key kind must be one of {', '.join(KEY_KINDS)}")
    targets = {c: t for c, t in mapping.items() if t and c != key_column}
    for column, target in targets.items():
        if column not in frame.columns:
            raise EnrichError(f"mapped column {column!r} is not in the file")
        if target not in KNOWN_FIELDS and not CUSTOM_NAME.fullmatch(target):
            raise EnrichError(f"column {column!r}: {target!r} is neither a known field nor a custom x_<name> "
                              f"(x_ and 1 to 60 of a-z, 0-9, _)")
    by_target: dict[str, list[str]] = {}
    for column, target in targets.items():
        by_target.setdefault(target, []).append(str(column))
    clashes = [f"{', '.join(repr(c) for c in columns)} → {target}" for target, columns in by_target.items()
               if len(columns) > 1]
    if clashes:
        raise EnrichError("columns that would fill the same field (rename them or map them apart): "
                          + "; ".join(clashes))
    keys = frame[key_column].map(lambda v: _key_of(v, key_kind))
    lookup = library.query_df("SELECT track_id, upper(isrc) AS isrc FROM tracks")
    by_id = set(lookup["track_id"])
    by_isrc = lookup.dropna(subset=["isrc"]).groupby("isrc")["track_id"].apply(list).to_dict()
    row_tracks = keys.map(lambda k: ([k[1]] if k[1] in by_id else []) if k and k[0] == "id"
                          else (by_isrc.get(k[1], []) if k else []))
    matched = row_tracks.map(len) > 0
    unmatched = frame.loc[~matched, key_column].astype(str).head(10).tolist()
    parts, custom, left_out = [], {}, []
    for column, target in targets.items():
        values = _column_values(frame[column], target)
        values["field"] = target
        for row in values.index[values["num_value"].isna() & _not_finite(frame[column])][:20]:
            left_out.append(f"row {row + 2}, {column!r}: {frame[column][row]} is not a finite number (left out)")
        if target.startswith("x_"):
            custom[target] = "number" if values["num_value"].notna().any() else "text"
        parts.append(values)
    report = FeatureImportReport(rows=len(frame), matched_rows=int(matched.sum()), tracks=0,
                                 fields=sorted(set(targets.values())), custom_fields=custom,
                                 unmatched_keys=unmatched, left_out=left_out)
    if not parts or not matched.any():
        return report
    long = pd.concat(parts)
    long["track_id"] = row_tracks.reindex(long.index)
    long = long.explode("track_id").dropna(subset=["track_id"])
    has_value = long["num_value"].notna() | long["text_value"].notna() | long["list_value"].map(bool)
    long = long[has_value]
    long["provider"], long["origin"], long["provider_version"] = PROVIDER_ID, "file", VERSION
    long["fetched_at"] = stored_now()
    track_ids = sorted(set(long["track_id"]))
    report.tracks = len(track_ids)
    with library.write() as w:
        write_enrichment_frame(w.cur, long.reset_index(drop=True))
        enrichment_store.write_status(w.cur, PROVIDER_ID, VERSION, [(t, "ok", None) for t in track_ids])
        w.touch(tracks=track_ids)
    return report
