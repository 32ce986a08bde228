"""CSV export (formula neutralisation, list joining) and the Explore queries over the demo library."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from lib.explore import TrackFilter, chart_data, filter_options, library_overview, track_page
from lib.export import csv_ready, neutralise, to_csv_bytes


@pytest.mark.parametrize(("text", "expected"), [
    ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"), ("+1", "'+1"), ("-cmd", "'-cmd"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("plain", "plain"), ("a=b", "a=b"), ("", ""), (" plain", " plain"),
    # strip-aware (OWASP): spreadsheets drop leading spaces and invisible characters before a formula
    (" =1+1", "' =1+1"), ("\u00a0=1+1", "'\u00a0=1+1"), ("\u3000+1", "'\u3000+1"), ("\u200b-1", "'\u200b-1"),
    ("\ufeff@SUM(A1)", "'\ufeff@SUM(A1)"), ("  \u200b \t", "'  \u200b \t"), ("\n=1", "'\n=1"),
])
def test_neutralise(text, expected):
    assert neutralise(text) == expected


def test_csv_keeps_numbers_joins_lists_and_neutralises_text():
    frame = pd.DataFrame({"title": ["=1+1", "Café ☕"], "artists": [["A", "=B"], []], "loudness": [-7.5, -60.0],
                          "liked": [True, False]})
    data = to_csv_bytes(frame)
    assert data.startswith("\ufeff".encode())
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", keep_default_na=False)
    assert back["title"].tolist() == ["'=1+1", "Café ☕"]
    assert back["artists"].tolist() == ["A; =B", ""]          # joined first; the cell starts with A so stays
    assert back["loudness"].tolist() == [-7.5, -60.0]         # negative numbers are numbers, not formulas
    assert csv_ready(pd.DataFrame({"g": [["-x"]]}))["g"].tolist() == ["'-x"]


def test_overview_counts(demo_library):
    o = library_overview(demo_library)
    assert o.total_tracks == demo_library.query_one("SELECT count(*) FROM tracks")[0]
    assert o.local_files >= 1
    assert o.episodes >= 1
    assert set(o.sources["kind"]) == {"liked", "playlist"}
    energy = o.coverage.set_index("field").loc["energy"]
    assert 0.85 < energy["share"] < 1
    assert "demo" in set(o.coverage_by_provider["provider"])
    assert "demo" in o.last_activity


def test_track_page_filters_search_sort_and_pages(demo_library):
    everything = track_page(demo_library, TrackFilter(), page_size=50)
    assert len(everything.rows) == 50
    assert everything.total > 2900
    flt = TrackFilter(genres=["pop"], ranges={"energy": (0.6, 1.0)}, decades=[2010, 2020])
    page = track_page(demo_library, flt, columns=["title", "energy", "genres", "decade"], sort="energy",
                      descending=False, page_size=1000)
    expected = demo_library.query_one("SELECT count(*) FROM track_view WHERE list_contains(genres, 'pop') AND "
                                      "energy BETWEEN 0.6 AND 1 AND decade IN (2010, 2020)")[0]
    assert page.total == expected == len(page.rows)
    assert page.rows["energy"].is_monotonic_increasing
    assert all("pop" in list(g) for g in page.rows["genres"])
    # search is case-insensitive over title, artists and album
    hit = demo_library.query_one("SELECT title, artists[1] FROM track_view WHERE len(artists) > 1 LIMIT 1")
    found = track_page(demo_library, TrackFilter(search=hit[1].upper()), columns=["artists"], page_size=1000)
    assert found.total > 0
    assert all(any(hit[1] == a for a in artists) or hit[1].lower() in str(row).lower()
                                   for artists, row in zip(found.rows["artists"], found.rows.values, strict=True))
    last = track_page(demo_library, TrackFilter(), page=10_000, page_size=1000)
    assert last.page == last.pages
    assert len(last.rows) == everything.total - (last.pages - 1) * 1000


def test_user_text_is_bound_not_interpolated(demo_library):
    page = track_page(demo_library, TrackFilter(search="'; DROP TABLE tracks; --", genres=["x' OR '1'='1"]))
    assert page.total == 0
    with pytest.raises(ValueError):
        track_page(demo_library, TrackFilter(), columns=["title; DROP TABLE tracks"])
    with pytest.raises(ValueError):
        track_page(demo_library, TrackFilter(ranges={"1=1) OR (energy": (0, 1)}))


def test_filter_options_and_chart_data(demo_library):
    options = filter_options(demo_library)
    assert options.sources[0][0] == "liked"
    assert "pop" in options.genres
    assert 1990 in options.decades
    assert options.ranges["energy"][0] >= 0
    liked = TrackFilter(source_ids=["liked"])
    data = chart_data(demo_library, liked, histogram="tempo", scatter=("danceability", "energy"), color="genre_family")
    assert data["decades"]["tracks"].sum() <= track_page(demo_library, liked).total
    assert len(data["genres"]) == 15
    assert list(data["scatter"].columns)[2:4] == ["danceability", "energy"]
    from lib import charts

    fig = charts.scatter(data["scatter"], "danceability", "energy", "genre_family")
    assert fig.data
    assert fig.data[0].type in ("scatter", "scattergl")
    assert charts.decades(data["decades"]).data[0].type == "bar"
    assert charts.added_over_time(data["added"].iloc[0:0]).layout.annotations  # empty → a message, no crash


def test_explore_filters_are_a_rule_and_agree_with_the_rules_page(library):
    from lib.explore import filter_rule
    from lib.rules import ordered_track_ids, parse_rule
    from tests.rules.trackdata import write_tracks

    write_tracks(library, [
        {"track_id": "a", "title": "Canción de José", "artists": ["Núñez"], "album": "Café", "genres": ["Rock"],
         "energy": 0.8, "liked": True, "decade": 2010},
        {"track_id": "b", "title": "Other", "artists": ["Bob"], "album": "x", "genres": ["rock"], "energy": 0.2,
         "liked": True, "decade": 2010},
        {"track_id": "c", "title": "Jose again", "artists": ["Ann"], "album": "y", "genres": ["Pop"], "energy": 0.9,
         "liked": False, "decade": 1990},
    ])

    def ids(flt):
        return set(track_page(library, flt, columns=["title"]).rows["track_id"])

    # case and accents are ignored alike, in the search and in the values
    assert ids(TrackFilter(search="jose")) == {"a", "c"}
    assert ids(TrackFilter(search="cafe")) == {"a"}
    assert ids(TrackFilter(search="nunez")) == {"a"}
    assert ids(TrackFilter(search="JOSÉ canción")) == {"a"}
    assert ids(TrackFilter(search="jose bob")) == set()
    assert ids(TrackFilter(genres=["ROCK"])) == {"a", "b"}       # genres like rules: case-insensitive
    flt = TrackFilter(search="jose", genres=["rock"], ranges={"energy": (0.5, 1.0)}, decades=[2010],
                      liked_only=True)
    assert ids(flt) == {"a"}
    # Save as rule: the same filters as a rule draft, which the rules engine answers the same way
    rule = filter_rule(flt, "  My   José mix ")
    assert (rule.id, rule.name) == ("my-jose-mix", "My José mix")
    assert filter_rule(flt, "My José mix", taken={"my-jose-mix", "my-jose-mix-2"}).id == "my-jose-mix-3"
    again = parse_rule(rule.definition())
    assert set(ordered_track_ids(library, again)) == ids(flt)
    assert filter_rule(TrackFilter(), "").match.conditions == []
