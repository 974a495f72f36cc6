"""Witnesses: an auditor (or a partner organisation) cosigns the log's checkpoints with its own
key and its own memory, the log keeps the cosignatures, verify requires them, and a log whose
history was rewritten, even by someone holding its key, gets no cosignature."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import struct
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from projections.ledger import notes
from projections.ledger.keys import load_signing_key
from tests.support.server import app_in_thread
from tests.support.tamper import RawEvents
from web.app import create_app
from web.cli import main
from web.system import Tandem

with warnings.catch_warnings():  # starlette asks for httpx2, which is not installed here
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

WITNESS = "audit.example.org/w1"


@dataclasses.dataclass
class Witness:
    key: Path
    state: Path
    vkey: str


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def witness(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Witness:
    key = tmp_path / "witness" / "witness.key"
    code, out, _ = run(capsys, "witness", "init", "--key", str(key), "--name", WITNESS)
    assert code == 0 and out.startswith(WITNESS + "+")
    return Witness(key, tmp_path / "witness" / "state.json", out.strip())


@pytest.fixture
def log(story: Tandem, witness: Witness, monkeypatch: pytest.MonkeyPatch) -> Tandem:
    """The story's log, knowing the witness, with the command line pointed at it."""
    story.settings = dataclasses.replace(story.settings, witnesses=(witness.vkey,))
    monkeypatch.setenv("TANDEM_DATABASE_URL", story.settings.database_url)
    monkeypatch.setenv("TANDEM_SIGNING_KEY", str(story.settings.signing_key_path))
    return story


@pytest.fixture
def served(log: Tandem) -> Iterator[str]:
    with app_in_thread(log) as url:
        yield url


def token(tandem: Tandem, person: str = "ralf") -> str:
    value, _ = tandem.app.issue_token(actor="kathi", person=person)
    tandem.catch_up()
    return value


def cosign(capsys: pytest.CaptureFixture[str], witness: Witness, log: Tandem,
           *source: str) -> tuple[int, str, str]:
    return run(capsys, "witness", "cosign", "--key", str(witness.key), "--state",
               str(witness.state), "--log-key", log.signer.verifier().text(), *source)


def add_person(tandem: Tandem, person: str) -> None:
    tandem.record(tandem.app.register_person, actor="kathi", person=person, name=person.title(),
                  unit="it", role="member")


def test_a_witness_cosigns_then_refuses_a_rewritten_log_and_says_why(
        log: Tandem, served: str, witness: Witness, capsys: pytest.CaptureFixture[str]) -> None:
    over_http = ("--url", served, "--token", token(log))
    code, cosigned, err = cosign(capsys, witness, log, *over_http)
    assert code == 0, err
    assert f"\u2014 {WITNESS} " in cosigned and "handed the cosignature" in err
    code, out, _ = run(capsys, "verify", "--witness", witness.vkey)
    assert code == 0 and f"witnessed by {WITNESS} up to" in out

    add_person(log, "eve")
    log.issue_checkpoint()
    code, _, err = cosign(capsys, witness, log, *over_http)  # a consistency proof, fetched
    assert code == 0, err
    state_before = witness.state.read_text()

    # Someone holding the database and the signing key rewrites the history, starts the
    # signer's memory afresh and signs the forged tree.
    raw = RawEvents(log.settings)
    raw.replace_in_state(b"Kathi Berger", b"Kathi Burger")
    log.runner.rebuild(["ledger"])
    log.signer.journal.path.unlink()
    raw.drop_checkpoints()
    add_person(log, "mallory")
    forged = log.issue_checkpoint()
    code, out, err = cosign(capsys, witness, log, *over_http)
    assert code == 1 and out == ""
    assert "Refused to cosign" in err and "does not extend" in err
    assert "history was rewritten" in err
    assert witness.state.read_text() == state_before  # the witness remembers the true log
    code, out, err = run(capsys, "verify", "--witness", witness.vkey)
    assert code == 1 and f"the checkpoint the witness {WITNESS} cosigned" in out + err

    # The same forged tree handed over as a file: refused as well.
    (witness.state.parent / "forged.txt").write_text(forged)
    code, _, err = cosign(capsys, witness, log, "--checkpoint",
                          str(witness.state.parent / "forged.txt"))
    assert code == 1 and "no consistency proof" in err


def test_a_witness_refuses_a_log_cut_back_and_a_checkpoint_of_another_log(
        log: Tandem, witness: Witness, capsys: pytest.CaptureFixture[str]) -> None:
    folder = witness.state.parent
    (folder / "cp.txt").write_text(log.issue_checkpoint())
    code, _, err = cosign(capsys, witness, log, "--checkpoint", str(folder / "cp.txt"))
    assert code == 0, err
    key = load_signing_key(log.settings.signing_key_path)
    signed = notes.parse((folder / "cp.txt").read_text())[0]
    shorter = notes.sign(notes.Checkpoint(signed.origin, signed.size - 5, signed.root), key)
    (folder / "short.txt").write_text(shorter)
    code, _, err = cosign(capsys, witness, log, "--checkpoint", str(folder / "short.txt"))
    assert code == 1 and "fewer than the" in err and "cut back" in err
    foreign = notes.sign(notes.Checkpoint("evil.example/log", signed.size, signed.root), key)
    (folder / "foreign.txt").write_text(foreign)
    code, _, err = cosign(capsys, witness, log, "--checkpoint", str(folder / "foreign.txt"))
    assert code == 1 and "for the log 'evil.example/log'" in err


def test_verify_with_a_witness_fails_while_the_witness_has_cosigned_nothing(
        log: Tandem, witness: Witness, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "verify", "--witness", witness.vkey)
    assert code == 1 and out.startswith("TAMPERED at the ledger: not witnessed")
    code, _, err = run(capsys, "verify", "--witness", "audit.example.org/w1+00000000+AAAA")
    assert code == 2 and "--witness" in err


def test_the_log_accepts_only_its_own_checkpoints_cosigned_by_a_witness_it_knows(
        log: Tandem, witness: Witness, tmp_path: Path) -> None:
    headers = {"Authorization": f"Bearer {token(log)}"}
    note = log.issue_checkpoint()
    key = load_signing_key(witness.key)
    stranger = tmp_path / "stranger.key"
    main(["witness", "init", "--key", str(stranger), "--name", "stranger.example/w"])
    from datetime import datetime, timezone

    from projections.ledger.witness import cosign as add_cosignature

    now = datetime.now(timezone.utc)
    good = add_cosignature(note, key, WITNESS, now)
    unknown = add_cosignature(note, load_signing_key(stranger), "stranger.example/w", now)
    broken = good[:-6] + ("A" if good[-6] != "A" else "B") + good[-5:]
    signed = notes.parse(note)[0]
    log_key = load_signing_key(log.settings.signing_key_path)
    foreign = add_cosignature(notes.sign(notes.Checkpoint("evil.example/log", signed.size,
                                                          signed.root), log_key), key, WITNESS, now)
    never = add_cosignature(notes.sign(notes.Checkpoint(signed.origin, signed.size,
                                                        b"\x01" * 32), log_key), key, WITNESS, now)
    with TestClient(create_app(log.settings, log)) as client:
        post = lambda text: client.post("/api/audit/cosignatures",  # noqa: E731
                                        json={"checkpoint": text}, headers=headers)
        for text, says in ((unknown, "no cosignature of a witness this log knows"),
                           (broken, "does not verify"), (foreign, "evil.example/log"),
                           (never, "never had a tree")):
            answer = post(text)
            assert answer.status_code == 422 and says in answer.json()["detail"], answer.json()
        assert client.get("/api/audit/checkpoint", headers=headers).json()["cosigned_by"] == []
        answer = post(good)
        assert answer.status_code == 201
        assert answer.json() == {"tree_size": signed.size, "cosigned_by": [WITNESS]}
        body = client.get("/api/audit/checkpoint", headers=headers).json()
    assert body["cosigned_by"] == [WITNESS] and body["checkpoint"] == good
    assert body["witnessed"] == good


def _spec_verify(note: str, vkey: str) -> int:
    """A cosignature checked by the letter of C2SP signed-note and tlog-cosignature, written
    here without the product's code: returns the cosignature's timestamp."""
    name, key_hash, material = vkey.split("+", 2)
    raw = base64.b64decode(material)
    assert raw[0] == 0x04 and len(raw) == 33
    assert hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4].hex() == key_hash
    text, _, block = note.rpartition("\n\n")
    for line in block.splitlines():
        prefix = f"\u2014 {name} "
        if not line.startswith(prefix):
            continue
        blob = base64.b64decode(line[len(prefix):])
        if blob[:4].hex() != key_hash:
            continue
        timestamp, = struct.unpack(">Q", blob[4:12])
        message = f"cosignature/v1\ntime {timestamp}\n{text}\n".encode()
        Ed25519PublicKey.from_public_bytes(raw[1:]).verify(blob[12:], message)
        return int(timestamp)
    raise AssertionError("no cosignature line of that key")


def test_a_cosignature_verifies_by_the_rules_of_the_spec(
        log: Tandem, witness: Witness, capsys: pytest.CaptureFixture[str]) -> None:
    (witness.state.parent / "cp.txt").write_text(log.issue_checkpoint())
    code, cosigned, _ = cosign(capsys, witness, log, "--checkpoint",
                               str(witness.state.parent / "cp.txt"))
    assert code == 0
    assert _spec_verify(cosigned, witness.vkey) > 1_700_000_000
    log_vkey = log.signer.verifier().text()
    name, key_hash, material = log_vkey.split("+", 2)
    assert name == log.settings.origin
    assert hashlib.sha256(name.encode() + b"\n" + base64.b64decode(material)).digest()[:4].hex() \
        == key_hash
