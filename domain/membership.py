"""Who belongs to an initiative and may record in it, who may read it, and the answers of the
people an entry names: the initiative's commands about access and attestation.

Leads are the sponsor, the escalation path and the tandem partners (by their place) and people
admitted as leads; members record; observers read. Writing needs a writing role at the time of
the request; leads admit and dismiss members and decide who may read the initiative.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Protocol

from domain import events as ev
from domain.directory import Person
from domain.errors import Conflict, Forbidden, InvalidInput, RuleViolation, said
from domain.initiative_state import LEAD, MEMBER, OBSERVER, WRITING_ROLES, InitiativeState

ROLES = (LEAD, MEMBER, OBSERVER)
VISIBILITIES = ("open", "members")


class People(Protocol):
    """How an initiative sees the directory: registered people, active at a time."""

    def require(self, ids: Sequence[str], at: datetime, field: str) -> Mapping[str, Person]: ...


class Membership(InitiativeState):
    """The access and attestation commands of an initiative."""

    def require_writer(self, actor: str, now: datetime) -> None:
        role = self.role_of(actor, now)
        if role not in WRITING_ROLES:
            where = "%(person)s is an observer of '%(initiative)s'." if role else \
                "%(person)s is not a member of '%(initiative)s'."
            raise Forbidden("initiative-membership", where, person=actor, initiative=self.slug)

    def require_lead(self, actor: str, now: datetime) -> None:
        if self.role_of(actor, now) != LEAD:
            raise Forbidden("lead-action", "%(person)s is not a lead of '%(initiative)s'.",
                            person=actor, initiative=self.slug)

    def admit_member(self, *, person: str, role: str, reason: str, actor: str,
                     effective_at: datetime, now: datetime, people: People) -> None:
        self._ensure_open()
        self.require_lead(actor, now)
        if role not in ROLES:
            raise InvalidInput("The role is lead, member or observer.", field="role")
        people.require([person], effective_at, "person")
        place = str(self.lead_by_place(person, now))
        if place in ("sponsor", "escalation path"):
            raise RuleViolation("member-admission", "%(person)s is a lead as %(place)s.",
                                person=person, place=said(place))
        current = self.members.get(person)
        if current is not None and not current["dismissed"] and current["role"] == role:
            raise RuleViolation("member-admission", "%(person)s is already a %(role)s.",
                                person=person, role=said(role))
        self._trigger(ev.MemberAdmitted, now, person=person, role=role, reason=reason,
                      actor=actor, effective_at=effective_at)

    def dismiss_member(self, *, person: str, reason: str, actor: str, effective_at: datetime,
                       now: datetime) -> None:
        self._ensure_open()
        self.require_lead(actor, now)
        place = str(self.lead_by_place(person, now))
        if place in ("sponsor", "escalation path"):
            raise RuleViolation("member-dismissal", "%(person)s is a lead as %(place)s.",
                                person=person, place=said(place))
        current = self.members.get(person)
        if current is None or current["dismissed"]:
            raise RuleViolation("member-dismissal", "%(person)s is not a member.", person=person)
        self._trigger(ev.MemberDismissed, now, person=person, reason=reason, actor=actor,
                      effective_at=effective_at)

    def change_visibility(self, *, visibility: str, actor: str, effective_at: datetime,
                          now: datetime) -> None:
        self._ensure_open()
        self.require_lead(actor, now)
        if visibility not in VISIBILITIES:
            raise InvalidInput("Visibility is 'open' (every signed-in person reads it) or "
                               "'members' (only its members and auditors).", field="visibility")
        if visibility == self.visibility:
            raise Conflict("'%(initiative)s' is already readable by %(visibility)s.",
                           initiative=self.slug, visibility=visibility)
        self._trigger(ev.VisibilityChanged, now, visibility=visibility, actor=actor,
                      effective_at=effective_at)

    def answer(self, *, entry: int, position: int, reason: str | None, actor: str,
               now: datetime) -> None:
        """Confirm (no reason) or dispute (a reason) an entry that names the actor."""
        self._ensure_open()
        claim = self.claims.get(entry)
        if claim is None or actor not in claim["named"]:
            raise Forbidden("confirmation-by-named",
                            "The entry at position %(position)s does not name %(person)s.",
                            position=position, person=actor)
        if self.was_dismissed(actor):
            raise Forbidden("confirmation-by-named",
                            "%(person)s was dismissed from '%(initiative)s'.", person=actor,
                            initiative=self.slug)
        if actor in claim["confirmed"] or actor in claim["disputed"]:
            raise RuleViolation("confirmation-by-named",
                                "%(person)s already answered the entry at position %(position)s.",
                                person=actor, position=position)
        if reason is None:
            self._trigger(ev.EntryConfirmed, now, entry=entry, position=position, actor=actor,
                          effective_at=now)
        else:
            self._trigger(ev.EntryDisputed, now, entry=entry, position=position, reason=reason,
                          actor=actor, effective_at=now)
