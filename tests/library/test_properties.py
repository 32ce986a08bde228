"""Property-based checks of the CSV round trips: names with separators, escapes and formula characters."""

from __future__ import annotations

import csv
import io

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.export import is_formula_like, neutralise, to_csv_bytes
from lib.imports import parse_exportify, split_names

# Names as they appear in real files: any printable text, with the separators themselves inside.
names = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=20).map(str.strip).filter(
    lambda s: s and ";" not in s and "\\" not in s)


@given(st.lists(names, min_size=1, max_size=4))
def test_classic_escaped_commas_round_trip(artists):
    cell = ",".join(a.replace(",", "\\,") for a in artists)
    assert split_names(cell, "watsonbox") == artists


@given(st.lists(names, min_size=1, max_size=4))
def test_new_layout_semicolons_round_trip(artists):
    # The layout is told by the file (any ";" in it), so a single name with commas stays whole.
    assert split_names(";".join(artists), "pavelkomarov", semicolons=True) == artists


@given(st.text(max_size=30))
def test_neutralise_is_safe_and_reversible(text):
    out = neutralise(text)
    assert not is_formula_like(out)
    assert out == text or (out == "'" + text and is_formula_like(text))


@settings(max_examples=40, deadline=None)
@given(title=st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1,
                     max_size=40).filter(lambda s: s.strip() and s == s.strip()),
       artist=names.filter(lambda s: "," not in s))
def test_any_title_survives_exportify_csv(title, artist):
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["Track URI", "Track Name", "Artist Name(s)", "Album Name", "Energy"])
    writer.writerow(["spotify:track:4uLU6hMCjMI75M1A2tKUQC", title, artist, "", "-0.5"])
    parsed, rows = parse_exportify(out.getvalue().encode())
    assert parsed.errors.count == 0
    assert rows["title"].to_pylist() == [title]
    assert rows["artist_names"].to_pylist() == [[artist]]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(max_size=15), min_size=1, max_size=5), st.floats(-100, 100, allow_nan=False))
def test_export_round_trip_keeps_numbers(texts, number):
    frame = pd.DataFrame({"text": texts, "number": [number] * len(texts)})
    back = pd.read_csv(io.BytesIO(to_csv_bytes(frame)), encoding="utf-8-sig", keep_default_na=False,
                       dtype={"text": str})
    assert back["number"].tolist() == [number] * len(texts)
    assert back["text"].tolist() == [neutralise(t) for t in texts]
