"""Writes recorded once, on SQLite and PostgreSQL: the same `Idempotency-Key` and body twice is
answered alike and stored once; the same key with another body is a 409; keys are each
person's own; a form submitted twice records once; an answer lost after the commit (on the
recorder's boundary, and as a dropped PostgreSQL connection retried inside) stores nothing
twice."""

from __future__ import annotations

import threading
import warnings
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from eventsourcing.persistence import OperationalError

from tests.support.world import auth, build_world, decision, sign_in
from web.app import create_app
from web.system import Tandem

with warnings.catch_warnings():  # starlette asks for httpx2, which is not installed here
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

P = "/api/initiatives/portal"


class World:
    def __init__(self, tandem: Tandem):
        self.tandem = tandem
        self.tokens = build_world(tandem)
        self.client = TestClient(create_app(tandem.settings, tandem))

    def post(self, path: str, body: dict[str, Any], key: str | None = None,
             person: str = "jonas") -> Any:
        headers = auth(self.tokens[person]) | ({"Idempotency-Key": key} if key else {})
        return self.client.post(path, json=body, headers=headers)

    def log(self) -> list[dict[str, Any]]:
        self.tandem.catch_up()
        return self.tandem.read.events(after=0, limit=1000)["events"]

    def notes(self) -> list[str]:
        return [e["data"]["note"] for e in self.log() if e["type"] == "MeasurementRecorded"]


@pytest.fixture
def world(tandem: Tandem) -> Iterator[World]:
    w = World(tandem)
    with w.client:
        yield w


def measurement(note: str, value: float = 1) -> dict[str, Any]:
    return {"value": value, "note": note}


def test_the_same_key_and_body_twice_is_answered_alike_and_stored_once(world: World) -> None:
    first = world.post(P + "/criteria/crashes/measurements", measurement("once"), key="k-1")
    again = world.post(P + "/criteria/crashes/measurements", measurement("once"), key="k-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert world.notes() == ["once"]
    with_related = world.post(P + "/decisions", decision("d-once"), key="k-2")
    assert world.post(P + "/decisions", decision("d-once"), key="k-2").json() == with_related.json()
    assert [e["data"]["decision"] for e in world.log() if e["type"] == "DecisionTaken"] == ["d-once"]


def test_the_same_key_with_another_body_is_a_conflict_and_stores_nothing(world: World) -> None:
    world.post(P + "/criteria/crashes/measurements", measurement("first"), key="k-1")
    before = world.log()
    other = world.post(P + "/criteria/crashes/measurements", measurement("second"), key="k-1")
    assert other.status_code == 409
    assert other.json()["error"] == "conflict" and "Idempotency-Key" in other.json()["detail"]
    elsewhere = world.post(P + "/decisions", decision("d-x"), key="k-1")
    assert elsewhere.status_code == 409
    assert world.log() == before


def test_keys_are_each_persons_own(world: World) -> None:
    body = measurement("same words")
    assert world.post(P + "/criteria/crashes/measurements", body, "k", "jonas").status_code == 201
    assert world.post(P + "/criteria/crashes/measurements", body, "k", "miriam").status_code == 201
    assert world.notes() == ["same words", "same words"]
    assert {e["actor"] for e in world.log() if e["type"] == "MeasurementRecorded"} == {
        "jonas", "miriam"}


def test_a_refused_request_stores_nothing_and_its_key_stays_free(world: World) -> None:
    refused = world.post(P + "/criteria/nope/measurements", measurement("n"), key="k-r")
    assert refused.status_code == 404
    retried = world.post(P + "/criteria/crashes/measurements", measurement("n"), key="k-r")
    assert retried.status_code == 201  # another body: the key recorded nothing before
    assert world.notes() == ["n"]


def test_an_unusable_key_is_refused_naming_the_header(world: World) -> None:
    for key in ("x" * 256, "zwei wörter"):
        headers: dict[str, Any] = auth(world.tokens["jonas"]) | {"Idempotency-Key": key.encode()}
        answer = world.client.post(P + "/criteria/crashes/measurements", json=measurement("k"),
                                   headers=headers)
        assert answer.status_code == 422
        assert "Idempotency-Key" in answer.json()["fields"]
    assert world.notes() == []


def test_the_same_key_sent_at_once_from_many_threads_is_stored_once(world: World) -> None:
    answers: list[Any] = []
    start = threading.Barrier(10)

    def send() -> None:
        start.wait()
        answers.append(world.post(P + "/criteria/crashes/measurements", measurement("burst"),
                                  key="k-burst"))
    threads = [threading.Thread(target=send) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert {a.status_code for a in answers} == {201}
    assert len({a.text for a in answers}) == 1
    assert world.notes() == ["burst"]


def test_an_answer_lost_after_the_commit_is_not_stored_twice(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    recorder = world.tandem.app.recorder
    real = recorder.insert_events
    lost: list[int] = []

    def commit_then_lose_the_answer(stored_events: Any, **kwargs: Any) -> Any:
        result = real(stored_events, **kwargs)
        if not lost:
            lost.append(len(stored_events))
            raise OperationalError("server closed the connection unexpectedly")
        return result
    monkeypatch.setattr(recorder, "insert_events", commit_then_lose_the_answer)

    answer = world.post(P + "/criteria/crashes/measurements", measurement("lost"))  # no key
    assert lost == [1]
    assert answer.status_code == 201
    assert world.notes() == ["lost"]
    assert answer.json() == [e for e in world.log() if e["type"] == "MeasurementRecorded"][0]


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_a_connection_dropped_after_the_commit_is_retried_without_a_duplicate(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """The recorder tries a dropped connection once more; that second insert meets the
    request's key, and the first attempt's events are the answer."""
    real_exit = psycopg.Pipeline.__exit__
    dropped: list[bool] = []

    def commit_then_drop(self: Any, *exc: Any) -> Any:
        result = real_exit(self, *exc)
        if not dropped and exc[0] is None and self.level == 0:  # the commit was answered
            dropped.append(True)
            self._conn.close()
            raise psycopg.OperationalError("server closed the connection unexpectedly")
        return result
    monkeypatch.setattr(psycopg.Pipeline, "__exit__", commit_then_drop)

    answer = world.post(P + "/status", {"summary": "weekly", "reported_by": ["jonas", "miriam"]})
    monkeypatch.undo()
    assert dropped == [True]
    assert answer.status_code == 201, answer.text
    reports = [e for e in world.log() if e["type"] == "StatusReported"]
    assert [r["data"]["summary"] for r in reports] == ["weekly"]
    assert answer.json() == reports[0]


def test_a_form_submitted_twice_records_once(world: World) -> None:
    client = world.client
    assert sign_in(client, world.tokens["jonas"]).status_code == 303
    page = client.get("/initiatives/portal/record/measurement")
    key, csrf = page.context["idempotency_key"], page.context["csrf"]
    form = {"csrf": csrf, "idempotency_key": key, "criterion": "crashes", "value": "3",
            "note": "from the form"}
    first = client.post("/initiatives/portal/record/measurement", data=form,
                        follow_redirects=False)
    second = client.post("/initiatives/portal/record/measurement", data=form,
                         follow_redirects=False)
    assert first.status_code == second.status_code == 303
    assert first.headers["location"] == second.headers["location"]
    assert world.notes() == ["from the form"]

    changed = client.post("/initiatives/portal/record/measurement",
                          data=form | {"note": "changed"}, follow_redirects=False)
    assert changed.status_code == 409
    assert changed.context["idempotency_key"] != key  # a new form: submitting it records anew
    assert world.notes() == ["from the form"]
    assert client.get("/initiatives/portal/record/measurement").context["idempotency_key"] != key
