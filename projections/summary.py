"""One-line human summaries of events, for timelines, logs and exports."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from domain import events as ev
from domain.directory import Person, Unit
from domain.event_types import EventClass

Data = dict[str, Any]


def _people(values: Any) -> str:
    if isinstance(values, str):
        return str(values)
    names = [str(name) for name in values or []]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _short(text: Any, limit: int = 80) -> str:
    value = " ".join(str(text or "").split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


_SUMMARIES: dict[EventClass, Callable[[Data, str], str]] = {
    Unit.UnitRegistered: lambda d, a: f"Unit {d.get('unit')} ({_short(d.get('name'))}) registered",
    Person.PersonRegistered: lambda d, a: (
        f"{d.get('person')} ({_short(d.get('name'))}) registered in {d.get('unit')} as {d.get('role')}"
    ),
    Person.PersonMoved: lambda d, a: f"{d.get('person')} moved to unit {d.get('unit')}",
    Person.RoleChanged: lambda d, a: f"{d.get('person')} is now {d.get('role')}",
    Person.PersonDeactivated: lambda d, a: f"{d.get('person')} deactivated: {_short(d.get('reason'))}",
    Person.TokenIssued: lambda d, a: f"API token {d.get('token_id')} issued for {d.get('person')}",
    Person.TokenRevoked: lambda d, a: (
        f"API token {d.get('token_id')} of {d.get('person')} revoked: {_short(d.get('reason'))}"
    ),
    ev.InitiativeOpened: lambda d, a: (
        f"{a} opened '{_short(d.get('title'))}' for {_people(d.get('units'))}, "
        f"sponsor {d.get('sponsor')}"
    ),
    ev.GoalSet: lambda d, a: f"Shared goal set: {_short(d.get('statement'))}",
    ev.GoalRevised: lambda d, a: (
        f"Shared goal revised: {_short(d.get('statement'), 60)} (why: {_short(d.get('reason'), 40)})"
    ),
    ev.CriterionDefined: lambda d, a: (
        f"Success criterion {d.get('criterion')} defined: {_short(d.get('description'), 60)}"
    ),
    ev.CriterionRevised: lambda d, a: f"Success criterion {d.get('criterion')} revised",
    ev.CriterionRetired: lambda d, a: f"Success criterion {d.get('criterion')} retired",
    ev.MeasurementRecorded: lambda d, a: (
        f"Measured {d.get('criterion')}: {d.get('value'):g}" + (f" ({_short(d.get('note'), 40)})"
                                                               if d.get("note") else "")
    ),
    ev.ResponsibilityAssigned: lambda d, a: (
        f"{d.get('person')} assigned {d.get('role')} for {d.get('area')}"
    ),
    ev.ResponsibilityReleased: lambda d, a: (
        f"{d.get('person')} released from {d.get('role')} for {d.get('area')}"
    ),
    ev.TandemFormed: lambda d, a: f"Tandem formed: {_people(d.get('people'))} lead jointly",
    ev.TandemDissolved: lambda d, a: f"Tandem dissolved: {_short(d.get('reason'))}",
    ev.MandateGranted: lambda d, a: (
        f"Mandate {d.get('mandate')} granted to {d.get('person')} for {d.get('scope')} by "
        f"{d.get('granted_by')}"
    ),
    ev.MandateRevoked: lambda d, a: f"Mandate {d.get('mandate')} revoked",
    ev.DecisionProposed: lambda d, a: (
        f"Proposal {d.get('proposal')}: {_short(d.get('question'), 60)} "
        f"({len(d.get('options') or [])} options)"
    ),
    ev.DecisionTaken: lambda d, a: (
        f"Decision {d.get('decision')}: {_short(d.get('title'), 60)} — chose {d.get('option')}, "
        f"by {_people(d.get('decided_by'))}"
    ),
    ev.DecisionRevoked: lambda d, a: f"Decision {d.get('decision')} revoked",
    ev.EscalationRaised: lambda d, a: (
        f"Escalation {d.get('escalation')} raised by {d.get('raised_by')} to "
        f"{d.get('addressed_to')}: {_short(d.get('topic'), 60)}"
    ),
    ev.EscalationForwarded: lambda d, a: (
        f"Escalation {d.get('escalation')} forwarded to level {d.get('level')} "
        f"({d.get('addressed_to')}): {_short(d.get('reason'), 40)}"
    ),
    ev.EscalationResolved: lambda d, a: (
        f"Escalation {d.get('escalation')} resolved by decision {d.get('decision')}"
    ),
    ev.HandoffStarted: lambda d, a: (
        f"Handoff {d.get('handoff')}: {_short(d.get('item'), 60)} from {d.get('from_person')} to "
        f"{d.get('to_person')}"
    ),
    ev.HandoffAccepted: lambda d, a: f"Handoff {d.get('handoff')} accepted",
    ev.StatusReported: lambda d, a: (
        f"Status by {_people(d.get('reported_by'))}: {_short(d.get('summary'), 60)}"
    ),
    ev.RulesAdopted: lambda d, a: (
        f"Governance rules adopted: {', '.join(f['name'] for f in d.get('rule_files') or [])}"
    ),
    ev.InitiativeClosed: lambda d, a: f"Initiative closed: {_short(d.get('outcome'))}",
    ev.MemberAdmitted: lambda d, a: f"{d.get('person')} admitted as {d.get('role')} by {a}",
    ev.MemberDismissed: lambda d, a: (
        f"{d.get('person')} dismissed by {a}: {_short(d.get('reason'), 60)}"
    ),
    ev.VisibilityChanged: lambda d, a: (
        "Readable by its members and auditors only" if d.get("visibility") == "members"
        else "Readable by everyone signed in"
    ),
    ev.EntryConfirmed: lambda d, a: f"{a} confirmed entry #{d.get('position')}",
    ev.EntryDisputed: lambda d, a: (
        f"{a} disputed entry #{d.get('position')}: {_short(d.get('reason'), 60)}"
    ),
}


def summarize(kind: EventClass, data: Data, actor: str) -> str:
    describe = _SUMMARIES.get(kind)
    return describe(data, actor) if describe else kind.__name__


_SUMMARIES.update({
    ev.MandateDelegated: lambda d, a: (
        f"Mandate {d.get('mandate')} delegated from {d.get('delegated_from')} to "
        f"{d.get('person')} for {d.get('scope')} by {a}"
    ),
    ev.HandoffRefused: lambda d, a: (
        f"Handoff {d.get('handoff')} refused by {a}: {_short(d.get('reason'), 60)}"
    ),
    ev.HandoffReturned: lambda d, a: (
        f"Handoff {d.get('handoff')} returned by {a}: {_short(d.get('reason'), 60)}"
    ),
    ev.MeetingScheduled: lambda d, a: (
        f"Meeting {d.get('meeting')} ({d.get('kind')}): {_short(d.get('title'), 60)}, "
        f"moderated by {d.get('moderator')}"
    ),
    ev.MeetingHeld: lambda d, a: (
        f"Meeting {d.get('meeting')} held, attended by {_people(d.get('attended'))}"
    ),
    ev.MeetingOutcomeRecorded: lambda d, a: (
        f"Outcome of meeting {d.get('meeting')}: {_short(d.get('summary'), 60)}"
    ),
    ev.MeetingCadenceSet: lambda d, a: (
        f"Cadence of {d.get('kind')} meetings: every {d.get('every_days')} days"
    ),
})
