"""The signer remembers what it signed (a journal next to its key, outside the database): a
history rewritten in the database is caught by verify and never signed, on both backends."""

from __future__ import annotations

import logging
import os
import stat
import warnings
from collections.abc import Iterator

import pytest

from projections.ledger.checkpoints import SELECT_CHECKPOINTS, SignerRefused
from tests.support.tamper import RawEvents
from web.app import create_app
from web.cli import main
from web.system import Tandem

with warnings.catch_warnings():  # starlette asks for httpx2, which is not installed here
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient


@pytest.fixture
def cli(story: Tandem, monkeypatch: pytest.MonkeyPatch) -> Tandem:
    """The story, with the command line pointed at its database and key."""
    monkeypatch.setenv("TANDEM_DATABASE_URL", story.settings.database_url)
    monkeypatch.setenv("TANDEM_SIGNING_KEY", str(story.settings.signing_key_path))
    return story


@pytest.fixture
def client(story: Tandem) -> Iterator[TestClient]:
    with TestClient(create_app(story.settings, story)) as test_client:
        yield test_client


def auditor(tandem: Tandem) -> dict[str, str]:
    token, _ = tandem.app.issue_token(actor="kathi", person="ralf")
    tandem.catch_up()
    return {"Authorization": f"Bearer {token}"}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_every_checkpoint_is_journaled_next_to_the_key_and_only_its_owner_reads_it(
        story: Tandem) -> None:
    story.record(story.app.register_person, actor="kathi", person="eve", name="Eve", unit="it",
                 role="member")
    story.issue_checkpoint()
    journal = story.signer.journal
    assert journal.path.parent == story.settings.signing_key_path.parent
    assert stat.S_IMODE(os.stat(journal.path).st_mode) == 0o600
    with story.db.connect() as conn:
        stored = conn.all(SELECT_CHECKPOINTS)
    assert [(e.seq, e.note) for e in journal.entries()] == \
        [(int(r["seq"]), r["note"]) for r in stored]
    assert len(stored) >= 2 and story.verify().journaled == len(stored)


def test_a_rewritten_history_with_the_ledger_wiped_and_reset_is_caught_and_never_signed(
        cli: Tandem, client: TestClient, capsys: pytest.CaptureFixture[str],
        caplog: pytest.LogCaptureFixture) -> None:
    story = cli
    headers = auditor(story)
    assert client.get("/api/audit/checkpoint", headers=headers).status_code == 200
    raw = RawEvents(story.settings)
    raw.replace_in_state(b"Kathi Berger", b"Kathi Burger")
    raw.wipe_ledger(reset_tracking=True)

    code, out, _ = run(capsys, "verify")
    assert code == 1
    assert out.startswith(f"TAMPERED at position {raw.positions()[0]}: ledger emptied")
    assert "the signer's journal holds checkpoint #" in out

    # The running server catches up: it rebuilds the ledger over the edited events ...
    story.catch_up()
    code, out, err = run(capsys, "verify")
    assert code == 1 and out.startswith("TAMPERED at the ledger: history rewritten")
    assert "signer's journaled checkpoint #1" in out and "checkpoints emptied" in err
    # ... and then its signer refuses, loudly, wherever it is asked to sign.
    with caplog.at_level(logging.ERROR, logger="tandem.audit"), pytest.raises(SignerRefused):
        story.issue_checkpoint()
    assert "refused to sign" in caplog.text and "history was rewritten" in caplog.text
    code, out, err = run(capsys, "checkpoint")
    assert code == 1 and out == "" and "history was rewritten" in err
    answer = client.get("/api/audit/checkpoint", headers=headers)
    assert answer.status_code == 503 and "history was rewritten" in answer.json()["detail"]
    assert client.get("/api/audit/inclusion?position=3", headers=headers).status_code == 503
    with story.db.connect() as conn:
        assert conn.all(SELECT_CHECKPOINTS) == []  # nothing was signed over the edit
    # A write still succeeds: the refusal is the signer's, not the log's.
    story.record(story.app.register_person, actor="kathi", person="eve", name="Eve", unit="it",
                 role="member")


def test_a_ledger_cut_back_is_named_with_where_the_signed_log_ends(
        story: Tandem, capsys: pytest.CaptureFixture[str]) -> None:
    raw = RawEvents(story.settings)
    positions = raw.positions()
    raw.drop_ledger_tail(keep=20, keep_position=positions[19])
    result = story.verify()
    assert [(f.position, f.kind) for f in result.findings[:1]] == [(positions[20],
                                                                     "ledger cut back")]
    assert "checkpoints emptied" in {f.kind for f in result.findings}
    with pytest.raises(SignerRefused, match="the ledger was cut back"):
        story.issue_checkpoint()


def test_events_missing_from_the_ledger_beyond_a_fresh_catch_up_are_named(
        story: Tandem) -> None:
    """Only events appended after the signed log may be 'not yet in the ledger'."""
    story.record(story.app.register_person, actor="kathi", person="eve", name="Eve", unit="it",
                 role="member")
    fresh = story.verify()
    assert fresh.ok and fresh.pending == 0
    RawEvents(story.settings).wipe_ledger(reset_tracking=True)
    result = story.verify()
    assert result.findings[0].kind == "ledger emptied"
    assert "tracking position was set back to 0" in result.findings[0].detail


def test_stored_checkpoints_removed_are_named_and_the_signer_goes_on(story: Tandem) -> None:
    story.record(story.app.register_person, actor="kathi", person="eve", name="Eve", unit="it",
                 role="member")
    story.issue_checkpoint()
    newest = story.signer.journal.last().seq  # type: ignore[union-attr]
    RawEvents(story.settings).execute("DELETE FROM tandem_checkpoints WHERE seq = 1")
    result = story.verify()
    assert [f.kind for f in result.findings] == ["checkpoints removed"]
    assert "(#1, the newest of" in result.findings[0].detail
    story.issue_checkpoint()  # the history is intact: the signer signs
    assert story.signer.journal.last().seq == newest + 1  # type: ignore[union-attr]


def test_a_log_signed_before_the_journal_starts_one_from_its_verified_checkpoints(
        story: Tandem) -> None:
    journal = story.signer.journal
    before = journal.entries()
    journal.path.unlink()
    story.record(story.app.register_person, actor="kathi", person="eve", name="Eve", unit="it",
                 role="member")
    story.issue_checkpoint()
    after = journal.entries()
    assert [e.note for e in after[:len(before)]] == [e.note for e in before]
    assert len(after) == len(before) + 1 and story.verify().ok


def test_a_journal_is_not_started_over_a_log_that_no_longer_matches_its_checkpoints(
        story: Tandem) -> None:
    story.signer.journal.path.unlink()
    RawEvents(story.settings).replace_in_state(b"Kathi Berger", b"Kathi Burger")
    story.runner.rebuild(["ledger"])
    with pytest.raises(SignerRefused, match="no journal was started"):
        story.issue_checkpoint()
    assert not story.signer.journal.exists
