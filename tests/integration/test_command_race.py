"""Commands work on cached aggregates without copying them (changed in place under the
aggregate's lock and evicted when a command fails after changing one; people and units changed
on a copy that replaces the cached one once saved). Fifty threads on two applications sharing
one database, each recording, being refused, racing for the same id and failing halfway, on
SQLite and PostgreSQL: every command is answered, no version is lost or stored twice, and each
application's cached aggregates equal the ones the store rebuilds.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from domain.directory import Person
from domain.errors import Conflict, DomainError, RuleViolation
from domain.initiative import Initiative
from tests.support.clock import Clock
from tests.support.world import build_world, decision
from web.settings import Settings
from web.system import Tandem

THREADS = 50
IID = Initiative.id_for("portal")


class Halfway(RuleViolation):
    """A command refused after it had already changed the aggregate."""


def halfway(tandem: Tandem, number: int) -> list[Any]:
    """A status report triggered, then refused: the aggregate it changed must not be kept."""
    def command(aggregate: Initiative, now: datetime) -> None:
        aggregate.report_status(summary=f"never {number}", running=[], blocked=[], options=[],
                                reported_by=["kathi"], actor="kathi", effective_at=now, now=now,
                                people=tandem.app.people)
        raise Halfway("registered-people", "refused after the event was triggered")
    return tandem.app._in_initiative("portal", "kathi", command)


def steps(tandem: Tandem, n: int) -> list[tuple[str, Callable[[], list[Any]]]]:
    app = tandem.app

    def decide(did: str, scope: str) -> Callable[[], list[Any]]:
        body = decision(did)
        return lambda: tandem.record(
            app.take_decision, actor="kathi", initiative="portal", decision=did, scope=scope,
            title=body["title"], option=body["option"], rationale=body["rationale"],
            decided_by=body["decided_by"], options=body["options"])

    return [
        ("own", decide(f"t{n}", f"scope-{n}")),
        ("same", decide("contested", "contested")),
        ("unknown", lambda: tandem.record(app.record_measurement, actor="jonas",
                                          initiative="portal", criterion="nope", value=1)),
        ("halfway", lambda: halfway(tandem, n)),
        ("measure", lambda: tandem.record(app.record_measurement, actor="jonas",
                                          initiative="portal", criterion="crashes",
                                          value=n, note=f"m{n}")),
        ("token", lambda: [app.issue_token(actor="ada", person="jonas")[0]]),
    ]


def state(aggregate: Any) -> dict[str, Any]:
    return {k: v for k, v in vars(aggregate).items() if k != "_pending_events"}


@pytest.fixture
def two(tandem: Tandem, settings: Settings, clock: Clock) -> Any:
    build_world(tandem)
    other = Tandem(settings, clock=clock)
    yield tandem, other
    other.close()


def test_fifty_threads_on_two_applications_keep_every_version_once(two: Any) -> None:
    first, second = two
    for system in (first, second):  # both applications start with their aggregates cached
        system.app.repository.get(IID)
    before = first.app.repository.get(IID).version
    start = threading.Barrier(THREADS)
    answers: list[tuple[str, str, Any]] = []

    def run(n: int) -> None:
        system = first if n % 2 else second
        start.wait()
        for name, step in steps(system, n):
            try:
                answers.append((name, "recorded", step()))
            except Conflict as error:
                answers.append((name, "conflict", error))
            except DomainError as error:
                answers.append((name, "refused", error))
            except Exception as error:  # noqa: BLE001 - any other outcome is the failure shown
                answers.append((name, "failed", repr(error)))

    threads = [threading.Thread(target=run, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    outcomes = Counter((name, kind) for name, kind, _ in answers)
    assert len(answers) == THREADS * 6
    assert not [a for a in answers if a[1] == "failed"], answers[:3]
    assert outcomes[("unknown", "refused")] == THREADS
    assert outcomes[("halfway", "refused")] == THREADS
    assert outcomes[("same", "recorded")] == 1
    assert outcomes[("own", "recorded")] + outcomes[("own", "conflict")] == THREADS
    assert outcomes[("own", "recorded")] > 0 and outcomes[("measure", "recorded")] > 0
    assert outcomes[("token", "recorded")] == THREADS

    stored = list(first.app.repository.event_store.get(IID))
    versions = [e.originator_version for e in stored]
    assert versions == list(range(1, len(versions) + 1))  # none lost, none twice
    recorded = sum(1 for name, kind, _ in answers
                   if kind == "recorded" and name in ("own", "same", "measure"))
    assert len(versions) - before == recorded
    kinds = Counter(type(e).__name__ for e in stored[before:])
    assert "StatusReported" not in kinds  # what the halfway commands triggered was never kept

    rebuilt = first.app.repository.get(IID, version=versions[-1])
    for system in (first, second):
        cached = system.app.repository.get(IID)
        assert cached.version == versions[-1]
        assert state(cached) == state(rebuilt)
        jonas = system.app.repository.get(Person.id_for("jonas"))
        assert len(jonas.token_digests) == 1 + THREADS
        assert state(jonas) == state(system.app.repository.get(Person.id_for("jonas"),
                                                                 version=jonas.version))


def test_a_refused_command_leaves_the_cached_initiative_as_stored(two: Any) -> None:
    first, _ = two
    cached = first.app.repository.get(IID)
    version = cached.version
    with pytest.raises(Halfway):
        halfway(first, 0)
    with pytest.raises(DomainError):
        first.record(first.app.record_measurement, actor="jonas", initiative="portal",
                     criterion="nope", value=1)
    now = first.app.repository.get(IID)
    assert now.version == version and not now.pending_events
    assert state(now) == state(first.app.repository.get(IID, version=version))
