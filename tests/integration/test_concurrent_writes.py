"""Fifty threads recording into one initiative at once, through one Tandem (as the server's
worker threads do): every command is answered (recorded, or refused as a conflict), nothing is
stored twice, nothing fails with anything else, and the read models agree with the log."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

from domain.errors import Conflict
from tests.support.world import build_world, decision
from web.system import Tandem

THREADS = 50
EACH = 6  # commands per thread: decisions and measurements, alternating


def writer(tandem: Tandem, number: int, start: threading.Barrier,
           answers: list[tuple[str, Any]]) -> None:
    start.wait()
    for k in range(EACH):
        try:
            if k % 2:
                envelopes = tandem.record(
                    tandem.app.record_measurement, actor="jonas", initiative="portal",
                    criterion="crashes", value=number * 10 + k, note=f"t{number}-m{k}")
            else:
                body = decision(f"t{number}-d{k}")
                envelopes = tandem.record(
                    tandem.app.take_decision, actor="kathi", initiative="portal",
                    decision=body["id"], scope=body["scope"], title=body["title"],
                    option=body["option"], rationale=body["rationale"],
                    decided_by=body["decided_by"], options=body["options"])
            answers.append(("recorded", envelopes))
        except Conflict as error:
            answers.append(("conflict", error))
        except Exception as error:  # noqa: BLE001 - any other outcome is the failure shown
            answers.append(("failed", repr(error)))


def test_fifty_threads_record_at_once(tandem: Tandem) -> None:
    build_world(tandem)
    before = tandem.app.recorder.max_notification_id() or 0
    start = threading.Barrier(THREADS)
    answers: list[tuple[str, Any]] = []
    threads = [threading.Thread(target=writer, args=(tandem, n, start, answers))
               for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    outcomes = Counter(kind for kind, _ in answers)
    assert len(answers) == THREADS * EACH
    assert outcomes["failed"] == 0, [a for kind, a in answers if kind == "failed"][:3]
    created = [e for kind, envelopes in answers if kind == "recorded" for e in envelopes]
    assert outcomes["recorded"] > 0

    tandem.catch_up()
    log = tandem.read.events(after=before, limit=1000)["events"]
    # every recorded answer is in the log once, and the log holds nothing else
    assert sorted(e["position"] for e in created) == [e["position"] for e in log]
    assert {e["position"]: e for e in log} == {e["position"]: e for e in created}

    decided = Counter(e["data"]["decision"] for e in log if e["type"] == "DecisionTaken")
    measured = Counter(e["data"]["note"] for e in log if e["type"] == "MeasurementRecorded")
    assert set(decided.values()) == {1} and set(measured.values()) == {1}
    state = tandem.read.state("portal")
    assert set(state["decisions"]) == set(decided)
    notes = Counter(m["note"] for m in state["criteria"]["crashes"]["measurements"])
    assert notes == measured
    register = tandem.read.decisions(initiative="portal")
    assert Counter(d["id"] for d in register) == decided
