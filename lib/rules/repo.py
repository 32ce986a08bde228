"""Rules stored in the library: upsert with versions, delete, duplicate, enable, import and export."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from lib.errors import AutoPlaylistsError

if TYPE_CHECKING:
    from lib.rules.models import PlaylistRuleSet
    from lib.store.db import Library

# lib.rules re-exports this module, so the models are imported inside functions (no import cycle).


class RuleNotFoundError(AutoPlaylistsError):
    """No rule with that id in this library."""


@dataclass(frozen=True)
class StoredRule:
    """A rule as saved: the rule (None if its saved definition no longer validates), version, times."""

    rule_id: str
    name: str
    enabled: bool
    version: int
    created_at: datetime | None
    updated_at: datetime | None
    rule: PlaylistRuleSet | None
    errors: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImportResult:
    created: list[str]
    updated: list[str]
    unchanged: list[str]
    deleted: list[str]

    def summary(self) -> str:
        return (f"{len(self.created)} created, {len(self.updated)} updated, {len(self.unchanged)} unchanged"
                + (f", {len(self.deleted)} deleted" if self.deleted else ""))


def _definition(rule: PlaylistRuleSet) -> str:
    # `enabled` lives in its own column: switching a rule on or off is not a new version of it.
    body = {k: v for k, v in rule.definition().items() if k != "enabled"}
    return json.dumps(body, sort_keys=True, ensure_ascii=False)


def _stored(row: tuple) -> StoredRule:
    from lib.rules.parse import RuleValidationError, parse_rule

    rule_id, name, enabled, definition, version, created_at, updated_at = row
    try:
        data = json.loads(definition)
        rule: PlaylistRuleSet | None = parse_rule({**data, "enabled": bool(enabled)})
        errors: tuple[str, ...] = ()
    except (RuleValidationError, json.JSONDecodeError, TypeError) as exc:
        rule, errors = None, tuple(getattr(exc, "errors", [str(exc)]))
    return StoredRule(rule_id, name, bool(enabled), int(version), created_at, updated_at, rule, errors)


_SELECT = "SELECT rule_id, name, enabled, CAST(definition AS VARCHAR), version, created_at, updated_at FROM rules"


def _upsert(cur, rule: PlaylistRuleSet) -> tuple[str, int]:
    """('created'|'updated'|'unchanged', version) — the version only moves when the definition changes."""
    definition = _definition(rule)
    row = cur.execute("SELECT CAST(definition AS VARCHAR), version, enabled FROM rules WHERE rule_id = ?",
                      [rule.id]).fetchone()
    if row is None:
        cur.execute("INSERT INTO rules (rule_id, name, enabled, definition, version) VALUES (?, ?, ?, ?, 1)",
                    [rule.id, rule.name, rule.enabled, definition])
        return "created", 1
    old_definition, version, enabled = row
    same = json.loads(old_definition) == json.loads(definition)
    if same and bool(enabled) == rule.enabled:
        return "unchanged", int(version)
    new_version = int(version) if same else int(version) + 1
    cur.execute("UPDATE rules SET name = ?, enabled = ?, definition = ?, version = ?, updated_at = current_timestamp"
                " WHERE rule_id = ?", [rule.name, rule.enabled, definition, new_version, rule.id])
    return ("unchanged" if same else "updated"), new_version


def save_rule(library: Library, rule: PlaylistRuleSet | dict) -> int:
    """Insert or update a rule by id; return its version (bumped only when the definition changed)."""
    from lib.rules.models import PlaylistRuleSet
    from lib.rules.parse import parse_rule

    rule = rule if isinstance(rule, PlaylistRuleSet) else parse_rule(rule)
    _check_cycles(library, [rule])
    with library.transaction() as cur:
        return _upsert(cur, rule)[1]


def _check_cycles(library: Library, rules: list[PlaylistRuleSet], *, replace: bool = False) -> None:
    """Refuse rules whose in_rule / mix references would, with the saved ones, go round in a cycle."""
    from lib.rules.playlist import check_cycles

    saved = {} if replace else {s.rule_id: s.rule for s in list_rules(library) if s.rule is not None}
    check_cycles({**saved, **{r.id: r for r in rules}}, [r.id for r in rules])


def get_rule(library: Library, rule_id: str) -> StoredRule:
    row = library.query_one(_SELECT + " WHERE rule_id = ?", [rule_id])
    if row is None:
        raise RuleNotFoundError(f"No rule {rule_id!r} in this library.")
    return _stored(row)


def list_rules(library: Library) -> list[StoredRule]:
    return [_stored(row) for row in library.query(_SELECT + " ORDER BY lower(name), rule_id")]


def delete_rule(library: Library, rule_id: str) -> bool:
    """Delete a rule; False if there was none."""
    with library.transaction() as cur:
        found = cur.execute("SELECT count(*) FROM rules WHERE rule_id = ?", [rule_id]).fetchone()[0]
        cur.execute("DELETE FROM rules WHERE rule_id = ?", [rule_id])
    return bool(found)


def set_rule_enabled(library: Library, rule_id: str, enabled: bool) -> None:
    with library.transaction() as cur:
        if cur.execute("SELECT count(*) FROM rules WHERE rule_id = ?", [rule_id]).fetchone()[0] == 0:
            raise RuleNotFoundError(f"No rule {rule_id!r} in this library.")
        cur.execute("UPDATE rules SET enabled = ?, updated_at = current_timestamp WHERE rule_id = ?",
                    [bool(enabled), rule_id])


def duplicate_rule(library: Library, rule_id: str, new_id: str | None = None) -> StoredRule:
    """Copy a rule under a new id (default '<id>-copy'); the copy starts disabled so it pushes nothing yet."""
    from lib.rules.models import free_id
    from lib.rules.parse import parse_rule

    original = get_rule(library, rule_id)
    if original.rule is None:
        raise RuleNotFoundError(f"Rule {rule_id!r} is invalid and cannot be duplicated: {original.errors[0]}")
    with library.transaction() as cur:
        taken = {r[0] for r in cur.execute("SELECT rule_id FROM rules").fetchall()}
        target = new_id or free_id(f"{rule_id[:55]}-copy", taken)
        if target in taken:
            raise AutoPlaylistsError(f"A rule with id {target!r} already exists.")
        data = original.rule.definition()
        copy = parse_rule({**data, "id": target, "name": f"{data['name'][:93]} (copy)", "enabled": False})
        _upsert(cur, copy)
    return get_rule(library, target)


def import_rules(library: Library, source: str | Path | dict, *, replace: bool = False) -> ImportResult:
    """Import a rules file (path, JSON text or dict). Everything is validated first; on any error nothing
    changes. With `replace`, rules missing from the file are deleted."""
    from lib.rules.parse import parse_rules_file

    rules_file = parse_rules_file(source)
    _check_cycles(library, rules_file.rules, replace=replace)
    outcome: dict[str, list[str]] = {"created": [], "updated": [], "unchanged": [], "deleted": []}
    with library.transaction() as cur:
        for rule in rules_file.rules:
            outcome[_upsert(cur, rule)[0]].append(rule.id)
        if replace:
            keep = [r.id for r in rules_file.rules]
            gone = [r[0] for r in cur.execute(
                "SELECT rule_id FROM rules WHERE NOT list_contains(CAST($keep AS VARCHAR[]), rule_id)",
                {"keep": keep}).fetchall()]
            cur.execute("DELETE FROM rules WHERE list_contains(CAST($gone AS VARCHAR[]), rule_id)", {"gone": gone})
            outcome["deleted"] = sorted(gone)
    return ImportResult(**outcome)


def export_rules(library: Library, rule_ids: list[str] | None = None) -> str:
    """The rules (all, or the given ids) as the text of a rules file."""
    from lib.rules.parse import dump_rules_file

    stored = list_rules(library)
    chosen = [s.rule for s in stored if s.rule is not None and (rule_ids is None or s.rule_id in rule_ids)]
    return dump_rules_file(chosen)
