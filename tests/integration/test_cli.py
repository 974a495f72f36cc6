"""The `tandem` command line on both backends: init, tokens, demo, log."""

from __future__ import annotations

import json

import pytest

from domain.application import token_digest
from web.cli import main
from web.settings import Settings
from web.system import Tandem


@pytest.fixture(autouse=True)
def keys_in_tmp(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """On PostgreSQL the signing key defaults to the working directory: keep it out of the repo."""
    monkeypatch.setenv("TANDEM_SIGNING_KEY", str(tmp_path / "signing.key"))


def init(url: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["--db", url, "init", "--admin-id", "ada", "--admin-name", "Ada Admin",
                 "--admin-unit", "it"])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_init_prints_only_the_admin_token_and_stores_only_its_digest(database_url, capsys):
    code, out, err = init(database_url, capsys)
    assert code == 0
    token = out.strip()
    assert out == token + "\n" and token.startswith("tdm_")
    assert "Initialised" in err
    tandem = Tandem(Settings(database_url=database_url))
    try:
        assert tandem.read.person_for_token_digest(token_digest(token))["person"] == "ada"
        with tandem.db.connect() as conn:
            events = conn.all(f"SELECT state FROM {tandem.storage.events_table}")  # noqa: S608
        assert all(token.encode() not in bytes(row["state"]) for row in events)
        [issued] = tandem.read.timeline(person="ada", types=["TokenIssued"])
        assert "token_hash" not in issued["data"]
    finally:
        tandem.close()


def test_a_second_init_refuses_and_changes_nothing(database_url, capsys):
    init(database_url, capsys)
    tandem = Tandem(Settings(database_url=database_url))
    before = tandem.app.recorder.max_notification_id()
    tandem.close()
    code, out, err = init(database_url, capsys)
    assert code == 1 and out == ""
    assert "already initialised" in err
    tandem = Tandem(Settings(database_url=database_url))
    assert tandem.app.recorder.max_notification_id() == before
    tandem.close()


def test_commands_on_a_database_never_initialised_say_to_run_init(database_url, capsys):
    assert main(["--db", database_url, "log"]) == 1
    assert "tandem init" in capsys.readouterr().err


def test_token_create_prints_a_new_token_alone_and_records_the_issuance(database_url, capsys):
    init(database_url, capsys)
    assert main(["--db", database_url, "token", "create", "--person", "ada"]) == 0
    captured = capsys.readouterr()
    token = captured.out.strip()
    assert captured.out == token + "\n"
    tandem = Tandem(Settings(database_url=database_url))
    try:
        assert tandem.read.person_for_token_digest(token_digest(token))["person"] == "ada"
        issued = tandem.read.timeline(person="ada", types=["TokenIssued"])
        assert len(issued) == 2 and issued[-1]["actor"] == "tandem-cli"
    finally:
        tandem.close()


def test_token_create_for_an_unknown_person_is_refused(database_url, capsys):
    init(database_url, capsys)
    assert main(["--db", database_url, "token", "create", "--person", "nobody"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and "nobody" in captured.err


def test_demo_loads_once_and_log_prints_the_story_in_order(database_url, capsys):
    assert main(["--db", database_url, "init", "--admin-id", "ada", "--admin-name", "Ada Admin",
                 "--admin-unit", "it", "--demo"]) == 0
    assert "Loaded the demo story" in capsys.readouterr().err
    assert main(["--db", database_url, "demo"]) == 0
    assert "already loaded" in capsys.readouterr().err
    assert main(["--db", database_url, "log", "--initiative", "kundenportal", "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines[0]["type"] == "InitiativeOpened"
    positions = [e["position"] for e in lines]
    assert positions == sorted(positions) and len(set(positions)) == len(positions)
    assert {e["initiative"] for e in lines} == {"kundenportal"}
    assert set(lines[0]) == {"position", "type", "initiative", "actor", "effective_at",
                             "recorded_at", "backdated", "summary", "data"}
    late = [e for e in lines if e["type"] == "DecisionTaken" and e["backdated"]]
    assert [e["data"]["decision"] for e in late] == ["d-support-hours"]
    assert main(["--db", database_url, "log", "--initiative", "kundenportal"]) == 0
    table = capsys.readouterr().out
    assert "InitiativeOpened" in table and "DecisionTaken" in table


def test_an_unusable_database_url_is_a_clear_error(capsys):
    assert main(["--db", "mysql://x", "log"]) == 1
    assert "Unsupported database URL" in capsys.readouterr().err


def test_a_revoked_token_no_longer_authenticates_and_the_revocation_is_logged(database_url, capsys):
    init(database_url, capsys)
    main(["--db", database_url, "token", "create", "--person", "ada"])
    token = capsys.readouterr().out.strip()
    token_id = token.split("_")[1]
    assert main(["--db", database_url, "token", "revoke", "--person", "ada",
                 "--token-id", token_id]) == 0
    tandem = Tandem(Settings(database_url=database_url))
    try:
        assert tandem.read.person_for_token_digest(token_digest(token)) is None
        [revoked] = tandem.read.timeline(person="ada", types=["TokenRevoked"])
        assert revoked["data"]["token_id"] == token_id and revoked["actor"] == "tandem-cli"
    finally:
        tandem.close()
    assert main(["--db", database_url, "token", "revoke", "--person", "ada",
                 "--token-id", token_id]) == 1  # only once


def test_the_demo_story_comes_first_or_not_at_all(database_url, capsys):
    """Its twelve weeks end today: told after today's entries, recording times would step back."""
    init(database_url, capsys)
    assert main(["--db", database_url, "demo"]) == 1
    message = capsys.readouterr().err
    assert "must come first" in message and "tandem init --demo" in message
    tandem = Tandem(Settings(database_url=database_url))
    try:
        assert not any(i["initiative"] == "kundenportal" for i in tandem.read.initiatives())
    finally:
        tandem.close()
