"""The JSON API in process (FastAPI's TestClient) on SQLite and PostgreSQL: error shapes,
hostile inputs, reads and filters, health, and `tandem serve` on an uninitialised database."""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from dataclasses import replace

import pytest
from fastapi import FastAPI

from tests.support.world import OPTIONS, auth, build_world, days_ago, decision
from web import api
from web.cli import main
from web.system import Tandem

with warnings.catch_warnings():  # starlette asks for httpx2, which is not installed here
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

P = "/api/initiatives/portal"


@pytest.fixture
def http(tandem: Tandem) -> Iterator[TestClient]:
    tokens = build_world(tandem)
    app = FastAPI()
    app.state.tandem = tandem
    api.install(app)
    with TestClient(app, headers=auth(tokens["jonas"])) as client:
        client.tokens = tokens  # type: ignore[attr-defined]
        yield client


def log_size(http: TestClient) -> int:
    return len(http.get("/api/events", params={"limit": 1000}).json()["events"])


def test_failures_have_one_shape_and_store_nothing(http: TestClient) -> None:
    before = log_size(http)
    bad_id = http.post(P + "/criteria", json={"id": "Not An Id", "description": "d", "target": "t"})
    assert bad_id.status_code == 422
    assert bad_id.json()["error"] == "invalid_input" and "id" in bad_id.json()["fields"]
    missing = http.post(P + "/criteria", json={"id": "x"})
    assert missing.status_code == 422
    assert set(missing.json()["fields"]) == {"description", "target"}
    one_option = http.post(P + "/proposals", json={
        "id": "p1", "question": "q", "scope": "planning", "options": OPTIONS[:1],
        "proposed_by": ["jonas"]})
    assert one_option.status_code == 422
    assert one_option.json()["rule"] == "options-offered"
    assert one_option.json()["error"] == "rule_violation"
    future = http.post(P + "/goal", json={"statement": "s", "agreed_by": ["jonas"],
                                          "effective_at": "2999-01-01"})
    assert future.status_code == 422 and future.json()["rule"] == "effective-time"
    unknown = http.post("/api/initiatives/nope/goal", json={"statement": "s",
                                                            "agreed_by": ["jonas"]})
    assert unknown.status_code == 404 and unknown.json()["error"] == "not_found"
    assert http.get("/api/initiatives/nope").status_code == 404
    assert http.get(P + "/decisions/nope").status_code == 404
    duplicate = http.post(P + "/criteria", json={"id": "crashes", "description": "d",
                                                 "target": "t"})
    assert duplicate.status_code == 409 and duplicate.json()["error"] == "conflict"
    not_json = http.post(P + "/goal", content=b"{", headers={"content-type": "application/json"})
    assert not_json.status_code == 422 and not_json.json()["error"] == "invalid_input"
    assert http.get("/api/nothing-here").json() == {"error": "not_found", "detail": "Not Found"}
    assert log_size(http) == before


@pytest.mark.parametrize("path, body", [
    (P + "/goal", {"statement": "a\x00b", "agreed_by": ["jonas"]}),
    (P + "/goal", {"statement": "a\ud800b", "agreed_by": ["jonas"]}),
    (P + "/status", {"summary": "s", "running": ["x\x00"], "reported_by": "jonas"}),
    (P + "/proposals", {"id": "p2", "question": "q", "scope": "planning", "proposed_by": "jonas",
                        "options": [{"key": "a", "title": "\x00"}, {"key": "b", "title": "B"}]}),
    (P + "/criteria/crashes/measurements", {"value": 10**400, "note": ""}),
    (P + "/criteria/crashes/measurements", {"value": "NaN", "note": ""}),
    (P + "/decisions", {**decision("d9"), "effective_at": "0001-01-01T00:00:00+01:00"}),
])
def test_hostile_bodies_are_422_on_both_backends(http: TestClient, path: str, body: dict) -> None:
    before = log_size(http)
    answer = http.post(path, content=json.dumps(body).encode(),  # ASCII: lone surrogates too
                       headers={"content-type": "application/json"})
    assert answer.status_code == 422, answer.text
    assert answer.json()["fields"]
    assert log_size(http) == before


@pytest.mark.parametrize("path, params", [
    (P, {"as_of": "0001-01-01T00:00:00+01:00"}),
    (P + "/matrix", {"known_at": "not a time\x00"}),
    ("/api/events", {"after": str(10**30)}),
    ("/api/events", {"limit": "0"}),
    ("/api/decisions", {"person": "x\x00"}),
    ("/api/decisions", {"scope": "a\x00"}),
    ("/api/escalations", {"status": "maybe"}),
    (P + "/timeline", {"order": "sideways"}),
])
def test_hostile_queries_are_422_on_both_backends(http: TestClient, path: str,
                                                  params: dict) -> None:
    answer = http.get(path, params=params)
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"] == "invalid_input"


def test_reads_answer_the_documented_shapes(http: TestClient) -> None:
    assert http.post(P + "/goal", json={"statement": "Live in Q2", "agreed_by": ["jonas"],
                                        "effective_at": days_ago(20)}).status_code == 201
    revision = http.post(P + "/goal", json={"statement": "Live in Q3", "reason": "slip",
                                            "agreed_by": ["jonas", "miriam"]})
    assert revision.status_code == 201
    assert revision.json()["attestation"]["pending"] == ["miriam"]
    assert [v["statement"] for v in http.get(P + "/goal/history").json()["versions"]] == [
        "Live in Q2"]  # a revision takes its place once both partners confirmed it
    taken = http.post(P + "/decisions", json=decision("d1"))
    assert taken.status_code == 201 and taken.json()["attestation"]["status"] == "pending"
    tokens = http.tokens  # type: ignore[attr-defined]
    for who, entry in (("miriam", revision), ("kathi", taken)):
        answered = http.post(f"/api/confirmations/{entry.json()['position']}",
                             json={"answer": "confirm"}, headers=auth(tokens[who]))
        assert answered.status_code == 201, answered.text
    assert http.post(P + "/responsibilities", json={"area": "ordering", "person": "miriam",
                                                    "role": "A"}).status_code == 201
    handoff = http.post(P + "/handoffs", json={"id": "h1", "item": "Form", "from": "jonas",
                                               "to": "miriam"}).json()
    assert handoff["data"]["from_person"] == "jonas" or handoff["data"].get("from") == "jonas"
    assert set(handoff) == {"position", "type", "initiative", "actor", "effective_at",
                            "recorded_at", "backdated", "summary", "data"}  # names no one else

    history = http.get(P + "/goal/history").json()["versions"]
    assert [v["statement"] for v in history] == ["Live in Q2", "Live in Q3"]
    assert set(history[0]) >= {"version", "statement", "reason", "agreed_by", "actor",
                                "effective_at", "recorded_at"}
    then = http.get(P, params={"as_of": days_ago(19)[:10]}).json()
    assert then["goal"]["statement"] == "Live in Q2"
    matrix = http.get(P + "/matrix").json()
    assert matrix["tandem"] == ["jonas", "miriam"]
    assert matrix["areas"][0]["area"] == "ordering"
    assert matrix["areas"][0]["accountable"] == "miriam"
    assert http.get(P + "/matrix", params={"known_at": "2000-01-01"}).json()["areas"] == []

    goals = http.get(P + "/timeline", params={"type": "GoalSet,GoalRevised"}).json()["events"]
    assert [e["type"] for e in goals] == ["GoalSet", "GoalRevised"]
    recorded = http.get(P + "/timeline", params={"order": "recorded"}).json()["events"]
    assert [e["position"] for e in recorded] == sorted(e["position"] for e in recorded)
    assert http.get(P + "/timeline", params={"to": days_ago(20)[:10], "type": "GoalSet"}).json()[
        "events"][0]["data"]["statement"] == "Live in Q2"

    [d1] = http.get("/api/decisions", params={"initiative": "portal", "person": "kathi",
                                              "scope": "planning"}).json()["decisions"]
    assert d1["id"] == "d1" and d1["status"] == "in_force" and d1["actor"] == "jonas"
    assert http.get(P + "/decisions/d1").json() == d1
    assert http.get("/api/decisions", params={"status": "revoked"}).json()["decisions"] == []
    assert http.get("/api/escalations", params={"status": "open"}).json() == {"escalations": []}
    mine = http.get("/api/people/miriam/timeline").json()["events"]
    assert any(e["type"] == "HandoffStarted" for e in mine)
    page = http.get("/api/events", params={"after": 0, "limit": 2}).json()
    assert [e["position"] for e in page["events"]] == [1, 2] and page["next"] == 2


def test_healthz_says_the_process_lives_and_readyz_reports_the_lag(
    http: TestClient, tandem: Tandem
) -> None:
    assert http.get("/healthz", headers={"Authorization": ""}).json() == {"status": "ok"}
    ready = http.get("/readyz", headers={"Authorization": ""})
    assert ready.status_code == 200
    assert ready.json()["status"] == "ready" and ready.json()["lag"] == 0
    assert set(ready.json()["projections"].values()) == {ready.json()["position"]}
    for unit in ("fin", "hr"):  # recorded, not yet projected: a lag, within the threshold
        tandem.app.register_unit(actor="ada", unit=unit, name=unit)
    lagging = http.get("/readyz")
    assert lagging.status_code == 200 and lagging.json()["lag"] == 2
    tandem.settings = replace(tandem.settings, ready_max_lag=1)
    behind = http.get("/readyz")
    assert behind.status_code == 503 and behind.json()["status"] == "behind"
    assert behind.headers["Retry-After"]
    tandem.catch_up()
    assert http.get("/readyz").status_code == 200


def test_serve_refuses_a_database_never_initialised(database_url: str,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", database_url, "serve", "--port", "1"]) == 1
    assert "tandem init" in capsys.readouterr().err
