"""A box, lasso or bar selection on a chart as rule conditions: `between` on numeric axes, `in` on categories."""

from __future__ import annotations

import math


def _precision(span: float) -> float:
    """A rounding step two digits below the span: 0.43 → 0.01, 23 → 1, 4,200 → 100."""
    if not span > 0 or not math.isfinite(span):
        return 0.01
    return 10.0 ** (math.floor(math.log10(span)) - 1)


def _rounded(value: float, step: float, up: bool, whole: bool):
    scaled = value / step
    out = (math.ceil(scaled - 1e-9) if up else math.floor(scaled + 1e-9)) * step
    if whole or step >= 1:
        return int(round(out))
    return round(out, max(0, -math.floor(math.log10(step))))


def numeric_between(field: str, low: float, high: float, whole: bool = False) -> dict:
    """`field between [low, high]`, widened to sensible round numbers (whole numbers stay whole)."""
    low, high = sorted((float(low), float(high)))
    step = max(_precision(high - low), 1.0) if whole else _precision(high - low)
    return {"field": field, "operator": "between",
            "value": [_rounded(low, step, False, whole), _rounded(high, step, True, whole)]}


def _ranges(selection: dict, axis: str) -> list[tuple[float, float]]:
    out = []
    for box in selection.get("box") or []:
        values = [v for v in box.get(axis) or [] if isinstance(v, int | float)]
        if len(values) >= 2:
            out.append((min(values), max(values)))
    for lasso in selection.get("lasso") or []:
        values = [v for v in lasso.get(axis) or [] if isinstance(v, int | float)]
        if values:
            out.append((min(values), max(values)))
    return out


def selection_conditions(selection: dict, x: tuple[str, str], y: tuple[str, str] | None = None,
                         whole: frozenset[str] = frozenset()) -> list[dict]:
    """Conditions for a Plotly selection (Streamlit's `event.selection`) over axes given as (field, type).

    A numeric axis gets `between` over the box (or the lasso's extent); a text or list axis (bars) gets
    `in` over the categories of the selected bars. `whole` names fields whose values are whole numbers.
    """
    out = []
    for axis, spec in (("x", x), ("y", y)):
        if spec is None:
            continue
        field, kind = spec
        if kind == "number":
            spans = _ranges(selection, axis)     # clicked points (bins, dots) carry no range
            if spans:
                out.append(numeric_between(field, min(s[0] for s in spans), max(s[1] for s in spans),
                                           field in whole))
        elif kind in ("text", "list") and axis == "x":
            values = list(dict.fromkeys(str(p["x"]) for p in selection.get("points") or [] if p.get("x") is not None))
            if values:
                out.append({"field": field, "operator": "in", "value": values})
    return out


# Fields that only hold whole numbers: a selection over them keeps whole bounds.
WHOLE_FIELDS = frozenset({"release_year", "decade", "duration_ms", "duration_s", "popularity", "key", "mode",
                          "time_signature"})
