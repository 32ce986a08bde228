"""Rules: the playlist DSL, its SQL compiler, a pure-Python evaluator, descriptions and storage."""

from lib.rules.compile import compile_rule, compile_where
from lib.rules.describe import describe_condition, describe_rule
from lib.rules.engine import (
    Preview,
    PreviewTooSlow,
    distribution,
    evaluate_rule,
    load_tracks,
    ordered_track_ids,
    preview_rule,
    preview_stats,
    rule_outcome,
    rule_records,
    track_records,
)
from lib.rules.evaluate import condition_holds, evaluate_tracks, group_holds, matches_rules
from lib.rules.examples import install_example_rules
from lib.rules.explain import VERDICTS, Explanation, explain_track, find_track, search_tracks
from lib.rules.fields import FIELDS, OPERATORS_BY_TYPE, FieldInfo, available_fields, field_info
from lib.rules.freeze import freeze_rule
from lib.rules.limits import MAX_NUMBER
from lib.rules.mix import PartResult
from lib.rules.models import (
    ConditionOperator,
    Limit,
    LogicalOperator,
    Mix,
    MixPart,
    PlaylistRuleSet,
    RuleCondition,
    RuleGroup,
    RuleRef,
    RulesFile,
    SortKey,
    free_id,
)
from lib.rules.near_miss import NearMiss, near_miss_tracks, near_misses, relax, relaxable
from lib.rules.operators import OP_LABELS, Operator, operator_label
from lib.rules.operators import TABLE as OPERATOR_TABLE
from lib.rules.parse import RuleValidationError, dump_rules_file, parse_rule, parse_rules_file
from lib.rules.playlist import check_cycles, referenced
from lib.rules.query_text import QueryTextError, parse_query, rule_from_text, rule_to_text
from lib.rules.repo import (
    ImportResult,
    RuleNotFoundError,
    StoredRule,
    delete_rule,
    duplicate_rule,
    export_rules,
    get_rule,
    import_rules,
    list_rules,
    save_rule,
    set_rule_enabled,
)
from lib.rules.selection import WHOLE_FIELDS, selection_conditions

__all__ = [
    "MAX_NUMBER",
    "VERDICTS", "WHOLE_FIELDS", "Explanation", "NearMiss", "QueryTextError", "explain_track", "find_track",
    "near_miss_tracks", "near_misses", "parse_query", "relax", "relaxable", "rule_from_text", "rule_to_text",
    "search_tracks", "selection_conditions",
    "ConditionOperator", "FIELDS", "FieldInfo", "ImportResult", "Limit", "LogicalOperator", "Mix", "MixPart",
    "OPERATORS_BY_TYPE", "OPERATOR_TABLE", "OP_LABELS", "Operator", "PartResult", "PlaylistRuleSet", "Preview",
    "PreviewTooSlow", "RuleCondition", "RuleGroup", "RuleNotFoundError", "RuleRef", "RuleValidationError",
    "RulesFile", "SortKey", "StoredRule", "available_fields", "check_cycles", "compile_rule", "compile_where",
    "condition_holds", "delete_rule", "describe_condition", "describe_rule", "distribution", "dump_rules_file",
    "duplicate_rule", "evaluate_rule", "evaluate_tracks", "export_rules", "free_id", "field_info", "freeze_rule",
    "get_rule", "group_holds", "import_rules", "install_example_rules", "list_rules", "load_tracks", "matches_rules",
    "operator_label", "ordered_track_ids", "parse_rule", "parse_rules_file", "preview_rule", "preview_stats",
    "referenced", "rule_outcome", "rule_records", "save_rule", "set_rule_enabled", "track_records",
]
