"""What an initiative knows, in effective time: the state its events change when applied, and
the questions asked of it. The aggregate (`domain.initiative`) adds the commands."""

from __future__ import annotations

from datetime import datetime
from typing import Any


class InitiativeState:
    """The initiative's state; set up by the aggregate, changed only by its events' `apply`."""

    slug: str
    sponsor: str
    units: list[str]
    escalation_path: list[str]
    opened_at: datetime
    closed: bool
    goal: dict[str, Any] | None
    goal_version: int
    criteria: dict[str, dict[str, Any]]
    # area -> person -> role -> [[start, end or None], ...] in effective time
    assignments: dict[str, dict[str, dict[str, list[list[Any]]]]]
    tandems: list[list[Any]]  # [start, end or None, [person, person]]
    mandates: dict[str, dict[str, Any]]
    proposals: dict[str, dict[str, Any]]
    decisions: dict[str, dict[str, Any]]
    escalations: dict[str, dict[str, Any]]
    handoffs: dict[str, dict[str, Any]]

    def spans(self, area: str, person: str, role: str) -> list[list[Any]]:
        return self.assignments.setdefault(area, {}).setdefault(person, {}).setdefault(role, [])

    def tandem_at(self, moment: datetime) -> list[str] | None:
        for start, end, people in self.tandems:
            if start <= moment and (end is None or moment < end):
                return list(people)
        return None
