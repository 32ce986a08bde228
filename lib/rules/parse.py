"""Reading rules and rules files, turning pydantic errors into messages naming rule, path and problem."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pydantic

from lib.errors import ValidationError
from lib.rules.limits import MAX_DEPTH, MAX_JSON_NESTING, too_deep_at
from lib.rules.models import PlaylistRuleSet, RulesFile, needs_v2

_TAGS = ("condition", "group", "ref")


class RuleValidationError(ValidationError):
    """One or more rules are invalid; `errors` lists every problem, nothing was stored."""

    def __init__(self, errors: list[str]):
        self.errors = list(errors)
        shown = "\n".join(f"  - {e}" for e in self.errors[:20])
        more = f"\n  … and {len(self.errors) - 20} more" if len(self.errors) > 20 else ""
        super().__init__(f"{len(self.errors)} problem(s) in the rules:\n{shown}{more}")


def format_path(loc: tuple) -> str:
    """('match', 'conditions', 2, 'condition', 'value') → 'match.conditions[2].value'."""
    text = ""
    for i, part in enumerate(loc):
        if isinstance(part, int):
            text += f"[{part}]"
        elif part in _TAGS and i >= 2 and isinstance(loc[i - 1], int) and loc[i - 2] == "conditions":
            continue    # the union's tag, not a key of the document
        else:
            text += f".{part}" if text else str(part)
    return text


def _message(err: dict) -> str:
    msg = err["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
    if err["type"] == "extra_forbidden":
        msg = "unknown key (not part of the rules format)"
    elif err["type"] in ("model_type", "dict_type", "model_attributes_type"):
        in_list = len(err["loc"]) >= 2 and err["loc"][-2] == "conditions" or (
            len(err["loc"]) >= 3 and err["loc"][-3] == "conditions" and err["loc"][-1] in _TAGS)
        msg = ("must be a condition {field, operator, value} or a group {operator, conditions}" if in_list
               else "must be a JSON object")
    elif err["type"] == "missing":
        msg = "required key is missing"
    elif err["type"] in ("enum", "literal_error"):
        choices = str(err.get("ctx", {}).get("expected", "")).replace("'", "").replace(" or ", ", ")
        msg = f"{_given(err.get('input'))} is not one of {choices}"
    return msg


def _given(value: Any) -> str:
    text = repr(value) if isinstance(value, str | int | float | bool) or value is None else type(value).__name__
    return text if len(text) <= 60 else text[:57] + "..."


def _rule_label(data: Any, index: int | None) -> str:
    rules = data.get("rules") if isinstance(data, dict) else None
    if index is not None and isinstance(rules, list) and index < len(rules):
        rid = rules[index].get("id") if isinstance(rules[index], dict) else None
        if isinstance(rid, str) and rid:
            return f"rule {rid!r}"
        return f"rule #{index + 1}"
    return "rules file"


def errors_of(exc: pydantic.ValidationError, data: Any, *, single: bool = False) -> list[str]:
    """Readable messages: 'rule "x": match.conditions[2].conditions[0]: <what is wrong>'."""
    out = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        if single:
            rid = data.get("id") if isinstance(data, dict) else None
            label = f"rule {rid!r}" if isinstance(rid, str) and rid else "rule"
        elif len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
            label, loc = _rule_label(data, loc[1]), loc[2:]
        else:
            label = "rules file"
        path = format_path(loc)
        out.append(f"{label}: {path}: {_message(err)}" if path else f"{label}: {_message(err)}")
    return out


def _load_json(text: str, origin: str) -> Any:
    # Depth first, without parsing: json.loads recurses and would fail on a deeply nested document.
    where = too_deep_at(text)
    if where:
        raise RuleValidationError([f"{origin}: line {where[0]}, column {where[1]}: brackets nest more than"
                                   f" {MAX_JSON_NESTING} deep (groups nest at most {MAX_DEPTH} levels deep)"])
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise RuleValidationError([f"{origin} is not valid JSON: {exc.msg} at line {exc.lineno},"
                                   f" column {exc.colno}"]) from None
    except (ValueError, RecursionError) as exc:    # e.g. an integer of more than 4300 digits
        raise RuleValidationError([f"{origin} cannot be read: {str(exc).partition(';')[0]}"]) from None


def parse_rule(data: dict | str) -> PlaylistRuleSet:
    """One rule from a dict or JSON text; RuleValidationError lists what is wrong."""
    if isinstance(data, str):
        data = _load_json(data, "the rule")
    try:
        return PlaylistRuleSet.model_validate(data)
    except pydantic.ValidationError as exc:
        raise RuleValidationError(errors_of(exc, data, single=True)) from None


def parse_rules_file(source: str | Path | dict) -> RulesFile:
    """A rules file from a path, JSON text or an already-loaded dict; every rule is validated."""
    origin = "the rules file"
    if isinstance(source, Path) or (isinstance(source, str) and not source.lstrip().startswith(("{", "["))):
        path = Path(source)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise RuleValidationError([f"cannot read {str(path)!r}: {exc.strerror or exc}"]) from None
        data, origin = _load_json(text, str(path)), str(path)
    elif isinstance(source, str):
        data = _load_json(source, origin)
    else:
        data = source
    if not isinstance(data, dict):
        raise RuleValidationError([f"{origin} must be a JSON object like {{\"version\": 1, \"rules\": [...]}}"])
    try:
        return RulesFile.model_validate(data)
    except pydantic.ValidationError as exc:
        raise RuleValidationError(errors_of(exc, data)) from None


def dump_rules_file(rules: list[PlaylistRuleSet]) -> str:
    """The JSON text of a rules file holding `rules` (the export format)."""
    # Version 1 while no rule uses a version-2 addition, so older copies of the app still read the file.
    doc = {"version": 2 if any(needs_v2(r) for r in rules) else 1, "rules": [r.definition() for r in rules]}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
