"""The one map from a log entry to the page that shows it (pages, rule findings, exports)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from domain import events as ev
from domain.event_types import named

Envelope = dict[str, Any]


def q(value: str) -> str:
    return quote(value, safe="")


def link_for(envelope: Envelope) -> str | None:
    """The local path of the page an entry is about (None for entries no page shows)."""
    iid, d, kind = envelope["initiative"], envelope["data"], named(envelope["type"])
    if iid is None:
        person = d.get("person")
        return f"/people/{q(person)}" if person else None
    base = f"/initiatives/{q(iid)}"
    if kind in (ev.DecisionTaken, ev.DecisionRevoked) and d.get("decision"):
        return f"{base}/decisions/{q(d['decision'])}"
    if kind in (ev.GoalSet, ev.GoalRevised):
        return f"{base}/goal"
    if kind in (ev.EscalationRaised, ev.EscalationForwarded, ev.EscalationResolved):
        return f"/escalations#{q(iid)}-{q(d['escalation'])}"
    if kind in (ev.ResponsibilityAssigned, ev.ResponsibilityReleased, ev.TandemFormed,
                ev.TandemDissolved):
        return f"{base}?as_of={envelope['effective_at'][:10]}#matrix"
    if kind in (ev.MemberAdmitted, ev.MemberDismissed, ev.VisibilityChanged):
        return f"{base}#members"
    if kind is ev.StatusReported:
        return f"{base}/status/{envelope['position']}"
    if kind in (ev.MeetingScheduled, ev.MeetingHeld, ev.MeetingOutcomeRecorded):
        return f"{base}/meetings/{q(d['meeting'])}"
    if kind is ev.MeetingCadenceSet:
        return f"{base}/meetings"
    return base


def local(envelope: Envelope) -> str:
    """The local path of an entry's page, or empty."""
    return link_for(envelope) or ""


def absolute(base_url: str) -> Callable[[Envelope], str]:
    """Links to entries' pages under `base_url` (for reports read outside the pages)."""
    root = base_url.rstrip("/")

    def link(envelope: Envelope) -> str:
        path = link_for(envelope)
        return f"{root}{path}" if path else ""
    return link
