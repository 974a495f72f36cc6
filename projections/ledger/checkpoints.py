"""Signed checkpoints of the ledger: issuing them (by hand or when due) with the installation's
key, and reading them back. The signer is the one place that holds the private key.

The signer remembers what it signed in its journal (`journal.py`), outside the database. It
signs a tree only when that tree extends the journal's last checkpoint: it takes the right
edge of the tree it signed last, appends the leaves of the events stored since (recomputed
from the events themselves, not read from the ledger), and the result must be the ledger's
tree. A history rewritten in the database, a ledger emptied, cut back or rebuilt over altered
events: the signer refuses, logs why, and the audit routes answer 503 until it is resolved.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from projections.db import Connection, Database, Row
from projections.envelope import db_time
from projections.eventlog import EventLog
from projections.ledger import keys, merkle, notes
from projections.ledger.journal import Entry, Journal, JournalError, journal_path
from projections.ledger.notes import VerifierKey
from projections.ledger.projection import LedgerTree, leaf_of_row

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
BATCH = 5000
log = logging.getLogger("tandem.audit")


class SignerRefused(Exception):
    """The signer will not sign: the ledger does not extend what it signed before."""


def _rows(conn: Connection, events: EventLog, after: int, upto: int) -> Iterator[Row]:
    while True:
        rows = events.between(conn, after, upto, BATCH)
        yield from rows
        if len(rows) < BATCH:
            return
        after = int(rows[-1]["position"])


def _leaves(conn: Connection, events: EventLog, frontier: merkle.Frontier, after: int,
            upto: int) -> None:
    """Append the leaves of the stored events in (after, upto] to `frontier`."""
    for row in _rows(conn, events, after, upto):
        try:
            frontier.append(leaf_of_row(row))
        except (TypeError, ValueError) as error:
            raise SignerRefused(f"the event at position {row['position']} is unreadable "
                                f"({error}); nothing was signed") from None


def _last_position(tree: LedgerTree) -> int:
    last = tree.leaf_at_index(tree.size - 1) if tree.size else None
    return last[0] if last else 0


def extension(conn: Connection, events: EventLog,
              last: Entry) -> tuple[merkle.Frontier, LedgerTree]:
    """The tree that extends the journal's `last` checkpoint by the events stored since, and
    the ledger's tree; SignerRefused unless they are the same tree."""
    tree = LedgerTree(conn)
    signed = f"checkpoint #{last.seq} of {last.size} events ({last.issued_at[:19]})"
    if tree.size < last.size:
        what = "emptied" if tree.size == 0 else "cut back"
        raise SignerRefused(f"the ledger holds {tree.size} events, fewer than the signer's last "
                            f"{signed}: the ledger was {what}; nothing was signed")
    try:
        earlier = tree.root(last.size)
    except LookupError:
        earlier = b""
    if earlier != last.root:
        raise SignerRefused(f"the ledger's first {last.size} events no longer hash to the "
                            f"signer's last {signed}: the history was rewritten; nothing was "
                            "signed")
    try:
        frontier = merkle.Frontier.resume(last.size, last.frontier)
    except merkle.ProofError as error:
        raise JournalError(f"the journal's last entry has no usable right edge: {error}") from None
    upto = _last_position(tree)
    _leaves(conn, events, frontier, last.position, upto)
    if frontier.size != tree.size or frontier.root() != tree.root():
        raise SignerRefused(
            f"the ledger's events after the signer's last {signed} (positions "
            f"{last.position + 1} to {upto}) do not match the stored events: the ledger holds "
            f"{tree.size - last.size} there, the log {frontier.size - last.size}, or they differ; "
            "nothing was signed")
    return frontier, tree


def checkpoint_due(db: Database, every_events: int, every_minutes: float, now: datetime,
                   last: Entry | None = None) -> bool:
    """True when the ledger grew by `every_events`, or grew at all and `every_minutes` passed."""
    with db.connect() as conn:
        size = LedgerTree(conn).size
        if last is None:
            row = conn.one(SELECT_LATEST)
            if row is None:
                return size > 0
            last_size, issued = int(row["size"]), str(row["issued_at"])
        else:
            last_size, issued = last.size, last.issued_at
    grown = size - last_size
    if grown <= 0:
        return False
    age = now - datetime.fromisoformat(issued)
    return grown >= every_events or age >= timedelta(minutes=every_minutes)


def latest_checkpoint(db: Database) -> dict[str, Any] | None:
    with db.connect() as conn:
        return conn.one(SELECT_LATEST)


class Signer:
    """Issues the installation's checkpoints with its key file and its journal (both outside
    the database)."""

    def __init__(self, db: Database, key_path: Path, origin: str):
        self.db = db
        self.key_path = Path(key_path)
        self.origin = origin
        self.journal = Journal(journal_path(self.key_path))
        self.events = EventLog(db.storage)
        self.refusal: str | None = None

    @property
    def has_key(self) -> bool:
        return self.key_path.exists()

    def public_key(self) -> Ed25519PublicKey:
        return keys.log_public_key(self.key_path)

    def verifier(self) -> VerifierKey:
        return VerifierKey(self.origin, self.public_key())

    def latest(self) -> dict[str, Any] | None:
        """The newest checkpoint: the journal's, or (before the first journaled one) the
        database's."""
        last = self.journal.last()
        if last is not None:
            return {"seq": last.seq, "size": last.size, "root": last.root.hex(),
                    "issued_at": last.issued_at, "note": last.note}
        return latest_checkpoint(self.db)

    def issue(self, now: datetime) -> str:
        """Sign and keep the ledger's current tree head; returns the signed note.
        SignerRefused (and an error in the log) when the tree does not extend the journal's."""
        key = keys.load_signing_key(self.key_path)
        try:
            note = self._issue(key, now)
        except SignerRefused as error:
            self.refusal = str(error)
            log.error("The audit signer refused to sign: %s", error)
            raise
        self.refusal = None
        return note

    def issue_if_due(self, now: datetime, every_events: int, every_minutes: float) -> str | None:
        """A checkpoint every N events or M minutes; quiet without a key file."""
        if not self.has_key or not checkpoint_due(self.db, every_events, every_minutes, now,
                                                  self.journal.last()):
            return None
        return self.issue(now)

    def check(self) -> None:
        """SignerRefused when the ledger no longer extends the journal's last checkpoint (what
        the audit routes ask before they answer)."""
        last = self.journal.last()
        if last is None:
            return
        with self.db.connect() as conn:
            extension(conn, self.events, last)
        self.refusal = None

    def _issue(self, key: Ed25519PrivateKey, now: datetime) -> str:
        # The journal's lock is held until the database commits, so whoever reads the journal
        # under its lock sees exactly the checkpoints the database holds.
        with self.journal.locked(), self.db.connect() as conn, conn.transaction():
            if conn.backend == "postgres":
                conn.execute(LOCK_CHECKPOINTS)
            last = self.journal.last()
            if last is None:
                last = self._start_journal(conn, key)
            frontier, tree = (extension(conn, self.events, last) if last is not None
                              else self._whole_tree(conn))
            root = frontier.root()
            note = notes.sign(notes.Checkpoint(self.origin, tree.size, root), key)
            seq = max(int(conn.scalar(SELECT_NEXT_SEQ)), last.seq + 1 if last else 1)
            issued = db_time(now)
            conn.execute(INSERT_CHECKPOINT, (seq, tree.size, root.hex(), issued, note))
            self.journal.append(Entry(seq, tree.size, root, _last_position(tree), issued, note,
                                      tuple(frontier.edge())))
        return note

    def _whole_tree(self, conn: Connection) -> tuple[merkle.Frontier, LedgerTree]:
        tree = LedgerTree(conn)
        frontier = merkle.Frontier()
        _leaves(conn, self.events, frontier, 0, _last_position(tree))
        if frontier.size != tree.size or frontier.root() != tree.root():
            raise SignerRefused(f"the ledger ({tree.size} events) does not match the "
                                f"{frontier.size} stored events it covers; nothing was signed")
        return frontier, tree

    def _start_journal(self, conn: Connection, key: Ed25519PrivateKey) -> Entry | None:
        """A first journal for a log signed before it had one: the checkpoints in the
        database are taken over, each only after its signature and its root were checked
        against the stored events."""
        rows = conn.all(SELECT_CHECKPOINTS)
        if not rows:
            return None
        frontier, tree = self._whole_tree(conn)
        del frontier
        wanted = {int(r["size"]) for r in rows}
        roots: dict[int, bytes] = {0: merkle.EMPTY_ROOT}
        positions: dict[int, int] = {0: 0}
        edges: dict[int, tuple[tuple[int, bytes], ...]] = {0: ()}
        replay = merkle.Frontier()
        for row in _rows(conn, self.events, 0, _last_position(tree)):
            replay.append(leaf_of_row(row))
            if replay.size in wanted:
                roots[replay.size] = replay.root()
                positions[replay.size] = int(row["position"])
                edges[replay.size] = tuple(replay.edge())
        entry = None
        public = key.public_key()
        for row in rows:
            try:
                signed = notes.verify(row["note"], public, self.origin)
            except notes.CheckpointError as error:
                raise SignerRefused(f"checkpoint #{row['seq']} in the database is not this log's "
                                    f"({error}); no journal was started and nothing was "
                                    "signed") from None
            if roots.get(signed.size) != signed.root:
                raise SignerRefused(f"the stored events no longer hash to checkpoint "
                                    f"#{row['seq']} ({signed.size} events); no journal was "
                                    "started and nothing was signed")
            entry = Entry(int(row["seq"]), signed.size, signed.root, positions[signed.size],
                          str(row["issued_at"]), str(row["note"]), edges[signed.size])
            self.journal.append(entry)
        log.warning("Started the signer's journal %s with the %d checkpoints in the database.",
                    self.journal.path, len(rows))
        return entry
