"""Authorization data under proof: who may do what comes from the log, not from tables anyone
with database access can edit. Verify names every row the log does not justify; the server
refuses a token its person's record never issued and acts on the role the log gives."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest

from domain.application import token_digest
from tests.support.tamper import RawEvents
from web.app import create_app
from web.cli import main
from web.system import Tandem

with warnings.catch_warnings():  # starlette asks for httpx2, which is not installed here
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

FORGED = "tdm_deadbeef_" + "x" * 43


@pytest.fixture
def viewer(story: Tandem) -> str:
    """A viewer with a token issued the proper way; returns that token."""
    story.record(story.app.register_person, actor="kathi", person="vera", name="Vera Viewer",
                 unit="it", role="viewer")
    token, _ = story.app.issue_token(actor="kathi", person="vera")
    story.catch_up()
    return token


@pytest.fixture
def client(story: Tandem) -> Iterator[TestClient]:
    with TestClient(create_app(story.settings, story)) as test_client:
        yield test_client


def inject(story: Tandem) -> None:
    """The attack: a token digest inserted for the viewer, and her role set to admin, by SQL."""
    raw = RawEvents(story.settings)
    raw.execute("INSERT INTO tandem_tokens (token_hash, token_id, person, issued_at) "
                "VALUES (?, ?, ?, ?)", (token_digest(FORGED), "deadbeef", "vera",
                                        "2026-01-01T00:00:00.000000+00:00"))
    raw.execute("UPDATE tandem_people SET role = 'admin' WHERE person = 'vera'")


def test_an_untouched_directory_is_justified_by_the_log(story: Tandem, viewer: str) -> None:
    result = story.verify()
    assert result.ok, [f.line() for f in result.findings]


def test_injected_token_and_role_rows_are_named_by_verify(
        story: Tandem, viewer: str, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    inject(story)
    lines = [f.line() for f in story.verify().findings]
    digest = token_digest(FORGED)
    assert [line for line in lines if "tandem_tokens" in line] == [
        f"the ledger: row not backed by the log — tandem_tokens row token_hash={digest[:12]}… "
        "(token_id=deadbeef, person=vera, issued_at=2026-01-01T0…): no event in the log "
        "creates it"]
    assert [line for line in lines if "tandem_people" in line] == [
        "the ledger: row not backed by the log — tandem_people row person=vera: role is admin, "
        "the log says viewer"]
    monkeypatch.setenv("TANDEM_DATABASE_URL", story.settings.database_url)
    monkeypatch.setenv("TANDEM_SIGNING_KEY", str(story.settings.signing_key_path))
    capsys.readouterr()
    assert main(["verify"]) == 1
    captured = capsys.readouterr()
    assert captured.out.startswith("TAMPERED at the ledger: row not backed by the log")
    assert "person=vera: role is admin" in captured.out + captured.err


def test_an_injected_token_gets_401_and_an_injected_role_grants_nothing(
        story: Tandem, viewer: str, client: TestClient) -> None:
    inject(story)
    forged = {"Authorization": f"Bearer {FORGED}"}
    assert client.get("/api/units", headers=forged).status_code == 401
    proper = {"Authorization": f"Bearer {viewer}"}
    assert client.get("/api/units", headers=proper).status_code == 200
    answer = client.post("/api/units", json={"id": "legal", "name": "Legal"}, headers=proper)
    assert answer.status_code == 403 and "A viewer may not" in answer.json()["detail"]
    assert all(u["unit"] != "legal" for u in story.read.units())


def test_a_revoked_token_stays_refused_even_if_its_row_is_put_back(
        story: Tandem, viewer: str, client: TestClient) -> None:
    rows = RawEvents(story.settings)
    token_id = viewer.split("_")[1]
    story.record(story.app.revoke_token, actor="kathi", person="vera", token_id=token_id,
                 reason="left the project")
    rows.execute("INSERT INTO tandem_tokens (token_hash, token_id, person, issued_at) "
                 "VALUES (?, ?, ?, ?)", (token_digest(viewer), token_id, "vera",
                                         "2026-01-01T00:00:00.000000+00:00"))
    assert client.get("/api/units",
                      headers={"Authorization": f"Bearer {viewer}"}).status_code == 401
    assert any("tandem_tokens" in f.line() for f in story.verify().findings)


def test_a_forged_directory_event_is_named_and_does_not_stop_the_check(story: Tandem) -> None:
    raw = RawEvents(story.settings)
    registered = [p for p in raw.positions() if raw.row(p)[2].endswith("PersonRegistered")]
    forged = registered[-1] + 1
    raw.insert_forged(forged, copy_of=registered[0])  # a second "kathi", under a new id
    findings = story.verify().findings
    assert (findings[0].position, findings[0].kind) == (forged, "event inserted")
    assert [f.detail.split(" (")[0] for f in findings if f.kind == "event not replayable"] == [
        f"the event at position {forged} cannot be replayed into the authorization data"]
