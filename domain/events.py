"""The events of an initiative. Past tense, immutable; `apply` only changes state.

Class names and this module path are stored as topics: renaming one needs `register_topic`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from eventsourcing.domain import Aggregate

from domain.initiative_state import InitiativeState


class InitiativeEvent(Aggregate.Event):
    actor: str
    effective_at: datetime
    # The field naming the people this entry speaks for (deciding, agreeing, reporting, ...):
    # they confirm or dispute it under their own login. None: the entry speaks for no one else.
    speaks_for: ClassVar[str | None] = None

    def apply(self, aggregate: Any) -> None:  # pragma: no cover - overridden
        pass

    def mutate(self, aggregate: Any) -> Any:
        """Apply the event; then, if it names people other than its recorder, keep the claim
        it makes about them until each answers."""
        aggregate = super().mutate(aggregate)
        aggregate.remember_claim(self)
        return aggregate


class InitiativeOpened(Aggregate.Created, InitiativeEvent):
    initiative: str
    title: str
    sponsor: str
    units: list[str]
    escalation_path: list[str]


class GoalSet(InitiativeEvent):
    speaks_for: ClassVar[str | None] = "agreed_by"

    statement: str
    reason: str
    agreed_by: list[str]

    def apply(self, initiative: InitiativeState) -> None:
        initiative.goal_version += 1
        initiative.goal = {"statement": self.statement, "version": initiative.goal_version,
                           "effective_at": self.effective_at}


class GoalRevised(GoalSet):
    pass


class CriterionDefined(InitiativeEvent):
    criterion: str
    description: str
    target: str
    # Added later, with defaults, so that criteria defined before replay unchanged: a
    # structured target (the measured value `comparison` `target_value`, in `target_unit`),
    # its owners (one per unit), where the data comes from, and when it is evaluated.
    comparison: str | None = None
    target_value: float | None = None
    target_unit: str = ""
    owners: list[str] | None = None
    data_source: str = ""
    evaluation_dates: list[str] | None = None

    def apply(self, initiative: InitiativeState) -> None:
        initiative.criteria[self.criterion] = {"active": True, "defined_at": self.effective_at}


class CriterionRevised(InitiativeEvent):
    criterion: str
    description: str
    target: str
    reason: str
    # Added later, with defaults (as on CriterionDefined).
    comparison: str | None = None
    target_value: float | None = None
    target_unit: str = ""
    owners: list[str] | None = None
    data_source: str = ""
    evaluation_dates: list[str] | None = None


class CriterionRetired(InitiativeEvent):
    criterion: str
    reason: str

    def apply(self, initiative: InitiativeState) -> None:
        initiative.criteria[self.criterion]["active"] = False


class MeasurementRecorded(InitiativeEvent):
    criterion: str
    value: float
    note: str


class ResponsibilityAssigned(InitiativeEvent):
    area: str
    person: str
    role: str

    def apply(self, initiative: InitiativeState) -> None:
        spans = initiative.spans(self.area, self.person, self.role)
        spans.append([self.effective_at, None])
        spans.sort(key=lambda span: span[0])


class ResponsibilityReleased(InitiativeEvent):
    area: str
    person: str
    role: str
    reason: str

    def apply(self, initiative: InitiativeState) -> None:
        for span in initiative.spans(self.area, self.person, self.role):
            if span[1] is None and span[0] <= self.effective_at:
                span[1] = self.effective_at


class TandemFormed(InitiativeEvent):
    speaks_for: ClassVar[str | None] = "people"

    people: list[str]

    def apply(self, initiative: InitiativeState) -> None:
        initiative.tandems.append([self.effective_at, None, list(self.people)])
        initiative.tandems.sort(key=lambda span: span[0])


class TandemDissolved(InitiativeEvent):
    reason: str

    def apply(self, initiative: InitiativeState) -> None:
        for span in initiative.tandems:
            if span[1] is None and span[0] <= self.effective_at:
                span[1] = self.effective_at


class MandateGranted(InitiativeEvent):
    mandate: str
    person: str
    scope: str
    limits: str
    granted_by: str
    # Added later, with defaults, so that grants recorded before them replay unchanged:
    # the mandate ends by itself at `valid_until`; decisions on it carry an amount up to
    # `budget_amount` in `budget_currency`; with `may_delegate` its holder grants narrower ones.
    valid_until: datetime | None = None
    budget_amount: float | None = None
    budget_currency: str | None = None
    may_delegate: bool = False

    def apply(self, initiative: InitiativeState) -> None:
        initiative.mandates[self.mandate] = {
            "person": self.person,
            "scope": self.scope,
            "start": self.effective_at,
            "end": None,
            "valid_until": self.valid_until,
            "budget": (None if self.budget_amount is None
                       else (self.budget_amount, self.budget_currency)),
            "may_delegate": self.may_delegate,
            "parent": None,
        }


class MandateRevoked(InitiativeEvent):
    mandate: str
    reason: str

    def apply(self, initiative: InitiativeState) -> None:
        initiative.mandates[self.mandate]["end"] = self.effective_at


class DecisionProposed(InitiativeEvent):
    speaks_for: ClassVar[str | None] = "proposed_by"

    proposal: str
    question: str
    scope: str
    options: list[dict[str, str]]
    proposed_by: list[str]

    def apply(self, initiative: InitiativeState) -> None:
        initiative.proposals[self.proposal] = {
            "scope": self.scope,
            "options": self.options,
            "answered_by": None,
            "proposed_at": self.effective_at,
        }


class DecisionTaken(InitiativeEvent):
    speaks_for: ClassVar[str | None] = "decided_by"

    decision: str
    scope: str
    title: str
    options: list[dict[str, str]]
    option: str
    rationale: str
    decided_by: list[str]
    basis: dict[str, str]
    proposal: str | None
    escalation: str | None
    supersedes: str | None
    # Added later, with defaults: what the decision commits (checked against a mandate's cap).
    amount: float | None = None
    currency: str | None = None

    def apply(self, initiative: InitiativeState) -> None:
        # A decision recorded for deciders other than its recorder is their claim until they
        # confirm it: until then it is pending, and what it supersedes stays in force.
        pending = bool(set(self.decided_by) - {self.actor})
        initiative.decisions[self.decision] = {
            "status": "pending" if pending else "in_force", "effective_at": self.effective_at,
            "decided_by": list(self.decided_by), "proposal": self.proposal,
            "supersedes": self.supersedes, "superseding": None}
        if self.supersedes:
            if pending:
                initiative.decisions[self.supersedes]["superseding"] = self.decision
            else:
                initiative.decisions[self.supersedes]["status"] = "superseded"
        if self.proposal:
            initiative.proposals[self.proposal]["answered_by"] = self.decision


class DecisionRevoked(InitiativeEvent):
    decision: str
    reason: str

    def apply(self, initiative: InitiativeState) -> None:
        initiative.decisions[self.decision]["status"] = "revoked"


class EscalationRaised(InitiativeEvent):
    speaks_for: ClassVar[str | None] = "raised_by"

    escalation: str
    topic: str
    options: list[dict[str, str]]
    raised_by: str
    addressed_to: str
    level: int
    due_at: datetime

    def apply(self, initiative: InitiativeState) -> None:
        initiative.escalations[self.escalation] = {
            "options": self.options,
            "raised_at": self.effective_at,
            "level": self.level,
            "addressed_to": self.addressed_to,
            "level_since": self.effective_at,
            "due_at": self.due_at,
            "open": True,
            "addressees": [[self.effective_at, self.addressed_to]],
        }


class EscalationForwarded(InitiativeEvent):
    escalation: str
    level: int
    addressed_to: str
    due_at: datetime
    reason: str

    def apply(self, initiative: InitiativeState) -> None:
        escalation = initiative.escalations[self.escalation]
        escalation.update(
            level=self.level,
            addressed_to=self.addressed_to,
            level_since=self.effective_at,
            due_at=self.due_at,
        )
        escalation["addressees"].append([self.effective_at, self.addressed_to])


class EscalationResolved(InitiativeEvent):
    escalation: str
    decision: str

    def apply(self, initiative: InitiativeState) -> None:
        initiative.escalations[self.escalation]["open"] = False


class HandoffStarted(InitiativeEvent):
    speaks_for: ClassVar[str | None] = "from_person"

    handoff: str
    item: str
    from_person: str
    to_person: str
    # Added later, with a default: what the receiver checks before accepting.
    acceptance_criteria: list[str] | None = None

    def apply(self, initiative: InitiativeState) -> None:
        initiative.handoffs[self.handoff] = {"accepted": False, "started_at": self.effective_at,
                                             "to": self.to_person, "answer": None,
                                             "answered_at": None}


class HandoffAccepted(InitiativeEvent):
    handoff: str

    def apply(self, initiative: InitiativeState) -> None:
        initiative.handoffs[self.handoff].update(accepted=True, answered_at=self.effective_at)


class StatusReported(InitiativeEvent):
    speaks_for: ClassVar[str | None] = "reported_by"

    summary: str
    running: list[str]
    blocked: list[str]
    options: list[str]
    reported_by: list[str]


class RulesAdopted(InitiativeEvent):
    rule_files: list[dict[str, str]]


class InitiativeClosed(InitiativeEvent):
    outcome: str

    def apply(self, initiative: InitiativeState) -> None:
        initiative.closed = True


class MemberAdmitted(InitiativeEvent):
    person: str
    role: str  # lead, member or observer
    reason: str

    def apply(self, initiative: InitiativeState) -> None:
        initiative.members[self.person] = {"role": self.role, "since": self.effective_at,
                                           "dismissed": False}


class MemberDismissed(InitiativeEvent):
    person: str
    reason: str

    def apply(self, initiative: InitiativeState) -> None:
        initiative.members[self.person]["dismissed"] = True


class VisibilityChanged(InitiativeEvent):
    visibility: str  # open (every signed-in person reads it) or members

    def apply(self, initiative: InitiativeState) -> None:
        initiative.visibility = self.visibility


class EntryConfirmed(InitiativeEvent):
    """A person named by an entry confirms it; `entry` is the entry's version in the
    initiative, `position` its place in the log."""

    entry: int
    position: int

    def apply(self, initiative: InitiativeState) -> None:
        initiative.answer_claim(self.entry, self.actor, None)


class EntryDisputed(InitiativeEvent):
    """A person named by an entry disputes it, saying why."""

    entry: int
    position: int
    reason: str

    def apply(self, initiative: InitiativeState) -> None:
        initiative.answer_claim(self.entry, self.actor, self.reason)


INITIATIVE_EVENTS: tuple[type[InitiativeEvent], ...] = (
    InitiativeOpened, GoalSet, GoalRevised, CriterionDefined, CriterionRevised, CriterionRetired,
    MeasurementRecorded, ResponsibilityAssigned, ResponsibilityReleased, TandemFormed,
    TandemDissolved, MandateGranted, MandateRevoked, DecisionProposed, DecisionTaken,
    DecisionRevoked, EscalationRaised, EscalationForwarded, EscalationResolved, HandoffStarted,
    HandoffAccepted, StatusReported, RulesAdopted, InitiativeClosed, MemberAdmitted,
    MemberDismissed, VisibilityChanged, EntryConfirmed, EntryDisputed,
)


class RecordImported(InitiativeEvent):
    """Entries recorded from an existing decision record (an architecture decision record's
    file, a row of a decision list): its source, the SHA-256 of its bytes, its format, and the
    proposal and decision ids it gave. Importing the same source again records nothing."""

    source: str
    sha256: str
    format: str
    entries: list[str]


INITIATIVE_EVENTS += (RecordImported,)
# -- the rhythm of working together: mandates with limits, handoffs refused, measurable
# -- criteria, meetings (added after the first release; appended so stored topics stay put)

class MandateDelegated(InitiativeEvent):
    """The holder of a mandate whose grant allows it passes a narrower one on: a scope inside
    its scope, ending no later, with a cap no higher."""

    mandate: str
    delegated_from: str
    person: str
    scope: str
    limits: str
    valid_until: datetime | None
    budget_amount: float | None
    budget_currency: str | None

    def apply(self, initiative: InitiativeState) -> None:
        initiative.mandates[self.mandate] = {
            "person": self.person,
            "scope": self.scope,
            "start": self.effective_at,
            "end": None,
            "valid_until": self.valid_until,
            "budget": (None if self.budget_amount is None
                       else (self.budget_amount, self.budget_currency)),
            "may_delegate": False,
            "parent": self.delegated_from,
        }


INITIATIVE_EVENTS += (MandateDelegated,)


class HandoffRefused(InitiativeEvent):
    """The receiver does not take the work over (it stays with the giver), saying why."""

    handoff: str
    reason: str

    def apply(self, initiative: InitiativeState) -> None:
        initiative.handoffs[self.handoff].update(answer="refused", answered_at=self.effective_at)


class HandoffReturned(InitiativeEvent):
    """The receiver gives accepted work back to the giver, saying why."""

    handoff: str
    reason: str

    def apply(self, initiative: InitiativeState) -> None:
        initiative.handoffs[self.handoff].update(answer="returned", answered_at=self.effective_at)


INITIATIVE_EVENTS += (HandoffRefused, HandoffReturned)


class MeetingScheduled(InitiativeEvent):
    """A meeting of the initiative: its kind (joint-status, steering, demo, review, or an
    organisation's own), when it starts, who moderates, who is invited, its agenda. Until it
    starts it is an invitation, not a record of attendance."""

    meeting: str
    kind: str
    title: str
    starts_at: datetime
    moderator: str
    invited: list[str]
    agenda: list[str]

    def apply(self, initiative: InitiativeState) -> None:
        initiative.meetings[self.meeting] = {"kind": self.kind, "starts_at": self.starts_at,
                                             "held": False}


class MeetingHeld(InitiativeEvent):
    """Who attended a meeting that took place: each attendee confirms it under their own login."""

    speaks_for: ClassVar[str | None] = "attended"

    meeting: str
    attended: list[str]
    notes: str

    def apply(self, initiative: InitiativeState) -> None:
        initiative.meetings[self.meeting]["held"] = True


class MeetingOutcomeRecorded(InitiativeEvent):
    """What a meeting produced: a summary, links to the entries it produced (status reports by
    log position; proposals, decisions, escalations, handoffs by id), and for a demo the
    feedback of each unit."""

    meeting: str
    summary: str
    links: list[dict[str, str]]
    feedback: list[dict[str, str]]


class MeetingCadenceSet(InitiativeEvent):
    """How often a kind of meeting is held: at least every `every_days` days (0: no cadence)."""

    kind: str
    every_days: int


INITIATIVE_EVENTS += (MeetingScheduled, MeetingHeld, MeetingOutcomeRecorded, MeetingCadenceSet)
