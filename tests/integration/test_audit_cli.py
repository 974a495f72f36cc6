"""The audit commands as an operator and an auditor use them, on both backends."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from tests.support.tamper import RawEvents
from web.cli import main
from web.settings import Settings


@pytest.fixture
def installed(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    key = tmp_path / "keys" / "tandem-signing.key"
    monkeypatch.setenv("TANDEM_SIGNING_KEY", str(key))
    monkeypatch.setenv("TANDEM_DATABASE_URL", database_url)
    assert main(["init", "--admin-id", "kathi", "--admin-name", "Kathi", "--admin-unit", "ops",
                 "--demo"]) == 0
    return Settings.from_env()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(list(argv))
    return code, capsys.readouterr().out


def test_init_creates_a_private_key_only_its_owner_can_read(installed: Settings) -> None:
    key = installed.signing_key_path
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    assert key.with_name(key.name + ".pub").read_text().startswith("-----BEGIN PUBLIC KEY-----")


def test_checkpoint_prints_the_signed_note_alone_and_verify_accepts_it(
        installed: Settings, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, note = run(capsys, "checkpoint")
    assert code == 0
    lines = note.split("\n")
    assert lines[0] == installed.origin and lines[1].isdigit() and lines[3] == ""
    assert lines[4].startswith("\u2014 " + installed.origin + " ")
    saved = tmp_path / "cp.txt"
    saved.write_text(note)
    code, out = run(capsys, "verify", "--checkpoint", str(saved))
    assert code == 0
    assert out.startswith(f"intact: {lines[1]} events, tree size {lines[1]}, root {lines[2]}")
    assert out.strip().endswith("events/s")


def test_verify_exits_1_and_names_the_position_of_an_altered_event(
        installed: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    raw = RawEvents(installed)
    target = raw.positions()[12]
    raw.flip_state_byte(target)
    code, out = run(capsys, "verify")
    assert code == 1
    assert out.startswith(f"TAMPERED at position {target}: state changed")


def test_a_saved_inclusion_proof_verifies_offline_and_a_doctored_one_does_not(
        installed: Settings, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    _, note = run(capsys, "checkpoint")
    (tmp_path / "cp.txt").write_text(note)
    _, proof = run(capsys, "proof", "inclusion", "--position", "20")
    (tmp_path / "proof.json").write_text(proof)
    pub = str(installed.signing_key_path) + ".pub"
    args = ["proof", "verify", str(tmp_path / "proof.json"), "--checkpoint",
            str(tmp_path / "cp.txt"), "--public-key", pub]
    code, out = run(capsys, *args)
    assert code == 0 and out.startswith("proof valid: the event at position 20")
    doctored = json.loads(proof)
    doctored["leaf_index"] += 1
    (tmp_path / "proof.json").write_text(json.dumps(doctored))
    code, out = run(capsys, *args)
    assert code == 1 and out.startswith("proof NOT valid")


def test_a_consistency_proof_between_two_checkpoints_verifies_offline(
        installed: Settings, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    _, old = run(capsys, "checkpoint")
    assert main(["token", "create", "--person", "kathi"]) == 0
    _, new = run(capsys, "checkpoint")
    (tmp_path / "old.txt").write_text(old)
    (tmp_path / "new.txt").write_text(new)
    _, proof = run(capsys, "proof", "consistency", "--from", old.split("\n")[1],
                   "--to", new.split("\n")[1])
    (tmp_path / "proof.json").write_text(proof)
    code, out = run(capsys, "proof", "verify", str(tmp_path / "proof.json"), "--checkpoint",
                    str(tmp_path / "new.txt"), "--old-checkpoint", str(tmp_path / "old.txt"),
                    "--public-key", str(installed.signing_key_path) + ".pub")
    assert code == 0 and "extends, unchanged" in out


def test_init_refuses_a_key_that_already_signed_another_log(
        installed: Settings, capsys: pytest.CaptureFixture[str], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    assert main(["checkpoint"]) == 0
    monkeypatch.setenv("TANDEM_DATABASE_URL", f"sqlite:///{tmp_path}/second.db")
    capsys.readouterr()
    assert main(["init", "--admin-id", "ada", "--admin-name", "Ada", "--admin-unit", "it"]) == 1
    assert "has already signed another log" in capsys.readouterr().err
    assert not (tmp_path / "second.db").exists()
