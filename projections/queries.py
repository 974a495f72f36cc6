"""The questions people come with, in one place: a thin façade over the read models' own
queries (each lives in its read model's module, next to the table it reads).

Times passed in are aware datetimes (or None for "now"); `as_of` filters on effective time,
`known_at` on recording time. Results are plain dicts and lists, ready for JSON or templates.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

from projections.attestation import AttestationQueries
from projections.db import Database
from projections.decisions import DecisionQueries
from projections.directory import DirectoryQueries
from projections.envelope import Envelope
from projections.escalations import EscalationQueries
from projections.members import EVERYTHING, MembershipQueries, Visibility
from projections.portfolio import PortfolioQueries
from projections.responsibilities import ResponsibilityQueries
from projections.search import SearchQueries
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
        attestations = AttestationQueries(db)
        timeline = TimelineQueries(db, directory, backdated_after, attestations)
        state = StateQueries(directory, timeline, backdated_after, self.now)
        responsibilities = ResponsibilityQueries(db, directory)
        decisions = DecisionQueries(db, directory, backdated_after)
        escalations = EscalationQueries(db, self.now, attestations)
        members = MembershipQueries(db, directory, self.now)
        self._timeline = timeline
        self._attestations = attestations
        self._members = members
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
        self.entry = timeline.entry
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
        # membership, visibility and attestation
        self.members = members.members
        self.visibility = members.visibility
        self.attestation = attestations.of
        # full-text search
        self.search = SearchQueries(db).search
        # the cooperation heatmap
        portfolio = PortfolioQueries(directory, timeline, self.now)
        self.portfolio = portfolio.portfolio
        self.portfolio_months = portfolio.months

    def now(self) -> datetime:
        return self.clock()

    def envelope(self, e: Envelope) -> dict[str, Any]:
        return self._timeline.envelope(e)

    def waiting_for(self, person: str, seen: Visibility = EVERYTHING) -> list[dict[str, Any]]:
        """The entries that name `person` and wait for their answer, oldest first (not those
        of initiatives the person was dismissed from, where they no longer answer)."""
        positions = self._attestations.waiting_for(person, seen.hidden)
        envelopes = self._timeline.envelopes_at(positions)
        dismissed = {e["initiative"] for e in envelopes
                     if e["initiative"] and self._members.dismissed(person, e["initiative"])}
        return [e for e in envelopes if e["initiative"] not in dismissed]
