"""Hypothesis strategies: random tracks (nulls, empty strings and lists, odd case) and random rules."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import strategies as st

from lib.rules.fields import FIELDS, OPERATORS_BY_TYPE

WORDS = ["", "a", "A", "ab", "Ab", "é", "É", "Σας", "σας", "İi", "ı", "rock", "Rock n roll", "hip hop", "café",
         "🎉", "x y", "0"]
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

maybe_word = st.one_of(st.none(), st.sampled_from(WORDS))
word_list = st.lists(st.sampled_from(WORDS), max_size=3)


@st.composite
def track(draw, index: int) -> dict:
    return {
        "track_id": f"t{index:03d}", "title": draw(st.sampled_from(WORDS)), "artist": draw(maybe_word),
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


def _time_text(draw) -> str:
    moment = draw(st.sampled_from(MOMENTS + [datetime.combine(d, datetime.min.time()) for d in DAYS]))
    return moment.date().isoformat() if draw(st.booleans()) else moment.isoformat()


@st.composite
def condition(draw) -> dict:
    field = draw(st.sampled_from(TEXT_FIELDS + LIST_FIELDS + NUMBER_FIELDS + BOOL_FIELDS + TIME_FIELDS
                                 + ["x_bpm", "x_vibe"]))
    kind = {"x_bpm": "number", "x_vibe": "text"}.get(field) or FIELDS[field].type
    operator = draw(st.sampled_from(OPERATORS_BY_TYPE[kind]))
    if operator in ("is_empty", "is_not_empty"):
        return {"field": field, "operator": operator}
    if kind in ("text", "list"):
        if operator in ("in", "not_in"):
            value = draw(st.lists(st.sampled_from(WORDS), max_size=3))
        elif operator in ("matches", "not_matches"):
            value = draw(st.sampled_from(PATTERNS))
        else:
            value = draw(st.sampled_from(WORDS))
    elif kind == "number":
        if operator == "between":
            value = sorted(draw(st.lists(st.sampled_from(NUMBERS + [60_000, 100]), min_size=2, max_size=2)))
        elif operator in ("in", "not_in"):
            value = draw(st.lists(st.sampled_from(NUMBERS + [60_000, 50]), max_size=3))
        else:
            value = draw(st.sampled_from(NUMBERS + [60_000, 50]))
    elif kind == "boolean":
        value = draw(st.booleans())
    elif operator in ("in_last_days", "not_in_last_days"):
        value = draw(st.sampled_from([0, 1, 7, 7.25, 30, 365, 10_000]))
    elif operator == "between":
        first, second = _time_text(draw), _time_text(draw)
        value = sorted([first, second], key=lambda t: datetime.fromisoformat(t))
    else:
        value = _time_text(draw)
    return {"field": field, "operator": operator, "value": value}


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
