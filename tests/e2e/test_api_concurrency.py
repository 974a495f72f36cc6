"""Concurrent writers over real HTTP: every write is answered 201 or 409 and nothing else; every
201 is in the log exactly once, a 409 stored nothing, the log holds nothing else, and the read
models agree with the log. One server on each backend; two server processes on one PostgreSQL.

How many writes win depends on the machine's load, so no rate is asserted: only what must hold
(at least one write wins, since a writer only loses to another that won)."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from projections.ledger.keys import create_signing_key
from tests.support.server import running_server
from tests.support.world import auth, decision, with_mandates
from web.system import Tandem

CLIENTS = 20
EACH = 3  # decisions and measurements per client
P = "/api/initiatives/portal"


def client(number: int, base: str, person: str,
           token: str) -> list[tuple[int, dict[str, Any], str]]:
    """(status, answer, the decision id or measurement note sent) of each write."""
    answers = []
    with httpx.Client(base_url=base, headers=auth(token), timeout=60) as http:
        for k in range(EACH):
            for path, body, sent in (
                    (P + "/decisions", decision(f"c{number}-d{k}", by=person), f"c{number}-d{k}"),
                    (P + "/criteria/crashes/measurements",
                     {"value": number * 10 + k, "note": f"c{number}-m{k}"}, f"c{number}-m{k}")):
                answer = http.post(path, json=body)
                answers.append((answer.status_code, answer.json(), sent))
    return answers


def whole_log(http: httpx.Client) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    after = 0
    while True:
        page = http.get("/api/events", params={"after": after, "limit": 1000}).json()
        events += page["events"]
        if page["next"] is None:
            return events
        after = page["next"]


def hammer_and_check(bases: list[str], tokens: dict[str, str]) -> None:
    with httpx.Client(base_url=bases[0], headers=auth(tokens["audrey"]), timeout=60) as http:
        before = whole_log(http)
        with ThreadPoolExecutor(CLIENTS) as pool:
            people = ["jonas" if n % 2 else "miriam" for n in range(CLIENTS)]
            futures = [pool.submit(client, n, bases[n % len(bases)], people[n],
                                   tokens[people[n]])
                       for n in range(CLIENTS)]
            answers = [a for f in futures for a in f.result()]
        statuses = Counter(status for status, _, _ in answers)
        assert set(statuses) <= {201, 409}, statuses
        assert all(body["error"] == "conflict" for status, body, _ in answers if status == 409)
        assert statuses[201] >= 1, statuses
        created = [body for status, body, _ in answers if status == 201]
        refused = {sent for status, _, sent in answers if status == 409}

        after = whole_log(http)
        assert after[:len(before)] == before
        new = after[len(before):]
        # every 201 is in the log exactly once, and the log holds nothing else
        assert sorted(e["position"] for e in created) == [e["position"] for e in new]
        by_position = {e["position"]: e for e in new}
        for envelope in created:
            assert by_position[envelope["position"]] == envelope

        decided = {e["data"]["decision"] for e in created if e["type"] == "DecisionTaken"}
        measured = Counter(e["data"]["note"] for e in created if e["type"] == "MeasurementRecorded")
        assert not refused & (decided | set(measured))  # a 409 stored nothing
        register = http.get("/api/decisions", params={"initiative": "portal"}).json()["decisions"]
        assert Counter(d["id"] for d in register) == Counter(decided)
        assert all(d["status"] == "in_force" for d in register)
        state = http.get(P).json()
        notes = Counter(m["note"] for m in state["criteria"]["crashes"]["measurements"])
        assert notes == measured
        assert all(count == 1 for count in notes.values())
        assert set(state["decisions"]) == decided
        timeline = http.get(P + "/timeline", params={"order": "recorded", "limit": 1000}).json()
        assert {e["position"] for e in new} <= {e["position"] for e in timeline["events"]}
        for base in bases:
            ready = httpx.get(f"{base}/readyz").json()
            assert ready["status"] == "ready"
            assert ready["position"] == after[-1]["position"]


def signing_key(folder: Path) -> str:
    """A key file, so that every catch-up may also issue an audit checkpoint (as in production)."""
    path = folder / "signing.key"
    create_signing_key(path)
    return str(path)


def test_twenty_concurrent_clients_in_one_initiative(tandem: Tandem, database_url: str,
                                                     tmp_path: Path) -> None:
    tokens = with_mandates(tandem)
    with running_server(database_url, signing_key=signing_key(tmp_path)) as base:
        hammer_and_check([base], tokens)


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_two_server_processes_on_one_postgresql(tandem: Tandem, database_url: str,
                                                tmp_path: Path) -> None:
    tokens = with_mandates(tandem)
    key = signing_key(tmp_path)
    with running_server(database_url, signing_key=key) as first, \
            running_server(database_url, signing_key=key) as second:
        hammer_and_check([first, second], tokens)
