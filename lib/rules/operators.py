"""THE operator table: each operator's field types, value shape, label, SQL, Python match, words and twin."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lib.rules import values as V
from lib.rules.semantics import regex_hit

TEXT = ("text", "list")
TIME = ("date", "timestamp")
EVERY = ("text", "list", "number", "boolean", "date", "timestamp")


@dataclass(frozen=True)
class Operator:
    """One operator over some field types, stated once for the compiler, evaluator, validator, describer and UI.

    `sql` is an expression template: `{x}` is the field's value (never NULL or empty there: text folded by
    `fold`/strip_accents(lower()) unless `folds` is False, numbers as they are, times as TIMESTAMP), `{empty}`
    the field's own emptiness test, and every other name a bound parameter from the value shape's `bind`.
    `match` is the same test in Python over the same `x` and bound values. A list field passes when any
    non-empty element passes; `list_sql` (over the folded list) is a faster form of that, if given.
    A negative operator states only `negates`: it is exactly NOT its positive twin, nulls included.
    """

    name: str
    types: tuple[str, ...]
    value: V.Shape
    label: str
    words: str | Callable[[str, Any], str]    # "{field} contains {value}"; {lo}/{hi} for pairs
    sql: str | None = None
    match: Callable[..., bool] | None = None
    negates: str | None = None
    list_sql: str | None = None
    folds: bool = True
    bind: Callable[[Any, Any], dict] | None = None   # (value, now) -> bound values; default: the shape's

    def bound(self, value, now) -> dict:
        return (self.bind or self.value.bind)(value, now)


def _yes(field: str, value) -> str:
    return field if value else f"not {field}"


def _no(field: str, value) -> str:
    return f"not {field}" if value else field


TABLE: tuple[Operator, ...] = (
    # text and lists of texts: case and accents ignored (x and values folded)
    Operator("eq", TEXT, V.TEXT, "is", {"text": "{field} is {value}", "list": "{field} has {value}"},
             "{x} = {v}", lambda x, v: x == v, list_sql="{v} <> '' AND list_contains({x}, {v})"),
    Operator("neq", TEXT, V.TEXT, "is not", {"text": "{field} is not {value}", "list": "{field} has no {value}"},
             negates="eq"),
    Operator("contains", TEXT, V.TEXT, "contains", "{field} contains {value}", "contains({x}, {v})",
             lambda x, v: v in x),
    Operator("not_contains", TEXT, V.TEXT, "does not contain", "{field} does not contain {value}",
             negates="contains"),
    Operator("starts_with", TEXT, V.TEXT, "starts with", "{field} starts with {value}", "starts_with({x}, {v})",
             lambda x, v: x.startswith(v)),
    Operator("starts_with_word", TEXT, V.TEXT, "has a word starting with", "{field} has a word starting with {value}",
             "(starts_with({x}, {v}) OR contains({x}, ' ' || {v}))", lambda x, v: x.startswith(v) or f" {v}" in x),
    Operator("ends_with", TEXT, V.TEXT, "ends with", "{field} ends with {value}", "suffix({x}, {v})",
             lambda x, v: x.endswith(v)),
    Operator("in", TEXT, V.TEXTS, "is one of", "{field} is one of {value}",
             "list_contains(CAST({v} AS VARCHAR[]), {x})", lambda x, v: x in v,
             list_sql="list_has_any({x}, list_filter(CAST({v} AS VARCHAR[]), lambda w: w <> ''))"),
    Operator("not_in", TEXT, V.TEXTS, "is none of", "{field} is none of {value}", negates="in"),
    # Regexes (RE2, case-insensitive) are tried on the text as stored and with its accents removed.
    Operator("matches", TEXT, V.REGEX, "matches regex", "{field} matches {value}",
             "(regexp_matches({x}, {v}, 'i') OR regexp_matches(strip_accents({x}), {v}, 'i'))", regex_hit,
             folds=False),
    Operator("not_matches", TEXT, V.REGEX, "does not match regex", "{field} does not match {value}",
             negates="matches", folds=False),
    # numbers
    Operator("eq", ("number",), V.NUMBER, "=", "{field} = {value}", "{x} = {v}", lambda x, v: x == v),
    Operator("neq", ("number",), V.NUMBER, "≠", "{field} ≠ {value}", negates="eq"),
    Operator("gt", ("number",), V.NUMBER, ">", "{field} > {value}", "{x} > {v}", lambda x, v: x > v),
    Operator("gte", ("number",), V.NUMBER, "≥", "{field} ≥ {value}", "{x} >= {v}", lambda x, v: x >= v),
    Operator("lt", ("number",), V.NUMBER, "<", "{field} < {value}", "{x} < {v}", lambda x, v: x < v),
    Operator("lte", ("number",), V.NUMBER, "≤", "{field} ≤ {value}", "{x} <= {v}", lambda x, v: x <= v),
    Operator("between", ("number",), V.NUMBER_PAIR, "between", "{field} {lo}–{hi}", "({x} >= {lo} AND {x} <= {hi})",
             lambda x, lo, hi: lo <= x <= hi),
    Operator("in", ("number",), V.NUMBERS, "is one of", "{field} is one of {value}",
             "list_contains(CAST({v} AS DOUBLE[]), CAST({x} AS DOUBLE))", lambda x, v: x in v),
    Operator("not_in", ("number",), V.NUMBERS, "is none of", "{field} is none of {value}", negates="in"),
    # booleans
    Operator("eq", ("boolean",), V.BOOLEAN, "is", _yes, "{x} = {v}", lambda x, v: x == v),
    Operator("neq", ("boolean",), V.BOOLEAN, "is not", _no, negates="eq"),
    # dates and timestamps: a date means that whole day; every window is [lo, hi)
    Operator("before", TIME, V.MOMENT, "before", "{field} before {value}", "{x} < {hi}", lambda x, hi: x < hi,
             bind=V.bind_before),
    Operator("after", TIME, V.MOMENT, "after", "{field} after {value}", "{x} >= {lo}", lambda x, lo: x >= lo,
             bind=V.bind_after),
    Operator("between", TIME, V.MOMENT_PAIR, "between", "{field} {lo} to {hi}", "({x} >= {lo} AND {x} < {hi})",
             lambda x, lo, hi: lo <= x < hi),
    Operator("in_last_days", TIME, V.DAYS, "in the last … days", "{field} within the last {value} days",
             "({x} >= {lo} AND {x} < {hi})", lambda x, lo, hi: lo <= x < hi),
    Operator("not_in_last_days", TIME, V.DAYS, "not in the last … days", "{field} not within the last {value} days",
             negates="in_last_days"),
    # every type: null, '' and [] are empty
    Operator("is_empty", EVERY, V.NONE, "is empty", "{field} is empty", "{empty}", lambda empty: empty),
    Operator("is_not_empty", EVERY, V.NONE, "is not empty", "{field} is not empty", negates="is_empty"),
)

OPERATORS: dict[tuple[str, str], Operator] = {(op.name, kind): op for op in TABLE for kind in op.types}
OPERATOR_NAMES: tuple[str, ...] = tuple(dict.fromkeys(op.name for op in TABLE))
OPERATORS_BY_TYPE: dict[str, tuple[str, ...]] = {
    kind: tuple(op.name for op in TABLE if kind in op.types) for kind in EVERY}
NEGATIVE_TWINS: dict[str, str] = {op.name: op.negates for op in TABLE if op.negates}
OP_LABELS: dict[str, str] = {op.name: op.label for op in reversed(TABLE)}   # first row wins


def operator(name: str, kind: str) -> Operator:
    """The table's row for `name` on a field of type `kind`; ValueError if it does not apply."""
    try:
        return OPERATORS[(name, kind)]
    except KeyError:
        raise ValueError(f"operator {name!r} does not fit {kind} fields;"
                         f" use one of: {', '.join(OPERATORS_BY_TYPE.get(kind, ()))}") from None


def check_value(kind: str, name: str, value):
    """The value normalised for storage, or ValueError saying what is wrong with it."""
    shape = operator(name, kind).value
    if shape is V.NONE and value is not None:
        raise ValueError(f"operator {name!r} takes no value, got {V.describe_value(value)}")
    return shape.check(value)


def positive(name: str, kind: str) -> tuple[Operator, bool]:
    """(the row that holds the test, whether the result is negated)."""
    row = operator(name, kind)
    return (operator(row.negates, kind), True) if row.negates else (row, False)


def operator_label(name: str, kind: str | None = None) -> str:
    """The UI's label for an operator (on that field type when given)."""
    if kind is not None and (name, kind) in OPERATORS:
        return OPERATORS[(name, kind)].label
    return OP_LABELS.get(name, name)


def describe(name: str, kind: str, field: str, value) -> str:
    """The condition in words, e.g. 'energy ≥ 0.7'."""
    row = operator(name, kind)
    words = row.words[kind] if isinstance(row.words, dict) else row.words
    if callable(words):
        return words(field, value)
    return words.format(field=field, **row.value.show(value))
