"""A realistic generated history, recorded through the application service's bulk path.

Many initiatives, each with two units, a sponsor, a tandem, responsibilities that change hands,
mandates, proposals and decisions (some superseding, some revoked), escalations (some forwarded,
most resolved by a decision), handoffs, weekly status reports and measurements. About one entry
in twelve is backdated by one to six weeks. Every command goes through the same rules as any other.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from domain.errors import DomainError
from web.system import Tandem

UNITS = 12
PEOPLE_PER_UNIT = 20
EVENTS_PER_INITIATIVE = 1000
BATCH = 250
START = datetime(2024, 1, 1, tzinfo=timezone.utc)


class History:
    """Records `events` events into `tandem`, in batches, reporting progress."""

    def __init__(self, tandem: Tandem, seed: int = 7):
        self.tandem = tandem
        self.app = tandem.app
        self.rng = random.Random(seed)
        self.people: dict[str, list[str]] = {}
        self.leads: dict[str, list[str]] = {}  # each initiative's tandem
        self.recorded = 0
        self.clock = START
        self.app.clock = lambda: self.clock

    def directory(self) -> None:
        with_people = []
        for u in range(UNITS):
            unit = f"unit-{u:02d}"
            self.recorded += len(self.app.register_unit(actor="bench", unit=unit, name=f"Unit {u}"))
            self.people[unit] = [f"p-{u:02d}-{i:02d}" for i in range(PEOPLE_PER_UNIT)]
            with_people += [(unit, p) for p in self.people[unit]]
        for unit, person in with_people:
            self.recorded += len(self.app.register_person(
                actor="bench", person=person, name=person.upper(), unit=unit, role="member"))

    def generate(self, events: int, progress: Callable[[int], None] | None = None) -> int:
        """Record about `events` events in total (directory included); returns the count."""
        self.directory()
        number = 0
        while self.recorded < events:
            before = self.recorded
            self.initiative(number, min(EVENTS_PER_INITIATIVE, events - self.recorded))
            number += 1
            if progress:
                progress(self.recorded - before)
        return self.recorded

    def initiative(self, number: int, budget: int) -> None:
        rng = self.rng
        iid = f"init-{number:05d}"
        a, b = rng.sample(sorted(self.people), 2)
        side_a, side_b = self.people[a], self.people[b]
        sponsor, level2 = side_a[0], side_b[0]
        opened = START + timedelta(days=rng.randrange(0, 30))
        self.clock = opened
        self.recorded += len(self.app.open_initiative(
            actor=sponsor, initiative=iid, title=f"Initiative {number}", sponsor=sponsor,
            units=[a, b], escalation_path=[sponsor, level2], effective_at=opened))
        self.tandem_people = [side_a[1], side_b[1]]
        self.leads[iid] = self.tandem_people
        day = 0
        counters = {"d": 0, "p": 0, "e": 0, "m": 0, "h": 0}
        open_escalations: list[str] = []
        decisions: list[str] = []
        held: dict[str, str] = {}
        areas = [f"area-{i}" for i in range(12)]
        staff = side_a[2:12] + side_b[2:12]
        written = 1

        def run(command: Callable[..., object], by: str | None = None, **kwargs: object) -> None:
            nonlocal written
            before = len(agg_pending())
            try:
                command(actor=by or actor(), initiative=iid, **kwargs)
            except DomainError:
                return
            written += len(agg_pending()) - before

        def actor() -> str:
            return rng.choice(self.tandem_people)

        def when() -> datetime:
            moment = opened + timedelta(days=day, hours=rng.randrange(8, 18))
            if rng.random() < 1 / 12:  # recorded one to six weeks after it happened
                return moment - timedelta(days=rng.randrange(8, 43))
            return moment

        with self.app.batch(iid) as recordings:
            agg = self.app._batches.current[1]  # the aggregate the batch is filling

            def agg_pending() -> list[object]:
                return list(agg.pending_events)

            self.clock = opened + timedelta(hours=1)
            run(self.app.set_goal, by=sponsor, statement=f"Goal of initiative {number}",
                agreed_by=[sponsor],
                effective_at=self.clock)
            for c in range(3):
                run(self.app.define_criterion, by=sponsor, criterion=f"c{c}",
                    description=f"Criterion {c}",
                    target="≥ 4", effective_at=self.clock)
            run(self.app.form_tandem, by=sponsor, people=self.tandem_people,
                effective_at=self.clock)
            run(self.app.grant_mandate, by=sponsor, mandate="m-a", person=self.tandem_people[0], scope="technology",
                limits="up to 50k", effective_at=self.clock)
            run(self.app.grant_mandate, by=sponsor, mandate="m-b", person=self.tandem_people[1], scope="operations",
                limits="no new roles", effective_at=self.clock)
            for area in areas:
                person = rng.choice(staff)
                run(self.app.assign, area=area, person=person, role="A", effective_at=self.clock)
                held[area] = person
            while written < budget:
                day += 1
                self.clock = opened + timedelta(days=day, hours=18)
                roll = rng.random()
                if roll < 0.22:
                    area = rng.choice(areas)
                    run(self.app.release, area=area, person=held[area], role="A", reason="rotation",
                        effective_at=self.clock)
                    held[area] = rng.choice(staff)
                    run(self.app.assign, area=area, person=held[area], role="A", effective_at=self.clock)
                elif roll < 0.32:
                    run(self.app.assign, area=rng.choice(areas), person=rng.choice(staff),
                        role=rng.choice("RCI"), effective_at=when())
                elif roll < 0.47:
                    counters["p"] += 1
                    counters["d"] += 1
                    key, scope = rng.choice([("a", "technology/x"), ("b", "operations/y")])
                    run(self.app.propose, proposal=f"p{counters['p']}", question="Which way?", scope=scope,
                        options=[{"key": "one", "title": "One"}, {"key": "two", "title": "Two"}],
                        proposed_by=self.tandem_people, effective_at=self.clock)
                    decider = self.tandem_people[0 if key == "a" else 1]
                    supersedes = decisions[-1] if decisions and rng.random() < 0.1 else None
                    run(self.app.take_decision, decision=f"d{counters['d']}", scope=scope,
                        title=f"Decision {counters['d']}", option=rng.choice(["one", "two"]),
                        rationale="Because the pilot showed it works with less rework.",
                        decided_by=[decider], proposal=f"p{counters['p']}",
                        supersedes=supersedes, effective_at=when())
                    decisions.append(f"d{counters['d']}")
                elif roll < 0.52:
                    counters["e"] += 1
                    key = f"e{counters['e']}"
                    run(self.app.raise_escalation, escalation=key, topic="Opposing priorities",
                        options=[{"key": "x", "title": "X"}, {"key": "y", "title": "Y"}],
                        raised_by=actor(), due_at=self.clock + timedelta(days=7),
                        effective_at=self.clock)
                    open_escalations.append(key)
                elif roll < 0.58 and open_escalations:
                    key = open_escalations.pop(0)
                    if rng.random() < 0.3:
                        run(self.app.forward_escalation, escalation=key, reason="no answer",
                            effective_at=self.clock)
                    counters["d"] += 1
                    run(self.app.take_decision, decision=f"d{counters['d']}", scope="planning",
                        title="Escalated decision", option="x", rationale="Sponsor decided.",
                        decided_by=[sponsor, level2], escalation=key, effective_at=self.clock)
                elif roll < 0.63:
                    counters["h"] += 1
                    giver, taker = rng.sample(staff, 2)
                    run(self.app.start_handoff, handoff=f"h{counters['h']}", item="Support duty",
                        from_person=giver, to_person=taker, effective_at=self.clock)
                    run(self.app.accept_handoff, handoff=f"h{counters['h']}", effective_at=self.clock)
                elif roll < 0.78:
                    run(self.app.record_measurement, criterion=f"c{rng.randrange(3)}",
                        value=round(rng.uniform(1, 5), 1), note="weekly", effective_at=when())
                elif roll < 0.80 and decisions:
                    run(self.app.revoke_decision, decision=decisions.pop(rng.randrange(len(decisions))),
                        reason="overtaken", effective_at=self.clock)
                else:
                    run(self.app.report_status, summary="Joint weekly status", running=["Work"],
                        blocked=[], options=[], reported_by=self.tandem_people,
                        effective_at=when())
        self.recorded += len(recordings)
