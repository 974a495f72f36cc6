"""The example story: IT and Operations stop arguing over the customer portal, as data and
chapters, and the `tandem demo` command that loads it.

The demo simulates twelve weeks of use ending today: each entry is recorded, through the same
application service, on the story's day (the service's clock is set to that day), so the
recording times look like real use. One decision is deliberately recorded three weeks after
it was taken, and one escalation is left unanswered past its due date: the governance rules
and the escalation board have something to find.

Recording times rise along the log (`tandem verify` reports a step back), so the story can
only be told into a log that holds nothing recorded since the story's first day: a new
database (`tandem init --demo` loads it before the admin is registered).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, time, timedelta, timezone
from typing import Any, ParamSpec

from eventsourcing.persistence import Recording

from domain.application import TandemApplication
from domain.errors import Conflict
from web.cli.console import err
from web.settings import Settings
from web.system import Tandem

P = ParamSpec("P")
K = "kundenportal"
# Miriam's answer to the last joint status report: she does not sign what it says.
DISPUTE = (
    "Not on track: region South waits for the hotline budget, and the escalation is "
    "past its due date."
)

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
    {
        "key": "three",
        "title": "Reduce to three patterns",
        "description": "Three patterns cover 95% of orders; the rest goes to manual handling.",
    },
    {
        "key": "seven",
        "title": "Keep all seven patterns",
        "description": "Every order type keeps its own pattern.",
    },
    {"key": "hybrid", "title": "Three patterns plus an exception queue"},
]
OPTIONS_GO_LIVE = [
    {"key": "fixed-date", "title": "Fix go-live on 1 June", "description": "IT's position."},
    {
        "key": "readiness",
        "title": "Go live when the criteria are met",
        "description": "Operations' position.",
    },
    {"key": "pilot-first", "title": "Pilot region first, then a fixed date for all regions"},
]


def _opened(s: Story, app: TandemApplication) -> None:
    """The sponsor opens the initiative."""
    s.at(0)
    s.rec(
        app.open_initiative,
        actor="kathi",
        initiative=K,
        title="Customer portal",
        sponsor="kathi",
        units=["it", "operations"],
        escalation_path=["kathi", "petra"],
    )
    for person in ("thomas", "sabine", "jonas", "miriam", "lena"):
        s.rec(
            app.admit_member,
            actor="kathi",
            initiative=K,
            person=person,
            role="member",
            reason="Works on the portal",
        )


def _goal_criteria_tandem(s: Story, app: TandemApplication) -> None:
    """Week 2: Kathi stops the ping-pong: shared goal, criteria, the tandem."""
    s.at(14)
    s.claim(
        {"thomas": 1, "sabine": 2},
        app.set_goal,
        actor="kathi",
        initiative=K,
        statement="Customer portal live in Q2 with stable customer guidance and little rework",
        reason="Agreed at the whiteboard to end three months of back and forth",
        agreed_by=["kathi", "thomas", "sabine"],
    )
    for criterion, description, target in [
        (
            "ordering-stability",
            "Ordering process runs without system crashes in the pilot region",
            "0 crashes per week",
        ),
        (
            "backoffice-staffing",
            "Back-office process runs without extra staff",
            "0 additional staff",
        ),
        (
            "customer-satisfaction",
            "Customer feedback after four weeks at least 'satisfied'",
            "at least 4 of 5",
        ),
    ]:
        s.rec(
            app.define_criterion,
            actor="kathi",
            initiative=K,
            criterion=criterion,
            description=description,
            target=target,
        )
    s.claim(
        {"jonas": 1, "miriam": 1},
        app.form_tandem,
        actor="kathi",
        initiative=K,
        people=["jonas", "miriam"],
    )
    for area, person, role in [
        ("technology", "jonas", "A"),
        ("technology", "thomas", "R"),
        ("technology", "miriam", "C"),
        ("operations/backoffice", "miriam", "A"),
        ("operations/backoffice", "sabine", "R"),
        ("operations/backoffice", "lena", "R"),
        ("operations/backoffice", "jonas", "C"),
        ("customer-guidance", "miriam", "A"),
        ("customer-guidance", "jonas", "C"),
        ("customer-guidance", "kathi", "I"),
        ("go-live", "jonas", "A"),
        ("go-live", "kathi", "I"),
        ("data-model", "thomas", "A"),
        ("data-model", "jonas", "R"),
    ]:
        s.rec(app.assign, actor="kathi", initiative=K, area=area, person=person, role=role)
    s.rec(
        app.grant_mandate,
        actor="kathi",
        initiative=K,
        mandate="m-tech-design",
        person="jonas",
        scope="technology",
        limits="Technical design of the ordering process; budget up to 50k EUR",
    )
    s.rec(
        app.grant_mandate,
        actor="kathi",
        initiative=K,
        mandate="m-backoffice",
        person="miriam",
        scope="operations",
        limits="Back-office process design; no new special roles",
    )


def _first_joint_status(s: Story, app: TandemApplication) -> None:
    """Week 3: first joint status, with a decision proposal."""
    s.at(21)
    s.claim(
        {"miriam": 2},
        app.report_status,
        actor="jonas",
        initiative=K,
        summary="Data model work restarted jointly",
        running=["Joint workshop on order types"],
        blocked=["The data structure has seven patterns"],
        options=["Reduce to three patterns", "Keep seven and add validation"],
        reported_by=["jonas", "miriam"],
    )
    s.claim(
        {"miriam": 2},
        app.propose,
        actor="jonas",
        initiative=K,
        proposal="p-data-patterns",
        question="How many data patterns does the ordering process use?",
        scope="technology/ordering",
        options=OPTIONS_PATTERNS,
        proposed_by=["jonas", "miriam"],
    )
    s.at(23)
    s.rec(
        app.take_decision,
        actor="jonas",
        initiative=K,
        decision="d-three-patterns",
        scope="technology/ordering",
        title="The ordering process uses three data patterns",
        option="three",
        proposal="p-data-patterns",
        decided_by=["jonas"],
        rationale="Three patterns cover 95 percent of orders; fewer patterns make the ordering "
        "process stable and cut rework in the back office.",
    )
    s.rec(
        app.take_decision,
        actor="jonas",
        initiative=K,
        decision="d-validation",
        scope="technology/ordering/validation",
        title="Orders are validated on submit",
        option="on-submit",
        decided_by=["jonas"],
        options=[
            {"key": "on-submit", "title": "Validate on submit"},
            {"key": "nightly", "title": "Validate in a nightly batch"},
        ],
        rationale="Errors reach the customer while they still remember the order, and the "
        "back office sees no invalid orders.",
    )
    s.at(23, 11)
    s.rec(
        app.release,
        actor="kathi",
        initiative=K,
        area="data-model",
        person="thomas",
        role="A",
        reason="The tandem owns the data model from now on",
    )
    s.rec(app.assign, actor="kathi", initiative=K, area="data-model", person="jonas", role="A")


def _joint_report(s: Story, app: TandemApplication) -> None:
    """Week 4: the joint report the story tells of."""
    s.at(28)
    s.rec(
        app.propose,
        actor="miriam",
        initiative=K,
        proposal="p-backoffice-flow",
        question="How does the back office handle portal orders?",
        scope="operations/backoffice",
        options=[
            {"key": "adapt-flow", "title": "Adapt the existing flow"},
            {"key": "special-roles", "title": "Create special roles for portal orders"},
        ],
        proposed_by=["miriam"],
    )
    s.rec(
        app.take_decision,
        actor="miriam",
        initiative=K,
        decision="d-backoffice-flow",
        scope="operations/backoffice",
        title="The back-office flow is adapted, no special roles",
        option="adapt-flow",
        proposal="p-backoffice-flow",
        decided_by=["miriam"],
        rationale="With three data patterns the existing flow handles portal orders; special "
        "roles would add staff and handoffs.",
    )
    s.claim(
        {"jonas": 3},
        app.report_status,
        actor="miriam",
        initiative=K,
        summary="The data structure was reduced to three patterns (the ordering process is "
        "more stable) and the back-office flow was adapted so it needs no special roles",
        running=["Ordering process on three patterns", "Adapted back-office flow"],
        blocked=["Go-live date disputed"],
        options=["Fixed date", "Readiness criteria", "Pilot first"],
        reported_by=["jonas", "miriam"],
    )


def _escalated_early(s: Story, app: TandemApplication) -> None:
    """Week 5: they cannot agree on the go-live date and escalate early, with options."""
    s.at(35)
    s.rec(
        app.raise_escalation,
        actor="jonas",
        initiative=K,
        escalation="e-go-live-date",
        topic="Go-live date: IT wants a fixed date, Operations wants readiness criteria first",
        options=OPTIONS_GO_LIVE,
        raised_by="jonas",
        due_at=s.day(42),
    )
    s.claim(
        {"miriam": 1},
        app.report_status,
        actor="jonas",
        initiative=K,
        summary="Go-live date escalated to Kathi with three options",
        running=["Pilot preparation"],
        blocked=["Go-live date"],
        options=[],
        reported_by=["jonas", "miriam"],
    )
    s.rec(
        app.record_measurement,
        actor="miriam",
        initiative=K,
        criterion="ordering-stability",
        value=3,
        note="Test region, first week",
    )
    s.rec(
        app.record_measurement,
        actor="miriam",
        initiative=K,
        criterion="backoffice-staffing",
        value=1,
        note="One temporary helper during the switch",
    )
    s.at(38)
    s.rec(
        app.take_decision,
        actor="kathi",
        initiative=K,
        decision="d-go-live",
        scope="planning/go-live",
        title="Go live in the pilot region first, then everywhere on a fixed date",
        option="pilot-first",
        escalation="e-go-live-date",
        decided_by=["kathi"],
        rationale="The pilot gives Operations its readiness evidence and IT a date to plan "
        "against; both risks shrink.",
    )
    s.at(38, 11)
    s.rec(
        app.release,
        actor="kathi",
        initiative=K,
        area="go-live",
        person="jonas",
        role="A",
        reason="Operations leads the pilot go-live",
    )
    s.rec(app.assign, actor="kathi", initiative=K, area="go-live", person="miriam", role="A")
    s.rec(app.assign, actor="kathi", initiative=K, area="go-live", person="jonas", role="R")


def _weekly_rhythm(s: Story, app: TandemApplication) -> None:
    """Week 6 onwards: weekly joint status, measurements, a handoff, a revised goal."""
    s.at(42)
    s.claim(
        {"jonas": 1},
        app.report_status,
        actor="miriam",
        initiative=K,
        summary="Pilot region prepared",
        running=["Pilot region North"],
        blocked=[],
        options=[],
        reported_by=["jonas", "miriam"],
    )
    s.rec(
        app.record_measurement,
        actor="miriam",
        initiative=K,
        criterion="ordering-stability",
        value=1,
        note="Pilot region, week 1",
    )
    s.at(44)
    s.rec(
        app.take_decision,
        actor="jonas",
        initiative=K,
        decision="d-validation-typing",
        scope="technology/ordering/validation",
        title="Orders are validated while typing",
        option="while-typing",
        decided_by=["jonas"],
        supersedes="d-validation",
        options=[
            {"key": "while-typing", "title": "Validate while typing"},
            {"key": "on-submit", "title": "Keep validating on submit"},
        ],
        rationale="Pilot customers abandoned long forms after a late error; validating while "
        "typing keeps them in the flow.",
    )
    s.at(49)
    s.rec(
        app.start_handoff,
        actor="jonas",
        initiative=K,
        handoff="h-order-support",
        item="Second-level support for the ordering process",
        from_person="jonas",
        to_person="miriam",
    )
    s.claim(
        {"miriam": 1},
        app.report_status,
        actor="jonas",
        initiative=K,
        summary="Order support moves to Operations",
        running=["Pilot region North", "Support handoff"],
        blocked=[],
        options=[],
        reported_by=["jonas", "miriam"],
    )
    s.at(51)
    s.rec(app.accept_handoff, actor="miriam", initiative=K, handoff="h-order-support")
    s.at(56)
    s.claim(
        {"jonas": 2, "miriam": 3},
        app.set_goal,
        actor="kathi",
        initiative=K,
        statement="Customer portal live in the pilot region in Q2 and everywhere in Q3, with "
        "stable customer guidance and little rework",
        reason="Pilot-first go-live decided on escalation e-go-live-date",
        agreed_by=["kathi", "jonas", "miriam"],
    )
    s.claim(
        {"jonas": 1},
        app.report_status,
        actor="miriam",
        initiative=K,
        summary="Pilot stable, rollout plan drafted",
        running=["Rollout plan"],
        blocked=[],
        options=[],
        reported_by=["jonas", "miriam"],
    )
    s.rec(
        app.record_measurement,
        actor="miriam",
        initiative=K,
        criterion="ordering-stability",
        value=0,
        note="Pilot region, week 3",
    )
    s.rec(
        app.record_measurement,
        actor="miriam",
        initiative=K,
        criterion="backoffice-staffing",
        value=0,
    )
    s.rec(
        app.record_measurement,
        actor="lena",
        initiative=K,
        criterion="customer-satisfaction",
        value=3.8,
        note="First survey, 120 answers",
    )
    s.at(63)
    s.claim(
        {"miriam": 4},
        app.report_status,
        actor="jonas",
        initiative=K,
        summary="Rollout to two more regions prepared",
        running=["Region East", "Region South"],
        blocked=[],
        options=[],
        reported_by=["jonas", "miriam"],
    )


def _late_decision(s: Story, app: TandemApplication) -> None:
    """Deliberately late: a decision taken in week 8 and written down only in week 11, and a
    joint status report its second reporter confirms only after eight days; the last report
    says more than one of its reporters signs, and she disputes it."""
    s.at(70)
    s.claim(
        {"jonas": 1},
        app.report_status,
        actor="miriam",
        initiative=K,
        summary="Regions East and South live",
        running=["Customer hotline during rollout"],
        blocked=["Hotline budget unclear"],
        options=["Extend hotline", "Keep standard hours"],
        reported_by=["jonas", "miriam"],
    )
    s.rec(
        app.record_measurement,
        actor="lena",
        initiative=K,
        criterion="customer-satisfaction",
        value=4.2,
        note="Second survey, 340 answers",
    )
    s.at(75)
    s.rec(
        app.raise_escalation,
        actor="miriam",
        initiative=K,
        escalation="e-hotline-budget",
        topic="Budget for the customer hotline during the rollout",
        options=[
            {"key": "extend", "title": "Extend the hotline to 20:00 (12k EUR)"},
            {"key": "standard", "title": "Keep standard hours"},
        ],
        raised_by="miriam",
        due_at=s.day(80),
    )
    s.claim(
        {"jonas": 8 * 24},  # confirmed late: after eight days
        app.report_status,
        actor="miriam",
        initiative=K,
        summary="Hotline budget escalated to Kathi; the rollout waits for her answer",
        running=["Rollout in regions East and South"],
        blocked=["Hotline budget"],
        options=["Extend hotline", "Keep standard hours"],
        reported_by=["jonas", "miriam"],
    )
    s.at(77)
    s.rec(
        app.take_decision,
        actor="miriam",
        initiative=K,
        decision="d-support-hours",
        scope="operations/support",
        title="Order support answers until 18:00 during the rollout",
        option="until-18",
        decided_by=["miriam"],
        effective_at=s.day(56, 15),
        options=[
            {"key": "until-18", "title": "Answer until 18:00"},
            {"key": "until-17", "title": "Keep answering until 17:00"},
        ],
        rationale="Most portal orders arrive after work; an extra hour catches the questions "
        "without new staff.",
    )
    s.claim(
        {"miriam": DISPUTE},
        app.report_status,
        actor="jonas",
        initiative=K,
        summary="Rollout on track; hotline budget escalated",
        running=["Rollout"],
        blocked=["Hotline budget"],
        options=["Extend", "Standard"],
        reported_by=["jonas", "miriam"],
    )


def _rhythm(s: Story, app: TandemApplication) -> None:
    """Week 12: the rhythm kept: a weekly joint status meeting, a demo with feedback from each
    unit, a criterion evaluated as met, and a survey budget mandate that has since expired."""
    s.at(78, 8)
    s.rec(app.set_meeting_cadence, actor="kathi", initiative=K, kind="joint-status",
          every_days=7)
    s.rec(
        app.revise_criterion,
        actor="kathi",
        initiative=K,
        criterion="customer-satisfaction",
        description="Customer feedback after four weeks at least 'satisfied'",
        target="at least 4 of 5",
        reason="Made measurable: evaluated four weeks after the pilot went live",
        comparison=">=",
        target_value=4,
        target_unit="points of 5",
        owners=["jonas", "miriam"],
        data_source="Customer survey in the portal, run by Operations",
        evaluation_dates=[s.day(72, 12)],
    )
    s.rec(
        app.grant_mandate,
        actor="kathi",
        initiative=K,
        mandate="m-survey-incentives",
        person="miriam",
        scope="operations/survey",
        limits="Incentives for the second customer survey",
        valid_until=s.day(81, 18),
        budget_amount=5000,
        budget_currency="EUR",
    )
    s.rec(
        app.schedule_meeting,
        actor="miriam",
        initiative=K,
        meeting="js-week-12",
        kind="joint-status",
        title="Weekly joint status, week 12",
        starts_at=s.day(78, 10),
        moderator="miriam",
        invited=["jonas", "kathi"],
        agenda=["Rollout East and South", "Hotline budget", "Customer survey"],
    )
    s.rec(
        app.schedule_meeting,
        actor="jonas",
        initiative=K,
        meeting="demo-ordering",
        kind="demo",
        title="Demo: ordering in the pilot region",
        starts_at=s.day(79, 14),
        moderator="jonas",
        invited=["miriam", "kathi", "thomas", "sabine"],
        agenda=["Ordering with validation while typing", "Order support in the back office"],
    )
    s.at(78, 11)
    s.claim(
        {"jonas": 2},
        app.hold_meeting,
        actor="miriam",
        initiative=K,
        meeting="js-week-12",
        attended=["miriam", "jonas"],
        notes="Kathi sent her apologies; the hotline decision is hers.",
    )
    s.rec(
        app.record_meeting_outcome,
        actor="miriam",
        initiative=K,
        meeting="js-week-12",
        summary="Rollout on track; the hotline budget waits for Kathi's answer",
        links=[{"kind": "escalation", "id": "e-hotline-budget"}],
    )
    s.at(79, 16)
    s.claim(
        {"miriam": 1, "thomas": 2},
        app.hold_meeting,
        actor="jonas",
        initiative=K,
        meeting="demo-ordering",
        attended=["jonas", "miriam", "thomas"],
    )
    s.rec(
        app.record_meeting_outcome,
        actor="jonas",
        initiative=K,
        meeting="demo-ordering",
        summary="Ordering runs stable in the pilot region; the back office needs no special "
        "roles",
        links=[{"kind": "decision", "id": "d-validation-typing"}],
        feedback=[
            {"unit": "it", "feedback": "No crashes since validation while typing"},
            {"unit": "operations", "feedback": "Support handles order questions without "
             "extra staff; the hotline script needs one more FAQ"},
        ],
    )
    s.at(80, 10)
    s.rec(
        app.take_decision,
        actor="miriam",
        initiative=K,
        decision="d-survey-voucher",
        scope="operations/survey",
        title="Survey participants get a 5 EUR voucher",
        option="voucher",
        decided_by=["miriam"],
        mandate="m-survey-incentives",
        amount=3000,
        currency="EUR",
        options=[
            {"key": "voucher", "title": "A 5 EUR voucher for up to 600 answers (3k EUR)"},
            {"key": "none", "title": "No incentive"},
        ],
        rationale="The first survey had 120 answers; an incentive makes the four-week "
        "evaluation rest on more than a few voices.",
    )


Chapter = Callable[["Story", TandemApplication], None]
STORY: tuple[Chapter, ...] = (
    _opened,
    _goal_criteria_tandem,
    _first_joint_status,
    _joint_report,
    _escalated_early,
    _weekly_rhythm,
    _late_decision,
)
STORY += (_rhythm,)


Answer = tuple[datetime, str, Recording[Any], str | None]  # when, who, the claim, dispute reason


class Story:
    """Records the story's entries on the story's clock, counting them. The people an entry
    names answer it some hours later (confirm, or dispute with a reason), each recorded when the
    story's clock reaches that time, so the log is written in order."""

    def __init__(self, app: TandemApplication, start: datetime):
        self.app = app
        self.start = start
        self.now = start
        self.count = 0
        self.answers: list[Answer] = []

    def __call__(self) -> datetime:  # the application's clock while the story is told
        return self.now

    def day(self, n: int, hour: int = 9) -> datetime:
        return datetime.combine((self.start + timedelta(days=n)).date(), time(hour), timezone.utc)

    def at(self, n: int, hour: int = 9) -> None:
        self.answer_until(self.day(n, hour))
        self.now = self.day(n, hour)

    def rec(
        self, command: Callable[P, list[Recording[Any]]], *args: P.args, **kwargs: P.kwargs
    ) -> None:
        self.count += len(command(*args, **kwargs))

    def claim(
        self,
        answers: dict[str, int | str],
        command: Callable[P, list[Recording[Any]]],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> None:
        """Record an entry naming others; each answers after the given hours (a text: after
        two hours, disputing it with that reason)."""
        recorded = command(*args, **kwargs)
        self.count += len(recorded)
        for person, answer in answers.items():
            hours, reason = (answer, None) if isinstance(answer, int) else (2, answer)
            self.answers.append((self.now + timedelta(hours=hours), person, recorded[0], reason))

    def answer_until(self, moment: datetime) -> None:
        due = sorted((a for a in self.answers if a[0] <= moment), key=lambda a: a[0])
        self.answers = [a for a in self.answers if a[0] > moment]
        for when, person, claim, reason in due:
            self.now = when
            entry, position = claim.domain_event.originator_version, claim.notification.id
            if reason is None:
                self.rec(
                    self.app.confirm_entry,
                    actor=person,
                    initiative=K,
                    entry=entry,
                    position=position,
                )
            else:
                self.rec(
                    self.app.dispute_entry,
                    actor=person,
                    initiative=K,
                    entry=entry,
                    position=position,
                    reason=reason,
                )


@contextmanager
def story_clock(app: TandemApplication, story: Story) -> Iterator[None]:
    real = app.clock
    app.clock = story
    try:
        yield
    finally:
        app.clock = real


def _directory(s: Story, app: TandemApplication) -> None:
    """Units and people (kept when they already exist)."""
    for unit, name in UNITS:
        try:
            s.rec(app.register_unit, actor="kathi", unit=unit, name=name)
        except Conflict:
            pass
    for person, name, unit, role in PEOPLE:
        try:
            s.rec(
                app.register_person, actor="kathi", person=person, name=name, unit=unit, role=role
            )
        except Conflict:
            pass


def load_demo(tandem: Tandem, today: datetime | None = None) -> int:
    """Load the story once; returns the number of events recorded (0 if already there).
    Conflict when the log holds entries recorded after the story's first day."""
    if any(i["initiative"] == K for i in tandem.read.initiatives()):
        return 0
    end = today or datetime.now(timezone.utc)
    start = datetime.combine((end - timedelta(days=84)).date(), time(8, 30), timezone.utc)
    story = Story(tandem.app, start)
    later = tandem.read.timeline(order="recorded", start=story.start, limit=1)
    if later:
        raise Conflict(
            "The demo story is recorded over the twelve weeks before today and must come first "
            f"in a log (recording times only rise), but this log holds entries recorded since "
            f"{later[0]['recorded_at'][:10]}: load it into a new database with "
            "`tandem init --demo`.")
    with story_clock(tandem.app, story):
        story.at(0, 8)
        _directory(story, tandem.app)
        for chapter in STORY:
            chapter(story, tandem.app)
        story.answer_until(end)
    tandem.catch_up()
    return story.count


def cmd_demo(args: argparse.Namespace) -> int:
    tandem = Tandem(Settings.from_env(args.db))
    try:
        loaded = load_demo(tandem)
    finally:
        tandem.close()
    if loaded:
        err.print(f"Loaded the demo story: {loaded} events (initiative '{K}').")
    else:
        err.print("The demo story is already loaded; nothing was changed.")
    return 0


def register(sub: Any) -> None:
    p = sub.add_parser("demo", help="load the example story (initiative 'kundenportal') into a "
                                    "log that holds nothing recorded in the story's twelve "
                                    "weeks; idempotent (see also `tandem init --demo`)")
    p.set_defaults(run=cmd_demo)
