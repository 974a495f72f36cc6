"""Initiative state as a fold over its envelopes, in effective-time order, and the queries that
answer with it (state, goal, goal history, the overview of initiatives).

The same fold answers "now, as known now" and any bitemporal question: the caller chooses the
envelopes (those recorded by `known_at` that took effect by `as_of`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from datetime import datetime, timedelta
from typing import Any

from domain import attestation, criteria
from domain import events as ev
from domain.errors import NotFound
from domain.event_types import EventClass
from projections.directory import DirectoryQueries
from projections.envelope import Envelope, iso
from projections.timeline import TimelineQueries

State = dict[str, Any]
Data = dict[str, Any]
STALE_STATUS_DAYS = 14


def empty() -> State:
    return {
        "initiative": None, "title": None, "sponsor": None, "units": [], "escalation_path": [],
        "status": "open", "opened_at": None, "closed_at": None, "outcome": None,
        "goal": None, "criteria": {}, "tandem": None, "mandates": {}, "proposals": {},
        "decisions": {}, "escalations": {}, "handoffs": {}, "last_status": None,
        "rules_adopted": [], "events": 0, "last_position": 0, "visibility": "open",
        "goal_unconfirmed": None, "attestations": {},
        "meetings": {}, "cadences": {},
    }


ANSWERS = (ev.EntryConfirmed, ev.EntryDisputed)


def fold(events: Iterable[Envelope], moment: datetime) -> State:
    """The state of one initiative at `moment` from its envelopes (any order given). Answers to
    claims count as given when they are among the envelopes (the caller cuts them by `known_at`
    only: an answer settles a claim from the claim's own effective time)."""
    s = empty()
    ordered = sorted(events, key=lambda e: (e.effective_at, e.position))
    s["attestations"] = attestations(ordered)
    for e in ordered:
        change = CHANGES.get(e.kind)
        if change is not None:
            change(s, e.data, e, iso(e.effective_at))
        s["events"] += 1
        s["last_position"] = max(s["last_position"], e.position)
    return with_overdue(s, moment)


def attestations(envelopes: list[Envelope]) -> dict[int, dict[str, Any]]:
    """The attestation of every entry among the envelopes that names people other than its
    recorder, from the answers among them: {position: {status, named, confirmed, disputed,
    pending, reasons}}."""
    answers: dict[int, list[Envelope]] = {}
    for e in envelopes:
        if e.kind in ANSWERS:
            answers.setdefault(int(e.data["position"]), []).append(e)
    found = {}
    for e in envelopes:
        named = attestation.named(e.kind, e.data)
        if not set(named) - {e.actor}:
            continue
        confirmed = [p for p in named if p == e.actor]
        reasons: dict[str, str] = {}
        for answer in answers.get(e.position, []):
            if answer.kind is ev.EntryConfirmed:
                confirmed.append(answer.actor)
            else:
                reasons[answer.actor] = answer.data["reason"]
        disputed = list(reasons)
        found[e.position] = {
            "status": attestation.status(named, confirmed, disputed), "named": named,
            "confirmed": confirmed, "disputed": disputed, "reasons": reasons,
            "pending": [p for p in named if p not in confirmed and p not in reasons]}
    return found


def _attested(s: State, e: Envelope) -> dict[str, Any] | None:
    found: dict[str, Any] | None = s["attestations"].get(e.position)
    return found


def with_overdue(state: State, moment: datetime) -> State:
    """What the clock adds to the state at `moment`: overdue escalations, expired mandates."""
    for escalation in state["escalations"].values():
        escalation["overdue"] = (
            escalation["status"] == "open" and datetime.fromisoformat(escalation["due_at"]) < moment
        )
    for mandate in state["mandates"].values():
        until = mandate.get("valid_until")
        mandate["expired"] = bool(until) and datetime.fromisoformat(until) <= moment
    for criterion in state["criteria"].values():
        found = criteria.evaluations(
            criterion.get("comparison"), criterion.get("target_value"),
            [datetime.fromisoformat(d) for d in criterion.get("evaluation_dates") or []],
            [{"value": m["value"], "effective_at": datetime.fromisoformat(m["effective_at"])}
             for m in criterion["measurements"]], moment)
        criterion["evaluations"] = [{**f, "date": iso(f["date"])} for f in found]
        criterion["state"] = criteria.state(found) if criterion.get("comparison") else None
    for kind, cadence in state["cadences"].items():
        held = [datetime.fromisoformat(m["starts_at"]) for m in state["meetings"].values()
                if m["kind"] == kind and m["held"]]
        last = max(held, default=datetime.fromisoformat(cadence["since"]))
        cadence.update(last=iso(last) if held else None, missed=(
            state["status"] == "open" and (moment - last) > timedelta(days=cadence["every_days"])))
    return state


# -- how each event changes the state: (state, data, envelope, effective time as ISO text) ------

Change = Callable[[State, Data, Envelope, str], None]


def _opened(s: State, d: Data, e: Envelope, when: str) -> None:
    s.update(initiative=d["initiative"], title=d["title"], sponsor=d["sponsor"],
             units=d["units"], escalation_path=d["escalation_path"], opened_at=when)


def _goal(s: State, d: Data, e: Envelope, when: str) -> None:
    """A goal (revision) takes its place only once everyone it names as agreeing confirmed."""
    attested = _attested(s, e)
    goal = {"statement": d["statement"], "reason": d["reason"], "agreed_by": d["agreed_by"],
            "actor": e.actor, "effective_at": when, "recorded_at": iso(e.recorded_at),
            "position": e.position, "attestation": attested}
    if attested is None or attested["status"] == attestation.CONFIRMED:
        s["goal"] = {"version": (s["goal"] or {}).get("version", 0) + 1, **goal}
        s["goal_unconfirmed"] = None
    else:
        s["goal_unconfirmed"] = goal


def _measurable(d: Data) -> Data:
    """A criterion's structured target, from a definition or revision (absent before)."""
    return {"comparison": d.get("comparison"), "target_value": d.get("target_value"),
            "target_unit": d.get("target_unit") or "", "owners": d.get("owners") or [],
            "data_source": d.get("data_source") or "",
            "evaluation_dates": d.get("evaluation_dates") or []}


def _criterion_defined(s: State, d: Data, e: Envelope, when: str) -> None:
    s["criteria"][d["criterion"]] = {"id": d["criterion"], "description": d["description"],
                                     "target": d["target"], "status": "active",
                                     "measurements": [], "latest": None, **_measurable(d)}


def _criterion_revised(s: State, d: Data, e: Envelope, when: str) -> None:
    if d["criterion"] in s["criteria"]:
        s["criteria"][d["criterion"]].update(description=d["description"], target=d["target"],
                                             **_measurable(d))


def _criterion_retired(s: State, d: Data, e: Envelope, when: str) -> None:
    if d["criterion"] in s["criteria"]:
        s["criteria"][d["criterion"]]["status"] = "retired"


def _measured(s: State, d: Data, e: Envelope, when: str) -> None:
    criterion = s["criteria"].get(d["criterion"])
    if criterion is not None:
        measurement = {"value": d["value"], "note": d["note"], "effective_at": when,
                       "actor": e.actor}
        criterion["measurements"].append(measurement)
        criterion["latest"] = measurement


def _tandem_formed(s: State, d: Data, e: Envelope, when: str) -> None:
    s["tandem"] = {"people": d["people"], "since": when, "attestation": _attested(s, e)}


def _tandem_dissolved(s: State, d: Data, e: Envelope, when: str) -> None:
    s["tandem"] = None


def _mandate_granted(s: State, d: Data, e: Envelope, when: str) -> None:
    s["mandates"][d["mandate"]] = {
        "id": d["mandate"], "person": d["person"], "scope": d["scope"], "limits": d["limits"],
        "granted_by": d["granted_by"], "granted_at": when, "status": "active",
        "revoked_at": None, "revoke_reason": None, "valid_until": d.get("valid_until"),
        "budget": _budget(d), "may_delegate": bool(d.get("may_delegate")),
        "delegated_from": d.get("delegated_from")}


def _budget(d: Data) -> dict[str, Any] | None:
    amount = d.get("budget_amount")
    return None if amount is None else {"amount": amount, "currency": d.get("budget_currency")}


def _mandate_delegated(s: State, d: Data, e: Envelope, when: str) -> None:
    _mandate_granted(s, {**d, "granted_by": e.actor}, e, when)


def _mandate_revoked(s: State, d: Data, e: Envelope, when: str) -> None:
    if d["mandate"] in s["mandates"]:
        s["mandates"][d["mandate"]].update(status="revoked", revoked_at=when,
                                           revoke_reason=d["reason"])


def _proposed(s: State, d: Data, e: Envelope, when: str) -> None:
    s["proposals"][d["proposal"]] = {
        "id": d["proposal"], "question": d["question"], "scope": d["scope"],
        "options": d["options"], "proposed_by": d["proposed_by"], "proposed_at": when,
        "status": "open", "answered_by": None, "attestation": _attested(s, e)}


STATUS_OF_CLAIM = {attestation.CONFIRMED: "in_force", attestation.PENDING: "pending",
                   attestation.DISPUTED: "disputed"}


def _decided(s: State, d: Data, e: Envelope, when: str) -> None:
    """A decision is in force once its deciders confirmed it; only then does it supersede."""
    attested = _attested(s, e)
    status = STATUS_OF_CLAIM[attested["status"]] if attested else "in_force"
    s["decisions"][d["decision"]] = {
        "id": d["decision"], "title": d["title"], "scope": d["scope"], "option": d["option"],
        "decided_by": d["decided_by"], "basis": d["basis"], "effective_at": when,
        "status": status, "superseded_by": None, "position": e.position,
        "actor": e.actor, "attestation": attested, "amount": d.get("amount"),
        "currency": d.get("currency")}
    superseded = s["decisions"].get(d["supersedes"] or "")
    if superseded and status == "in_force":
        superseded.update(status="superseded", superseded_by=d["decision"])
    proposal = s["proposals"].get(d["proposal"] or "")
    if proposal and status != "disputed":
        proposal.update(status="decided", answered_by=d["decision"])


def _decision_revoked(s: State, d: Data, e: Envelope, when: str) -> None:
    if d["decision"] in s["decisions"]:
        s["decisions"][d["decision"]]["status"] = "revoked"


def _escalated(s: State, d: Data, e: Envelope, when: str) -> None:
    s["escalations"][d["escalation"]] = {
        "id": d["escalation"], "topic": d["topic"], "options": d["options"],
        "raised_by": d["raised_by"], "raised_at": when, "level": d["level"],
        "addressed_to": d["addressed_to"], "due_at": d["due_at"], "status": "open",
        "resolved_by": None, "attestation": _attested(s, e)}


def _forwarded(s: State, d: Data, e: Envelope, when: str) -> None:
    if d["escalation"] in s["escalations"]:
        s["escalations"][d["escalation"]].update(level=d["level"], addressed_to=d["addressed_to"],
                                                 due_at=d["due_at"])


def _resolved(s: State, d: Data, e: Envelope, when: str) -> None:
    if d["escalation"] in s["escalations"]:
        s["escalations"][d["escalation"]].update(status="resolved", resolved_by=d["decision"])


def _handoff_started(s: State, d: Data, e: Envelope, when: str) -> None:
    s["handoffs"][d["handoff"]] = {"id": d["handoff"], "item": d["item"],
                                   "from": d["from_person"], "to": d["to_person"],
                                   "started_at": when, "accepted_at": None, "status": "started",
                                   "attestation": _attested(s, e),
                                   "acceptance_criteria": d.get("acceptance_criteria") or [],
                                   "answered_at": None, "reason": None}


def _handoff_accepted(s: State, d: Data, e: Envelope, when: str) -> None:
    if d["handoff"] in s["handoffs"]:
        s["handoffs"][d["handoff"]].update(status="accepted", accepted_at=when)


def _status(s: State, d: Data, e: Envelope, when: str) -> None:
    s["last_status"] = {"summary": d["summary"], "running": d["running"],
                        "blocked": d["blocked"], "options": d["options"],
                        "reported_by": d["reported_by"], "effective_at": when, "actor": e.actor,
                        "position": e.position, "attestation": _attested(s, e)}


def _rules(s: State, d: Data, e: Envelope, when: str) -> None:
    s["rules_adopted"].append({"files": d["rule_files"], "effective_at": when, "actor": e.actor})


def _closed(s: State, d: Data, e: Envelope, when: str) -> None:
    s.update(status="closed", closed_at=when, outcome=d["outcome"])


def _visibility(s: State, d: Data, e: Envelope, when: str) -> None:
    s["visibility"] = d["visibility"]


CHANGES: dict[EventClass, Change] = {
    ev.InitiativeOpened: _opened, ev.GoalSet: _goal, ev.GoalRevised: _goal,
    ev.CriterionDefined: _criterion_defined, ev.CriterionRevised: _criterion_revised,
    ev.CriterionRetired: _criterion_retired, ev.MeasurementRecorded: _measured,
    ev.TandemFormed: _tandem_formed, ev.TandemDissolved: _tandem_dissolved,
    ev.MandateGranted: _mandate_granted, ev.MandateRevoked: _mandate_revoked,
    ev.DecisionProposed: _proposed, ev.DecisionTaken: _decided,
    ev.DecisionRevoked: _decision_revoked, ev.EscalationRaised: _escalated,
    ev.EscalationForwarded: _forwarded, ev.EscalationResolved: _resolved,
    ev.HandoffStarted: _handoff_started, ev.HandoffAccepted: _handoff_accepted,
    ev.StatusReported: _status, ev.RulesAdopted: _rules, ev.InitiativeClosed: _closed,
    ev.VisibilityChanged: _visibility,
}


def _handoff_answered(s: State, d: Data, e: Envelope, when: str) -> None:
    if d["handoff"] in s["handoffs"]:
        status = "refused" if e.kind is ev.HandoffRefused else "returned"
        s["handoffs"][d["handoff"]].update(status=status, answered_at=when, reason=d["reason"])


def _meeting_scheduled(s: State, d: Data, e: Envelope, when: str) -> None:
    s["meetings"][d["meeting"]] = {
        "id": d["meeting"], "kind": d["kind"], "title": d["title"], "starts_at": d["starts_at"],
        "moderator": d["moderator"], "invited": d["invited"], "agenda": d["agenda"],
        "scheduled_by": e.actor, "held": False, "attended": [], "notes": "",
        "attestation": None, "held_position": None, "outcomes": []}


def _meeting_held(s: State, d: Data, e: Envelope, when: str) -> None:
    meeting = s["meetings"].get(d["meeting"])
    if meeting is not None:
        meeting.update(held=True, attended=d["attended"], notes=d["notes"], held_at=when,
                       attestation=_attested(s, e), held_position=e.position)


LINKED = {"proposal": "proposals", "decision": "decisions", "escalation": "escalations",
          "handoff": "handoffs"}


def _meeting_outcome(s: State, d: Data, e: Envelope, when: str) -> None:
    meeting = s["meetings"].get(d["meeting"])
    if meeting is None:
        return
    meeting["outcomes"].append({"summary": d["summary"], "links": d["links"],
                                "feedback": d["feedback"], "actor": e.actor,
                                "effective_at": when, "position": e.position})
    for link in d["links"]:  # the linked entry says "in meeting X"
        entry = s.get(LINKED.get(link["kind"], ""), {}).get(link["id"])
        if entry is not None:
            entry.setdefault("meetings", []).append(d["meeting"])


def _cadence(s: State, d: Data, e: Envelope, when: str) -> None:
    if d["every_days"]:
        s["cadences"][d["kind"]] = {"every_days": d["every_days"], "since": when}
    else:
        s["cadences"].pop(d["kind"], None)


CHANGES.update({ev.MeetingScheduled: _meeting_scheduled, ev.MeetingHeld: _meeting_held,
                ev.MeetingOutcomeRecorded: _meeting_outcome, ev.MeetingCadenceSet: _cadence})
CHANGES.update({ev.MandateDelegated: _mandate_delegated, ev.HandoffRefused: _handoff_answered,
                ev.HandoffReturned: _handoff_answered})


class StateQueries:
    """An initiative's state, goal and goal history at any time; the overview of all."""

    def __init__(self, directory: DirectoryQueries, timeline: TimelineQueries,
                 backdated_after: timedelta, clock: Callable[[], datetime]):
        self.directory = directory
        self.timeline = timeline
        self.backdated_after = backdated_after
        self.clock = clock
        # initiative -> (its last position, its state now): a page changes only when the log does
        self._cache: dict[str, tuple[int, State]] = {}

    def state(self, initiative: str, as_of: datetime | None = None,
              known_at: datetime | None = None) -> State:
        """Initiative state at effective time `as_of`, as the log stood at `known_at`."""
        now = self.clock()
        if as_of is None and known_at is None:
            last = self.timeline.last_position(initiative)
            cached = self._cache.get(initiative)
            if cached is not None and last is not None and cached[0] == last:
                return with_overdue(cached[1], now)
            state = fold(self.timeline.initiative_envelopes(initiative, None, None), now)
            self._cache[initiative] = (last or 0, state)
            return state
        state = fold(self.timeline.initiative_envelopes(initiative, as_of, known_at), as_of or now)
        if state["initiative"] is None:
            raise NotFound("Initiative '%(key)s' did not exist then.", key=initiative)
        return {**state, "as_of": iso(as_of) if as_of else None,
                "known_at": iso(known_at) if known_at else None}

    def goal(self, initiative: str, as_of: datetime | None = None,
             known_at: datetime | None = None) -> dict[str, Any] | None:
        goal: dict[str, Any] | None = self.state(initiative, as_of, known_at)["goal"]
        return goal

    def goal_history(self, initiative: str, known_at: datetime | None = None) -> dict[str, Any]:
        """Every version of the shared goal, in recording order. A version takes its place
        only once everyone named as agreeing confirmed it; until then (or when disputed) it is
        listed under `unconfirmed`."""
        envelopes = self.timeline.goal_envelopes(initiative, known_at)
        attested = attestations(envelopes)
        versions: list[dict[str, Any]] = []
        unconfirmed: list[dict[str, Any]] = []
        for e in envelopes:
            if e.kind in ANSWERS:
                continue
            found = attested.get(e.position)
            entry = {
                "statement": e.data["statement"], "reason": e.data["reason"],
                "agreed_by": e.data["agreed_by"], "actor": e.actor,
                "effective_at": iso(e.effective_at), "recorded_at": iso(e.recorded_at),
                "backdated": e.backdated(self.backdated_after), "position": e.position,
                "attestation": found,
            }
            if found is None or found["status"] == attestation.CONFIRMED:
                versions.append({"version": len(versions) + 1, **entry})
            else:
                unconfirmed.append(entry)
        return {"initiative": initiative, "versions": versions, "unconfirmed": unconfirmed}

    def initiatives(self, hidden: Collection[str] = ()) -> list[dict[str, Any]]:
        """The overview: each initiative with goal, tandem, open items and status freshness
        (without the `hidden` ones)."""
        now = self.clock()
        result = []
        for row in self.directory.initiative_rows():
            if row["initiative"] in hidden:
                continue
            state = self.state(str(row["initiative"]))
            escalations = [e for e in state["escalations"].values() if e["status"] == "open"]
            last_status = (state["last_status"] or {}).get("effective_at")
            gap = (now - datetime.fromisoformat(last_status)).days if last_status else None
            result.append({
                "initiative": row["initiative"], "title": row["title"],
                "sponsor": row["sponsor"], "units": row["units"], "status": row["status"],
                "goal": state["goal"], "tandem": (state["tandem"] or {}).get("people", []),
                "open_proposals": sum(p["status"] == "open" for p in state["proposals"].values()),
                "open_escalations": len(escalations),
                "overdue_escalations": sum(e["overdue"] for e in escalations),
                "last_status_at": last_status,
                "status_gap_days": gap,
                "status_stale": row["status"] == "open" and (
                    gap is None or gap > STALE_STATUS_DAYS),
                "visibility": row["visibility"],
            })
        return result
