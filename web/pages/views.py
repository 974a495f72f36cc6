"""Presentation helpers for the pages: labels, links, day groups and chart geometry.

They shape what the query functions return for display; they decide nothing about the rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from domain import events as ev
from domain.directory import Person, Unit
from domain.event_types import EventClass
from projections.queries import ReadModels
from web.i18n import N_, local_day
from web.links import link_for

EVENT_LABELS: dict[EventClass, str] = {
    ev.InitiativeOpened: N_("Initiative opened"),
    ev.GoalSet: N_("Goal set"),
    ev.GoalRevised: N_("Goal revised"),
    ev.CriterionDefined: N_("Criterion defined"),
    ev.CriterionRevised: N_("Criterion revised"),
    ev.CriterionRetired: N_("Criterion retired"),
    ev.MeasurementRecorded: N_("Measurement recorded"),
    ev.ResponsibilityAssigned: N_("Responsibility assigned"),
    ev.ResponsibilityReleased: N_("Responsibility released"),
    ev.TandemFormed: N_("Tandem formed"),
    ev.TandemDissolved: N_("Tandem dissolved"),
    ev.MandateGranted: N_("Mandate granted"),
    ev.MandateRevoked: N_("Mandate revoked"),
    ev.DecisionProposed: N_("Decision proposed"),
    ev.DecisionTaken: N_("Decision taken"),
    ev.DecisionRevoked: N_("Decision revoked"),
    ev.EscalationRaised: N_("Escalation raised"),
    ev.EscalationForwarded: N_("Escalation forwarded"),
    ev.EscalationResolved: N_("Escalation resolved"),
    ev.HandoffStarted: N_("Handoff started"),
    ev.HandoffAccepted: N_("Handoff accepted"),
    ev.StatusReported: N_("Status reported"),
    ev.RulesAdopted: N_("Rules adopted"),
    ev.InitiativeClosed: N_("Initiative closed"),
    Unit.UnitRegistered: N_("Unit registered"),
    Person.PersonRegistered: N_("Person registered"),
    Person.PersonMoved: N_("Person moved"),
    Person.RoleChanged: N_("Role changed"),
    Person.PersonDeactivated: N_("Person deactivated"),
    ev.MemberAdmitted: N_("Member admitted"),
    ev.MemberDismissed: N_("Member dismissed"),
    ev.VisibilityChanged: N_("Readers changed"),
    ev.EntryConfirmed: N_("Entry confirmed"),
    ev.EntryDisputed: N_("Entry disputed"),
    ev.RecordImported: N_("Record imported"),
    Person.TokenIssued: N_("API token issued"),
    Person.TokenRevoked: N_("API token revoked"),
}
EVENT_LABELS.update({
    ev.MandateDelegated: N_("Mandate delegated"),
    ev.HandoffRefused: N_("Handoff refused"),
    ev.HandoffReturned: N_("Handoff returned"),
    ev.MeetingScheduled: N_("Meeting scheduled"),
    ev.MeetingHeld: N_("Meeting held"),
    ev.MeetingOutcomeRecorded: N_("Meeting outcome recorded"),
    ev.MeetingCadenceSet: N_("Meeting cadence set"),
})
# the types a timeline can be filtered by (an API token's issuance is not shown there)
TIMELINE_TYPES = [cls.__name__ for cls in EVENT_LABELS
                  if cls not in (Person.TokenIssued, Person.TokenRevoked)]
RACI = {"A": N_("Accountable"), "R": N_("Responsible"), "C": N_("Consulted"),
        "I": N_("Informed"), "tandem": N_("Lead tandem")}
BASIS = {"mandate": N_("Mandate"), "escalation": N_("Escalation"), "sponsor": N_("Sponsor"),
         "imported": N_("Imported record")}
STATUS = {"in_force": N_("in force"), "superseded": N_("superseded"), "revoked": N_("revoked"),
          "open": N_("open"), "resolved": N_("resolved"), "decided": N_("decided"),
          "closed": N_("closed"), "active": N_("active"), "retired": N_("retired"),
          "started": N_("started"), "accepted": N_("accepted"),
          "pending": N_("awaiting confirmation"), "disputed": N_("disputed"),
          "lead": N_("lead"), "member": N_("member"), "observer": N_("observer"),
          "sponsor": N_("sponsor"), "escalation path": N_("escalation path"),
          "tandem": N_("tandem partner"), "confirmed": N_("confirmed")}
STATUS.update({"expired": N_("expired"), "refused": N_("refused"), "returned": N_("returned"),
               "met": N_("met"), "missed": N_("missed")})


def by_day(entries: Iterable[dict[str, Any]], order: str) -> list[dict[str, Any]]:
    """Entries grouped by the day of the time they are ordered by."""
    key = "effective_at" if order == "effective" else "recorded_at"
    groups: list[dict[str, Any]] = []
    for entry in entries:
        day = local_day(entry[key])
        if not groups or groups[-1]["day"] != day:
            groups.append({"day": day, "entries": []})
        groups[-1]["entries"].append({**entry, "link": link_for(entry)})
    return groups


CHART_POINTS = 40  # a small chart shows the latest measurements; the timeline has them all


def chart(criterion: dict[str, Any], width: int = 320, height: int = 110) -> dict[str, Any]:
    """Geometry of a small line chart of a criterion's latest measurements, for an inline SVG."""
    points = criterion["measurements"][-CHART_POINTS:]
    pad_left, pad, inner_w, inner_h = 36, 12, width - 36 - 12, height - 2 * 12 - 14
    if not points:
        return {"width": width, "height": height, "points": [], "path": "", "ticks": []}
    values = [float(p["value"]) for p in points]
    target = criterion.get("target_value")
    reach = values + ([float(target)] if target is not None else [])
    low, high = min(reach + [0.0]), max(reach)
    span = (high - low) or 1.0
    times = [datetime.fromisoformat(p["effective_at"]).timestamp() for p in points]
    first, last = min(times), max(times)
    t_span = (last - first) or 1.0
    placed = []
    for point, value, moment in zip(points, values, times, strict=True):
        x = pad_left + (inner_w * (moment - first) / t_span if len(points) > 1 else inner_w / 2)
        y = pad + inner_h - inner_h * (value - low) / span
        placed.append({"x": round(x, 1), "y": round(y, 1), "value": point["value"],
                       "at": point["effective_at"], "note": point["note"]})
    path = " ".join(f"{'M' if i == 0 else 'L'}{p['x']},{p['y']}" for i, p in enumerate(placed))
    ticks = [{"y": round(pad + inner_h - inner_h * (v - low) / span, 1), "label": v}
             for v in sorted({low, high})]
    return {"width": width, "height": height, "points": placed, "path": path, "ticks": ticks,
            "first": points[0]["effective_at"], "last": points[-1]["effective_at"],
            "baseline": pad + inner_h, "left": pad_left, "right": pad_left + inner_w,
            "target": None if target is None else {
                "y": round(pad + inner_h - inner_h * (float(target) - low) / span, 1),
                "value": target}}


def decision_chain(read: ReadModels, initiative: str,
                   decision: dict[str, Any]) -> dict[str, list[Any]]:
    """The decisions this one replaced (oldest first) and those that replaced it."""
    earlier: list[dict[str, Any]] = []
    later: list[dict[str, Any]] = []
    seen = {decision["id"]}
    current = decision
    while current["supersedes"] and current["supersedes"] not in seen:
        current = read.decision(initiative, current["supersedes"])
        seen.add(current["id"])
        earlier.insert(0, current)
    current = decision
    while current["superseded_by"] and current["superseded_by"] not in seen:
        current = read.decision(initiative, current["superseded_by"])
        seen.add(current["id"])
        later.append(current)
    return {"earlier": earlier, "later": later}


def mandates_of(states: Iterable[dict[str, Any]], person: str) -> list[dict[str, Any]]:
    return [{**m, "initiative": s["initiative"], "title": s["title"]}
            for s in states for m in s["mandates"].values() if m["person"] == person]


NAMED_BY = ("title", "question", "topic", "description", "statement", "summary", "item",
            "outcome", "criterion", "mandate", "person")


def entry_name(data: dict[str, Any]) -> str:
    """What an entry is called, in the words its recorder gave it."""
    for name in NAMED_BY:
        if data.get(name):
            return str(data[name])
    return ""
