"""The rules DSL as pydantic v2 models: rule sets, groups, conditions and the rules file."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, field_validator, model_validator

from lib.rules.fields import RANDOM_SORT, SORTABLE_TYPES, field_info
from lib.rules.limits import limit_error
from lib.rules.operators import OPERATOR_NAMES, check_value

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


def _node_kind(node: Any) -> str:
    if isinstance(node, dict):
        return "condition" if "field" in node else "group"
    return "condition" if isinstance(node, RuleCondition) else "group"


class RuleGroup(_Strict):
    """Conditions and nested groups joined by `and`/`or`; `negate` inverts the whole group."""

    operator: LogicalOperator = LogicalOperator.AND
    negate: bool = False
    conditions: list[Annotated[
        Annotated[RuleCondition, Tag("condition")] | Annotated[RuleGroup, Tag("group")],
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


class PlaylistRuleSet(_Strict):
    """A rule: which tracks, in which order, how many — the definition of one playlist."""

    id: str = Field(pattern=r"^[a-z0-9_-]{1,64}$")
    name: str = Field(min_length=1, max_length=100)
    description: str = Field(default="", max_length=300)
    enabled: bool = True
    match: RuleGroup = Field(default_factory=RuleGroup)
    sort: list[SortKey] = Field(default_factory=list, max_length=5)
    seed: int | None = None
    limit: Limit | None = None
    dedupe: Literal["track", "isrc", "title_artist"] = "track"

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


class RulesFile(_Strict):
    """The user-facing rules file: `{"version": 1, "rules": [...]}`."""

    version: Literal[1] = 1
    rules: list[PlaylistRuleSet] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_ids(self) -> RulesFile:
        seen: set[str] = set()
        for rule in self.rules:
            if rule.id in seen:
                raise ValueError(f"rule id {rule.id!r} is used more than once")
            seen.add(rule.id)
        return self
