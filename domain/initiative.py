"""The initiative aggregate: its state, and its commands, which check the governance rules
before they trigger an event. A rejected command triggers nothing."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from eventsourcing.domain import Aggregate

from domain import events as ev
from domain.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    Message,
    NotFound,
    Persons,
    RuleViolation,
    said,
)
from domain.membership import Membership, People
from domain.values import check_options, covers, entity_id

Options = list[dict[str, str]]


class Initiative(Aggregate, Membership):
    """A cross-unit initiative and everything recorded about it."""

    INITIAL_VERSION = 1

    def __init__(
        self,
        initiative: str,
        title: str,
        sponsor: str,
        units: list[str],
        escalation_path: list[str],
        actor: str,
        effective_at: datetime,
    ):
        self.slug = initiative
        self.sponsor = sponsor
        self.units = list(units)
        self.escalation_path = list(escalation_path)
        self.opened_at = effective_at
        self.closed = False
        self.visibility = "open"
        self.members = {}
        self.claims = {}
        self.goal = None
        self.goal_version = 0
        self.criteria = {}
        self.assignments = {}
        self.tandems = []
        self.mandates = {}
        self.proposals = {}
        self.decisions = {}
        self.escalations = {}
        self.handoffs = {}
        self.meetings = {}

    @staticmethod
    def id_for(initiative: str) -> Any:
        return entity_id("initiative", initiative)

    @classmethod
    def open(
        cls,
        *,
        initiative: str,
        title: str,
        sponsor: str,
        units: list[str],
        escalation_path: list[str],
        actor: str,
        effective_at: datetime,
        now: datetime,
        visibility: str = "open",
    ) -> Initiative:
        opened = cls._create(
            ev.InitiativeOpened,
            id=cls.id_for(initiative),
            timestamp=now,
            initiative=initiative,
            title=title,
            sponsor=sponsor,
            units=units,
            escalation_path=escalation_path,
            actor=actor,
            effective_at=effective_at,
        )
        if visibility != "open":
            opened._trigger(ev.VisibilityChanged, now, visibility=visibility, actor=actor,
                            effective_at=effective_at)
        return opened

    # -- the one way an event is triggered -----------------------------------------------------

    def _trigger(
        self, event_class: type[ev.InitiativeEvent], now: datetime, **attributes: Any
    ) -> None:
        self.trigger_event(event_class, timestamp=now, **attributes)

    def _known(self, table: Mapping[str, Any], key: str | None, what: str) -> dict[str, Any]:
        if key is None or key not in table:
            raise NotFound("There is no %(what)s '%(key)s' in initiative '%(initiative)s'.",
                           rule="known-references", what=said(what), key=key,
                           initiative=self.slug)
        value: dict[str, Any] = table[key]
        return value

    @staticmethod
    def _not_before(earlier: datetime, effective_at: datetime, what: Message) -> None:
        if effective_at < earlier:
            raise RuleViolation("effective-order", "%(what)s took effect on %(moment)s.",
                                what=what, moment=f"{earlier:%Y-%m-%d %H:%M} UTC")

    def _unique(self, table: Mapping[str, Any], key: str, what: str) -> None:
        if key in table:
            raise Conflict("A %(what)s '%(key)s' already exists in initiative '%(initiative)s'.",
                           what=said(what), key=key, initiative=self.slug)

    # -- goal and success criteria -------------------------------------------------------------

    def set_goal(
        self, *, statement: str, reason: str, agreed_by: list[str], actor: str,
        effective_at: datetime, now: datetime, people: People,
    ) -> None:
        self._ensure_open()
        people.require(agreed_by, effective_at, "agreed_by")
        revision = self.goal is not None
        if revision and not reason:
            raise RuleViolation("goal-revision-reason")
        if self.goal is not None and effective_at < self.goal["effective_at"]:
            raise RuleViolation("effective-order", "The current goal took effect on %(moment)s.",
                                moment=f"{self.goal['effective_at']:%Y-%m-%d %H:%M} UTC")
        tandem = self.tandem_at(effective_at)
        if tandem and not set(tandem) <= set(agreed_by):
            missing = Persons(p for p in tandem if p not in agreed_by)
            raise RuleViolation("goal-agreed-by-tandem", "Missing agreement of: %(people)s.",
                                people=missing)
        self._trigger(
            ev.GoalRevised if revision else ev.GoalSet, now, statement=statement,
            reason=reason, agreed_by=agreed_by, actor=actor, effective_at=effective_at,
        )

    def define_criterion(
        self, *, criterion: str, description: str, target: str, actor: str,
        effective_at: datetime, now: datetime, measurable: Mapping[str, Any] | None = None,
        people: People | None = None,
    ) -> None:
        self._ensure_open()
        self._unique(self.criteria, criterion, "success criterion")
        self._check_owners(measurable, effective_at, people)
        self._trigger(
            ev.CriterionDefined, now, criterion=criterion, description=description,
            target=target, actor=actor, effective_at=effective_at, **(measurable or {}),
        )

    def _check_owners(self, measurable: Mapping[str, Any] | None, effective_at: datetime,
                      people: People | None) -> None:
        owners = (measurable or {}).get("owners") or []
        if not owners or people is None:
            return
        found = people.require(owners, effective_at, "owners")
        units = sorted(found[p].unit_at(effective_at) or "" for p in owners)
        if units != sorted(self.units):
            raise RuleViolation("criterion-owners", "Owners' units: %(units)s; the initiative's: "
                                "%(own)s.", units=", ".join(units), own=", ".join(self.units))

    def _active_criterion(self, criterion: str, effective_at: datetime) -> None:
        state = self._known(self.criteria, criterion, "success criterion")
        if not state["active"] or effective_at < state["defined_at"]:
            raise RuleViolation("criterion-active", "'%(key)s' is not active then.",
                                key=criterion)

    def revise_criterion(
        self, *, criterion: str, description: str, target: str, reason: str, actor: str,
        effective_at: datetime, now: datetime, measurable: Mapping[str, Any] | None = None,
        people: People | None = None,
    ) -> None:
        self._ensure_open()
        self._active_criterion(criterion, effective_at)
        self._check_owners(measurable, effective_at, people)
        self._trigger(
            ev.CriterionRevised, now, criterion=criterion, description=description,
            target=target, reason=reason, actor=actor, effective_at=effective_at,
            **(measurable or {}),
        )

    def retire_criterion(
        self, *, criterion: str, reason: str, actor: str, effective_at: datetime, now: datetime
    ) -> None:
        self._ensure_open()
        self._active_criterion(criterion, effective_at)
        self._trigger(
            ev.CriterionRetired, now, criterion=criterion, reason=reason, actor=actor,
            effective_at=effective_at,
        )

    def record_measurement(
        self, *, criterion: str, value: float, note: str, actor: str, effective_at: datetime,
        now: datetime,
    ) -> None:
        self._ensure_open()
        self._active_criterion(criterion, effective_at)
        self._trigger(
            ev.MeasurementRecorded, now, criterion=criterion, value=value, note=note,
            actor=actor, effective_at=effective_at,
        )

    # -- responsibilities and the lead tandem --------------------------------------------------

    def assign(
        self, *, area: str, person: str, role: str, actor: str, effective_at: datetime,
        now: datetime, people: People,
    ) -> None:
        self._ensure_open()
        people.require([person], effective_at, "person")
        for _start, end in self.spans(area, person, role):
            if end is None or end > effective_at:
                raise RuleViolation(
                    "single-assignment", "%(person)s already holds %(role)s in '%(area)s'.",
                    person=Persons([person]), role=role, area=area
                )
        if role == "A":
            for other, roles in self.assignments.get(area, {}).items():
                for start, end in roles.get("A", []):
                    if other != person and (end is None or end > effective_at):
                        raise RuleViolation(
                            "one-accountable-per-area",
                            "%(person)s is Accountable for '%(area)s' from %(date)s.",
                            person=Persons([other]), area=area, date=f"{start:%Y-%m-%d}",
                        )
        self._trigger(
            ev.ResponsibilityAssigned, now, area=area, person=person, role=role, actor=actor,
            effective_at=effective_at,
        )

    def release(
        self, *, area: str, person: str, role: str, reason: str, actor: str,
        effective_at: datetime, now: datetime,
    ) -> None:
        self._ensure_open()
        held = [
            s for s in self.assignments.get(area, {}).get(person, {}).get(role, [])
            if s[1] is None and s[0] <= effective_at
        ]
        if not held:
            raise RuleViolation("release-held-role", "%(person)s does not hold %(role)s in '%(area)s'.",
                                person=Persons([person]), role=role, area=area)
        self._trigger(
            ev.ResponsibilityReleased, now, area=area, person=person, role=role, reason=reason,
            actor=actor, effective_at=effective_at,
        )

    def form_tandem(
        self, *, people: list[str], actor: str, effective_at: datetime, now: datetime,
        directory: People,
    ) -> None:
        self._ensure_open()
        self.require_lead(actor, now)
        if len(people) != 2:
            raise RuleViolation("tandem-two-units", "Named: %(n)s people.", n=len(people))
        found = directory.require(people, effective_at, "people")
        if found[people[0]].unit_at(effective_at) == found[people[1]].unit_at(effective_at):
            raise RuleViolation("tandem-two-units", "Both are in the same unit.")
        for start, end, partners in self.tandems:
            if end is None or end > effective_at:
                raise RuleViolation(
                    "one-tandem", "%(people)s lead from %(date)s.", people=Persons(partners),
                    date=f"{start:%Y-%m-%d}"
                )
        self._trigger(ev.TandemFormed, now, people=people, actor=actor, effective_at=effective_at)

    def dissolve_tandem(
        self, *, reason: str, actor: str, effective_at: datetime, now: datetime
    ) -> None:
        self._ensure_open()
        self.require_lead(actor, now)
        if not any(s[1] is None and s[0] <= effective_at for s in self.tandems):
            raise RuleViolation("dissolve-existing-tandem")
        self._trigger(ev.TandemDissolved, now, reason=reason, actor=actor, effective_at=effective_at)

    # -- mandates ------------------------------------------------------------------------------

    def grant_mandate(
        self, *, mandate: str, person: str, scope: str, limits: str, actor: str,
        effective_at: datetime, now: datetime, people: People,
        valid_until: datetime | None = None, budget: tuple[float, str] | None = None,
        may_delegate: bool = False,
    ) -> None:
        self._ensure_open()
        self._check_grantor(actor)
        self._unique(self.mandates, mandate, "mandate")
        people.require([person], effective_at, "person")
        if valid_until is not None and valid_until <= effective_at:
            raise InvalidInput("A mandate is valid until a time after it is granted.",
                               field="valid_until")
        self._trigger(
            ev.MandateGranted, now, mandate=mandate, person=person, scope=scope, limits=limits,
            granted_by=actor, actor=actor, effective_at=effective_at, valid_until=valid_until,
            budget_amount=budget[0] if budget else None,
            budget_currency=budget[1] if budget else None, may_delegate=may_delegate,
        )

    def _check_grantor(self, actor: str) -> None:
        """Leadership backs the working level: only the sponsor and the escalation path."""
        if actor != self.sponsor and actor not in self.escalation_path:
            raise RuleViolation("mandate-grantor", "%(person)s is neither.", person=Persons([actor]))

    def revoke_mandate(
        self, *, mandate: str, reason: str, actor: str, effective_at: datetime, now: datetime
    ) -> None:
        self._ensure_open()
        state = self._known(self.mandates, mandate, "mandate")
        parent = self.mandates.get(state.get("parent") or "")
        if parent is None or actor != parent["person"]:  # a delegator takes back what it gave
            self._check_grantor(actor)
        if state["end"] is not None or effective_at < state["start"]:
            raise RuleViolation("mandate-in-force", "'%(key)s' is not in force then.", key=mandate)
        self._trigger(
            ev.MandateRevoked, now, mandate=mandate, reason=reason, actor=actor,
            effective_at=effective_at,
        )

    # -- proposals and decisions ---------------------------------------------------------------

    def propose(
        self, *, proposal: str, question: str, scope: str, options: Options,
        proposed_by: list[str], actor: str, effective_at: datetime, now: datetime,
        people: People,
    ) -> None:
        self._ensure_open()
        self._unique(self.proposals, proposal, "proposal")
        check_options(options)
        people.require(proposed_by, effective_at, "proposed_by")
        self._trigger(
            ev.DecisionProposed, now, proposal=proposal, question=question, scope=scope,
            options=options, proposed_by=proposed_by, actor=actor, effective_at=effective_at,
        )

    def take_decision(
        self, *, decision: str, scope: str, title: str, option: str, rationale: str,
        decided_by: list[str], options: Options, proposal: str | None, escalation: str | None,
        mandate: str | None, supersedes: str | None, actor: str, effective_at: datetime,
        now: datetime, people: People, imported: str | None = None,
        amount: tuple[float, str] | None = None,
    ) -> None:
        """`imported` names the record a decision is imported from: its basis is that record
        when no mandate or sponsor covers it, and it may supersede an imported decision whose
        deciders have not confirmed it yet (the chain of the records, claimed as they are)."""
        self._ensure_open()
        self._unique(self.decisions, decision, "decision")
        people.require(decided_by, effective_at, "decided_by")
        if proposal is not None:
            answered = self._known(self.proposals, proposal, "proposal")["answered_by"]
            if answered and answered != supersedes:
                raise RuleViolation("proposal-open", "'%(key)s' was answered by '%(answer)s'.",
                                    key=proposal, answer=answered)
            self._not_before(self.proposals[proposal]["proposed_at"], effective_at,
                             said("proposal '%(key)s'", key=proposal))
            options = options or self.proposals[proposal]["options"]
        if escalation is not None:
            state = self._known(self.escalations, escalation, "escalation")
            if not state["open"]:
                raise RuleViolation("escalation-open", "'%(key)s' is resolved.", key=escalation)
            self._not_before(state["raised_at"], effective_at,
                             said("escalation '%(key)s'", key=escalation))
            options = options or state["options"]
        keys = [o["key"] for o in options]
        if len(keys) < 2 or len(set(keys)) != len(keys) or option not in keys:
            raise RuleViolation(
                "decision-options", "Considered: %(keys)s; chosen: %(option)s.",
                keys=", ".join(keys) or "—", option=option
            )
        if supersedes is not None:
            state = self._supersedable(supersedes) if imported else self._in_force(supersedes)
            self._not_before(state["effective_at"], effective_at,
                             said("decision '%(key)s'", key=supersedes))
        try:
            basis = self._basis(scope, decided_by, escalation, mandate, effective_at, amount)
        except RuleViolation:
            if imported is None:
                raise
            basis = {"kind": "imported", "id": imported}
        self._trigger(
            ev.DecisionTaken, now, decision=decision, scope=scope, title=title, options=options,
            option=option, rationale=rationale, decided_by=decided_by, basis=basis,
            proposal=proposal, escalation=escalation, supersedes=supersedes, actor=actor,
            effective_at=effective_at, amount=amount[0] if amount else None,
            currency=amount[1] if amount else None,
        )
        if escalation is not None:
            self._trigger(
                ev.EscalationResolved, now, escalation=escalation, decision=decision, actor=actor,
                effective_at=effective_at,
            )

    def _mandate_problem(
        self, key: str, scope: str, deciders: list[str] | None, moment: datetime,
        amount: tuple[float, str] | None,
    ) -> tuple[str, Message] | None:
        """Why the mandate `key` is no basis for this decision (the rule and a detail), or
        None when it is. A delegated mandate holds only while the one it came from holds."""
        m = self.mandates[key]
        if (deciders is not None and m["person"] not in deciders) or m["start"] > moment \
                or (m["end"] is not None and moment >= m["end"]) or not covers(m["scope"], scope):
            return ("decision-basis", said(
                "Mandate '%(key)s' (%(person)s, scope %(mandate_scope)s) does not cover "
                "'%(scope)s' for these deciders at %(moment)s.", key=key,
                person=Persons([m["person"]]), mandate_scope=m["scope"], scope=scope,
                moment=f"{moment:%Y-%m-%d %H:%M} UTC"))
        until = m.get("valid_until")
        if until is not None and moment >= until:
            return ("mandate-validity", said("Mandate '%(key)s' was valid until %(moment)s.",
                                             key=key, moment=f"{until:%Y-%m-%d %H:%M} UTC"))
        budget = m.get("budget")
        if budget is not None and amount is not None:
            cap, currency = budget
            if amount[1] != currency or amount[0] > cap:
                return ("mandate-budget", said(
                    "Mandate '%(key)s' caps at %(cap)s %(currency)s; the decision commits "
                    "%(amount)s %(amount_currency)s.", key=key, cap=f"{cap:,.2f}",
                    currency=currency, amount=f"{amount[0]:,.2f}", amount_currency=amount[1]))
        parent = m.get("parent")
        if parent:
            problem = self._mandate_problem(parent, scope, None, moment, amount)
            if problem is not None:
                return (problem[0], Message(
                    ("Mandate '%(key)s' was delegated from '%(parent)s':",
                     {"key": key, "parent": parent}), *problem[1].parts))
        return None

    def _chain(self, key: str) -> str:
        chain = [key]
        while self.mandates[chain[0]].get("parent"):
            chain.insert(0, self.mandates[chain[0]]["parent"])
        return " > ".join(chain)

    def _mandate_basis(self, key: str) -> dict[str, str]:
        basis = {"kind": "mandate", "id": key}
        if self.mandates[key].get("parent"):
            basis["chain"] = self._chain(key)
        return basis

    def _basis(
        self, scope: str, deciders: list[str], escalation: str | None, mandate: str | None,
        moment: datetime, amount: tuple[float, str] | None = None,
    ) -> dict[str, str]:
        if mandate is not None:
            self._known(self.mandates, mandate, "mandate")
            problem = self._mandate_problem(mandate, scope, deciders, moment, amount)
            if problem is not None:
                raise RuleViolation(*problem)
            return self._mandate_basis(mandate)
        if escalation is not None:
            state = self.escalations[escalation]
            addressee = None
            for since, person in state["addressees"]:
                if since <= moment:
                    addressee = person
            if addressee is not None and addressee in deciders:
                return {"kind": "escalation", "id": escalation}
        problems = {key: self._mandate_problem(key, scope, deciders, moment, amount)
                    for key in self.mandates}
        holding = [
            (len(m["scope"]) if m["scope"] != "*" else 0, key)
            for key, m in self.mandates.items() if problems[key] is None
        ]
        if holding:
            return self._mandate_basis(max(holding)[1])
        if self.sponsor in deciders:
            return {"kind": "sponsor", "id": self.sponsor}
        # a mandate that would have held but for its validity or its cap: name that rule
        for problem in problems.values():
            if problem is not None and problem[0] != "decision-basis":
                raise RuleViolation(*problem)
        raise RuleViolation(
            "decision-basis", "No mandate covers '%(scope)s' for %(people)s.", scope=scope,
            people=Persons(deciders)
        )

    def _in_force(self, decision: str) -> dict[str, Any]:
        """A decision that can be superseded or revoked: in force (taken and, if it was
        recorded for others, confirmed by them) and not already being superseded."""
        state = self._known(self.decisions, decision, "decision")
        if state["status"] != "in_force":
            status = {"in_force": "in force", "pending": "awaiting its deciders' confirmation"}
            now_is = status.get(state["status"], state["status"])
            raise RuleViolation("decision-in-force", "'%(key)s' is %(status)s.", key=decision,
                                status=said(now_is))
        if state["superseding"]:
            raise RuleViolation("decision-in-force",
                                "'%(key)s' is being superseded by '%(other)s', which awaits its "
                                "deciders' confirmation.", key=decision, other=state["superseding"])
        return state

    def _supersedable(self, decision: str) -> dict[str, Any]:
        """A decision an imported one may supersede: in force, or still awaiting its deciders'
        confirmation, and not superseded by another."""
        state = self._known(self.decisions, decision, "decision")
        if state["status"] not in ("in_force", "pending") or state["superseding"]:
            if state["superseding"]:
                raise RuleViolation("decision-in-force", "'%(key)s' is being superseded by "
                                    "'%(other)s'.", key=decision, other=state["superseding"])
            words = {"revoked": said("revoked"), "superseded": said("superseded")}
            raise RuleViolation("decision-in-force", "'%(key)s' is %(status)s.", key=decision,
                                status=words.get(state["status"], state["status"]))
        return state

    def mark_imported(
        self, *, source: str, sha256: str, format: str, entries: list[str], actor: str,
        effective_at: datetime, now: datetime,
    ) -> None:
        self._ensure_open()
        for entry in entries:
            if entry not in self.proposals and entry not in self.decisions:
                raise NotFound("There is no proposal or decision '%(key)s' in initiative "
                               "'%(initiative)s'.", rule="known-references", key=entry,
                               initiative=self.slug)
        self._trigger(ev.RecordImported, now, source=source, sha256=sha256, format=format,
                      entries=entries, actor=actor, effective_at=effective_at)

    def revoke_decision(
        self, *, decision: str, reason: str, actor: str, effective_at: datetime, now: datetime
    ) -> None:
        self._ensure_open()
        state = self._in_force(decision)
        if actor not in state["decided_by"]:
            self.require_lead(actor, now)
        self._not_before(state["effective_at"], effective_at,
                         said("decision '%(key)s'", key=decision))
        self._trigger(
            ev.DecisionRevoked, now, decision=decision, reason=reason, actor=actor,
            effective_at=effective_at,
        )

    # -- escalations ---------------------------------------------------------------------------

    def raise_escalation(
        self, *, escalation: str, topic: str, options: Options, raised_by: str, due_at: datetime,
        actor: str, effective_at: datetime, now: datetime, people: People,
    ) -> None:
        self._ensure_open()
        self._unique(self.escalations, escalation, "escalation")
        check_options(options)
        people.require([raised_by], effective_at, "raised_by")
        if due_at <= effective_at:
            raise InvalidInput("The due date lies after the escalation is raised.", field="due_at")
        self._trigger(
            ev.EscalationRaised, now, escalation=escalation, topic=topic, options=options,
            raised_by=raised_by, addressed_to=self.escalation_path[0], level=1, due_at=due_at,
            actor=actor, effective_at=effective_at,
        )

    def forward_escalation(
        self, *, escalation: str, reason: str, actor: str, effective_at: datetime, now: datetime
    ) -> None:
        self._ensure_open()
        state = self._known(self.escalations, escalation, "escalation")
        if not state["open"]:
            raise RuleViolation("escalation-open", "'%(key)s' is resolved.", key=escalation)
        level = int(state["level"])
        if level >= len(self.escalation_path):
            raise RuleViolation(
                "escalation-path", "'%(key)s' is at the top level (%(level)s).", key=escalation,
                level=level
            )
        self._not_before(state["level_since"], effective_at,
                         said("escalation '%(key)s' at level %(level)s", key=escalation, level=level))
        interval: timedelta = state["due_at"] - state["level_since"]
        self._trigger(
            ev.EscalationForwarded, now, escalation=escalation, level=level + 1,
            addressed_to=self.escalation_path[level], due_at=effective_at + interval,
            reason=reason, actor=actor, effective_at=effective_at,
        )

    def overdue_escalations(self, moment: datetime) -> list[str]:
        return sorted(
            key for key, e in self.escalations.items()
            if e["open"] and e["due_at"] < moment and e["level"] < len(self.escalation_path)
        )

    # -- handoffs, status, rules, closing ------------------------------------------------------

    def start_handoff(
        self, *, handoff: str, item: str, from_person: str, to_person: str, actor: str,
        effective_at: datetime, now: datetime, people: People,
        acceptance_criteria: list[str] | None = None,
    ) -> None:
        self._ensure_open()
        self._unique(self.handoffs, handoff, "handoff")
        if from_person == to_person:
            raise RuleViolation("handoff-open", "Both sides are the same person.")
        people.require([from_person, to_person], effective_at, "to")
        self._trigger(
            ev.HandoffStarted, now, handoff=handoff, item=item, from_person=from_person,
            to_person=to_person, actor=actor, effective_at=effective_at,
            acceptance_criteria=list(acceptance_criteria or []),
        )

    def accept_handoff(
        self, *, handoff: str, actor: str, effective_at: datetime, now: datetime
    ) -> None:
        self._ensure_open()
        state = self._known(self.handoffs, handoff, "handoff")
        if actor != state["to"]:
            raise Forbidden("handoff-receiver", "'%(key)s' is handed to %(person)s.", key=handoff,
                            person=Persons([state["to"]]))
        if state["accepted"] or state.get("answer") or effective_at < state["started_at"]:
            raise RuleViolation("handoff-open", "'%(key)s' is already accepted, refused or not started.",
                                key=handoff)
        self._trigger(ev.HandoffAccepted, now, handoff=handoff, actor=actor, effective_at=effective_at)

    def report_status(
        self, *, summary: str, running: list[str], blocked: list[str], options: list[str],
        reported_by: list[str], actor: str, effective_at: datetime, now: datetime,
        people: People,
    ) -> None:
        self._ensure_open()
        people.require(reported_by, effective_at, "reported_by")
        self._trigger(
            ev.StatusReported, now, summary=summary, running=running, blocked=blocked,
            options=options, reported_by=reported_by, actor=actor, effective_at=effective_at,
        )

    def adopt_rules(
        self, *, rule_files: list[dict[str, str]], actor: str, effective_at: datetime,
        now: datetime,
    ) -> None:
        self._ensure_open()
        self._trigger(
            ev.RulesAdopted, now, rule_files=rule_files, actor=actor, effective_at=effective_at
        )

    def close(self, *, outcome: str, actor: str, effective_at: datetime, now: datetime) -> None:
        self._ensure_open()
        self.require_lead(actor, now)
        self._trigger(ev.InitiativeClosed, now, outcome=outcome, actor=actor, effective_at=effective_at)

    # -- the rhythm of working together (appended) ---------------------------------------------

    def delegate_mandate(
        self, *, mandate: str, delegated_from: str, person: str, scope: str, limits: str,
        valid_until: datetime | None, budget: tuple[float, str] | None, actor: str,
        effective_at: datetime, now: datetime, people: People,
    ) -> None:
        """The holder of a mandate passes a narrower one on, when its grant allows it."""
        self._ensure_open()
        self._unique(self.mandates, mandate, "mandate")
        parent = self._known(self.mandates, delegated_from, "mandate")
        people.require([person], effective_at, "person")
        if actor != parent["person"] or not parent.get("may_delegate"):
            raise RuleViolation("mandate-delegation", "'%(key)s' is held by %(person)s." if
                                parent.get("may_delegate") else "'%(key)s' is held by "
                                "%(person)s and its grant allows no delegation.",
                                key=delegated_from, person=parent["person"])
        if not covers(parent["scope"], scope):
            raise RuleViolation("mandate-delegation", "'%(key)s' covers %(covered)s, not "
                                "%(scope)s.", key=delegated_from, covered=parent["scope"],
                                scope=scope)
        problem = self._mandate_problem(delegated_from, scope, None, effective_at, None)
        if problem is not None:
            raise RuleViolation(*problem)
        until, cap = parent.get("valid_until"), parent.get("budget")
        valid_until = valid_until or until
        if until is not None and valid_until is not None and valid_until > until:
            raise RuleViolation("mandate-delegation", "'%(key)s' is valid until %(moment)s.",
                                key=delegated_from, moment=f"{until:%Y-%m-%d %H:%M} UTC")
        if valid_until is not None and valid_until <= effective_at:
            raise InvalidInput("A mandate is valid until a time after it is granted.",
                               field="valid_until")
        budget = budget or cap
        if cap is not None and budget is not None and (budget[1] != cap[1] or budget[0] > cap[0]):
            raise RuleViolation("mandate-delegation", "'%(key)s' caps at %(cap)s %(currency)s.",
                                key=delegated_from, cap=f"{cap[0]:,.2f}", currency=cap[1])
        self._trigger(
            ev.MandateDelegated, now, mandate=mandate, delegated_from=delegated_from,
            person=person, scope=scope, limits=limits, valid_until=valid_until,
            budget_amount=budget[0] if budget else None,
            budget_currency=budget[1] if budget else None, actor=actor, effective_at=effective_at,
        )

    def answer_handoff(
        self, *, handoff: str, answer: str, reason: str, actor: str, effective_at: datetime,
        now: datetime,
    ) -> None:
        """The receiver refuses a waiting handoff, or returns an accepted one, saying why."""
        self._ensure_open()
        state = self._known(self.handoffs, handoff, "handoff")
        if actor != state["to"]:
            raise Forbidden("handoff-receiver", "'%(key)s' is handed to %(person)s.", key=handoff,
                            person=state["to"])
        closed = state.get("answer")
        if closed:
            words = {"refused": said("refused"), "returned": said("returned")}
            raise RuleViolation("handoff-answer", "'%(key)s' was %(answer)s.", key=handoff,
                                answer=words.get(closed, closed))
        if answer == "refused" and state["accepted"]:
            raise RuleViolation("handoff-answer", "'%(key)s' was accepted: return it instead.",
                                key=handoff)
        if answer == "returned" and not state["accepted"]:
            raise RuleViolation("handoff-answer", "'%(key)s' was not accepted: refuse it instead.",
                                key=handoff)
        self._not_before(state.get("answered_at") or state["started_at"], effective_at,
                         said("handoff '%(key)s'", key=handoff))
        self._trigger(
            ev.HandoffRefused if answer == "refused" else ev.HandoffReturned, now,
            handoff=handoff, reason=reason, actor=actor, effective_at=effective_at,
        )

    def schedule_meeting(
        self, *, meeting: str, kind: str, title: str, starts_at: datetime, moderator: str,
        invited: list[str], agenda: list[str], actor: str, effective_at: datetime,
        now: datetime, people: People,
    ) -> None:
        self._ensure_open()
        self._unique(self.meetings, meeting, "meeting")
        people.require([moderator, *[p for p in invited if p != moderator]], effective_at,
                       "invited")
        self._trigger(
            ev.MeetingScheduled, now, meeting=meeting, kind=kind, title=title,
            starts_at=starts_at, moderator=moderator, invited=invited, agenda=agenda,
            actor=actor, effective_at=effective_at,
        )

    def _started(self, meeting: str, effective_at: datetime, now: datetime) -> dict[str, Any]:
        state = self._known(self.meetings, meeting, "meeting")
        starts = state["starts_at"]
        if now < starts or effective_at < starts:
            raise RuleViolation("meeting-started", "'%(key)s' starts at %(time)s.", key=meeting,
                                time=f"{starts:%Y-%m-%d %H:%M}")
        return state

    def hold_meeting(
        self, *, meeting: str, attended: list[str], notes: str, actor: str,
        effective_at: datetime, now: datetime, people: People,
    ) -> None:
        self._ensure_open()
        state = self._started(meeting, effective_at, now)
        if state["held"]:
            raise RuleViolation("meeting-started", "The attendance of '%(key)s' is recorded.",
                                key=meeting)
        people.require(attended, effective_at, "attended")
        self._trigger(
            ev.MeetingHeld, now, meeting=meeting, attended=attended, notes=notes, actor=actor,
            effective_at=effective_at,
        )

    def record_meeting_outcome(
        self, *, meeting: str, summary: str, links: list[dict[str, str]],
        feedback: list[dict[str, str]], actor: str, effective_at: datetime, now: datetime,
    ) -> None:
        self._ensure_open()
        state = self._started(meeting, effective_at, now)
        tables = {"proposal": self.proposals, "decision": self.decisions,
                  "escalation": self.escalations, "handoff": self.handoffs}
        for link in links:
            if link["kind"] in tables:
                self._known(tables[link["kind"]], link["id"], link["kind"])
        if feedback and state["kind"] != "demo":
            raise RuleViolation("demo-feedback", "'%(key)s' is a %(kind)s meeting.", key=meeting,
                                kind=state["kind"])
        for given in feedback:
            if given["unit"] not in self.units:
                raise RuleViolation("demo-feedback", "'%(unit)s' is not one of %(units)s.",
                                    unit=given["unit"], units=", ".join(self.units))
        self._trigger(
            ev.MeetingOutcomeRecorded, now, meeting=meeting, summary=summary, links=links,
            feedback=feedback, actor=actor, effective_at=effective_at,
        )

    def set_meeting_cadence(
        self, *, kind: str, every_days: int, actor: str, effective_at: datetime, now: datetime
    ) -> None:
        self._ensure_open()
        self.require_lead(actor, now)
        self._trigger(ev.MeetingCadenceSet, now, kind=kind, every_days=every_days, actor=actor,
                      effective_at=effective_at)
