"""What an initiative knows, in effective time: the state its events change when applied, and
the questions asked of it. The aggregate (`domain.initiative`) adds the commands."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.errors import RuleViolation

LEAD, MEMBER, OBSERVER = "lead", "member", "observer"
WRITING_ROLES = (LEAD, MEMBER)


def people(value: Any) -> list[str]:
    """One id or a list of ids, as a list."""
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value or []]


class InitiativeState:
    """The initiative's state; set up by the aggregate, changed only by its events' `apply`."""

    slug: str
    sponsor: str
    units: list[str]
    escalation_path: list[str]
    opened_at: datetime
    closed: bool
    visibility: str
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
    meetings: dict[str, dict[str, Any]]  # meeting -> {kind, starts_at, held}
    members: dict[str, dict[str, Any]]  # admitted: person -> {role, since, dismissed}
    # entries that speak for people other than their recorder, by the entry's version:
    # {named, confirmed, disputed: {person: reason}, decision}
    claims: dict[int, dict[str, Any]]

    def _trigger(self, event_class: type[Any], now: datetime, **attributes: Any) -> None:
        """Trigger an event (the aggregate provides this)."""
        raise NotImplementedError

    def _ensure_open(self) -> None:
        if self.closed:
            raise RuleViolation("initiative-open", "'%(initiative)s' is closed.",
                                initiative=self.slug)

    def spans(self, area: str, person: str, role: str) -> list[list[Any]]:
        return self.assignments.setdefault(area, {}).setdefault(person, {}).setdefault(role, [])

    def tandem_at(self, moment: datetime) -> list[str] | None:
        for start, end, partners in self.tandems:
            if start <= moment and (end is None or moment < end):
                return list(partners)
        return None

    # -- who belongs to the initiative ---------------------------------------------------------

    def lead_by_place(self, person: str, moment: datetime) -> str | None:
        """Why a person is a lead without being admitted (sponsor, escalation path, tandem)."""
        if person == self.sponsor:
            return "sponsor"
        if person in self.escalation_path:
            return "escalation path"
        if person in (self.tandem_at(moment) or []):
            return "tandem"
        return None

    def role_of(self, person: str, moment: datetime) -> str | None:
        """lead, member, observer, or None for someone who does not belong to it."""
        if self.lead_by_place(person, moment):
            return LEAD
        member = self.members.get(person)
        if member is None or member["dismissed"]:
            return None
        return str(member["role"])

    def was_dismissed(self, person: str) -> bool:
        member = self.members.get(person)
        return bool(member and member["dismissed"])

    # -- claims about other people, and their answers ------------------------------------------

    def remember_claim(self, event: Any) -> None:
        field = type(event).speaks_for
        if field is None:
            return
        named = people(getattr(event, field))
        if not set(named) - {event.actor}:
            return
        self.claims[event.originator_version] = {
            "named": named, "confirmed": [p for p in named if p == event.actor],
            "disputed": {}, "decision": getattr(event, "decision", None)}

    def answer_claim(self, entry: int, person: str, reason: str | None) -> None:
        claim = self.claims[entry]
        if reason is None:
            claim["confirmed"].append(person)
        else:
            claim["disputed"][person] = reason
        if claim["decision"] is not None:
            self._settle_decision(claim)

    def _settle_decision(self, claim: dict[str, Any]) -> None:
        """A claimed decision comes into force when all its deciders confirmed it (then what it
        supersedes stops being in force); a dispute leaves it disputed and never in force."""
        decision = self.decisions[claim["decision"]]
        earlier = self.decisions.get(decision["supersedes"] or "")
        if claim["disputed"]:
            decision["status"] = "disputed"
            if earlier is not None and earlier["superseding"] == claim["decision"]:
                earlier["superseding"] = None
            proposal = self.proposals.get(decision["proposal"] or "")
            if proposal is not None and proposal["answered_by"] == claim["decision"]:
                proposal["answered_by"] = None  # a disputed answer leaves the question open
        elif set(claim["named"]) <= set(claim["confirmed"]) and decision["status"] == "pending":
            decision["status"] = "in_force"
            # (an imported chain may supersede a decision still awaiting its deciders)
            if earlier is not None and earlier["status"] in ("in_force", "pending"):
                earlier.update(status="superseded", superseding=None)
