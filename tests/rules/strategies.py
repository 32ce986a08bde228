"""Hypothesis strategies: random tracks (nulls, empty strings and lists, odd case) and random rules."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import strategies as st

from lib.rules import values as V
from lib.rules.operators import OPERATORS

WORDS = ["", "a", "A", "ab", "Ab", "é", "É", "Σας", "σας", "İi", "ı", "rock", "Rock n roll", "hip hop", "café",
         "🎉", "x y", "0", "José", "jose", "Núñez", "NUNEZ", "CAFE", "e\u0301", "ǅ", "ß", "ﬁ", "\u0301"]
NUMBERS = [0, 0.25, 0.5, 0.7, 1, 0.1 + 0.2, -3.5, 1999, 2010]
BASE = datetime(2026, 1, 1, 12, 0, 0)
MOMENTS = [BASE + timedelta(days=d, hours=h) for d in (-400, -30, -7, -1, 0, 2) for h in (0, 6)]
DAYS = [date(1999, 12, 31), date(2010, 6, 1), date(2025, 12, 25), date(2026, 1, 1)]
PATTERNS = ["", "^a", "b$", "a.", "[éÉ]", "σ", r"\d", "^(rock|hip)", "ı", "İ", "x y", "^$"]

TEXT_FIELDS = ["title", "artist", "album", "isrc", "mood"]
LIST_FIELDS = ["artists", "genres", "playlists"]
NUMBER_FIELDS = ["energy", "release_year", "duration_ms", "popularity"]
BOOL_FIELDS = ["explicit", "liked"]
TIME_FIELDS = ["added_at", "release_date"]

# Any assigned character (DuckDB's Unicode data may know code points this Python does not).
text_value = st.sampled_from(WORDS) | st.text(st.characters(exclude_categories=("Cs", "Cn")), max_size=3)
maybe_word = st.one_of(st.none(), text_value)
word_list = st.lists(text_value, max_size=3)


@st.composite
def track(draw, index: int) -> dict:
    return {
        "track_id": f"t{index:03d}", "title": draw(text_value), "artist": draw(maybe_word),
        "album": draw(maybe_word), "isrc": draw(st.one_of(st.none(), st.sampled_from(["I1", "I2", "i1"]))),
        "mood": draw(maybe_word), "artists": draw(word_list), "genres": draw(word_list),
        "playlists": draw(word_list),
        "energy": draw(st.one_of(st.none(), st.sampled_from([0, 0.25, 0.5, 0.7, 1, 0.1 + 0.2]))),
        "release_year": draw(st.one_of(st.none(), st.sampled_from([1999, 2010, 2026]))),
        "duration_ms": draw(st.one_of(st.none(), st.sampled_from([0, 60_000, 120_000, 250_000]))),
        "popularity": draw(st.one_of(st.none(), st.sampled_from([0, 50, 100]))),
        "explicit": draw(st.one_of(st.none(), st.booleans())), "liked": draw(st.booleans()),
        "added_at": draw(st.one_of(st.none(), st.sampled_from(MOMENTS))),
        "release_date": draw(st.one_of(st.none(), st.sampled_from(DAYS))),
        "custom_num": draw(st.dictionaries(st.just("bpm"), st.sampled_from(NUMBERS))),
        "custom_text": draw(st.dictionaries(st.just("vibe"), st.sampled_from(WORDS))),
    }


@st.composite
def tracks(draw, min_size: int = 0, max_size: int = 12) -> list[dict]:
    size = draw(st.integers(min_size, max_size))
    return [draw(track(i)) for i in range(size)]


FIELDS_BY_KIND = {"text": TEXT_FIELDS + ["x_vibe"], "list": LIST_FIELDS, "number": NUMBER_FIELDS + ["x_bpm"],
                  "boolean": BOOL_FIELDS, "date": ["release_date"], "timestamp": ["added_at"]}
# A value strategy for every value shape of the operator table (a test checks none is missing).
SHAPE_VALUES = {
    V.TEXT: text_value,
    V.TEXTS: st.lists(text_value, max_size=3),
    V.REGEX: st.sampled_from(PATTERNS),
    V.NUMBER: st.sampled_from(NUMBERS + [60_000, 50]),
    V.NUMBERS: st.lists(st.sampled_from(NUMBERS + [60_000, 50]), max_size=3),
    V.NUMBER_PAIR: st.lists(st.sampled_from(NUMBERS + [60_000, 100]), min_size=2, max_size=2).map(sorted),
    V.BOOLEAN: st.booleans(),
    V.MOMENT: st.builds(lambda m, d: m.date().isoformat() if d else m.isoformat(),
                        st.sampled_from(MOMENTS + [datetime.combine(d, datetime.min.time()) for d in DAYS]),
                        st.booleans()),
    V.DAYS: st.sampled_from([0, 1, 7, 7.25, 30, 365, 10_000]),
    V.NONE: st.none(),
}
SHAPE_VALUES[V.MOMENT_PAIR] = st.lists(SHAPE_VALUES[V.MOMENT], min_size=2, max_size=2).map(
    lambda pair: sorted(pair, key=datetime.fromisoformat))


@st.composite
def condition(draw, key: tuple[str, str] | None = None) -> dict:
    """A condition for one (operator, field type) of the table, or any of them."""
    name, kind = key or draw(st.sampled_from(sorted(OPERATORS)))
    row = OPERATORS[(name, kind)]
    field = draw(st.sampled_from(FIELDS_BY_KIND[kind]))
    value = draw(SHAPE_VALUES[row.value])
    return {"field": field, "operator": name} if value is None else {"field": field, "operator": name, "value": value}


def group(max_depth: int = 3):
    def extend(children):
        return st.builds(lambda op, neg, items: {"operator": op, "negate": neg, "conditions": items},
                         st.sampled_from(["and", "or"]), st.booleans(), st.lists(children, max_size=4))
    return st.builds(lambda op, neg, items: {"operator": op, "negate": neg, "conditions": items},
                     st.sampled_from(["and", "or"]), st.booleans(),
                     st.lists(st.recursive(condition(), extend, max_leaves=8), max_size=4))


SORT_FIELDS = ["title", "artist", "energy", "release_year", "added_at", "release_date", "explicit", "liked",
               "duration_ms", "random", "x_bpm"]


@st.composite
def rule(draw) -> dict:
    data = {"id": "prop", "name": "Property", "match": draw(group())}
    data["sort"] = draw(st.lists(st.builds(lambda f, d: {"field": f, "direction": d}, st.sampled_from(SORT_FIELDS),
                                           st.sampled_from(["asc", "desc"])), max_size=3))
    data["seed"] = draw(st.one_of(st.none(), st.integers(-5, 5)))
    data["dedupe"] = draw(st.sampled_from(["track", "isrc", "title_artist"]))
    data["limit"] = draw(st.one_of(st.none(), st.builds(lambda n: {"tracks": n}, st.integers(1, 8)),
                                   st.builds(lambda m: {"minutes": m}, st.sampled_from([0.5, 2, 4.5, 7, 30]))))
    return data
