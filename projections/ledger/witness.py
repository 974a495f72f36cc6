"""Witnesses: independent parties that cosign the log's checkpoints after checking that each
extends the last one they cosigned (C2SP tlog-cosignature, Ed25519 `cosignature/v1`).

A witness line is a signed-note signature line: `— <witness name> base64(key id ‖ timestamp ‖
signature)`, where the key id is SHA-256(name ‖ "\\n" ‖ 0x04 ‖ public key)[:4], the timestamp
is 8 bytes big-endian (POSIX seconds) and the Ed25519 signature covers

    cosignature/v1
    time <timestamp>
    <the checkpoint's note text>

A witness keeps its own state (the newest checkpoint it cosigned per log), so a log that
rewrites or cuts back its history cannot get a cosignature again. The log keeps the
cosignatures it received (`tandem_cosignatures`) and serves them with its checkpoints.
"""

from __future__ import annotations

import base64
import json
import os
import struct
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from projections.db import Connection
from projections.envelope import db_time
from projections.ledger import merkle, notes
from projections.ledger.notes import COSIGNATURE_V1, SIGNATURE_PREFIX, VerifierKey

COSIGNATURES_DDL = (
    "CREATE TABLE IF NOT EXISTS tandem_cosignatures (size BIGINT NOT NULL, root TEXT NOT NULL, "
    "witness TEXT NOT NULL, line TEXT NOT NULL, note TEXT NOT NULL, received_at TEXT NOT NULL, "
    "PRIMARY KEY (size, witness))"
)
SELECT_COSIGNATURES = (
    "SELECT size, root, witness, line FROM tandem_cosignatures WHERE witness = ? ORDER BY size"
)
SELECT_COSIGNATURES_AT = (
    "SELECT witness, line FROM tandem_cosignatures WHERE size = ? AND root = ? ORDER BY witness"
)
SELECT_LATEST_COSIGNED = "SELECT MAX(size) FROM tandem_cosignatures"
DELETE_COSIGNATURE = "DELETE FROM tandem_cosignatures WHERE size = ? AND witness = ?"
INSERT_COSIGNATURE = (
    "INSERT INTO tandem_cosignatures (size, root, witness, line, note, received_at) "
    "VALUES (?, ?, ?, ?, ?, ?)"
)
SELECT_AT_SIZE = "SELECT note, line FROM tandem_cosignatures WHERE size = ? ORDER BY witness"
TABLE_EXISTS = {
    "sqlite": "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?",
    "postgres": "SELECT COUNT(*) FROM information_schema.tables "
                "WHERE table_schema = current_schema() AND table_name = ?",
}


class WitnessRefused(Exception):
    """The witness will not cosign: the checkpoint does not extend what it cosigned before."""


class CosignatureRejected(ValueError):
    """A cosigned checkpoint the log does not accept."""


@dataclass(frozen=True)
class Cosigned:
    """A valid cosignature of a checkpoint of the log."""

    witness: str
    size: int
    root: bytes
    when: datetime
    line: str


def message(text: str, timestamp: int) -> bytes:
    """What an Ed25519 cosignature/v1 signs."""
    return f"cosignature/v1\ntime {timestamp}\n{text}".encode()


def cosign(note: str, key: Ed25519PrivateKey, name: str, now: datetime) -> str:
    """`note` with this witness's cosignature line added."""
    notes.check_key_name(name, "witness name")
    text, _ = notes.split(note)
    timestamp = int(now.timestamp())
    signature = key.sign(message(text, timestamp))
    kid = notes.key_id(name, key.public_key(), COSIGNATURE_V1)
    blob = base64.b64encode(kid + struct.pack(">Q", timestamp) + signature).decode()
    return f"{note}{SIGNATURE_PREFIX}{name} {blob}\n"


def cosignature(note: str, witness: VerifierKey) -> Cosigned | None:
    """The witness's valid cosignature on `note`, None if it has none; CheckpointError if a
    line names the witness's key but does not verify."""
    checkpoint, text, signatures = notes.parse(note)
    for signature in signatures:
        if signature.name != witness.name or signature.key_id != witness.key_id:
            continue
        if len(signature.blob) != 4 + 8 + 64:
            raise notes.CheckpointError(f"the cosignature of '{witness.name}' is malformed")
        timestamp, = struct.unpack(">Q", signature.blob[4:12])
        try:
            witness.key.verify(signature.blob[12:], message(text, timestamp))
        except InvalidSignature:
            raise notes.CheckpointError(f"the cosignature of '{witness.name}' does not "
                                        "verify") from None
        return Cosigned(witness.name, checkpoint.size, checkpoint.root,
                        datetime.fromtimestamp(timestamp, timezone.utc), signature.line)
    return None


# -- the witness's side --------------------------------------------------------------------


class WitnessState:
    """The newest checkpoint a witness cosigned, per log origin, in a JSON file of its own."""

    def __init__(self, path: Path):
        self.path = Path(path)

    def load(self) -> dict[str, Any]:
        try:
            data: dict[str, Any] = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        return data

    def last(self, origin: str) -> dict[str, Any] | None:
        found: dict[str, Any] | None = self.load().get(origin)
        return found

    def save(self, origin: str, checkpoint: notes.Checkpoint, note: str, now: datetime) -> None:
        """Remember the checkpoint, atomically and synced to disk."""
        data = self.load()
        data[origin] = {"size": checkpoint.size,
                        "root": base64.b64encode(checkpoint.root).decode(),
                        "note": note, "cosigned_at": now.isoformat()}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        scratch = self.path.with_name(self.path.name + ".new")
        fd = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(json.dumps(data, indent=2) + "\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(scratch, self.path)


def check_extends(signed: notes.Checkpoint, last: dict[str, Any] | None,
                  proof: list[bytes] | None) -> None:
    """WitnessRefused unless `signed` extends the checkpoint the witness cosigned `last`."""
    if last is None:
        return
    size, root, when = int(last["size"]), base64.b64decode(last["root"]), last["cosigned_at"]
    before = f"the {size} events this witness cosigned on {when[:19]}"
    if signed.size < size:
        raise WitnessRefused(f"the log now presents {signed.size} events, fewer than {before}: "
                             "the log was cut back or rewritten")
    if signed.size == size:
        if signed.root != root:
            raise WitnessRefused(f"the log presents a different root for {before}: the history "
                                 "was rewritten")
        return
    if proof is None:
        raise WitnessRefused(f"no consistency proof from {before} to {signed.size} events")
    try:
        merkle.verify_consistency(size, signed.size, proof, root, signed.root)
    except merkle.ProofError as error:
        raise WitnessRefused(f"the log's checkpoint of {signed.size} events does not extend "
                             f"{before} ({error}): the history was rewritten") from None


# -- the log's side ------------------------------------------------------------------------


def has_table(conn: Connection) -> bool:
    return bool(conn.scalar(TABLE_EXISTS[conn.backend], ("tandem_cosignatures",)))


def accept(conn: Connection, note: str, log: VerifierKey, witnesses: dict[str, VerifierKey],
           root_of: Any, now: datetime) -> list[Cosigned]:
    """Keep the configured witnesses' cosignatures of one of the log's own checkpoints.

    `root_of(size)` is the ledger's root at that size (LookupError/ProofError beyond it)."""
    try:
        signed = notes.verify(note, log.key, log.name)
    except notes.CheckpointError as error:
        raise CosignatureRejected(f"Not a checkpoint of this log: {error}.") from None
    try:
        ours = root_of(signed.size)
    except (LookupError, merkle.ProofError):
        ours = None
    if ours != signed.root:
        raise CosignatureRejected(f"This log never had a tree of {signed.size} events with that "
                                  "root.")
    found: list[Cosigned] = []
    for key in witnesses.values():
        try:
            cosigned = cosignature(note, key)
        except notes.CheckpointError as error:
            raise CosignatureRejected(f"{str(error).capitalize()}.") from None
        if cosigned is not None:
            found.append(cosigned)
    if not found:
        names = ", ".join(sorted(witnesses)) or "none is configured (TANDEM_WITNESSES)"
        raise CosignatureRejected(f"The checkpoint carries no cosignature of a witness this log "
                                  f"knows ({names}).")
    text, signatures = notes.split(note)
    own = next(s.line for s in signatures
               if s.name == log.name and s.key_id == log.key_id)
    conn.execute(COSIGNATURES_DDL)
    root = signed.root.hex()
    for cosigned in found:
        conn.execute(DELETE_COSIGNATURE, (cosigned.size, cosigned.witness))
        conn.execute(INSERT_COSIGNATURE, (cosigned.size, root, cosigned.witness,
                                          cosigned.line, f"{text}\n{own}", db_time(now)))
    return found


def stored_cosignatures(conn: Connection, log: VerifierKey,
                        witness: VerifierKey) -> list[Cosigned]:
    """The witness's cosignatures the log holds that verify (others are ignored)."""
    if not has_table(conn):
        return []
    found = []
    for row in conn.all(SELECT_COSIGNATURES, (witness.name,)):
        body = notes.Checkpoint(log.name, int(row["size"]), bytes.fromhex(row["root"])).body()
        try:
            cosigned = cosignature(f"{body}\n{row['line']}", witness)
        except notes.CheckpointError:
            continue
        if cosigned is not None:
            found.append(cosigned)
    return found


def with_cosignatures(conn: Connection, note: str) -> tuple[str, list[str]]:
    """The note with the cosignature lines the log holds for its tree, and their names."""
    if not has_table(conn):
        return note, []
    checkpoint = notes.parse(note)[0]
    rows = conn.all(SELECT_COSIGNATURES_AT, (checkpoint.size, checkpoint.root.hex()))
    return note + "".join(str(r["line"]) for r in rows), [str(r["witness"]) for r in rows]


def latest_cosigned(conn: Connection) -> str | None:
    """The newest checkpoint that carries a stored cosignature, with all of its cosignatures."""
    if not has_table(conn):
        return None
    size = conn.scalar(SELECT_LATEST_COSIGNED)
    if size is None:
        return None
    rows = conn.all(SELECT_AT_SIZE, (int(size),))
    return str(rows[0]["note"]) + "".join(str(r["line"]) for r in rows)
