"""The documented limits of a rule, checked iteratively on the raw document before any deep validation."""

from __future__ import annotations

import re
from typing import Any

MAX_DEPTH = 10            # groups nested inside the rule's match (the match itself is depth 0)
MAX_CONDITIONS = 100      # conditions and groups in one rule, all levels together
MAX_REGEX = 1000          # characters in one regular expression
MAX_LIST = 1000           # items in one `in` / `not_in` list
MAX_TEXT = 1000           # characters in one text value
MAX_NUMBER = 2 ** 53        # largest number a value may hold (every whole number up to it is exact as a double)
MAX_JSON_NESTING = 64     # brackets nested in a rules document (rules file → rule → groups)

_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


def too_deep_at(text: str, limit: int = MAX_JSON_NESTING) -> tuple[int, int] | None:
    """(line, column) where brackets in JSON text first nest deeper than `limit` (strings skipped), else
    None — found without parsing, since json.loads itself recurses."""
    depth = 0
    for token in _TOKENS.finditer(text):
        bracket = token.group()
        if bracket in "[{":
            depth += 1
            if depth > limit:
                line = text.count("\n", 0, token.start()) + 1
                return line, token.start() - text.rfind("\n", 0, token.start())
        elif bracket in "]}":
            depth -= 1
    return None


def limit_error(match: Any, where: str = "match") -> str | None:
    """'match.conditions[3].conditions[0]: …' for the first limit a raw match tree breaks, else None."""
    stack, count = [(match, where, 0)], 0
    while stack:
        node, path, depth = stack.pop()
        if not isinstance(node, dict) or "field" in node:
            continue
        children = node.get("conditions")
        if not isinstance(children, list):
            continue
        if depth > MAX_DEPTH:
            return f"{path}: groups nest at most {MAX_DEPTH} levels deep"
        count += len(children)
        if count > MAX_CONDITIONS:
            return f"{path}: a rule holds at most {MAX_CONDITIONS} conditions and groups in all"
        stack.extend((child, f"{path}.conditions[{i}]", depth + 1) for i, child in reversed(list(enumerate(children))))
    return None
