"""The example story: IT and Operations stop arguing over the customer portal.

The demo simulates twelve weeks of use ending today: each entry is recorded, through the same
application service, on the story's day (the service's clock is set to that day), so the
recording times look like real use. One decision is deliberately recorded three weeks after
it was taken, and one escalation is left unanswered past its due date: the governance rules
and the escalation board have something to find.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, time, timedelta, timezone
from typing import Any

from domain.errors import Conflict
from web.system import Tandem

UNITS = [("it", "IT"), ("operations", "Operations")]
PEOPLE = [
    ("kathi", "Kathi Berger", "operations", "admin"),
    ("thomas", "Thomas Krüger", "it", "member"),
    ("sabine", "Sabine Wolf", "operations", "member"),
    ("jonas", "Jonas Keller", "it", "member"),
    ("miriam", "Miriam Yilmaz", "operations", "member"),
    ("lena", "Lena Hoffmann", "operations", "member"),
    ("petra", "Petra Lang", "operations", "member"),
    ("ralf", "Ralf Neumann", "it", "auditor"),
]
OPTIONS_PATTERNS = [
    {"key": "three", "title": "Reduce to three patterns",
     "description": "Three patterns cover 95% of orders; the rest goes to manual handling."},
    {"key": "seven", "title": "Keep all seven patterns",
     "description": "Every order type keeps its own pattern."},
    {"key": "hybrid", "title": "Three patterns plus an exception queue"},
]
OPTIONS_GO_LIVE = [
    {"key": "fixed-date", "title": "Fix go-live on 1 June", "description": "IT's position."},
    {"key": "readiness", "title": "Go live when the criteria are met",
     "description": "Operations' position."},
    {"key": "pilot-first", "title": "Pilot region first, then a fixed date for all regions"},
]


class StoryClock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@contextmanager
def story_clock(tandem: Tandem, clock: StoryClock) -> Iterator[None]:
    real = tandem.app.clock
    tandem.app.clock = clock
    try:
        yield
    finally:
        tandem.app.clock = real


def load_demo(tandem: Tandem, today: datetime | None = None) -> int:
    """Load the story once; returns the number of events recorded (0 if already there)."""
    if any(i["initiative"] == "kundenportal" for i in tandem.read.initiatives()):
        return 0
    end = today or datetime.now(timezone.utc)
    start = datetime.combine((end - timedelta(days=84)).date(), time(8, 30), timezone.utc)
    clock = StoryClock(start)
    count = 0

    def day(n: int, hour: int = 9) -> datetime:
        return datetime.combine((start + timedelta(days=n)).date(), time(hour), timezone.utc)

    def at(n: int, hour: int = 9) -> None:
        clock.now = day(n, hour)

    def rec(command: str, actor: str, **kwargs: Any) -> None:
        nonlocal count
        count += len(tandem.app.__getattribute__(command)(actor=actor, **kwargs))

    with story_clock(tandem, clock):
        at(0, 8)
        for unit, name in UNITS:
            try:
                rec("register_unit", "kathi", unit=unit, name=name)
            except Conflict:
                pass
        for person, name, unit, role in PEOPLE:
            try:
                rec("register_person", "kathi", person=person, name=name, unit=unit, role=role)
            except Conflict:
                pass
        k = "kundenportal"
        at(0)
        rec("open_initiative", "kathi", initiative=k, title="Customer portal",
            sponsor="kathi", units=["it", "operations"], escalation_path=["kathi", "petra"])
        # Week 2: Kathi stops the ping-pong: shared goal, criteria, the tandem.
        at(14)
        rec("set_goal", "kathi", initiative=k,
            statement="Customer portal live in Q2 with stable customer guidance and little rework",
            reason="Agreed at the whiteboard to end three months of back and forth",
            agreed_by=["kathi", "thomas", "sabine"])
        for criterion, description, target in [
            ("ordering-stability", "Ordering process runs without system crashes in the pilot region",
             "0 crashes per week"),
            ("backoffice-staffing", "Back-office process runs without extra staff",
             "0 additional staff"),
            ("customer-satisfaction", "Customer feedback after four weeks at least 'satisfied'",
             "at least 4 of 5"),
        ]:
            rec("define_criterion", "kathi", initiative=k, criterion=criterion,
                description=description, target=target)
        rec("form_tandem", "kathi", initiative=k, people=["jonas", "miriam"])
        for area, person, role in [
            ("technology", "jonas", "A"), ("technology", "thomas", "R"),
            ("technology", "miriam", "C"), ("operations/backoffice", "miriam", "A"),
            ("operations/backoffice", "sabine", "R"), ("operations/backoffice", "lena", "R"),
            ("operations/backoffice", "jonas", "C"), ("customer-guidance", "miriam", "A"),
            ("customer-guidance", "jonas", "C"), ("customer-guidance", "kathi", "I"),
            ("go-live", "jonas", "A"), ("go-live", "kathi", "I"),
            ("data-model", "thomas", "A"), ("data-model", "jonas", "R"),
        ]:
            rec("assign", "kathi", initiative=k, area=area, person=person, role=role)
        rec("grant_mandate", "kathi", initiative=k, mandate="m-tech-design", person="jonas",
            scope="technology", limits="Technical design of the ordering process; budget up to 50k EUR")
        rec("grant_mandate", "kathi", initiative=k, mandate="m-backoffice", person="miriam",
            scope="operations", limits="Back-office process design; no new special roles")
        # Week 3: first joint status, with a decision proposal.
        at(21)
        rec("report_status", "jonas", initiative=k, summary="Data model work restarted jointly",
            running=["Joint workshop on order types"], blocked=["The data structure has seven patterns"],
            options=["Reduce to three patterns", "Keep seven and add validation"],
            reported_by=["jonas", "miriam"])
        rec("propose", "jonas", initiative=k, proposal="p-data-patterns",
            question="How many data patterns does the ordering process use?",
            scope="technology/ordering", options=OPTIONS_PATTERNS, proposed_by=["jonas", "miriam"])
        at(23)
        rec("take_decision", "jonas", initiative=k, decision="d-three-patterns",
            scope="technology/ordering", title="The ordering process uses three data patterns",
            option="three", proposal="p-data-patterns", decided_by=["jonas"],
            rationale="Three patterns cover 95 percent of orders; fewer patterns make the ordering "
                      "process stable and cut rework in the back office.")
        rec("take_decision", "jonas", initiative=k, decision="d-validation",
            scope="technology/ordering/validation", title="Orders are validated on submit",
            option="on-submit", decided_by=["jonas"],
            options=[{"key": "on-submit", "title": "Validate on submit"},
                     {"key": "nightly", "title": "Validate in a nightly batch"}],
            rationale="Errors reach the customer while they still remember the order, and the "
                      "back office sees no invalid orders.")
        at(23, 11)
        rec("release", "kathi", initiative=k, area="data-model", person="thomas", role="A",
            reason="The tandem owns the data model from now on")
        rec("assign", "kathi", initiative=k, area="data-model", person="jonas", role="A")
        # Week 4: the joint report the story tells of.
        at(28)
        rec("propose", "miriam", initiative=k, proposal="p-backoffice-flow",
            question="How does the back office handle portal orders?", scope="operations/backoffice",
            options=[{"key": "adapt-flow", "title": "Adapt the existing flow"},
                     {"key": "special-roles", "title": "Create special roles for portal orders"}],
            proposed_by=["miriam"])
        rec("take_decision", "miriam", initiative=k, decision="d-backoffice-flow",
            scope="operations/backoffice", title="The back-office flow is adapted, no special roles",
            option="adapt-flow", proposal="p-backoffice-flow", decided_by=["miriam"],
            rationale="With three data patterns the existing flow handles portal orders; special "
                      "roles would add staff and handoffs.")
        rec("report_status", "miriam", initiative=k,
            summary="The data structure was reduced to three patterns (the ordering process is "
                    "more stable) and the back-office flow was adapted so it needs no special roles",
            running=["Ordering process on three patterns", "Adapted back-office flow"],
            blocked=["Go-live date disputed"], options=["Fixed date", "Readiness criteria", "Pilot first"],
            reported_by=["jonas", "miriam"])
        # Week 5: they cannot agree on the go-live date and escalate early, with options.
        at(35)
        rec("raise_escalation", "jonas", initiative=k, escalation="e-go-live-date",
            topic="Go-live date: IT wants a fixed date, Operations wants readiness criteria first",
            options=OPTIONS_GO_LIVE, raised_by="jonas", due_at=day(42))
        rec("report_status", "jonas", initiative=k, summary="Go-live date escalated to Kathi with three options",
            running=["Pilot preparation"], blocked=["Go-live date"], options=[],
            reported_by=["jonas", "miriam"])
        rec("record_measurement", "miriam", initiative=k, criterion="ordering-stability", value=3,
            note="Test region, first week")
        rec("record_measurement", "miriam", initiative=k, criterion="backoffice-staffing", value=1,
            note="One temporary helper during the switch")
        at(38)
        rec("take_decision", "kathi", initiative=k, decision="d-go-live", scope="planning/go-live",
            title="Go live in the pilot region first, then everywhere on a fixed date",
            option="pilot-first", escalation="e-go-live-date", decided_by=["kathi"],
            rationale="The pilot gives Operations its readiness evidence and IT a date to plan "
                      "against; both risks shrink.")
        at(38, 11)
        rec("release", "kathi", initiative=k, area="go-live", person="jonas", role="A",
            reason="Operations leads the pilot go-live")
        rec("assign", "kathi", initiative=k, area="go-live", person="miriam", role="A")
        rec("assign", "kathi", initiative=k, area="go-live", person="jonas", role="R")
        # Week 6 onwards: weekly joint status, measurements, a handoff, a revised goal.
        at(42)
        rec("report_status", "miriam", initiative=k, summary="Pilot region prepared",
            running=["Pilot region North"], blocked=[], options=[], reported_by=["jonas", "miriam"])
        rec("record_measurement", "miriam", initiative=k, criterion="ordering-stability", value=1,
            note="Pilot region, week 1")
        at(44)
        rec("take_decision", "jonas", initiative=k, decision="d-validation-typing",
            scope="technology/ordering/validation", title="Orders are validated while typing",
            option="while-typing", decided_by=["jonas"], supersedes="d-validation",
            options=[{"key": "while-typing", "title": "Validate while typing"},
                     {"key": "on-submit", "title": "Keep validating on submit"}],
            rationale="Pilot customers abandoned long forms after a late error; validating while "
                      "typing keeps them in the flow.")
        at(49)
        rec("start_handoff", "jonas", initiative=k, handoff="h-order-support",
            item="Second-level support for the ordering process", from_person="jonas",
            to_person="miriam")
        rec("report_status", "jonas", initiative=k, summary="Order support moves to Operations",
            running=["Pilot region North", "Support handoff"], blocked=[], options=[],
            reported_by=["jonas", "miriam"])
        at(51)
        rec("accept_handoff", "miriam", initiative=k, handoff="h-order-support")
        at(56)
        rec("set_goal", "kathi", initiative=k,
            statement="Customer portal live in the pilot region in Q2 and everywhere in Q3, with "
                      "stable customer guidance and little rework",
            reason="Pilot-first go-live decided on escalation e-go-live-date",
            agreed_by=["kathi", "jonas", "miriam"])
        rec("report_status", "miriam", initiative=k, summary="Pilot stable, rollout plan drafted",
            running=["Rollout plan"], blocked=[], options=[], reported_by=["jonas", "miriam"])
        rec("record_measurement", "miriam", initiative=k, criterion="ordering-stability", value=0,
            note="Pilot region, week 3")
        rec("record_measurement", "miriam", initiative=k, criterion="backoffice-staffing", value=0)
        rec("record_measurement", "lena", initiative=k, criterion="customer-satisfaction",
            value=3.8, note="First survey, 120 answers")
        at(63)
        rec("report_status", "jonas", initiative=k, summary="Rollout to two more regions prepared",
            running=["Region East", "Region South"], blocked=[], options=[],
            reported_by=["jonas", "miriam"])
        # Deliberately late: a decision taken in week 8 and written down only in week 11.
        at(70)
        rec("report_status", "miriam", initiative=k, summary="Regions East and South live",
            running=["Customer hotline during rollout"], blocked=["Hotline budget unclear"],
            options=["Extend hotline", "Keep standard hours"], reported_by=["jonas", "miriam"])
        rec("record_measurement", "lena", initiative=k, criterion="customer-satisfaction",
            value=4.2, note="Second survey, 340 answers")
        at(75)
        rec("raise_escalation", "miriam", initiative=k, escalation="e-hotline-budget",
            topic="Budget for the customer hotline during the rollout",
            options=[{"key": "extend", "title": "Extend the hotline to 20:00 (12k EUR)"},
                     {"key": "standard", "title": "Keep standard hours"}],
            raised_by="miriam", due_at=day(80))
        at(77)
        rec("take_decision", "miriam", initiative=k, decision="d-support-hours",
            scope="operations/support", title="Order support answers until 18:00 during the rollout",
            option="until-18", decided_by=["miriam"], effective_at=day(56, 15),
            options=[{"key": "until-18", "title": "Answer until 18:00"},
                     {"key": "until-17", "title": "Keep answering until 17:00"}],
            rationale="Most portal orders arrive after work; an extra hour catches the questions "
                      "without new staff.")
        rec("report_status", "jonas", initiative=k, summary="Rollout on track; hotline budget escalated",
            running=["Rollout"], blocked=["Hotline budget"], options=["Extend", "Standard"],
            reported_by=["jonas", "miriam"])
    tandem.catch_up()
    return count
