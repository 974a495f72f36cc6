"""Presentation helpers for the pages: labels, links, day groups and chart geometry.

They shape what the query functions return for display; they decide nothing about the rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any
from urllib.parse import quote

from web.i18n import N_

EVENT_LABELS = {
    "InitiativeOpened": N_("Initiative opened"),
    "GoalSet": N_("Goal set"),
    "GoalRevised": N_("Goal revised"),
    "CriterionDefined": N_("Criterion defined"),
    "CriterionRevised": N_("Criterion revised"),
    "CriterionRetired": N_("Criterion retired"),
    "MeasurementRecorded": N_("Measurement recorded"),
    "ResponsibilityAssigned": N_("Responsibility assigned"),
    "ResponsibilityReleased": N_("Responsibility released"),
    "TandemFormed": N_("Tandem formed"),
    "TandemDissolved": N_("Tandem dissolved"),
    "MandateGranted": N_("Mandate granted"),
    "MandateRevoked": N_("Mandate revoked"),
    "DecisionProposed": N_("Decision proposed"),
    "DecisionTaken": N_("Decision taken"),
    "DecisionRevoked": N_("Decision revoked"),
    "EscalationRaised": N_("Escalation raised"),
    "EscalationForwarded": N_("Escalation forwarded"),
    "EscalationResolved": N_("Escalation resolved"),
    "HandoffStarted": N_("Handoff started"),
    "HandoffAccepted": N_("Handoff accepted"),
    "StatusReported": N_("Status reported"),
    "RulesAdopted": N_("Rules adopted"),
    "InitiativeClosed": N_("Initiative closed"),
    "UnitRegistered": N_("Unit registered"),
    "PersonRegistered": N_("Person registered"),
    "PersonMoved": N_("Person moved"),
    "RoleChanged": N_("Role changed"),
    "PersonDeactivated": N_("Person deactivated"),
    "TokenIssued": N_("API token issued"),
}
TIMELINE_TYPES = [t for t in EVENT_LABELS if t not in ("TokenIssued",)]
RACI = {"A": N_("Accountable"), "R": N_("Responsible"), "C": N_("Consulted"),
        "I": N_("Informed"), "tandem": N_("Lead tandem")}
BASIS = {"mandate": N_("Mandate"), "escalation": N_("Escalation"), "sponsor": N_("Sponsor")}
STATUS = {"in_force": N_("in force"), "superseded": N_("superseded"), "revoked": N_("revoked"),
          "open": N_("open"), "resolved": N_("resolved"), "decided": N_("decided"),
          "closed": N_("closed"), "active": N_("active"), "retired": N_("retired"),
          "started": N_("started"), "accepted": N_("accepted")}


def q(value: str) -> str:
    return quote(value, safe="")


def link_for(envelope: dict[str, Any]) -> str | None:
    """The page an event is about."""
    iid, d, kind = envelope["initiative"], envelope["data"], envelope["type"]
    if iid is None:
        person = d.get("person")
        return f"/people/{q(person)}" if person else None
    base = f"/initiatives/{q(iid)}"
    if kind in ("DecisionTaken", "DecisionRevoked") and d.get("decision"):
        return f"{base}/decisions/{q(d['decision'])}"
    if kind in ("GoalSet", "GoalRevised"):
        return f"{base}/goal"
    if kind.startswith("Escalation") and d.get("escalation"):
        return f"/escalations#{q(iid)}-{q(d['escalation'])}"
    if kind.startswith("Responsibility") or kind.startswith("Tandem"):
        return f"{base}?as_of={envelope['effective_at'][:10]}#matrix"
    return base


def by_day(entries: Iterable[dict[str, Any]], order: str) -> list[dict[str, Any]]:
    """Entries grouped by the day of the time they are ordered by."""
    key = "effective_at" if order == "effective" else "recorded_at"
    groups: list[dict[str, Any]] = []
    for entry in entries:
        day = entry[key][:10]
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
    low, high = min(values + [0.0]), max(values)
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
            "baseline": pad + inner_h, "left": pad_left, "right": pad_left + inner_w}


def decision_chain(read: Any, initiative: str, decision: dict[str, Any]) -> dict[str, list[Any]]:
    """The decisions this one replaced (oldest first) and those that replaced it."""
    earlier, later = [], []
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
