"""Rules as text: `genre:rock year:2010..2019 -playlist:Workout (mood:happy OR mood:calm) sort:-added limit:100`."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pydantic

from lib.errors import ValidationError
from lib.rules.fields import CUSTOM_NAME, FIELDS, NEGATIVE_TWINS, RANDOM_SORT, field_info
from lib.rules.limits import MAX_DEPTH
from lib.rules.models import RULE_ID, Limit, RuleCondition
from lib.rules.operators import operator as operator_row

# Short names accepted and written for the most used fields; every field also answers to its own name.
ALIASES = {"genre": "genres", "playlist": "playlists", "tag": "tags", "year": "release_year",
           "added": "added_at", "released": "release_date", "liked_on": "liked_at"}
SHORT_NAMES = {field: alias for alias, field in ALIASES.items()}
POSITIVE_OF = NEGATIVE_TWINS
NEGATIVE_OF = {positive: negative for negative, positive in NEGATIVE_TWINS.items()}
# Operators written as a prefix before the value (`title:^love`, `energy:>=0.7`); the rest have their own shape.
PREFIXES = {"matches": ":", "contains": "~", "starts_with": "^", "ends_with": "$",
            "gte": ">=", "lte": "<=", "gt": ">", "lt": "<"}
TIME_PREFIXES = {"before": "<", "after": ">"}
EMPTY_WORD = "empty"
RULE_KEY = "in"                    # in:rule-id is in_rule, -in:rule-id not_in_rule
_NUMBER = re.compile(r"-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")
_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?:\.([a-z_]+))?:")
_STOP = set(' \t\r\n()"')
_SPECIAL_START = tuple(":~^$<>")


class QueryTextError(ValidationError):
    """The text is not a rule; `position` is the 0-based offset of the problem in `text`."""

    def __init__(self, text: str, position: int, problem: str):
        self.text, self.position, self.problem = text, position, problem
        super().__init__(f"column {position + 1}: {problem}\n  {text}\n  {' ' * position}^")


@dataclass
class _Cursor:
    text: str
    pos: int = 0

    def fail(self, problem: str, at: int | None = None):
        raise QueryTextError(self.text, self.pos if at is None else at, problem)

    def skip_space(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def peek(self, n: int = 1) -> str:
        return self.text[self.pos:self.pos + n]

    def at_word(self, word: str) -> bool:
        end = self.pos + len(word)
        return self.text.startswith(word, self.pos) and (end == len(self.text) or self.text[end] in _STOP)

    def atom(self, stop: str = "", ranged: bool = False) -> tuple[str, bool]:
        """A quoted string (with \\" and \\\\ escapes) or a bare run of text; (value, was_quoted)."""
        if self.peek() == '"':
            start, out = self.pos, []
            self.pos += 1
            while self.pos < len(self.text):
                ch = self.text[self.pos]
                if ch == "\\" and self.peek(2)[1:] in ('"', "\\"):
                    out.append(self.text[self.pos + 1])
                    self.pos += 2
                elif ch == '"':
                    self.pos += 1
                    return "".join(out), True
                else:
                    out.append(ch)
                    self.pos += 1
            self.fail("this quote is never closed", start)
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] not in _STOP and self.text[self.pos] not in stop \
                and not (ranged and self.peek(2) == ".."):
            self.pos += 1
        return self.text[start:self.pos], False


# ---------------------------------------------------------------- text → rule definition

def _field_name(cur: _Cursor, name: str, at: int) -> str:
    field = ALIASES.get(name, name)
    if field not in FIELDS and not CUSTOM_NAME.match(field):
        cur.fail(f"unknown field {name!r} (custom fields are named x_<name>)", at)
    return field


def _scalar(cur: _Cursor, field: str, kind: str, raw: str, quoted: bool, at: int, flexible: bool = False):
    """A value of the field's type from one atom; where the operator leaves a custom field's type open
    (`flexible`), a bare number is a number and anything else text."""
    if kind == "number" or (flexible and _is_custom(field) and not quoted and _NUMBER.match(raw)):
        if not _NUMBER.match(raw):
            cur.fail(f"{raw!r} is not a number", at)
        return float(raw) if any(c in raw for c in ".eE") else int(raw)
    if kind == "boolean":
        if raw.lower() not in ("true", "false", "yes", "no"):
            cur.fail(f"{raw!r} is not true or false", at)
        return raw.lower() in ("true", "yes")
    return raw


def _is_custom(field: str) -> bool:
    return field.startswith("x_") and field not in FIELDS


def _kind(field: str, operator: str, sample) -> str:
    return field_info(field, operator, sample).type


def _value_list(cur: _Cursor, field: str, kind_of, ranged: bool | None = None) -> tuple[str, object]:
    """After `field:` with no prefix: `a` (eq), `a,b` (in), `a..b` (between), `a..` / `..b` (open range)."""
    if ranged is None:
        ranged = kind_of("between", 0) in ("number", "date", "timestamp")
    items, starts = [], []
    while True:
        starts.append(cur.pos)
        items.append(cur.atom(",", ranged))
        if cur.peek() == ",":
            cur.pos += 1
            continue
        break
    if len(items) > 1:
        if items[-1] == ("", False):
            items.pop()                 # `rock,` is the list of one; `,` alone the empty list
        if items == [("", False)]:
            items = []
        for (raw, quoted), at in zip(items, starts, strict=False):
            if raw == "" and not quoted:
                cur.fail("empty item in a list (quote it: \"\")", at)
        sample = _scalar(cur, field, kind_of("in", None), *items[0], starts[0], True) if items else None
        kind = kind_of("in", sample)
        return "in", [_scalar(cur, field, kind, raw, quoted, at) for (raw, quoted), at in zip(items, starts,
                                                                                               strict=False)]
    (raw, quoted), at = items[0], starts[0]
    if ranged and cur.peek(2) == "..":
        cur.pos += 2
        high_at = cur.pos
        high, high_quoted = cur.atom(",", ranged)
        kind = kind_of("between", 0)
        if kind != "number" and "" in (raw, high):
            cur.fail("a date range needs both ends (or use < and >)", at)
        if raw == "" and not quoted:
            return "lte", _scalar(cur, field, kind, high, high_quoted, high_at)
        low = _scalar(cur, field, kind, raw, quoted, at)
        if high == "" and not high_quoted:
            return "gte", low
        return "between", [low, _scalar(cur, field, kind, high, high_quoted, high_at)]
    if not quoted and raw == EMPTY_WORD:
        return "is_empty", None
    if kind_of("eq", None) in ("date", "timestamp"):
        return "between", [raw, raw]    # a bare date means that whole day
    if raw == "" and not quoted:
        cur.fail('missing value (write "" for an empty text)', at)
    return "eq", _scalar(cur, field, kind_of("eq", None), raw, quoted, at, True)


def _shape(field: str, operator: str, cur: _Cursor | None) -> str:
    """none | pair | list | scalar: how the operator table says this operator's value looks."""
    try:
        name = operator_row(operator, field_info(field, operator).type).value.name
    except ValueError as exc:
        if cur is None:
            raise
        cur.fail(str(exc))
    return {"none": "none", "number pair": "pair", "date pair": "pair", "texts": "list", "numbers": "list"}.get(
        name, "scalar")


def _value(cur: _Cursor, field: str, operator: str | None, start: int) -> tuple[str, object]:
    """Read the value after `field:` (or `field.operator:`); return (operator, value)."""
    def kind_of(op, sample):
        return _kind(field, op, sample)

    if operator is not None:           # the general form, for every operator: `field.operator:value`
        shape = _shape(field, operator, cur)
        if shape == "none":
            return operator, None
        at = cur.pos
        if shape == "scalar":
            raw, quoted = cur.atom()
            return operator, _scalar(cur, field, kind_of(operator, None), raw, quoted, at,
                                     operator in ("eq", "neq"))
        got, value = _value_list(cur, field, kind_of, ranged=shape == "pair")
        if (shape == "pair") != (got == "between") or (shape == "list") != (got == "in"):
            cur.fail(f"{operator} takes {'low..high' if shape == 'pair' else 'a list a,b,c'}", at)
        return operator, value
    for op, prefix in PREFIXES.items():
        if cur.text.startswith(prefix, cur.pos):
            cur.pos += len(prefix)
            at = cur.pos
            kind = kind_of(op, None)
            if kind in ("date", "timestamp"):
                if op not in ("gt", "lt"):
                    cur.fail("dates take < (before), > (after), <30d (in the last 30 days) or a..b", start)
                return _time_prefix(cur, op)
            if op not in field_info(field, op).operators:
                cur.fail(f"operator {op!r} ({prefix}) does not fit {kind} field {field!r}", start)
            raw, quoted = cur.atom()
            if raw == "" and not quoted:
                cur.fail('missing value (write "" for an empty text)', at)
            return op, _scalar(cur, field, kind, raw, quoted, at)
    return _value_list(cur, field, kind_of)


def _time_prefix(cur: _Cursor, op: str) -> tuple[str, object]:
    raw, quoted = cur.atom()
    if op == "lt" and not quoted and raw.endswith("d") and _NUMBER.match(raw[:-1]):
        days = raw[:-1]
        return "in_last_days", float(days) if any(c in days for c in ".eE") else int(days)
    return ("before" if op == "lt" else "after"), raw


def _condition(cur: _Cursor, negate: bool) -> dict:
    start = cur.pos
    match = _KEY.match(cur.text, cur.pos)
    if match is None:
        word, _ = cur.atom()
        if not word and cur.peek() == '"':
            word = "a quoted text"
        cur.fail(f"expected field:value, got {word!r}" if word else "expected field:value", start)
    field = _field_name(cur, match.group(1), start)
    operator = match.group(2)
    cur.pos = match.end()
    op, value = _value(cur, field, operator, start)
    if cur.pos < len(cur.text) and not cur.text[cur.pos].isspace() and cur.text[cur.pos] != ")":
        cur.fail("unexpected text after the value (quote values holding spaces, commas, quotes or brackets)")
    node: dict = {"field": field, "operator": op}
    if negate and op in NEGATIVE_OF:
        node["operator"], negate = NEGATIVE_OF[op], False
    if value is not None:
        node["value"] = value
    try:
        RuleCondition.model_validate(node)
    except pydantic.ValidationError as exc:
        cur.fail(exc.errors()[0]["msg"].removeprefix("Value error, "), start)
    return {"operator": "and", "negate": True, "conditions": [node]} if negate else node


def _item(cur: _Cursor, depth: int, directives: dict | None):
    start = cur.pos
    negate = cur.peek() == "-"
    if negate:
        cur.pos += 1
    if cur.peek() == "(":
        cur.pos += 1
        group = _body(cur, depth + 1, None)
        cur.skip_space()
        if cur.peek() != ")":
            cur.fail("this bracket is never closed", start + negate)
        cur.pos += 1
        return {**group, "negate": negate}
    match = _KEY.match(cur.text, cur.pos)
    if match and match.group(1) == RULE_KEY and match.group(2) is None:    # in:other-rule, -in:other-rule
        cur.pos = match.end()
        at = cur.pos
        rule_id, _ = cur.atom()
        if not re.fullmatch(RULE_ID, rule_id):
            cur.fail("in: takes the id of another rule (a-z, 0-9, - and _)", at)
        return {"not_in_rule" if negate else "in_rule": rule_id}
    if match and match.group(1) in DIRECTIVES and match.group(2) is None:
        if directives is None or negate:
            cur.fail(f"{match.group(1)}: belongs at the top level of the query, not negated or in brackets", start)
        cur.pos = match.end()
        DIRECTIVES[match.group(1)][0](cur, directives)
        return None
    return _condition(cur, negate)


def _body(cur: _Cursor, depth: int, directives: dict | None) -> dict:
    if depth > MAX_DEPTH:
        cur.fail(f"brackets nested more than {MAX_DEPTH} deep")
    alternatives: list[list] = [[]]
    while True:
        cur.skip_space()
        if cur.pos >= len(cur.text) or cur.peek() == ")":
            break
        if cur.at_word("OR"):
            cur.pos += 2
            alternatives.append([])
            continue
        item = _item(cur, depth, directives)
        if item is not None:
            alternatives[-1].append(item)
    if len(alternatives) == 1:
        return {"operator": "and", "negate": False, "conditions": alternatives[0]}
    children = [items[0] if len(items) == 1 else {"operator": "and", "negate": False, "conditions": items}
                for items in alternatives if items]
    return {"operator": "or", "negate": False, "conditions": children}


def parse_query(text: str) -> dict:
    """The rule parts a query sets: {'match', 'sort', 'limit', 'dedupe', 'seed'}; QueryTextError points at a problem."""
    cur = _Cursor(text)
    parts: dict = {"sort": [], "limit": None, "dedupe": "track", "seed": None, **dict.fromkeys(CAPS.values())}
    group = _body(cur, 0, parts)
    if cur.pos < len(text):
        cur.fail("this bracket closes nothing")
    conditions = group["conditions"]
    if group["operator"] == "and" and len(conditions) == 1 and "conditions" in conditions[0]:
        group = conditions[0]           # `(a OR b)` and `-(a b)` are the whole match
    return {"match": group, **parts}


def rule_from_text(text: str, base: dict | None = None):
    """A PlaylistRuleSet: `base` (id, name, description, enabled) with the match, order and limit of `text`."""
    from lib.rules.parse import parse_rule

    head = {k: v for k, v in (base or {"id": "query", "name": "Query"}).items() if k not in TEXT_KEYS}
    parts = {k: v for k, v in parse_query(text).items() if v is not None}
    return parse_rule({**head, **parts})


# ---------------------------------------------------------------- directives: sort, limit, dedupe, seed

def _read_sort(cur: _Cursor, parts: dict) -> None:
    while True:
        at = cur.pos
        desc = cur.peek() == "-"
        cur.pos += desc
        name, _ = cur.atom(",")
        field = name if name == RANDOM_SORT else ALIASES.get(name, name)
        info = None if field == RANDOM_SORT else field_info(field, "gt")
        if field != RANDOM_SORT and (info is None or info.type == "list"):
            cur.fail(f"cannot sort by {name!r}", at)
        parts["sort"].append({"field": field, "direction": "desc" if desc else "asc"})
        if cur.peek() != ",":
            return
        cur.pos += 1


def _read_limit(cur: _Cursor, parts: dict) -> None:
    at = cur.pos
    raw, _ = cur.atom()
    minutes = raw.endswith("m")
    number = raw[:-1] if minutes else raw
    if not _NUMBER.match(number) or (not minutes and not number.isdigit()):
        cur.fail("limit takes a number of tracks (limit:100) or of minutes (limit:90m)", at)
    limit = {"minutes": float(number)} if minutes else {"tracks": int(number)}
    try:
        Limit.model_validate(limit)
    except pydantic.ValidationError as exc:
        cur.fail("limit: " + exc.errors()[0]["msg"].removeprefix("Value error, "), at)
    parts["limit"] = limit


def _read_dedupe(cur: _Cursor, parts: dict) -> None:
    at = cur.pos
    raw, _ = cur.atom()
    if raw not in ("track", "isrc", "title_artist"):
        cur.fail("dedupe takes track, isrc or title_artist", at)
    parts["dedupe"] = raw


def _read_seed(cur: _Cursor, parts: dict) -> None:
    at = cur.pos
    raw, _ = cur.atom()
    if not re.fullmatch(r"-?\d{1,18}", raw):
        cur.fail("seed takes a whole number", at)
    parts["seed"] = int(raw)


def _caps(name: str):
    def read(cur: _Cursor, parts: dict) -> None:
        at = cur.pos
        raw, _ = cur.atom()
        if not re.fullmatch(r"\d{1,6}", raw) or int(raw) < 1:
            cur.fail(f"{name}: takes a whole number of tracks, 1 or more", at)
        parts[CAPS[name]] = int(raw)

    def show(rule: dict) -> list[str]:
        return [f"{name}:{int(rule[CAPS[name]])}"] if rule.get(CAPS[name]) else []
    return read, show


def _show_sort(rule: dict) -> list[str]:
    keys = [("-" if k.get("direction") == "desc" else "") + SHORT_NAMES.get(k["field"], k["field"])
            for k in rule.get("sort") or []]
    return ["sort:" + ",".join(keys)] if keys else []


def _show_limit(rule: dict) -> list[str]:
    limit = rule.get("limit") or {}
    if limit.get("tracks") is not None:
        return [f"limit:{int(limit['tracks'])}"]
    if limit.get("minutes") is not None:
        return [f"limit:{_number(limit['minutes']).removesuffix('.0')}m"]
    return []


CAPS = {"per_artist": "max_per_artist", "per_album": "max_per_album", "separate": "separate_artists"}
# name → (read the value after `name:` into the parts, write the parts back as terms). Add new ones here.
DIRECTIVES = {
    "sort": (_read_sort, _show_sort),
    "limit": (_read_limit, _show_limit),
    "dedupe": (_read_dedupe, lambda r: [f"dedupe:{r['dedupe']}"] if r.get("dedupe", "track") != "track" else []),
    "seed": (_read_seed, lambda r: [f"seed:{int(r['seed'])}"] if r.get("seed") is not None else []),
    **{name: _caps(name) for name in CAPS},
}
# The rule keys the text states; the others (id, name, a mix, ...) come from the rule it edits.
TEXT_KEYS = ("match", "sort", "limit", "dedupe", "seed", *CAPS.values())


# ---------------------------------------------------------------- rule → text

def _number(value) -> str:
    return repr(float(value)) if isinstance(value, float) else str(int(value))


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _atom(value, field: str, kind: str, regex: bool = False) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return _number(value)
    text = str(value)
    custom_text = _is_custom(field)
    bare = (text != "" and not any(c in _STOP for c in text) and (regex or (
        "," not in text and ".." not in text and not text.startswith(_SPECIAL_START) and text != EMPTY_WORD
        and not (custom_text and _NUMBER.match(text)))))
    return text if bare else _quote(text)


def _show_condition(node: dict) -> str:
    field, op, value = node["field"], node["operator"], node.get("value")
    kind = _kind(field, op, value)
    name = SHORT_NAMES.get(field, field)
    sign = "-" if op in POSITIVE_OF else ""
    op = POSITIVE_OF.get(op, op)
    if op == "is_empty":
        body = EMPTY_WORD
    elif op == "in":
        items = [_atom(v, field, kind) for v in value]
        body = ",".join(items) + ("," if len(items) < 2 else "")
    elif op == "between":
        body = f"{_atom(value[0], field, kind)}..{_atom(value[1], field, kind)}"
    elif op == "in_last_days":
        body = f"<{_number(value)}d"
    elif op in TIME_PREFIXES:
        body = TIME_PREFIXES[op] + _atom(value, field, kind)
    elif op in PREFIXES:
        body = PREFIXES[op] + _atom(value, field, kind, regex=op == "matches")
    elif op == "eq":
        body = _atom(value, field, kind)
    else:                               # an operator with no short form: `field.operator:value`
        shape = _shape(field, node["operator"], None)
        if shape == "pair":
            body = f"{_atom(value[0], field, kind)}..{_atom(value[1], field, kind)}"
        elif shape == "list":
            body = ",".join(_atom(v, field, kind) for v in value) + ("," if len(value) < 2 else "")
        else:
            body = "" if value is None else _atom(value, field, kind)
        return f"{name}.{node['operator']}:{body}"
    return f"{sign}{name}:{body}"


def _show_item(node: dict) -> str:
    if "field" in node:
        return _show_condition(node)
    if "in_rule" in node or "not_in_rule" in node:
        return f"-{RULE_KEY}:{node['not_in_rule']}" if node.get("not_in_rule") else f"{RULE_KEY}:{node['in_rule']}"
    return ("-" if node.get("negate") else "") + "(" + _show_body(node) + ")"


def _show_body(group: dict) -> str:
    items = [_show_item(c) for c in group.get("conditions", [])]
    if group.get("operator", "and") == "and":
        return " ".join(items)
    return " OR ".join(items) if len(items) > 1 else (items[0] + " OR" if items else "OR")


def rule_to_text(rule) -> str:
    """The query text of a rule (or its definition dict): match, then sort, limit, dedupe and seed."""
    data = rule.definition() if hasattr(rule, "definition") else rule
    group = data.get("match") or {"operator": "and", "conditions": []}
    children = group.get("conditions", [])
    if group.get("negate"):
        match = "-(" + _show_body(group) + ")"
    elif group.get("operator", "and") == "and" and len(children) == 1 and "conditions" in children[0]:
        match = "(" + _show_body(group) + ")"      # else it would read back as the inner group itself
    else:
        match = _show_body(group)
    terms = [match] if match else []
    for _read, show in DIRECTIVES.values():
        terms += show(data)
    return " ".join(terms)
