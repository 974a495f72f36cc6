"""The JSON API over real HTTP (`tandem serve` in a subprocess), on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import httpx
import pytest

from tests.support.server import running_server
from tests.support.world import OPTIONS, PEOPLE, auth, build_world, decision
from web.system import Tandem

BAD_TOKEN = "tdm_00000000_not-a-token"
DUE = (datetime.now(timezone.utc) + timedelta(days=3)).isoformat()
P = "/api/initiatives/portal"

# (who records it, path, body): every write route, in an order the rules accept
STORY = [
    ("kathi", "/api/units", {"id": "fin", "name": "Finance"}),
    ("kathi", "/api/people", {"id": "fred", "name": "Fred", "unit": "fin", "role": "member"}),
    ("kathi", "/api/initiatives", {"id": "billing", "title": "Billing", "sponsor": "kathi",
                                   "units": ["it", "ops"], "escalation_path": ["kathi"]}),
    ("jonas", P + "/goal", {"statement": "Portal live in Q2", "reason": "",
                            "agreed_by": ["jonas", "miriam"]}),
    ("jonas", P + "/criteria", {"id": "load", "description": "Back office load",
                                "target": "no extra staff"}),
    ("jonas", P + "/criteria/load/revise", {"description": "Back-office load",
                                            "target": "no extra staff", "reason": "typo"}),
    ("jonas", P + "/criteria/crashes/measurements", {"value": 2, "note": "pilot week 1"}),
    ("jonas", P + "/criteria/load/retire", {"reason": "merged into crashes"}),
    ("jonas", P + "/responsibilities", {"area": "ordering", "person": "jonas", "role": "A"}),
    ("jonas", P + "/responsibilities", {"area": "ordering", "person": "miriam", "role": "R"}),
    ("jonas", P + "/responsibilities/release", {"area": "ordering", "person": "miriam",
                                                "role": "R", "reason": "moved"}),
    ("kathi", P + "/mandates", {"id": "m1", "person": "jonas", "scope": "technology",
                                "limits": "up to 50k"}),
    ("kathi", P + "/mandates/m1/revoke", {"reason": "no longer needed"}),
    ("jonas", P + "/proposals", {"id": "p1", "question": "How to roll out?", "scope": "planning",
                                 "options": OPTIONS, "proposed_by": ["jonas", "miriam"]}),
    ("jonas", P + "/decisions", {**decision("d1"), "proposal": "p1"}),
    ("kathi", "/api/confirmations/{last}", {"answer": "confirm"}),  # kathi decided it
    ("jonas", P + "/decisions/d1/revoke", {"reason": "overtaken"}),
    ("jonas", P + "/escalations", {"id": "e1", "topic": "Go-live date", "options": OPTIONS,
                                   "raised_by": "jonas", "due_at": DUE}),
    ("jonas", P + "/escalations/e1/forward", {"reason": "sponsor on leave"}),
    ("jonas", P + "/handoffs", {"id": "h1", "item": "Order form", "from": "jonas",
                                "to": "miriam"}),
    ("miriam", P + "/handoffs/h1/accept", {}),
    ("jonas", P + "/status", {"summary": "On track", "running": ["pilot"], "blocked": [],
                              "options": [], "reported_by": ["jonas", "miriam"]}),
    ("jonas", P + "/tandem/dissolve", {"reason": "re-forming"}),
    ("kathi", P + "/tandem", {"people": ["jonas", "miriam"]}),  # a lead again, by the sponsor
    ("jonas", P + "/close", {"outcome": "Portal live"}),
]
READS = [
    "/api/initiatives", P, P + "/matrix", P + "/goal/history", P + "/timeline",
    "/api/decisions", P + "/decisions/d1", "/api/escalations", "/api/people/jonas/timeline",
    "/api/events", "/api/units", "/api/people", "/api/people/jonas",
]


@pytest.fixture
def world(tandem: Tandem) -> dict[str, str]:
    return build_world(tandem)


@pytest.fixture
def server(tandem: Tandem, world: dict[str, str], database_url: str) -> Iterator[str]:
    with running_server(database_url) as base:
        yield base


def log(base: str, token: str) -> list[dict]:
    events, after = [], 0
    while True:
        page = httpx.get(f"{base}/api/events", params={"after": after, "limit": 1000},
                         headers=auth(token)).json()
        events += page["events"]
        if page["next"] is None:
            return events
        after = page["next"]


def test_every_role_boundary_holds_over_http(server: str, world: dict[str, str]) -> None:
    admin_only = {"/api/units", "/api/people", "/api/initiatives"}
    baseline = len(log(server, world["victor"]))
    last = 0
    with httpx.Client(base_url=server, timeout=30) as http:
        for actor, path, body in STORY:
            path = path.replace("{last}", str(last))
            refused = [p for p, (_, role) in PEOPLE.items()
                       if role in ("auditor", "viewer") or (path in admin_only and role != "admin")]
            for person in refused:
                answer = http.post(path, json=body, headers=auth(world[person]))
                assert answer.status_code == 403, (person, path, answer.text)
                assert answer.json()["error"] == "forbidden"
            for headers in ({}, auth(BAD_TOKEN), {"Authorization": "Basic eDp5"}):
                answer = http.post(path, json=body, headers=headers)
                assert answer.status_code == 401, (path, answer.text)
                assert answer.json()["error"] == "unauthorized"
            answer = http.post(path, json=body, headers=auth(world[actor]))
            assert answer.status_code == 201, (path, answer.text)
            assert answer.json()["actor"] == actor
            last = answer.json()["position"]
        for path in READS:
            for person in PEOPLE:
                assert http.get(path, headers=auth(world[person])).status_code == 200, path
            assert http.get(path).status_code == 401, path
            assert http.get(path, headers=auth(BAD_TOKEN)).status_code == 401, path
        assert http.get("/healthz").status_code == 200
        events = log(server, world["victor"])
    # only the successful requests were recorded: the refused ones left no trace
    assert len(events) == baseline + len(STORY)


def test_a_forged_actor_or_recording_time_is_rejected_and_nothing_is_stored(
    server: str, world: dict[str, str]
) -> None:
    goal = {"statement": "Portal live in Q2", "agreed_by": ["jonas", "miriam"]}
    with httpx.Client(base_url=server, timeout=30, headers=auth(world["jonas"])) as http:
        before = http.get("/api/events", params={"limit": 1000}).json()["events"]
        for forged in ({"actor": "kathi"}, {"recorded_at": "2020-01-01T00:00:00+00:00"},
                       {"actor": "jonas"}):
            answer = http.post(P + "/goal", json={**goal, **forged})
            assert answer.status_code == 422, answer.text
            [field] = forged
            assert field in answer.json()["fields"]
            answer = http.post(P + "/decisions/d9/revoke", json={"reason": "x", **forged})
            assert answer.status_code == 422, answer.text
        assert http.get("/api/events", params={"limit": 1000}).json()["events"] == before
        recorded = http.post(P + "/goal", json=goal).json()
    assert recorded["actor"] == "jonas"
    assert recorded["type"] == "GoalSet"
    assert recorded["recorded_at"].endswith("+00:00")
