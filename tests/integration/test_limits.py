"""Limits, on SQLite and PostgreSQL: a body over the server's limit is a 413 before it is read;
a list longer than its bound is a 422 naming the field, on the API and on the forms; every list
of every request body has a bound in the OpenAPI schema; `check-rules` refuses a rule file too
large or with too many steps with exit 2 and a sentence, at once."""

from __future__ import annotations

import time
import warnings
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from domain.values import MAX_ITEMS
from projections.governance.parser import MAX_FILE_BYTES, MAX_STEPS
from tests.support.world import OPTIONS, auth, build_world, decision, sign_in
from web.app import create_app
from web.cli import main
from web.system import Tandem

with warnings.catch_warnings():  # starlette asks for httpx2, which is not installed here
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

P = "/api/initiatives/portal"
GIVEN = "    Given the decisions of all initiatives\n"


@pytest.fixture
def http(tandem: Tandem) -> Iterator[Any]:
    tokens = build_world(tandem)
    tandem.settings = replace(tandem.settings, max_body_bytes=64 * 1024)
    with TestClient(create_app(tandem.settings, tandem), headers=auth(tokens["jonas"])) as client:
        client.tokens = tokens  # type: ignore[attr-defined]
        yield client


def log_size(tandem: Tandem) -> int:
    return int(tandem.app.recorder.max_notification_id() or 0)


def test_a_body_over_the_limit_is_413_and_stores_nothing(http: Any, tandem: Tandem) -> None:
    before = log_size(tandem)
    big = {"summary": "x" * 70_000, "reported_by": ["jonas"]}
    answer = http.post(P + "/status", json=big)
    assert answer.status_code == 413
    assert answer.json()["error"] == "too_large" and "65,536 bytes" in answer.json()["detail"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit holds while reading
        yield b'{"summary": "'
        for _ in range(100):
            yield b"y" * 1000
        yield b'", "reported_by": ["jonas"]}'
    streamed = http.post(P + "/status", content=chunks(),
                         headers={"Content-Type": "application/json"})
    assert streamed.status_code == 413
    assert log_size(tandem) == before
    assert http.post(P + "/status", json={"summary": "small", "reported_by": ["jonas"]}
                     ).status_code == 201


def test_a_list_over_its_bound_is_a_422_naming_the_field(http: Any, tandem: Tandem) -> None:
    before = log_size(tandem)
    many = [f"p{i}" for i in range(MAX_ITEMS + 1)]
    cases = [
        (P + "/decisions", decision("d-many") | {"decided_by": many}, "decided_by"),
        (P + "/decisions", decision("d-opts") | {"options": [
            {"key": f"o{i}", "title": "t"} for i in range(MAX_ITEMS + 1)]}, "options"),
        (P + "/status", {"summary": "s", "reported_by": ["jonas"], "blocked": many}, "blocked"),
        (P + "/goal", {"statement": "s", "agreed_by": many}, "agreed_by"),
        (P + "/tandem", {"people": many}, "people"),
    ]
    for path, body, field in cases:
        answer = http.post(path, json=body)
        assert answer.status_code == 422, (path, answer.text)
        assert field in answer.json()["fields"], answer.json()
    assert http.post(P + "/proposals", json={
        "id": "p-ok", "question": "q", "scope": "planning", "options": OPTIONS,
        "proposed_by": many[:MAX_ITEMS]}).status_code == 422  # within the bound: the rules judge
    assert log_size(tandem) == before


def test_every_list_of_every_request_body_has_a_bound(http: Any) -> None:
    schema = http.get("/openapi.json").json()
    unbounded = []

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            if node.get("type") == "array" and "maxItems" not in node:
                unbounded.append(where)
            for key, value in node.items():
                walk(value, f"{where}.{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}[{i}]")
    for name, body in schema["components"]["schemas"].items():
        if name not in ("ErrorBody", "HTTPValidationError", "ValidationError"):
            walk(body, name)
    assert unbounded == []


def test_a_form_with_too_many_lines_names_the_field(http: Any, tandem: Tandem) -> None:
    assert sign_in(http, http.tokens["jonas"]).status_code == 303  # type: ignore[attr-defined]
    page = http.get("/initiatives/portal/record/status")
    before = log_size(tandem)
    answer = http.post("/initiatives/portal/record/status", data={
        "csrf": page.context["csrf"], "idempotency_key": page.context["idempotency_key"],
        "summary": "s", "reported_by": "jonas",
        "blocked": "\n".join(f"item {i}" for i in range(MAX_ITEMS + 1))})
    assert answer.status_code == 422
    assert "blocked" in answer.context["errors"]
    assert log_size(tandem) == before


def feature(scenarios: str) -> str:
    return "Feature: Big\n  Scenario Outline: S <n>\n" + GIVEN + scenarios


def test_check_rules_refuses_a_file_too_large_or_with_too_many_steps(
        story: Tandem, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = ["--db", story.settings.database_url]
    large = tmp_path / "large.feature"
    large.write_text("Feature: Large\n" + "# a comment line of padding\n" * (MAX_FILE_BYTES // 20))
    outline = tmp_path / "outline.feature"
    rows = MAX_STEPS // 2 + 1  # two steps a row
    outline.write_text(feature("    Then each offered at least 2 options\n    Examples:\n"
                               "      | n |\n" + "".join(f"      | {i} |\n" for i in range(rows))))
    assert outline.stat().st_size < MAX_FILE_BYTES
    for path, says in ((large, "a rule file may have at most"),
                       (outline, "steps once Scenario Outlines are expanded")):
        started = time.monotonic()
        assert main([*db, "check-rules", str(path)]) == 2
        assert time.monotonic() - started < 10
        err = capsys.readouterr().err
        assert f"{path.name}:0:0: " in err and says in err
    assert main([*db, "rules", "adopt", str(outline), "--all"]) == 2
    assert "steps once Scenario Outlines are expanded" in capsys.readouterr().err
