"""Signed checkpoints of the ledger: issuing them (by hand or when due) with the installation's
key, and reading them back. The signer is the one place that holds the private key."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from projections.db import Database
from projections.envelope import db_time
from projections.ledger import keys, notes
from projections.ledger.projection import LedgerTree

SELECT_CHECKPOINTS = "SELECT seq, size, root, issued_at, note FROM tandem_checkpoints ORDER BY seq"
SELECT_LATEST = (
    "SELECT seq, size, root, issued_at, note FROM tandem_checkpoints ORDER BY seq DESC LIMIT 1"
)
SELECT_NEXT_SEQ = "SELECT COALESCE(MAX(seq), 0) + 1 FROM tandem_checkpoints"
INSERT_CHECKPOINT = (
    "INSERT INTO tandem_checkpoints (seq, size, root, issued_at, note) VALUES (?, ?, ?, ?, ?)"
)
# Checkpoints are numbered in order; on PostgreSQL, writers issuing at once take turns (SQLite's
# write lock, taken at BEGIN, does the same there).
LOCK_CHECKPOINTS = "SELECT pg_advisory_xact_lock(7406171, 1)"


def issue_checkpoint(db: Database, origin: str, key: Ed25519PrivateKey, now: datetime) -> str:
    """Sign the ledger's current tree head and keep it; returns the signed note."""
    with db.connect() as conn, conn.transaction():
        if conn.backend == "postgres":
            conn.execute(LOCK_CHECKPOINTS)
        tree = LedgerTree(conn)
        note = notes.sign(notes.Checkpoint(origin, tree.size, tree.root()), key)
        seq = int(conn.scalar(SELECT_NEXT_SEQ))
        conn.execute(INSERT_CHECKPOINT, (seq, tree.size, tree.root().hex(), db_time(now), note))
    return note


def latest_checkpoint(db: Database) -> dict[str, Any] | None:
    with db.connect() as conn:
        return conn.one(SELECT_LATEST)


def checkpoint_due(db: Database, every_events: int, every_minutes: float, now: datetime) -> bool:
    """True when the ledger grew by `every_events`, or grew at all and `every_minutes` passed."""
    with db.connect() as conn:
        size = LedgerTree(conn).size
        last = conn.one(SELECT_LATEST)
    if last is None:
        return size > 0
    grown = size - int(last["size"])
    if grown <= 0:
        return False
    age = now - datetime.fromisoformat(last["issued_at"])
    return grown >= every_events or age >= timedelta(minutes=every_minutes)


class Signer:
    """Issues the installation's checkpoints with its key file (outside the database)."""

    def __init__(self, db: Database, key_path: Path, origin: str):
        self.db = db
        self.key_path = Path(key_path)
        self.origin = origin

    @property
    def has_key(self) -> bool:
        return self.key_path.exists()

    def public_key(self) -> Ed25519PublicKey:
        return keys.log_public_key(self.key_path)

    def issue(self, now: datetime) -> str:
        """Sign and keep the ledger's current tree head; returns the signed note."""
        return issue_checkpoint(self.db, self.origin, keys.load_signing_key(self.key_path), now)

    def issue_if_due(self, now: datetime, every_events: int, every_minutes: float) -> str | None:
        """A checkpoint every N events or M minutes; quiet without a key file."""
        if not self.has_key or not checkpoint_due(self.db, every_events, every_minutes, now):
            return None
        return self.issue(now)
