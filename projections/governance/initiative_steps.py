"""Then steps over an initiative as a whole: goal, tandem, status cadence, responsibilities.

They follow any Given; the Given's window (if any) limits the period judged.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from itertools import groupby
from typing import Any

from domain import criteria
from domain import events as ev
from domain.errors import Message, Persons, said
from domain.values import covers
from projections.governance.history import History, Subject, days, is_a, when
from projections.governance.registry import Finding, then

GOAL = (ev.GoalSet, ev.GoalRevised)
ROLES = (ev.ResponsibilityAssigned, ev.ResponsibilityReleased)


@then("it had a shared goal before its first decision",
      examples=("it had a shared goal before its first decision",))
def goal_before_decisions(h: History, s: Subject) -> Iterator[Finding]:
    """A shared goal was set before the first decision took effect (no decisions: it holds)."""
    first = next(iter(h.of_type(ev.DecisionTaken)), None)
    if first is not None and not h.before(first, *GOAL):
        yield Finding(said("Decision %(key)s was taken at %(at)s, before any shared goal was "
                           "set.", key=first["data"]["decision"],
                           at=f"{when(first):%Y-%m-%d %H:%M}"), [first])


@then("the goal changed at most {n} times", examples=("the goal changed at most 3 times",))
def goal_changes(h: History, s: Subject, n: int) -> Iterator[Finding]:
    """The shared goal was revised at most n times (setting it the first time is not a change)."""
    revisions = [e for e in h.of_type(ev.GoalRevised) if s.in_window(when(e))]
    if len(revisions) > n:
        yield Finding(said("The goal changed %(count)s times (at most %(n)s).",
                           count=len(revisions), n=n), revisions[n:])


@then("every goal change was agreed by both tandem partners",
      examples=("every goal change was agreed by both tandem partners",))
def goal_agreed(h: History, s: Subject) -> Iterator[Finding]:
    """Each time the goal was set or revised while a lead tandem was in place, both partners
    agreed to it: each is named among those agreeing and confirmed it under their own login
    (or recorded it)."""
    for e in h.of_type(*GOAL):
        if not s.in_window(when(e)):
            continue
        partners = h.tandem_before(e)
        missing = [p for p in partners if p not in e["data"]["agreed_by"]]
        unconfirmed = [p for p in partners if p in e["data"]["agreed_by"]
                       and p not in h.confirmed_by(e)]
        if missing:
            yield Finding(said("The goal change at %(date)s was not agreed by %(people)s.",
                               date=f"{when(e):%Y-%m-%d}", people=Persons(missing)), [e])
        elif unconfirmed:
            yield Finding(said("The goal change at %(date)s names %(people)s as agreeing, who "
                               "did not confirm it.", date=f"{when(e):%Y-%m-%d}",
                               people=Persons(unconfirmed)), [e])


@then("no entry was disputed", examples=("no entry was disputed",))
def nothing_disputed(h: History, s: Subject) -> Iterator[Finding]:
    """No entry of the initiative that names people was disputed by any of them (a dispute
    means the record says something a named person holds untrue)."""
    for e in h.events:
        if not s.in_window(when(e)):
            continue
        for person, answer in h.disputes(e).items():
            yield Finding(said("%(person)s disputes entry #%(position)s: %(reason)s",
                               person=Persons([person]), position=e["position"],
                               reason=answer["data"]["reason"]), [e, answer])


@then("status was reported at least every {n} days while open",
      examples=("status was reported at least every 14 days while open",))
def status_cadence(h: History, s: Subject, n: int) -> Iterator[Finding]:
    """No gap longer than n days without a status report, counted from when the lead tandem
    was formed (joint status is its duty; from the opening if there never was a tandem) until
    the initiative closed, or the check's moment."""
    begin = h.tandem_since() or h.opened_at
    if begin is None:
        return
    start, end = s.clip(begin, h.end)
    previous: dict[str, Any] | None = None
    for e in h.of_type(ev.StatusReported):
        moment = when(e)
        if start <= moment <= end:
            if days(start, moment) > n:
                yield Finding(_gap(start, moment, n), [x for x in (previous, e) if x])
            start, previous = moment, e
    if days(start, end) > n:
        yield Finding(_gap(start, end, n, since=True), [previous] if previous else [])


def _gap(start: datetime, end: datetime, n: int, since: bool = False) -> Message:
    template = ("No status report for %(days)s days, from %(start)s to %(end)s (at most %(n)s). "
                "(none since)" if since else
                "No status report for %(days)s days, from %(start)s to %(end)s (at most %(n)s).")
    return said(template, days=round(days(start, end), 1), start=f"{start:%Y-%m-%d}",
                end=f"{end:%Y-%m-%d}", n=n)


@then("every area had exactly one Accountable, or it was flagged within {n} days",
      examples=("every area had exactly one Accountable, or it was flagged within 7 days",))
def one_accountable(h: History, s: Subject, n: int) -> Iterator[Finding]:
    """While an area has anyone in a role, it has exactly one Accountable; a period without
    one (or with several) is accepted if it ended within n days, or if a status report or
    escalation naming the area took effect within n days of it starting."""
    held: dict[str, set[tuple[str, str]]] = {}
    since: dict[str, tuple[datetime, dict[str, Any]]] = {}
    found: list[tuple[str, datetime, datetime, dict[str, Any]]] = []
    for moment, group in groupby(h.of_type(*ROLES), key=when):
        entries = list(group)
        for e in entries:
            d = e["data"]
            roles = held.setdefault(d["area"], set())
            if is_a(e, ev.ResponsibilityAssigned):
                roles.add((d["person"], d["role"]))
            else:
                roles.discard((d["person"], d["role"]))
        for area, roles in held.items():
            wrong = bool(roles) and sum(r == "A" for _, r in roles) != 1
            if wrong and area not in since:
                since[area] = (moment, entries[-1])
            elif not wrong and area in since:
                begun, cause = since.pop(area)
                found.append((area, begun, moment, cause))
    found += [(area, start, h.end, e) for area, (start, e) in since.items()]
    for area, start, end, e in found:
        if s.scope and not covers(s.scope, area):
            continue
        begin, stop = s.clip(start, end)
        if begin > stop or days(begin, stop) <= n:
            continue
        if h.mentions(area, start, start + timedelta(days=n)):
            continue
        yield Finding(said("Area %(area)s had no single Accountable for %(days)s days from "
                           "%(start)s, and it was not flagged within %(n)s days.", area=area,
                           days=round(days(begin, stop), 1), start=f"{begin:%Y-%m-%d}", n=n), [e])


@then("no person was Accountable for more than {n} areas at once",
      examples=("no person was Accountable for more than 4 areas at once",))
def accountable_load(h: History, s: Subject, n: int) -> Iterator[Finding]:
    """At no moment was one person Accountable for more than n areas of the initiative."""
    areas: dict[str, set[str]] = {}
    reported: set[str] = set()
    for _moment, group in groupby(h.of_type(*ROLES), key=when):
        entries = list(group)
        for e in entries:
            d = e["data"]
            if d["role"] != "A":
                continue
            held = areas.setdefault(d["person"], set())
            (held.add if is_a(e, ev.ResponsibilityAssigned) else held.discard)(d["area"])
        for person, held in areas.items():
            if len(held) > n and person not in reported and s.in_window(when(entries[-1])):
                reported.add(person)
                culprit = [e for e in entries if e["data"]["person"] == person] or entries
                yield Finding(said("%(person)s was Accountable for %(count)s areas at once "
                                   "(%(areas)s; at most %(n)s).", person=Persons([person]), count=len(held),
                                   areas=", ".join(sorted(held)), n=n), culprit[-1:])



@then("a joint status meeting was held at least every {n} days with both partners attending",
      examples=("a joint status meeting was held at least every 7 days with both partners "
                "attending",))
def joint_status_meetings(h: History, s: Subject, n: int) -> Iterator[Finding]:
    """No gap longer than n days without a joint status meeting (kind `joint-status`) that
    took place with both tandem partners of its time among those attending, each standing
    behind that record (its recorder or confirmed under their own login); counted from when
    the lead tandem was formed until the initiative closed, or the check's moment."""
    begin = h.tandem_since()
    if begin is None:
        return
    start, end = s.clip(begin, h.end)
    scheduled = {e["data"]["meeting"]: e for e in h.of_type(ev.MeetingScheduled)
                 if e["data"]["kind"] == "joint-status"}
    kept: list[tuple[datetime, dict[str, Any]]] = []
    for e in h.of_type(ev.MeetingHeld):
        invitation = scheduled.get(e["data"]["meeting"])
        if invitation is None:
            continue
        partners = h.tandem_before(e)
        present = set(e["data"]["attended"]) & h.confirmed_by(e)
        if partners and set(partners) <= present:
            kept.append((datetime.fromisoformat(invitation["data"]["starts_at"]), e))
    previous: dict[str, Any] | None = None
    for moment, e in sorted(kept, key=lambda pair: pair[0]):
        if start <= moment <= end:
            if days(start, moment) > n:
                yield Finding(_meeting_gap(start, moment, n), [x for x in (previous, e) if x])
            start, previous = moment, e
    if days(start, end) > n:
        yield Finding(_meeting_gap(start, end, n) + " (none since)", [previous] if previous else [])


def _meeting_gap(start: datetime, end: datetime, n: int) -> str:
    return (f"No joint status meeting with both partners for {days(start, end):.1f} days, from "
            f"{start:%Y-%m-%d} to {end:%Y-%m-%d} (at most {n}).")


@then("every measurable criterion was met at each evaluation date",
      examples=("every measurable criterion was met at each evaluation date",))
def criteria_met(h: History, s: Subject) -> Iterator[Finding]:
    """At each evaluation date passed (in the window), each measurable criterion (one with a
    comparison and a target value) was met by its latest measurement by then; a criterion not
    measured by its date missed it. Retired criteria are judged up to their retirement."""
    targets: dict[str, dict[str, Any]] = {}
    for e in h.of_type(ev.CriterionDefined, ev.CriterionRevised, ev.CriterionRetired):
        key = e["data"]["criterion"]
        if is_a(e, ev.CriterionRetired):
            targets.get(key, {}).update(retired=when(e))
        elif e["data"].get("comparison"):
            targets[key] = {"entry": e, "data": e["data"], "retired": None}
    for key, target in targets.items():
        d = target["data"]
        measured = [{"value": m["data"]["value"], "effective_at": when(m)}
                    for m in h.by_id("criterion", key, ev.MeasurementRecorded)]
        until = target["retired"] or h.end
        dates = [datetime.fromisoformat(x) for x in d.get("evaluation_dates") or []]
        for found in criteria.evaluations(d["comparison"], d["target_value"],
                                          [x for x in dates if x <= until], measured, h.end):
            if found["state"] == criteria.MISSED and s.in_window(found["date"]):
                value = "no measurement" if found["value"] is None else f"{found['value']:g}"
                yield Finding(f"Criterion {key} missed its target ({d['comparison']} "
                              f"{d['target_value']:g} {d.get('target_unit') or ''}".rstrip()
                              + f") on {found['date']:%Y-%m-%d}: {value}.", [target["entry"]])
