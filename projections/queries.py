"""The questions people come with, in one place: a thin façade over the read models' own
queries (each lives in its read model's module, next to the table it reads).

Times passed in are aware datetimes (or None for "now"); `as_of` filters on effective time,
`known_at` on recording time. Results are plain dicts and lists, ready for JSON or templates.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

from projections.db import Database
from projections.decisions import DecisionQueries
from projections.directory import DirectoryQueries
from projections.envelope import Envelope
from projections.escalations import EscalationQueries
from projections.responsibilities import ResponsibilityQueries
from projections.state import StateQueries
from projections.timeline import TimelineQueries


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class ReadModels:
    """Every query of every read model, as one object the deliveries are given."""

    def __init__(self, db: Database, backdated_after: timedelta = timedelta(days=7),
                 clock: Callable[[], datetime] = utc_now):
        self.db = db
        self.backdated_after = backdated_after
        self.clock = clock
        directory = DirectoryQueries(db)
        timeline = TimelineQueries(db, directory, backdated_after)
        state = StateQueries(directory, timeline, backdated_after, self.now)
        responsibilities = ResponsibilityQueries(db, directory)
        decisions = DecisionQueries(db, directory, backdated_after)
        escalations = EscalationQueries(db, self.now)
        # directory
        self.units = directory.units
        self.unit = directory.unit
        self.people = directory.people
        self.person = directory.person
        self.person_for_token_digest = directory.person_for_token_digest
        self.initiative_row = directory.initiative_row
        # timeline
        self.timeline = timeline.timeline
        self.event = timeline.event
        self.events = timeline.events
        # initiative state
        self.state = state.state
        self.goal = state.goal
        self.goal_history = state.goal_history
        self.initiatives = state.initiatives
        # responsibilities
        self.matrix = responsibilities.matrix
        self.roles_of = responsibilities.roles_of
        # registers
        self.decisions = decisions.decisions
        self.decision = decisions.decision
        self.escalations = escalations.escalations
        self.overdue_initiatives = escalations.overdue_initiatives

    def now(self) -> datetime:
        return self.clock()

    def envelope(self, e: Envelope) -> dict[str, Any]:
        return e.as_dict(self.backdated_after)
