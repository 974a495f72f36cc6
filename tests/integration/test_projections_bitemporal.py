"""The responsibility matrix, asked "as of t, as known at k", equals a fold written here, apart
from the projection, over exactly the changes recorded by k that took effect by t.

Random commands with random effective times; the rules reject some, which must store nothing.
The fold here does not replay events in order: it keeps each role's spans (start, end) with
the recording time of each edge, and asks of every span whether it covers t as known at k.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.errors import DomainError
from tests.support.clock import utc
from web.settings import Settings
from web.system import Tandem

OPENED = utc(2026, 1, 1)
PEOPLE = {"p1": "it", "p2": "ops", "p3": "it", "p4": "ops"}
AREAS = ("tech", "ops")
ROLES = ("A", "R", "C")
HOURS = 30  # effective times fall on few hours, so ties and exact hits are common
MAX_EXAMPLES = {"sqlite": 100, "postgres": 40}


class Clock:
    """Recording time: moved on by the test before every command, so each is distinct."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Span:
    start: datetime
    start_known: datetime
    end: datetime | None = None
    end_known: datetime | None = None

    def covers(self, t: datetime, k: datetime) -> bool:
        started = self.start_known <= k and self.start <= t
        ended = self.end is not None and self.end_known is not None and (
            self.end_known <= k and self.end <= t)
        return started and not ended


@dataclass
class Model:
    roles: dict[tuple[str, str, str], list[Span]] = field(default_factory=dict)
    tandems: list[tuple[list[str], Span]] = field(default_factory=list)
    recorded: list[datetime] = field(default_factory=list)
    effective: list[datetime] = field(default_factory=list)

    def open_span(self, spans: list[Span]) -> Span:
        [span] = [s for s in spans if s.end is None]  # the rules allow one open span at a time
        return span

    def concrete(self, command: tuple[Any, ...]) -> tuple[Any, ...]:
        """Releases and dissolutions aim at what was assigned or formed, some hours later."""
        kind = command[0]
        if kind == "release" and isinstance(command[1], int):
            if not self.roles:
                return ("release", "tech", "p1", "A", at(command[2]))
            key = sorted(self.roles)[command[1] % len(self.roles)]
            return ("release", *key, self.roles[key][-1].start + timedelta(hours=command[2]))
        if kind == "dissolve":
            start = self.tandems[-1][1].start if self.tandems else OPENED
            return ("dissolve", start + timedelta(hours=command[1]))
        return (*command[:-1], at(command[-1]))

    def accept(self, command: tuple[Any, ...], recorded: datetime) -> None:
        kind, eff = command[0], command[-1]
        self.recorded.append(recorded)
        self.effective.append(eff)
        if kind == "assign":
            self.roles.setdefault(command[1:4], []).append(Span(eff, recorded))
        elif kind == "release":
            span = self.open_span(self.roles[command[1:4]])
            span.end, span.end_known = eff, recorded
        elif kind == "form":
            self.tandems.append((list(command[1]), Span(eff, recorded)))
        else:
            span = self.open_span([s for _, s in self.tandems])
            span.end, span.end_known = eff, recorded

    def matrix(self, t: datetime, k: datetime) -> dict[str, Any]:
        areas: dict[str, dict[str, list[str]]] = {}
        for (area, person, role), spans in self.roles.items():
            if any(s.covers(t, k) for s in spans):
                areas.setdefault(area, {r: [] for r in ROLES})[role].append(person)
        leads = [people for people, span in self.tandems if span.covers(t, k)]
        assert len(leads) <= 1
        for roles in areas.values():
            assert len(roles["A"]) <= 1, "one Accountable per area"
            for members in roles.values():
                members.sort()
        return {"areas": areas, "tandem": leads[0] if leads else []}


def at(hour: int) -> datetime:
    return OPENED + timedelta(hours=hour)


def observed(result: dict[str, Any]) -> dict[str, Any]:
    areas = {}
    for area in result["areas"]:
        areas[area["area"]] = {"A": [area["accountable"]] if area["accountable"] else [],
                               "R": area["responsible"], "C": area["consulted"]}
        assert area["informed"] == []
        assert ([w["code"] for w in area["warnings"]] == ["no-accountable"]) == (
            area["accountable"] is None)
    return {"areas": areas, "tandem": result["tandem"]}


hours = st.integers(0, HOURS)
role_key = st.tuples(st.sampled_from(AREAS), st.sampled_from(sorted(PEOPLE)), st.sampled_from(ROLES))
commands = st.lists(st.one_of(
    st.builds(lambda k, h: ("assign", *k, h), role_key, hours),
    st.builds(lambda k, h: ("release", *k, h), role_key, hours),
    st.builds(lambda n, d: ("release", n, d), st.integers(0, 20), st.integers(-2, 12)),
    st.builds(lambda n, d: ("release", n, d), st.integers(0, 20), st.integers(0, 12)),
    st.builds(lambda pair, h: ("form", pair, h),
              st.sampled_from([("p1", "p2"), ("p3", "p4"), ("p2", "p3"), ("p1", "p3")]), hours),
    st.builds(lambda d: ("dissolve", d), st.integers(-2, 12)),
), min_size=4, max_size=25)


def run(tandem: Tandem, initiative: str, command: tuple[Any, ...]) -> None:
    kind, eff = command[0], command[-1]
    common = {"actor": "ada", "initiative": initiative, "effective_at": eff}
    if kind == "assign":
        tandem.app.assign(area=command[1], person=command[2], role=command[3], **common)
    elif kind == "release":
        tandem.app.release(area=command[1], person=command[2], role=command[3], reason="r",
                           **common)
    elif kind == "form":
        tandem.app.form_tandem(people=list(command[1]), **common)
    else:
        tandem.app.dissolve_tandem(reason="r", **common)


def test_the_matrix_as_of_t_known_at_k_equals_an_independent_fold(database_url):
    backend = "sqlite" if database_url.startswith("sqlite") else "postgres"
    clock = Clock(utc(2026, 6, 1))
    tandem = Tandem(Settings(database_url=database_url), clock=clock, create=True)
    tandem.app.register_unit(actor="ada", unit="it", name="IT")
    tandem.app.register_unit(actor="ada", unit="ops", name="Ops")
    for person, unit in PEOPLE.items():
        tandem.app.register_person(actor="ada", person=person, name=person, unit=unit,
                                   role="member")
    examples = iter(range(10_000))

    @settings(max_examples=MAX_EXAMPLES[backend], deadline=None)
    @given(commands=commands, data=st.data())
    def check(commands: list[tuple[Any, ...]], data: st.DataObject) -> None:
        initiative = f"i{next(examples)}"
        clock.now += timedelta(minutes=1)
        tandem.app.open_initiative(actor="ada", initiative=initiative, title="T", sponsor="p1",
                                   units=["it", "ops"], escalation_path=["p1"],
                                   effective_at=OPENED)
        model = Model()
        for planned in commands:
            command = model.concrete(planned)
            clock.now += timedelta(minutes=1)
            before = tandem.app.recorder.max_notification_id()
            try:
                run(tandem, initiative, command)
            except DomainError:
                assert tandem.app.recorder.max_notification_id() == before  # nothing stored
                continue
            assert tandem.app.recorder.max_notification_id() == before + 1
            model.accept(command, clock.now)
        tandem.catch_up()

        known = [clock.now, *model.recorded, *(r - timedelta(microseconds=1) for r in model.recorded)]
        effective = [at(h) for h in range(0, HOURS + 1, 3)] + model.effective + [
            e - timedelta(microseconds=1) for e in model.effective] + [at(HOURS + 24)]
        questions = data.draw(st.lists(st.tuples(st.sampled_from(effective),
                                                 st.sampled_from(known)), min_size=1, max_size=8))
        for t, k in [*questions, (None, None)]:
            expected = model.matrix(t or datetime.max.replace(tzinfo=OPENED.tzinfo),
                                    k or datetime.max.replace(tzinfo=OPENED.tzinfo))
            answer = tandem.read.matrix(initiative, as_of=t, known_at=k)
            assert observed(answer) == expected, (t, k)

    try:
        check()
    finally:
        tandem.close()
