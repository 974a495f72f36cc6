"""Measurable success criteria: a structured target (comparison, value, unit) and the state a
criterion is in at each of its evaluation dates (pending, met, missed).

The state is derived, never recorded: from the measurements that took effect by each
evaluation date. Read models and governance steps ask it the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

COMPARISONS = (">=", "<=", ">", "<", "=")
PENDING, MET, MISSED = "pending", "met", "missed"


def meets(comparison: str, target: float, value: float) -> bool:
    """Whether a measured value meets the target."""
    return {
        ">=": value >= target, "<=": value <= target, ">": value > target, "<": value < target,
        "=": value == target,
    }[comparison]


def evaluations(comparison: str | None, target: float | None, dates: Iterable[datetime],
                measurements: Iterable[Mapping[str, Any]],
                moment: datetime) -> list[dict[str, Any]]:
    """One evaluation per date: pending while the date lies after `moment`; then met or missed
    by the latest measurement that took effect by that date (missed when there is none).
    Each measurement is a mapping with `value` and `effective_at` (a datetime)."""
    if comparison is None or target is None:
        return []
    measured = sorted(measurements, key=lambda m: m["effective_at"])
    found = []
    for date in sorted(dates):
        if date > moment:
            found.append({"date": date, "state": PENDING, "value": None})
            continue
        latest = [m for m in measured if m["effective_at"] <= date]
        value = float(latest[-1]["value"]) if latest else None
        met = value is not None and meets(comparison, target, value)
        found.append({"date": date, "state": MET if met else MISSED, "value": value})
    return found


def state(found: list[dict[str, Any]]) -> str:
    """A criterion's state: that of its latest evaluation already due, else pending."""
    due = [e for e in found if e["state"] != PENDING]
    return str(due[-1]["state"]) if due else PENDING
