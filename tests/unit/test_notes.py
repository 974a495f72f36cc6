"""Signed notes and checkpoints by the letter of C2SP signed-note, tlog-checkpoint and
tlog-cosignature, checked against published vectors of the Go reference implementation."""

from __future__ import annotations

import base64
import re

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from projections.ledger import notes
from web.cli import main
from web.settings import Settings, SettingsError

# golang.org/x/mod/sumdb/note's documented example key and note.
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_TEXT = ("If you think cryptography is the answer to your problem,\n"
           "then you don't know what your problem is.\n")
GO_LINE = ("\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNX"
           "gKvqfqdngotpRZb6KE6RyyBwJnAM=\n")
# transparency-dev/formats: a native Ed25519 cosignature/v1 (type 0x04) verifier key.
COSIGNER_VKEY = "remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2"
ROOT = base64.b64decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=")
SIG = "\u2014 a " + base64.b64encode(bytes(68)).decode()


def go_key() -> Ed25519PrivateKey:
    seed = base64.b64decode(GO_SKEY.split("+", 4)[4])[1:]
    return Ed25519PrivateKey.from_private_bytes(seed)


def test_our_ed25519_note_signature_is_the_reference_implementations_byte_for_byte() -> None:
    assert notes.signature_line(GO_TEXT, "PeterNeumann", go_key()) == GO_LINE
    vkey = notes.parse_verifier_key(GO_VKEY)
    assert vkey.key_id.hex() == "c74f20a3" and vkey.text() == GO_VKEY
    text, signatures = notes.split(GO_TEXT + "\n" + GO_LINE)
    assert text == GO_TEXT and signatures[0].key_id == vkey.key_id
    vkey.key.verify(signatures[0].blob[4:], text.encode())


def test_a_cosigner_key_id_is_computed_with_signature_type_4() -> None:
    vkey = notes.parse_verifier_key(COSIGNER_VKEY, notes.COSIGNATURE_V1)
    assert vkey.kind == 0x04 and vkey.key_id.hex() == "da77ade7"
    with pytest.raises(notes.CheckpointError, match="signature type 0x04, not 0x01"):
        notes.parse_verifier_key(COSIGNER_VKEY, notes.ED25519)
    with pytest.raises(notes.CheckpointError, match="key id that does not match"):
        notes.parse_verifier_key(COSIGNER_VKEY.replace("da77ade7", "da77ade8"))


def test_a_checkpoint_counts_only_under_the_expected_origin_and_key_name() -> None:
    key = Ed25519PrivateKey.generate()
    ours = notes.sign(notes.Checkpoint("tandem.local/log", 7, ROOT), key)
    assert notes.verify(ours, key.public_key(), "tandem.local/log").size == 7
    evil = notes.sign(notes.Checkpoint("evil.example/log", 7, ROOT), key)
    with pytest.raises(notes.CheckpointError, match="for the log 'evil.example/log', not for"):
        notes.verify(evil, key.public_key(), "tandem.local/log")
    body = notes.Checkpoint("tandem.local/log", 7, ROOT).body()
    renamed = body + "\n" + notes.signature_line(body, "evil.example/log", key)
    with pytest.raises(notes.CheckpointError, match="no signature by the log's key under the name"):
        notes.verify(renamed, key.public_key(), "tandem.local/log")
    forged = ours.replace(ours.split(" ")[-1], base64.b64encode(
        notes.key_id("tandem.local/log", key.public_key()) + b"\0" * 64).decode() + "\n")
    with pytest.raises(notes.CheckpointError, match="does not verify"):
        notes.verify(forged, key.public_key(), "tandem.local/log")


@pytest.mark.parametrize("note, says", [
    ("tandem.local/log\n066\n" + base64.b64encode(ROOT).decode() + "\n\n" + SIG + "\n",
     "not a decimal number"),
    ("tandem.local/log\n66\n" + base64.b64encode(ROOT).decode() + "\n\n" + SIG,
     "ends with a newline"),
    ("tandem.local/log\n66\n" + base64.b64encode(ROOT).decode() + "\n\n", "at least one"),
    ("tandem.local/log\n66\n" + base64.b64encode(ROOT[:31]).decode() + "\n\n" + SIG + "\n",
     "not 32 bytes"),
    ("tandem.local/log\r\n66\n" + base64.b64encode(ROOT).decode() + "\n\n" + SIG + "\n",
     "control characters"),
    ("tandem.local/log\n66\n" + base64.b64encode(ROOT).decode() + "\n\n- a AAAAAA==\n",
     "not a signature line"),
])
def test_malformed_notes_are_refused_with_the_rule_they_break(note: str, says: str) -> None:
    with pytest.raises(notes.CheckpointError, match=says):
        notes.parse(note)


@pytest.mark.parametrize("origin, says", [("tandem local/log", "contains a space"),
                                          ("tandem+local/log", "contains '+'"),
                                          ("", "is empty"),
                                          ("tandem\u00a0local", "contains a space")])
def test_the_log_origin_is_checked_when_the_settings_are_read(origin: str, says: str) -> None:
    with pytest.raises(SettingsError, match=f"TANDEM_LOG_ORIGIN: .*{re.escape(says)}"):
        Settings(origin=origin)


def test_a_bad_origin_stops_a_command_with_a_sentence(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("TANDEM_LOG_ORIGIN", "our log")
    assert main(["checkpoint"]) == 2
    assert "TANDEM_LOG_ORIGIN: The log origin 'our log' contains a space" in \
        capsys.readouterr().err


def test_a_witness_key_in_the_settings_must_be_a_cosignature_key() -> None:
    assert Settings(witnesses=(COSIGNER_VKEY,)).witness_keys["remora.n621.de"].kind == 0x04
    with pytest.raises(SettingsError, match="TANDEM_WITNESSES: .*signature type 0x01"):
        Settings(witnesses=(GO_VKEY,))
