"""Verify on unusual input: what it cannot read is exit 2 with a sentence (exit 1 means
altered), a missing ledger is named as such, and recording times that step back are found."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.tamper import RawEvents
from web.cli import main
from web.system import Tandem


@pytest.fixture
def cli(story: Tandem, monkeypatch: pytest.MonkeyPatch) -> Tandem:
    monkeypatch.setenv("TANDEM_DATABASE_URL", story.settings.database_url)
    monkeypatch.setenv("TANDEM_SIGNING_KEY", str(story.settings.signing_key_path))
    return story


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_a_state_stored_as_text_is_unusable_input_not_a_traceback(
        cli: Tandem, capsys: pytest.CaptureFixture[str]) -> None:
    raw = RawEvents(cli.settings)
    target = raw.positions()[5]
    raw.state_as_text(target)
    code, out, err = run(capsys, "verify")
    assert code == 2 and out == ""
    first = raw.positions()[0] if not raw.sqlite else target
    assert f"Cannot verify: the event at position {first} cannot be read as Tandem stores " \
           "events" in err
    assert "Traceback" not in err


def test_a_checkpoint_file_that_is_binary_or_not_a_note_is_unusable_input(
        cli: Tandem, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    binary = tmp_path / "cp.bin"
    binary.write_bytes(bytes(range(256)))
    code, out, err = run(capsys, "verify", "--checkpoint", str(binary))
    assert code == 2 and out == "" and "is not text" in err
    prose = tmp_path / "cp.txt"
    prose.write_text("hello\n")
    code, _, err = run(capsys, "verify", "--checkpoint", str(prose))
    assert code == 2 and "is not a signed checkpoint" in err
    code, _, err = run(capsys, "verify", "--checkpoint", str(tmp_path / "none.txt"))
    assert code == 2 and "Cannot read the checkpoint file" in err


def test_a_deleted_ledger_is_named_as_such_not_as_an_inserted_event(
        story: Tandem) -> None:
    raw = RawEvents(story.settings)
    raw.wipe_ledger(reset_tracking=False)
    story.signer.journal.path.unlink()  # even without the signer's memory
    finding = story.verify().findings[0]
    assert (finding.position, finding.kind) == (raw.positions()[0], "ledger emptied")
    assert "its tracking position says it recorded every event up to position" in finding.detail


def test_an_event_appended_with_an_earlier_recording_time_is_found_with_its_position(
        story: Tandem) -> None:
    raw = RawEvents(story.settings)
    status = next(p for p in raw.positions() if raw.row(p)[2].endswith("StatusReported"))
    appended = raw.append_copy(status, "2020-01-01T09:00:00+00:00")
    story.catch_up()  # the ledger takes it in, as it takes every appended event
    findings = story.verify().findings
    assert [(f.position, f.kind) for f in findings] == [(appended, "recording time goes "
                                                                   "backwards")]
    assert "recorded at 2020-01-01T09:00:00+00:00" in findings[0].detail


def test_the_demo_story_and_what_follows_it_are_recorded_in_rising_order(story: Tandem) -> None:
    story.record(story.app.register_person, actor="kathi", person="eve", name="Eve", unit="it",
                 role="member")
    result = story.verify()
    assert result.ok, [f.line() for f in result.findings]
