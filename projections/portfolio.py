"""The cooperation heatmap: each initiative judged on eight dimensions of cooperation, each a
level from 0 to 4 with the entries that are its evidence. Derived from the log at any time (the
initiative's envelopes, folded like its state); no table of its own.

The definitions are in docs/heatmap.md (English and German); `DIMENSIONS` names them in order.
A level is `None` where there is nothing to judge yet (no escalation raised, no decision taken).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from datetime import datetime, timedelta, timezone
from typing import Any

from domain import attestation
from domain import events as ev
from projections.directory import DirectoryQueries
from projections.envelope import Envelope, iso
from projections.state import fold
from projections.timeline import TimelineQueries

DIMENSIONS = ("goal", "tandem", "criteria", "cadence", "escalations", "decisions",
              "confirmations", "accountable")
WEEK = timedelta(days=7)
MEASUREMENT_DUE = timedelta(days=28)  # a criterion's evaluation interval
DOCUMENTED_WITHIN = timedelta(days=7)
Evidence = dict[str, Any]
Cell = dict[str, Any]


def _evidence(e: Envelope, finding: str) -> Evidence:
    """An entry behind a cell, and what it shows: `counts` (it meets the definition) or what
    it lacks (`pending`, `disputed`, `late`, `overdue`, `stale`, `missing`, `one-unit`, ...)."""
    return {"position": e.position, "type": e.type, "initiative": e.initiative,
            "effective_at": iso(e.effective_at), "recorded_at": iso(e.recorded_at),
            "summary": e.summary, "data": e.data, "finding": finding}


def _share(good: int, judged: int) -> int | None:
    return None if judged == 0 else (4 * good) // judged


def _cell(level: int | None, evidence: list[Evidence], **facts: Any) -> Cell:
    return {"level": level, "evidence": evidence, "facts": facts}


def judge(envelopes: Iterable[Envelope], moment: datetime,
          unit_of: Callable[[str], str | None]) -> dict[str, Cell]:
    """Every dimension of one initiative at `moment` from its envelopes (those that took
    effect by then, as known at the time the caller chose)."""
    ordered = sorted(envelopes, key=lambda e: (e.effective_at, e.position))
    state = fold(ordered, moment)
    claims = state["attestations"]
    by_kind: dict[Any, list[Envelope]] = {}
    for e in ordered:
        by_kind.setdefault(e.kind, []).append(e)
    held = _accountable(ordered)
    return {
        "goal": _goal(state, by_kind, claims, unit_of),
        "tandem": _tandem(state, by_kind, held, unit_of),
        "criteria": _criteria(state, by_kind, moment),
        "cadence": _cadence(by_kind.get(ev.StatusReported, []), claims, moment),
        "escalations": _escalations(state, by_kind, moment),
        "decisions": _decisions(by_kind.get(ev.DecisionTaken, [])),
        "confirmations": _confirmations(ordered, claims),
        "accountable": _areas(held, by_kind.get(ev.ResponsibilityAssigned, [])),
    }


def _claim(claims: dict[int, dict[str, Any]], e: Envelope) -> str:
    found = claims.get(e.position)
    return attestation.CONFIRMED if found is None else str(found["status"])


def _goal(state: dict[str, Any], by_kind: dict[Any, list[Envelope]],
          claims: dict[int, dict[str, Any]], unit_of: Callable[[str], str | None]) -> Cell:
    """0 none; 1 recorded, not yet confirmed by all it names; 2 confirmed; 3 confirmed by
    people of every unit of the initiative; 4 and by both tandem partners."""
    goals = by_kind.get(ev.GoalSet, []) + by_kind.get(ev.GoalRevised, [])
    goals.sort(key=lambda e: (e.effective_at, e.position))
    if not goals:
        return _cell(0, [])
    goal = state["goal"]
    if goal is None:
        return _cell(1, [_evidence(goals[-1], _claim(claims, goals[-1]))])
    entry = next(e for e in goals if e.position == goal["position"])
    agreed = set(goal["agreed_by"])
    units = {unit_of(p) for p in agreed}
    partners = set((state["tandem"] or {}).get("people", []))
    level = 2
    if set(state["units"]) <= units:
        level = 3
        if partners and partners <= agreed:
            level = 4
    finding = {2: "one-unit", 3: "without-tandem", 4: "counts"}[level]
    return _cell(level, [_evidence(entry, finding)])


def _tandem(state: dict[str, Any], by_kind: dict[Any, list[Envelope]],
            held: dict[str, dict[str, list[Envelope]]],
            unit_of: Callable[[str], str | None]) -> Cell:
    """0 none; 1 formed, not yet confirmed by both; 2 confirmed; 3 its partners come from two
    units; 4 and each partner is Accountable for an area."""
    formed = by_kind.get(ev.TandemFormed, [])
    if state["tandem"] is None or not formed:
        return _cell(0, [])
    entry = formed[-1]
    attested = state["tandem"].get("attestation")
    if attested is not None and attested["status"] != attestation.CONFIRMED:
        return _cell(1, [_evidence(entry, str(attested["status"]))])
    partners = list(state["tandem"]["people"])
    if len({unit_of(p) for p in partners}) < 2:
        return _cell(2, [_evidence(entry, "one-unit")])
    evidence = [_evidence(entry, "counts")]
    accountable = True
    for person in partners:
        areas = [es[-1] for es in (held.get(a, {}).get(person) for a in sorted(held)) if es]
        evidence += [_evidence(e, "counts") for e in areas[:1]]
        accountable = accountable and bool(areas)
    return _cell(4 if accountable else 3, evidence)


def _criteria(state: dict[str, Any], by_kind: dict[Any, list[Envelope]],
              moment: datetime) -> Cell:
    """0 no active criterion; 1 none measured; 2 some measured; 3 all measured; 4 all measured
    on time: by each of its evaluation dates that has come, or, for a criterion without
    evaluation dates, within 28 days."""
    active = [c for c in state["criteria"].values() if c["status"] == "active"]
    if not active:
        return _cell(0, [])
    latest: dict[str, Envelope] = {}
    for e in by_kind.get(ev.MeasurementRecorded, []):
        latest[e.data["criterion"]] = e
    defined = {e.data["criterion"]: e for e in by_kind.get(ev.CriterionDefined, [])}
    evidence, measured, fresh = [], 0, 0
    for c in active:
        last = latest.get(c["id"])
        if last is None:
            if c["id"] in defined:
                evidence.append(_evidence(defined[c["id"]], "missing"))
            continue
        measured += 1
        due = [e for e in c.get("evaluations") or [] if e["state"] != "pending"]
        on_time = (all(e["value"] is not None for e in due) if c.get("evaluations")
                   else moment - last.effective_at <= MEASUREMENT_DUE)
        fresh += on_time
        evidence.append(_evidence(last, "counts" if on_time else "stale"))
    level = (1 if measured == 0 else 2 if measured < len(active)
             else 4 if fresh == len(active) else 3)
    return _cell(level, evidence, active=len(active), measured=measured, on_time=fresh)


def _cadence(reports: list[Envelope], claims: dict[int, dict[str, Any]],
             moment: datetime) -> Cell:
    """The number of the last four weeks (seven-day spans ending at the moment) with a status
    report by two or more people that all of them confirmed."""
    evidence, weeks = [], 0
    for week in range(4):
        end, start = moment - week * WEEK, moment - (week + 1) * WEEK
        inside = [e for e in reports if start < e.effective_at <= end]
        joint = [e for e in inside if len(e.data.get("reported_by", [])) >= 2
                 and _claim(claims, e) == attestation.CONFIRMED]
        weeks += bool(joint)
        evidence += [_evidence(e, "counts" if e in joint else
                               "alone" if len(e.data.get("reported_by", [])) < 2
                               else _claim(claims, e)) for e in inside]
    return _cell(weeks, evidence)


def _escalations(state: dict[str, Any], by_kind: dict[Any, list[Envelope]],
                 moment: datetime) -> Cell:
    """Of the escalations answered or past their due date: the share answered (by a decision
    taking effect) before the due date, in quarters; none to judge: no level."""
    raised = {e.data["escalation"]: e for e in by_kind.get(ev.EscalationRaised, [])}
    evidence, judged, on_time = [], 0, 0
    for eid, escalation in state["escalations"].items():
        due = datetime.fromisoformat(escalation["due_at"])
        if escalation["status"] == "resolved":
            decision = state["decisions"].get(escalation["resolved_by"] or "")
            answered = datetime.fromisoformat(decision["effective_at"]) if decision else moment
            judged += 1
            on_time += answered <= due
            finding = "counts" if answered <= due else "late"
        elif due < moment:
            judged += 1
            finding = "overdue"
        else:
            finding = "open"
        if eid in raised:
            evidence.append(_evidence(raised[eid], finding))
    return _cell(_share(on_time, judged), evidence, judged=judged, on_time=on_time)


def _decisions(decisions: list[Envelope]) -> Cell:
    """The share of decisions recorded within a week of taking effect, in quarters."""
    timely = [e for e in decisions if e.recorded_at - e.effective_at <= DOCUMENTED_WITHIN]
    evidence = [_evidence(e, "counts" if e in timely else "late") for e in decisions]
    return _cell(_share(len(timely), len(decisions)), evidence, decisions=len(decisions),
                 timely=len(timely))


def _confirmations(ordered: list[Envelope], claims: dict[int, dict[str, Any]]) -> Cell:
    """The share of entries naming others (claims) that everyone named confirmed, in quarters."""
    entries = [e for e in ordered if e.position in claims]
    confirmed = [e for e in entries if _claim(claims, e) == attestation.CONFIRMED]
    evidence = [_evidence(e, _claim(claims, e) if e not in confirmed else "counts")
                for e in entries]
    return _cell(_share(len(confirmed), len(entries)), evidence, claims=len(entries),
                 confirmed=len(confirmed))


def _accountable(ordered: list[Envelope]) -> dict[str, dict[str, list[Envelope]]]:
    """Area → person → the assignments by which they are Accountable now."""
    held: dict[str, dict[str, list[Envelope]]] = {}
    for e in ordered:
        if e.kind is ev.ResponsibilityAssigned and e.data["role"] == "A":
            held.setdefault(e.data["area"], {}).setdefault(e.data["person"], []).append(e)
        elif e.kind is ev.ResponsibilityReleased and e.data["role"] == "A":
            held.get(e.data["area"], {}).pop(e.data["person"], None)
    return held


def _areas(held: dict[str, dict[str, list[Envelope]]], assigned: list[Envelope]) -> Cell:
    """The share of the matrix's areas with exactly one Accountable, in quarters; no area: 0."""
    areas = sorted({e.data["area"] for e in assigned})
    if not areas:
        return _cell(0, [])
    evidence, single = [], 0
    for area in areas:
        people = held.get(area, {})
        single += len(people) == 1
        finding = "counts" if len(people) == 1 else "missing" if not people else "several"
        shown = [es[-1] for es in people.values()] or [
            e for e in assigned if e.data["area"] == area][-1:]
        evidence += [_evidence(e, finding) for e in shown]
    return _cell((4 * single) // len(areas), evidence, areas=len(areas), single=single)


def month_ends(start: datetime, end: datetime) -> list[datetime]:
    """The last moment of every calendar month from `start`'s to `end`'s (the last one is
    `end` itself)."""
    found = []
    year, month = start.year, start.month
    while True:
        year_after, month_after = (year + 1, 1) if month == 12 else (year, month + 1)
        last = datetime(year_after, month_after, 1, tzinfo=timezone.utc) - timedelta(
            microseconds=1)
        if last >= end:
            found.append(end)
            return found
        found.append(last)
        year, month = year_after, month_after


class PortfolioQueries:
    """The heatmap of every initiative a reader may read, and one initiative month by month."""

    def __init__(self, directory: DirectoryQueries, timeline: TimelineQueries,
                 clock: Callable[[], datetime]):
        self.directory = directory
        self.timeline = timeline
        self.clock = clock

    def _units(self) -> Callable[[str], str | None]:
        units = {p["person"]: p["unit"] for p in self.directory.people()}
        return units.get

    def _row(self, row: dict[str, Any], as_of: datetime | None, known_at: datetime | None,
             unit_of: Callable[[str], str | None]) -> dict[str, Any]:
        iid = str(row["initiative"])
        moment = as_of or self.clock()
        cells = judge(self.timeline.initiative_envelopes(iid, as_of, known_at), moment, unit_of)
        return {"initiative": iid, "title": row["title"], "status": row["status"],
                "cells": cells}

    def portfolio(self, as_of: datetime | None = None, known_at: datetime | None = None,
                  hidden: Collection[str] = ()) -> dict[str, Any]:
        """Initiatives × dimensions at effective time `as_of`, as known at `known_at`."""
        unit_of = self._units()
        moment = as_of or self.clock()
        rows = [self._row(r, as_of, known_at, unit_of) for r in self.directory.initiative_rows()
                if r["initiative"] not in hidden
                and datetime.fromisoformat(str(r["opened_at"])) <= moment]
        return {"as_of": iso(as_of) if as_of else None,
                "known_at": iso(known_at) if known_at else None,
                "dimensions": list(DIMENSIONS), "initiatives": rows}

    def months(self, initiative: str, as_of: datetime | None = None) -> dict[str, Any]:
        """One initiative at the end of every month since it opened, each as the log stood
        then (effective and recorded by that moment)."""
        row = self.directory.initiative_row(initiative)
        end = min(as_of or self.clock(), self.clock())
        opened = datetime.fromisoformat(str(row["opened_at"]))
        unit_of = self._units()
        months = []
        for moment in month_ends(opened, end) if opened <= end else []:
            months.append({"month": moment.strftime("%Y-%m"), "at": iso(moment),
                           **self._row(row, moment, moment, unit_of)})
        return {"initiative": initiative, "title": row["title"], "as_of": iso(end),
                "dimensions": list(DIMENSIONS), "months": months}
