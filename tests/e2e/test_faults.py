"""The database goes away under load: `tandem serve` on a PostgreSQL of the test's own, twenty
concurrent writers over real HTTP, and that PostgreSQL stopped and started again twice (once
cleanly, once as if it crashed) while they write.

What must hold: no answer but 201, 409 or 503; every 503 says when to try again and comes
within seconds; a 503 means nothing was stored, or says to send the request again with its
`Idempotency-Key` (the writers do, and that request is then stored once); every 201 is in the
log exactly once, nothing else is, nothing is stored twice, and once the database is back the
read models agree with the log. The figures of the run are printed.
"""

from __future__ import annotations

import re
import statistics
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from projections.ledger.keys import create_signing_key
from tests.support.own_postgres import OwnPostgres, own_postgres
from tests.support.server import running_server
from tests.support.world import auth, decision, with_mandates
from web.settings import Settings
from web.system import Tandem

pytestmark = pytest.mark.slow
WRITERS = 20
MAX_WRITES = 300  # per writer: the loops are bounded even if the clock is not
OUTAGE_SECONDS = 5
P = "/api/initiatives/portal"
RETRY_WITH = re.compile(r"Idempotency-Key: (\S+?);")


@dataclass
class Write:
    """One logical write and every answer it got."""

    sent: str  # the decision id or measurement note: how it is found in the log
    keyed: bool  # sent with an Idempotency-Key of its own
    attempts: list[tuple[float, float, int, dict[str, Any], str | None]] = field(
        default_factory=list)  # (sent at, seconds, status, body, Retry-After)

    @property
    def final(self) -> int:
        return self.attempts[-1][2]

    @property
    def body(self) -> dict[str, Any]:
        return self.attempts[-1][3]


def write_once(http: httpx.Client, write: Write, path: str, body: dict[str, Any],
               key: str | None) -> None:
    """Send until the answer is final. A 503 that names a key says the write may have been
    stored: it is sent again with that key until the answer is not a 503 (for at most a
    minute); any other 503 says this request stored nothing."""
    deadline = time.monotonic() + 60
    unsure = False
    while True:
        headers = {"Idempotency-Key": key} if key else {}
        started = time.monotonic()
        try:
            answer = http.post(path, json=body, headers=headers)
        except httpx.HTTPError as error:
            write.attempts.append((started, time.monotonic() - started, 0,
                                   {"error": repr(error)}, None))
            return
        took = time.monotonic() - started
        payload = answer.json() if answer.headers.get("content-type", "").startswith(
            "application/json") else {"text": answer.text}
        write.attempts.append((started, took, answer.status_code, payload,
                               answer.headers.get("retry-after")))
        if answer.status_code != 503 or time.monotonic() > deadline:
            return
        again = RETRY_WITH.search(str(payload.get("detail", "")))
        if again is not None:
            unsure, key = True, again.group(1)
        if not unsure:
            return
        time.sleep(float(answer.headers.get("retry-after", "1")))


def person(number: int) -> str:
    """Who the writer with this number writes as: the two tandem partners by turns."""
    return "jonas" if number % 2 else "miriam"


def writer(number: int, base: str, person: str, token: str, stop: threading.Event,
           writes: list[Write]) -> None:
    with httpx.Client(base_url=base, headers=auth(token), timeout=30) as http:
        for i in range(MAX_WRITES):
            if stop.is_set():
                return
            key = f"w{number}-{i}" if number % 2 == 0 else None  # half send keys, half do not
            if i % 2:
                sent = f"w{number}-m{i}"
                path, body = P + "/criteria/crashes/measurements", {"value": i, "note": sent}
            else:
                sent = f"w{number}-d{i}"
                path, body = P + "/decisions", decision(sent, by=person)
            write = Write(sent, keyed=key is not None)
            writes.append(write)
            write_once(http, write, path, body, key)


def whole_log(http: httpx.Client) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    after = 0
    while True:
        page = http.get("/api/events", params={"after": after, "limit": 1000}).json()
        events += page["events"]
        if page["next"] is None:
            return events
        after = page["next"]


def world_on(pg: OwnPostgres, folder: Path) -> tuple[dict[str, str], str]:
    tandem = Tandem(Settings(database_url=pg.url), create=True)
    try:
        tandem.record(tandem.app.register_unit, actor="ada", unit="it", name="IT")
        tandem.record(tandem.app.register_unit, actor="ada", unit="ops", name="Operations")
        tandem.record(tandem.app.register_person, actor="ada", person="ada", name="Ada",
                      unit="it", role="admin")
        tokens = with_mandates(tandem)  # the partners decide on planning by mandate
    finally:
        tandem.close()
    key = folder / "signing.key"
    create_signing_key(key)
    return tokens, str(key)


def outage(pg: OwnPostgres, base: str, mode: str, seen: dict[str, list[Any]]) -> None:
    """Stop the database for a few seconds; meanwhile the process lives and is not ready."""
    stopped = time.monotonic()
    pg.stop(mode)
    seen["stopped_at"].append(stopped)
    time.sleep(1)
    for path in ("/healthz", "/readyz"):
        started = time.monotonic()
        answer = httpx.get(base + path, timeout=30)
        seen[path].append((answer.status_code, time.monotonic() - started,
                           answer.headers.get("retry-after")))
    time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - stopped)))
    pg.start()
    seen["started_at"].append(time.monotonic())


def test_the_database_stops_and_starts_under_twenty_writers(tmp_path: Path) -> None:
    with own_postgres() as pg:
        tokens, key = world_on(pg, tmp_path)
        with running_server(pg.url, signing_key=key) as base:
            with httpx.Client(base_url=base, headers=auth(tokens["audrey"]), timeout=30) as http:
                before = whole_log(http)
            writes: list[Write] = []
            stop = threading.Event()
            threads = [threading.Thread(target=writer, args=(
                n, base, person(n), tokens[person(n)], stop, writes))
                for n in range(WRITERS)]
            seen: dict[str, list[Any]] = {"stopped_at": [], "started_at": [], "/healthz": [],
                                          "/readyz": []}
            started = time.monotonic()
            for thread in threads:
                thread.start()
            time.sleep(4)
            outage(pg, base, "fast", seen)
            time.sleep(5)
            outage(pg, base, "immediate", seen)
            time.sleep(5)
            stop.set()
            for thread in threads:
                thread.join(timeout=120)
            took = time.monotonic() - started

            with httpx.Client(base_url=base, headers=auth(tokens["audrey"]), timeout=30) as http:
                deadline = time.monotonic() + 30
                while httpx.get(base + "/readyz").json().get("lag") != 0:
                    assert time.monotonic() < deadline, "the read models did not catch up"
                    time.sleep(0.5)
                after = whole_log(http)
                register = http.get("/api/decisions", params={"initiative": "portal"}).json()
                state = http.get(P).json()

    attempts = [a for w in writes for a in w.attempts]
    statuses = Counter(a[2] for a in attempts)
    finals = Counter(w.final for w in writes)
    unavailable = [a for a in attempts if a[2] == 503]
    retried = [w for w in writes if len(w.attempts) > 1]
    new = after[len(before):]
    stored = Counter(e["data"].get("decision") or e["data"].get("note") for e in new)
    first_503 = [min((a[0] + a[1] for a in unavailable if a[0] + a[1] >= s), default=s) - s
                 for s in seen["stopped_at"]]
    first_201 = [min((a[0] + a[1] for a in attempts if a[2] == 201 and a[0] >= s), default=s) - s
                 for s in seen["started_at"]]
    print(f"\nfault run: {len(writes)} writes, {len(attempts)} requests by {WRITERS} writers "
          f"in {took:.1f} s, two outages of {OUTAGE_SECONDS} s (fast stop, immediate stop)\n"
          f"  answers: {dict(statuses)}; final: {dict(finals)}\n"
          f"  503: {len(unavailable)}, within median {statistics.median([a[1] for a in unavailable] or [0]):.2f} s, "
          f"max {max([a[1] for a in unavailable] or [0]):.2f} s; sent again with the key the "
          f"503 named: {len(retried)} ({sum(not w.keyed for w in retried)} of them sent without "
          f"a key at first), then {dict(Counter(w.final for w in retried))}\n"
          f"  first 503 after a stop: {', '.join(f'{t:.2f} s' for t in first_503)}; "
          f"first 201 after a start: {', '.join(f'{t:.2f} s' for t in first_201)}\n"
          f"  during the outages /healthz {seen['/healthz']}, /readyz {seen['/readyz']}\n"
          f"  events stored: {len(new)}; stored twice: "
          f"{sum(1 for n in stored.values() if n > 1)}")

    assert set(statuses) <= {201, 409, 503}, [a for a in attempts if a[2] not in (201, 409, 503)][:5]
    assert statuses[503] > 0 and statuses[201] > 0  # the outages were felt, and writing resumed
    assert all(a[4] for a in unavailable), "a 503 without Retry-After"
    # about the connect timeout (2 s); a write whose save failed half-way asks the database
    # once more whether it was stored before it answers, so it may take twice as long (and a
    # busy machine's scheduler adds to both)
    assert statistics.median(a[1] for a in unavailable) < 5
    assert max(a[1] for a in unavailable) < 10
    assert all(status == 200 for status, _, _ in seen["/healthz"])
    assert all(status == 503 and took < 6 and retry for status, took, retry in seen["/readyz"])

    # the log holds every 201 exactly once, and nothing else: nothing stored twice
    assert set(stored.values()) == {1}
    created = [w for w in writes if w.final == 201]
    assert sorted(w.body["position"] for w in created) == [e["position"] for e in new]
    by_position = {e["position"]: e for e in new}
    for w in created:
        assert by_position[w.body["position"]] == w.body
        assert stored[w.sent] == 1
    # no 503 (nor 409) for a stored write: its content is nowhere in the log
    for w in writes:
        if w.final != 201:
            assert w.sent not in stored, (w.sent, w.attempts)

    # and the read models agree with the log
    decided = {e["data"]["decision"] for e in new if e["type"] == "DecisionTaken"}
    assert {d["id"] for d in register["decisions"]} == decided
    notes = Counter(m["note"] for m in state["criteria"]["crashes"]["measurements"])
    assert notes == Counter(e["data"]["note"] for e in new if e["type"] == "MeasurementRecorded")
