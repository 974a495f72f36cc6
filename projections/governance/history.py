"""One initiative's recorded history as the governance rules see it.

Built from timeline envelopes (`{position, type, initiative, actor, effective_at, recorded_at,
data, ...}`) already cut to what was known at the check's moment. Entries are ordered by
effective time, then log position: two entries with the same effective time happened in the
order they were recorded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain import attestation
from domain import events as ev
from domain.event_types import EventClass, names
from domain.event_types import named as named_class
from domain.values import covers

Envelope = dict[str, Any]

KINDS: dict[str, tuple[EventClass, ...]] = {
    "decisions": (ev.DecisionTaken,),
    "escalations": (ev.EscalationRaised,),
    "goal changes": (ev.GoalSet, ev.GoalRevised),
    "responsibilities": (ev.ResponsibilityAssigned, ev.ResponsibilityReleased),
    "status reports": (ev.StatusReported,),
    "mandates": (ev.MandateGranted,),
    "handoffs": (ev.HandoffStarted,),
}


def is_a(envelope: Envelope, cls: EventClass) -> bool:
    """Whether an envelope shows an event of this class."""
    return bool(envelope["type"] == cls.__name__)


def when(envelope: Envelope, field: str = "effective_at") -> datetime:
    return datetime.fromisoformat(envelope[field])


def order(envelope: Envelope) -> tuple[datetime, int]:
    return when(envelope), int(envelope["position"])


def days(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 86400


@dataclass(frozen=True)
class Subject:
    """What a Given selected: a kind of entry, one initiative or all, a window, a scope."""

    kind: str  # one of KINDS, or "initiative"
    initiative: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    scope: str | None = None

    def in_window(self, moment: datetime) -> bool:
        return (self.start is None or self.start <= moment) and (
            self.end is None or moment <= self.end)

    def clip(self, start: datetime, end: datetime) -> tuple[datetime, datetime]:
        return (max(start, self.start) if self.start else start,
                min(end, self.end) if self.end else end)


def scope_of(envelope: Envelope) -> str | None:
    data = envelope["data"]
    found = data.get("scope") or data.get("area")
    return str(found) if found else None


class History:
    """The entries of one initiative up to `now`, with the questions the steps ask of them."""

    def __init__(self, initiative: str, envelopes: Iterable[Envelope], now: datetime):
        self.initiative = initiative
        self.now = now
        self.events = sorted(envelopes, key=order)
        opened = self.first(ev.InitiativeOpened)
        self.sponsor: str | None = opened["data"]["sponsor"] if opened else None
        self.opened_at = when(opened) if opened else None
        closed = self.first(ev.InitiativeClosed)
        self.end = when(closed) if closed else now
        self.answers: dict[int, list[Envelope]] = {}
        for e in self.of_type(ev.EntryConfirmed, ev.EntryDisputed):
            self.answers.setdefault(int(e["data"]["position"]), []).append(e)

    def named(self, e: Envelope) -> list[str]:
        """The people an entry speaks for, other than its recorder (who confirms their own)."""
        return [p for p in attestation.named(named_class(e["type"]), e["data"])
                if p != e["actor"]]

    def confirmations(self, e: Envelope) -> dict[str, Envelope]:
        """Who confirmed the entry (by now), with their confirming entry."""
        return {a["actor"]: a for a in self.answers.get(int(e["position"]), [])
                if is_a(a, ev.EntryConfirmed)}

    def disputes(self, e: Envelope) -> dict[str, Envelope]:
        return {a["actor"]: a for a in self.answers.get(int(e["position"]), [])
                if is_a(a, ev.EntryDisputed)}

    def confirmed_by(self, e: Envelope) -> set[str]:
        """Everyone the entry names who stands behind it: its recorder, and those who confirmed."""
        return {e["actor"], *self.confirmations(e)}

    def of_type(self, *types: EventClass) -> list[Envelope]:
        wanted = names(*types)
        return [e for e in self.events if e["type"] in wanted]

    def first(self, event_type: EventClass) -> Envelope | None:
        return next((e for e in self.events if is_a(e, event_type)), None)

    def items(self, subject: Subject) -> list[Envelope]:
        """The entries a Given selected: its kind, in its window and scope."""
        selected = []
        for e in self.of_type(*KINDS[subject.kind]):
            if not subject.in_window(when(e)):
                continue
            found = scope_of(e)
            if subject.scope and not (found and covers(subject.scope, found)):
                continue
            selected.append(e)
        return selected

    def before(self, envelope: Envelope, *types: EventClass) -> list[Envelope]:
        """Entries of these types that came before `envelope` in effective order."""
        key = order(envelope)
        return [e for e in self.of_type(*types) if order(e) < key]

    def tandem_before(self, envelope: Envelope) -> list[str]:
        people: list[str] = []
        for e in self.before(envelope, ev.TandemFormed, ev.TandemDissolved):
            people = list(e["data"]["people"]) if is_a(e, ev.TandemFormed) else []
        return people

    def tandem_since(self) -> datetime | None:
        formed = self.first(ev.TandemFormed)
        return when(formed) if formed else None

    def by_id(self, field: str, value: str, *types: EventClass) -> list[Envelope]:
        return [e for e in self.of_type(*types) if e["data"].get(field) == value]

    def decision(self, key: str) -> Envelope | None:
        found = self.by_id("decision", key, ev.DecisionTaken)
        return found[0] if found else None

    def mentions(self, text: str, start: datetime, end: datetime) -> Envelope | None:
        """A status report or escalation between two times that names `text`."""
        needle = text.lower()
        for e in self.of_type(ev.StatusReported, ev.EscalationRaised):
            if not start <= when(e) <= end:
                continue
            d = e["data"]
            words = [d.get("summary", ""), d.get("topic", ""), *d.get("blocked", [])]
            if any(needle in str(w).lower() for w in words):
                return e
        return None
