"""Initiative state as a fold over its envelopes, in effective-time order.

The same fold answers "now, as known now" and any bitemporal question: the caller chooses the
envelopes (those recorded by `known_at` that took effect by `as_of`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from projections.envelope import Envelope, iso


def fold(events: Iterable[Envelope], moment: datetime) -> dict[str, Any]:
    """The state of one initiative at `moment` from its envelopes (any order given)."""
    s: dict[str, Any] = {
        "initiative": None, "title": None, "sponsor": None, "units": [], "escalation_path": [],
        "status": "open", "opened_at": None, "closed_at": None, "outcome": None,
        "goal": None, "criteria": {}, "tandem": None, "mandates": {}, "proposals": {},
        "decisions": {}, "escalations": {}, "handoffs": {}, "last_status": None,
        "rules_adopted": [], "events": 0, "last_position": 0,
    }
    for e in sorted(events, key=lambda e: (e.effective_at, e.position)):
        _apply(s, e)
        s["events"] += 1
        s["last_position"] = max(s["last_position"], e.position)
    for escalation in s["escalations"].values():
        escalation["overdue"] = (
            escalation["status"] == "open" and datetime.fromisoformat(escalation["due_at"]) < moment
        )
    return s


def _apply(s: dict[str, Any], e: Envelope) -> None:  # noqa: C901 - one branch per event type
    d, t, when = e.data, e.type, iso(e.effective_at)
    if t == "InitiativeOpened":
        s.update(initiative=d["initiative"], title=d["title"], sponsor=d["sponsor"],
                 units=d["units"], escalation_path=d["escalation_path"], opened_at=when)
    elif t in ("GoalSet", "GoalRevised"):
        version = (s["goal"] or {}).get("version", 0) + 1
        s["goal"] = {"version": version, "statement": d["statement"], "reason": d["reason"],
                     "agreed_by": d["agreed_by"], "actor": e.actor, "effective_at": when,
                     "recorded_at": iso(e.recorded_at)}
    elif t == "CriterionDefined":
        s["criteria"][d["criterion"]] = {"id": d["criterion"], "description": d["description"],
                                         "target": d["target"], "status": "active",
                                         "measurements": [], "latest": None}
    elif t == "CriterionRevised" and d["criterion"] in s["criteria"]:
        s["criteria"][d["criterion"]].update(description=d["description"], target=d["target"])
    elif t == "CriterionRetired" and d["criterion"] in s["criteria"]:
        s["criteria"][d["criterion"]]["status"] = "retired"
    elif t == "MeasurementRecorded" and d["criterion"] in s["criteria"]:
        criterion = s["criteria"][d["criterion"]]
        measurement = {"value": d["value"], "note": d["note"], "effective_at": when,
                       "actor": e.actor}
        criterion["measurements"].append(measurement)
        criterion["latest"] = measurement
    elif t == "TandemFormed":
        s["tandem"] = {"people": d["people"], "since": when}
    elif t == "TandemDissolved":
        s["tandem"] = None
    elif t == "MandateGranted":
        s["mandates"][d["mandate"]] = {
            "id": d["mandate"], "person": d["person"], "scope": d["scope"], "limits": d["limits"],
            "granted_by": d["granted_by"], "granted_at": when, "status": "active",
            "revoked_at": None, "revoke_reason": None}
    elif t == "MandateRevoked" and d["mandate"] in s["mandates"]:
        s["mandates"][d["mandate"]].update(status="revoked", revoked_at=when,
                                           revoke_reason=d["reason"])
    elif t == "DecisionProposed":
        s["proposals"][d["proposal"]] = {
            "id": d["proposal"], "question": d["question"], "scope": d["scope"],
            "options": d["options"], "proposed_by": d["proposed_by"], "proposed_at": when,
            "status": "open", "answered_by": None}
    elif t == "DecisionTaken":
        s["decisions"][d["decision"]] = {
            "id": d["decision"], "title": d["title"], "scope": d["scope"], "option": d["option"],
            "decided_by": d["decided_by"], "basis": d["basis"], "effective_at": when,
            "status": "in_force", "superseded_by": None}
        superseded = s["decisions"].get(d["supersedes"] or "")
        if superseded:
            superseded.update(status="superseded", superseded_by=d["decision"])
        proposal = s["proposals"].get(d["proposal"] or "")
        if proposal:
            proposal.update(status="decided", answered_by=d["decision"])
    elif t == "DecisionRevoked" and d["decision"] in s["decisions"]:
        s["decisions"][d["decision"]]["status"] = "revoked"
    elif t == "EscalationRaised":
        s["escalations"][d["escalation"]] = {
            "id": d["escalation"], "topic": d["topic"], "options": d["options"],
            "raised_by": d["raised_by"], "raised_at": when, "level": d["level"],
            "addressed_to": d["addressed_to"], "due_at": d["due_at"], "status": "open",
            "resolved_by": None}
    elif t == "EscalationForwarded" and d["escalation"] in s["escalations"]:
        s["escalations"][d["escalation"]].update(level=d["level"], addressed_to=d["addressed_to"],
                                                 due_at=d["due_at"])
    elif t == "EscalationResolved" and d["escalation"] in s["escalations"]:
        s["escalations"][d["escalation"]].update(status="resolved", resolved_by=d["decision"])
    elif t == "HandoffStarted":
        s["handoffs"][d["handoff"]] = {"id": d["handoff"], "item": d["item"],
                                       "from": d["from_person"], "to": d["to_person"],
                                       "started_at": when, "accepted_at": None,
                                       "status": "started"}
    elif t == "HandoffAccepted" and d["handoff"] in s["handoffs"]:
        s["handoffs"][d["handoff"]].update(status="accepted", accepted_at=when)
    elif t == "StatusReported":
        s["last_status"] = {"summary": d["summary"], "running": d["running"],
                            "blocked": d["blocked"], "options": d["options"],
                            "reported_by": d["reported_by"], "effective_at": when,
                            "actor": e.actor}
    elif t == "RulesAdopted":
        s["rules_adopted"].append({"files": d["rule_files"], "effective_at": when,
                                   "actor": e.actor})
    elif t == "InitiativeClosed":
        s.update(status="closed", closed_at=when, outcome=d["outcome"])


def matrix(rows: Iterable[dict[str, Any]], accountable_limit: int = 5) -> dict[str, Any]:
    """The responsibility matrix from responsibility rows already filtered by both times."""
    held: dict[tuple[str, str, str], bool] = {}
    tandem: list[str] = []
    for row in sorted(rows, key=lambda r: (r["effective_at"], r["position"])):
        change = row["change"]
        if change == "assign":
            held[(row["area"], row["person"], row["role"])] = True
        elif change == "release":
            held.pop((row["area"], row["person"], row["role"]), None)
        elif change == "form":
            tandem = row["person"].split(",")
        elif change == "dissolve":
            tandem = []
    areas: dict[str, dict[str, list[str]]] = {}
    for area, person, role in sorted(held):
        areas.setdefault(area, {"A": [], "R": [], "C": [], "I": []})[role].append(person)
    load: dict[str, int] = {}
    for roles in areas.values():
        for person in roles["A"]:
            load[person] = load.get(person, 0) + 1
    overloaded = {p: n for p, n in load.items() if n > accountable_limit}
    result = []
    for area, roles in areas.items():
        warnings = []
        if not roles["A"]:
            warnings.append({"code": "no-accountable",
                             "message": "No one is Accountable for this area."})
        for person in roles["A"]:
            if person in overloaded:
                warnings.append({
                    "code": "accountable-overload",
                    "message": f"{person} is Accountable for {overloaded[person]} areas "
                               f"(more than {accountable_limit}).",
                })
        result.append({"area": area, "accountable": roles["A"][0] if roles["A"] else None,
                       "responsible": roles["R"], "consulted": roles["C"],
                       "informed": roles["I"], "warnings": warnings})
    return {"tandem": tandem, "areas": result,
            "overloaded": [{"person": p, "areas": n} for p, n in sorted(overloaded.items())]}
