"""What the rule builder needs to know about each field in a library: type, real range, known values."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lib.rules.fields import FIELDS, OPERATORS_BY_TYPE, field_info

if TYPE_CHECKING:
    from lib.store import Library

# Fields whose known values are offered in a multiselect (most frequent first).
VALUE_FIELDS = ("genres", "playlists", "tags", "mood", "genre_family", "artist", "label")
MAX_VALUES = 400
_INTERNAL = {"track_id", "uri", "origin", "source_ids"}


def _quoted(name: str) -> str:
    return f'"{name}"'


def field_stats(library: Library) -> list[dict]:
    """One dict per usable field: name, label, type, operators, and min/max or the known values."""
    numbers = [f.name for f in FIELDS.values() if f.type == "number" and not f.counts]
    times = [f.name for f in FIELDS.values() if f.type in ("date", "timestamp")]
    # Finite bounds only: an infinite value (from an old import) must not become a widget's bound.
    finite = {n: f"CASE WHEN isfinite({_quoted(n)}) THEN {_quoted(n)} END" for n in numbers + times}
    aggregates = ", ".join([f"min({finite[n]}), max({finite[n]}), count({_quoted(n)}), quantile_disc({finite[n]}, 0.5)"
                            for n in numbers + times]
                           + [f"coalesce(bool_and({_quoted(n)} = round({_quoted(n)})), false)" for n in numbers])
    with library.cursor() as cur:
        row = cur.execute(f"SELECT count(*), {aggregates} FROM track_view").fetchone()
        values = {}
        for name in VALUE_FIELDS:
            column = f"unnest({_quoted(name)})" if FIELDS[name].type == "list" else _quoted(name)
            values[name] = [r[0] for r in cur.execute(
                f"SELECT v FROM (SELECT {column} AS v FROM track_view) WHERE v IS NOT NULL AND v <> ''"
                f" GROUP BY v ORDER BY count(*) DESC, v LIMIT {MAX_VALUES}").fetchall()]
        custom = cur.execute("""
            SELECT k, 'number', min(v) FILTER (WHERE isfinite(v)), max(v) FILTER (WHERE isfinite(v)), count(*),
                   quantile_disc(v, 0.5) FILTER (WHERE isfinite(v)), coalesce(bool_and(v = round(v)), false) FROM (
                SELECT unnest(map_keys(custom_num)) AS k, unnest(map_values(custom_num)) AS v FROM track_view)
            GROUP BY k
            UNION ALL
            SELECT k, 'text', NULL, NULL, count(*), NULL, false FROM (
                SELECT unnest(map_keys(custom_text)) AS k FROM track_view) GROUP BY k
            ORDER BY 1, 2""").fetchall()
    total = row[0]
    stats = {}
    for i, name in enumerate(numbers + times):
        low, high, count, median = row[1 + 4 * i: 5 + 4 * i]
        stats[name] = {"min": low, "max": high, "count": count, "median": median}
    for i, name in enumerate(numbers):
        stats[name]["whole"] = bool(row[1 + 4 * len(numbers + times) + i])
    out = []
    for info in FIELDS.values():
        if info.name in _INTERNAL:
            continue
        entry = {"name": info.name, "label": info.label, "type": info.type, "operators": list(info.operators),
                 "custom": False, "tracks": total}
        entry.update(stats.get(info.name, {}))
        if info.name in values:
            entry["values"] = values[info.name]
        out.append(entry)
    for key, kind, low, high, count, median, whole in custom:
        info = field_info(f"x_{key}", "gt" if kind == "number" else "contains")
        if info is None:    # a custom name the DSL cannot address
            continue
        out.append({"name": info.name, "label": info.label, "type": kind, "operators": list(OPERATORS_BY_TYPE[kind]),
                    "custom": True, "tracks": total, "min": low, "max": high, "count": count, "median": median,
                    "whole": whole})
    return out


def field_values(library: Library, name: str):
    """A field's values over the whole library: a numeric Series for numbers/dates, else value counts."""
    import pandas as pd

    info = field_info(name, "gt") if name.startswith("x_") else FIELDS.get(name)
    if info is None:
        raise ValueError(f"unknown field {name!r}")
    if info.counts:
        from lib.rules.compile import _Params, counted_sql
        from lib.rules.semantics import normalize_now

        p = _Params()
        frame = library.query_df(f"SELECT {counted_sql(info, normalize_now(None), p)} AS v FROM track_view", p.values)
    elif info.custom_column:
        frame = library.query_df(f"SELECT {info.custom_column}[$k] AS v FROM track_view", {"k": name[2:]})
    elif info.type == "list":
        frame = library.query_df(f"SELECT unnest({_quoted(name)}) AS v FROM track_view")
    else:
        frame = library.query_df(f"SELECT {_quoted(name)} AS v FROM track_view")
    values = frame["v"].dropna()
    if info.type in ("text", "list", "boolean"):
        return values.astype(str).value_counts()
    return pd.Series(values.to_numpy())
