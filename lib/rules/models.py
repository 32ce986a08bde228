"""The rules DSL as pydantic v2 models: rule sets, groups, conditions and the rules file."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, field_validator, model_validator

from lib.rules.fields import RANDOM_SORT, SORTABLE_TYPES, field_info
from lib.rules.limits import limit_error
from lib.rules.operators import OPERATOR_NAMES, check_value
from lib.rules.semantics import fold

RULE_ID = r"^[a-z0-9_-]{1,64}$"
TRACK_ID = r"^[A-Za-z0-9_:.-]{1,100}$"


def free_id(name: str, taken, fallback: str = "rule") -> str:
    """A rule id made from `name` (accents and case folded, '-' between words, '_' kept) that is not in
    `taken`: "José Núñez" → "jose-nunez", then "jose-nunez-2", ..."""
    base = re.sub(r"[^a-z0-9_]+", "-", fold(name)).strip("-")[:60] or fallback
    return next(c for c in (base, *(f"{base}-{n}" for n in range(2, len(taken) + 3))) if c not in taken)


# Derived from the operator table: adding an operator there adds it here.
ConditionOperator = StrEnum("ConditionOperator", [(name.upper(), name) for name in OPERATOR_NAMES])


class LogicalOperator(StrEnum):
    AND = "and"
    OR = "or"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=False)


class RuleCondition(_Strict):
    """One test of one field of a track."""

    field: str
    operator: ConditionOperator
    value: Any = None

    @model_validator(mode="after")
    def _check(self) -> RuleCondition:
        info = field_info(self.field, self.operator.value, self.value)
        if info is None:
            raise ValueError(f"unknown field {self.field!r} (custom fields are named x_<name>)")
        if self.operator.value not in info.operators:
            raise ValueError(f"operator {self.operator.value!r} does not fit {info.type} field {self.field!r};"
                             f" use one of: {', '.join(info.operators)}")
        self.value = check_value(info.type, self.operator.value, self.value)
        return self


class RuleRef(_Strict):
    """A test on another rule's result: the track is (`in_rule`) or is not (`not_in_rule`) in it."""

    in_rule: str | None = Field(default=None, pattern=RULE_ID)
    not_in_rule: str | None = Field(default=None, pattern=RULE_ID)

    @model_validator(mode="after")
    def _one(self) -> RuleRef:
        if (self.in_rule is None) == (self.not_in_rule is None):
            raise ValueError("give exactly one of 'in_rule' or 'not_in_rule' (a rule id)")
        return self

    @property
    def rule_id(self) -> str:
        return self.in_rule or self.not_in_rule

    @property
    def negated(self) -> bool:
        return self.not_in_rule is not None


def _node_kind(node: Any) -> str:
    if isinstance(node, dict):
        return "condition" if "field" in node else "ref" if "in_rule" in node or "not_in_rule" in node else "group"
    return "condition" if isinstance(node, RuleCondition) else "ref" if isinstance(node, RuleRef) else "group"


class RuleGroup(_Strict):
    """Conditions and nested groups joined by `and`/`or`; `negate` inverts the whole group."""

    operator: LogicalOperator = LogicalOperator.AND
    negate: bool = False
    conditions: list[Annotated[
        Annotated[RuleCondition, Tag("condition")] | Annotated[RuleGroup, Tag("group")]
        | Annotated[RuleRef, Tag("ref")],
        Discriminator(_node_kind),
    ]] = Field(default_factory=list)


class SortKey(_Strict):
    field: str
    direction: Literal["asc", "desc"] = "asc"

    @field_validator("field")
    @classmethod
    def _sortable(cls, name: str) -> str:
        if name == RANDOM_SORT:
            return name
        info = field_info(name, "gt")
        if info is None:
            raise ValueError(f"unknown sort field {name!r}")
        if info.type not in SORTABLE_TYPES:
            raise ValueError(f"cannot sort by {info.type} field {name!r}")
        return name


class Limit(_Strict):
    """At most `tracks` tracks, or the longest prefix lasting at most `minutes`."""

    tracks: int | None = Field(default=None, ge=1, le=100_000)
    minutes: float | None = Field(default=None, gt=0, le=1_000_000, allow_inf_nan=False)

    @model_validator(mode="after")
    def _one(self) -> Limit:
        if (self.tracks is None) == (self.minutes is None):
            raise ValueError("give exactly one of 'tracks' or 'minutes'")
        return self


DEFAULT_SORT = (SortKey(field="added_at", direction="desc"),)


def _positive(name: str, value: int | None, what: str) -> int | None:
    if value is not None and value < 1:
        raise ValueError(f"{name} must be 1 or more ({what}); leave it out for none, got {value}")
    return value


class MixPart(_Strict):
    """One source of a mix: a saved rule (by id) or an inline rule, and how many tracks it gives."""

    rule: str | PartRule = Field(union_mode="left_to_right")
    tracks: int | None = Field(default=None, le=100_000)
    share: float | None = Field(default=None, gt=0, le=1, allow_inf_nan=False)

    @field_validator("rule")
    @classmethod
    def _rule_id(cls, value):
        if isinstance(value, str) and not re.fullmatch(RULE_ID, value):
            raise ValueError(f"{value!r} is not a rule id (a-z, 0-9, - and _)")
        return value

    @model_validator(mode="after")
    def _quota(self) -> MixPart:
        if (self.tracks is None) == (self.share is None):
            raise ValueError("give exactly one quota: 'tracks' (a number of tracks) or 'share' (0 to 1)")
        _positive("tracks", self.tracks, "a part giving 0 tracks adds nothing; remove the part")
        return self


class Mix(_Strict):
    """Parts combined in turn (A, B, C, A, B, C…) or in blocks; no track twice; dry parts filled by others."""

    mode: Literal["in_turn", "in_blocks"] = "in_turn"
    fill: bool = True
    parts: list[MixPart] = Field(min_length=1, max_length=20)


class PlaylistRuleSet(_Strict):
    """A rule: which tracks, in which order, how many — the definition of one playlist."""

    id: str = Field(pattern=RULE_ID)
    name: str = Field(min_length=1, max_length=100)
    description: str = Field(default="", max_length=300)
    enabled: bool = True
    match: RuleGroup = Field(default_factory=RuleGroup)
    sort: list[SortKey] = Field(default_factory=list, max_length=5)
    seed: int | None = Field(default=None, ge=-(2**63), le=2**63 - 1)
    limit: Limit | None = None
    dedupe: Literal["track", "isrc", "title_artist"] = "track"
    max_per_artist: int | None = Field(default=None, le=100_000)
    max_per_album: int | None = Field(default=None, le=100_000)
    separate_artists: int | None = Field(default=None, le=50)
    mix: Mix | None = None
    tracks: list[Annotated[str, Field(pattern=TRACK_ID)]] | None = Field(default=None, max_length=100_000)

    @field_validator("max_per_artist", "max_per_album", "separate_artists")
    @classmethod
    def _at_least_one(cls, value: int | None, info) -> int | None:
        return _positive(info.field_name, value, "the number of tracks between two by one artist"
                         if info.field_name == "separate_artists" else "0 would keep no tracks")

    @model_validator(mode="after")
    def _additions(self) -> PlaylistRuleSet:
        for key, value in (("mix", self.mix), ("tracks", self.tracks)):
            if value is not None and (self.match.conditions or self.sort or self.dedupe != "track"):
                raise ValueError(f"a rule with '{key}' takes its tracks and order from it: "
                                 "leave 'match', 'sort' and 'dedupe' out")
        if self.mix is not None and self.tracks is not None:
            raise ValueError("give either 'mix' or 'tracks', not both")
        if (self.mix is not None or self.tracks is not None) and (self.max_per_artist or self.max_per_album):
            raise ValueError("max_per_artist/max_per_album go on rules that filter (e.g. the parts of a mix), "
                             "not on a mix or a fixed list")
        if self.mix is not None:
            shares = [p.share for p in self.mix.parts if p.share is not None]
            if shares and (self.limit is None or self.limit.tracks is None):
                raise ValueError("a mix with 'share' quotas needs 'limit': {'tracks': N} (the share of what)")
            if sum(shares) > 1 + 1e-9:
                raise ValueError(f"the shares of a mix add up to {sum(shares):g}, more than 1")
        return self

    @property
    def is_plain(self) -> bool:
        """One SQL query answers it (no rule references, mix, fixed list or separation)."""
        return self.mix is None and self.tracks is None and not self.separate_artists \
            and not has_refs(self.match)

    @model_validator(mode="before")
    @classmethod
    def _within_limits(cls, data: Any) -> Any:
        # Depth and size are checked on the raw document, iteratively, before the models recurse into it.
        problem = limit_error(data.get("match")) if isinstance(data, dict) else None
        if problem:
            raise ValueError(problem)
        return data

    @property
    def sort_keys(self) -> list[SortKey]:
        """The sort as applied: the default (newest added first) when none is given."""
        return list(self.sort) or list(DEFAULT_SORT)

    def definition(self) -> dict:
        """The JSON-ready form saved in the library and written to rules files."""
        return self.model_dump(mode="json", exclude_none=True)


class PartRule(PlaylistRuleSet):
    """An inline rule inside a mix part: id and name are optional."""

    id: str = Field(default="part", pattern=RULE_ID)
    name: str = Field(default="part", min_length=1, max_length=100)


MixPart.model_rebuild()
Mix.model_rebuild()
PlaylistRuleSet.model_rebuild()

V2_KEYS = ("max_per_artist", "max_per_album", "separate_artists", "mix", "tracks")


def has_refs(group: RuleGroup) -> bool:
    return any(isinstance(c, RuleRef) or (isinstance(c, RuleGroup) and has_refs(c)) for c in group.conditions)


def needs_v2(rule: PlaylistRuleSet) -> bool:
    """Whether the rule uses anything new in version 2 of the rules file."""
    return any(getattr(rule, k) is not None for k in V2_KEYS) or has_refs(rule.match)


class RulesFile(_Strict):
    """The user-facing rules file: `{"version": 2, "rules": [...]}`; version 1 files (no additions) still read."""

    version: Literal[1, 2] = 2
    rules: list[PlaylistRuleSet] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_ids(self) -> RulesFile:
        if self.version == 1:
            for rule in self.rules:
                if needs_v2(rule):
                    raise ValueError(f"rule {rule.id!r} uses caps, separation, mixes, fixed lists or rule references,"
                                     " which are new in version 2 of the rules format: set \"version\": 2")
        seen: set[str] = set()
        for rule in self.rules:
            if rule.id in seen:
                raise ValueError(f"rule id {rule.id!r} is used more than once")
            seen.add(rule.id)
        return self
