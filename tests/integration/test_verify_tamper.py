"""Every alteration of the stored events, made directly in SQL, is detected and located."""

from __future__ import annotations

from projections.ledger import notes
from projections.ledger.keys import create_signing_key, log_public_key
from tests.support.tamper import RawEvents
from web.system import Tandem


def first(tandem: Tandem, auditor: str | None = None) -> tuple[int | None, str]:
    result = tandem.verify(auditor)
    assert not result.ok, "the alteration went unnoticed"
    return result.findings[0].position, result.findings[0].kind


def test_an_untouched_log_verifies(story: Tandem) -> None:
    result = story.verify()
    assert result.ok, result.findings
    assert result.events == result.size == len(RawEvents(story.settings).positions()) > 60
    assert result.checkpoints >= 1


def test_one_changed_byte_of_a_state_is_located(story: Tandem) -> None:
    raw = RawEvents(story.settings)
    target = raw.positions()[30]
    raw.flip_state_byte(target)
    assert first(story) == (target, "state changed")


def test_a_changed_topic_is_located(story: Tandem) -> None:
    raw = RawEvents(story.settings)
    target = raw.positions()[20]
    raw.set_topic(target, raw.row(raw.positions()[21])[2] + "x")
    assert first(story) == (target, "topic changed")


def test_a_row_deleted_in_the_middle_is_located(story: Tandem) -> None:
    raw = RawEvents(story.settings)
    target = raw.positions()[25]
    raw.delete(target)
    assert first(story) == (target, "event missing")


def test_deleting_the_last_rows_is_located(story: Tandem) -> None:
    raw = RawEvents(story.settings)
    last_two = raw.positions()[-2:]
    raw.delete(*last_two)
    assert first(story) == (last_two[0], "log truncated")


def test_a_forged_row_inserted_into_the_history_is_located(story: Tandem) -> None:
    raw = RawEvents(story.settings)
    target = raw.positions()[40]
    raw.insert_forged(target, copy_of=raw.positions()[39])
    assert first(story) == (target, "event inserted")


def test_two_swapped_rows_are_located(story: Tandem) -> None:
    raw = RawEvents(story.settings)
    a, b = raw.positions()[10], raw.positions()[50]
    raw.swap(a, b)
    assert first(story) == (a, "events reordered")


def test_deleting_the_newest_events_with_their_ledger_rows_is_caught_by_the_signers_journal(
        story: Tandem) -> None:
    auditor_copy = story.issue_checkpoint()
    raw = RawEvents(story.settings)
    positions = raw.positions()
    raw.delete(*positions[-3:])
    raw.drop_ledger_tail(keep=len(positions) - 3, keep_position=positions[-4])
    assert first(story) == (positions[-4] + 1, "log truncated")
    assert "checkpoints emptied" in {f.kind for f in story.verify().findings}
    # Without the journal (a log signed before it had one), the auditor's own copy catches it.
    story.signer.journal.path.rename(story.signer.journal.path.with_suffix(".moved"))
    assert story.verify().ok, "the database alone no longer shows the cut"
    assert first(story, auditor_copy) == (positions[-4] + 1, "log truncated")


def test_rewriting_history_and_ledger_together_breaks_consistency_with_an_earlier_checkpoint(
        story: Tandem) -> None:
    auditor_copy = story.issue_checkpoint()
    raw = RawEvents(story.settings)
    raw.replace_in_state(b"Kathi Berger", b"Kathi Burger")
    story.runner.rebuild(["ledger"])  # the ledger now agrees with the altered events
    assert first(story)[1] == "history rewritten"  # the stored checkpoints disagree
    result = story.verify(auditor_copy)
    assert "history rewritten" in {f.kind for f in result.findings}


def test_a_checkpoint_from_another_key_is_rejected(story: Tandem, tmp_path) -> None:  # type: ignore[no-untyped-def]
    other = tmp_path / "other" / "key"
    create_signing_key(other)
    from projections.ledger.keys import load_signing_key

    forged = notes.sign(notes.Checkpoint(story.settings.origin, 1, b"\0" * 32),
                        load_signing_key(other))
    assert first(story, forged) == (None, "auditor checkpoint rejected")
    notes.verify(story.issue_checkpoint(), log_public_key(story.settings.signing_key_path),
                 story.settings.origin)
