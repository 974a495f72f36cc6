"""A large event log written in bulk, without catching the read models up, and a snapshot of
every read-model table to compare two builds of them.

Also a command for the rebuild benchmark:
    python -m tests.integration.backlog sqlite:///bench.db 100000
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta, timezone

from domain.application import TandemApplication
from domain.directory import Person, Unit
from domain.initiative import Initiative
from web.system import Tandem

EVENTS_PER_INITIATIVE = 11
OPTIONS = [{"key": "a", "title": "Option A", "description": ""},
           {"key": "b", "title": "Option B", "description": ""}]
ACTOR = "bulk"


class Roster:
    """The directory as the bulk writer knows it: people held in memory."""

    def __init__(self, people: Mapping[str, Person]):
        self.people = people

    def require(self, ids: Sequence[str], at: datetime, field: str) -> Mapping[str, Person]:
        return {pid: self.people[pid] for pid in ids}


def write_backlog(app: TandemApplication, initiatives: int, prefix: str = "bulk",
                  start: datetime | None = None) -> int:
    """Record about 11 events per initiative across shared people; returns the events written."""
    now = start or datetime(2026, 1, 5, 8, tzinfo=timezone.utc)
    units = [Unit._create(Unit.UnitRegistered, id=Unit.id_for(f"{prefix}-{u}"), timestamp=now,
                          unit=f"{prefix}-{u}", name=u, actor=ACTOR, effective_at=now)
             for u in ("it", "ops")]
    people = {}
    for n in range(20):
        key = f"{prefix}-p{n}"
        people[key] = Person._create(
            Person.PersonRegistered, id=Person.id_for(key), timestamp=now, person=key,
            name=f"Person {n}", unit=f"{prefix}-{'it' if n % 2 == 0 else 'ops'}", role="member",
            actor=ACTOR, effective_at=now)
    app.save(*units, *people.values())
    written = len(units) + len(people)
    roster = Roster(people)
    keys = list(people)
    pending: list[Initiative] = []
    for i in range(initiatives):
        p = [keys[(i + j) % len(keys)] for j in range(4)]  # p[0], p[2] in one unit, p[1], p[3] in the other
        at = now + timedelta(minutes=i)
        agg = Initiative.open(initiative=f"{prefix}-{i}", title=f"Initiative {i}", sponsor=p[0],
                              units=[f"{prefix}-it", f"{prefix}-ops"],
                              escalation_path=[p[0], p[2]], actor=ACTOR, effective_at=at, now=at)
        agg.set_goal(statement=f"Goal {i}", reason="", agreed_by=[p[0]], actor=p[0],
                     effective_at=at, now=at, people=roster)
        for area, person, role in (("tech", p[1], "A"), ("tech", p[2], "R"), ("ops", p[3], "A"),
                                   ("ops", p[1], "C")):
            agg.assign(area=area, person=person, role=role, actor=p[0], effective_at=at, now=at,
                       people=roster)
        agg.form_tandem(people=[p[1], p[2]], actor=p[0], effective_at=at, now=at,
                        directory=roster)
        agg.take_decision(decision="d1", scope="tech/design", title="Choose A", option="a",
                          rationale="Cheaper", decided_by=[p[0]], options=OPTIONS, proposal=None,
                          escalation=None, mandate=None, supersedes=None, actor=p[0],
                          effective_at=at, now=at, people=roster)
        agg.raise_escalation(escalation="e1", topic="Budget", options=OPTIONS, raised_by=p[1],
                             due_at=at + timedelta(days=7), actor=p[1], effective_at=at, now=at,
                             people=roster)
        agg.report_status(summary="On track", running=["work"], blocked=[], options=[],
                          reported_by=[p[1], p[2]], actor=p[1], effective_at=at, now=at,
                          people=roster)
        agg.release(area="ops", person=p[1], role="C", reason="Done", actor=p[0],
                    effective_at=at + timedelta(hours=1), now=at)
        pending.append(agg)
        if len(pending) == 50:
            app.save(*pending)
            pending.clear()
    if pending:
        app.save(*pending)
    return written + initiatives * EVENTS_PER_INITIATIVE


def read_model_tables(tandem: Tandem) -> list[str]:
    return ["tandem_subjects", *(t for p in tandem.runner.projections for t in p.tables)]


def snapshot(tandem: Tandem) -> dict[str, list[tuple[str, ...]]]:
    """Every read-model row, as sorted text tuples, per table (and the tracking positions)."""
    result: dict[str, list[tuple[str, ...]]] = {}
    with tandem.db.connect() as conn:
        for table in [*read_model_tables(tandem), "tandem_tracking"]:
            rows = conn.all(f"SELECT * FROM {table}")  # noqa: S608 - table names are constants
            result[table] = sorted(tuple(str(v) for v in row.values()) for row in rows)
    return result


def main(argv: list[str]) -> None:  # pragma: no cover - the benchmark's setup
    from web.settings import Settings

    url, count = argv[0], int(argv[1])
    tandem = Tandem(Settings(database_url=url), create=True)
    try:
        written = write_backlog(tandem.app, count // EVENTS_PER_INITIATIVE)
    finally:
        tandem.close()
    print(f"wrote {written} events to {url}")


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
