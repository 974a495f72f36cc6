"""The audit ledger: an append-only RFC 6962 Merkle tree over the global event log.

Leaf i is the i-th stored event in log order. Besides the leaf hashes the projection keeps
every complete subtree (height h, index j covers leaves [j·2^h, (j+1)·2^h)), so an append
writes O(log n) rows and a root or proof reads O(log n) of them. Checkpoints and the witnesses'
cosignatures live in the same database but are not derived from the log: a rebuild replays the
leaves and keeps them.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from projections.db import Connection, Row
from projections.envelope import Envelope
from projections.ledger import merkle
from projections.ledger.witness import COSIGNATURES_DDL
from projections.projection import Projection

NAME = "ledger"
LEDGER_DDL = [
    "CREATE TABLE IF NOT EXISTS tandem_ledger_leaves (idx BIGINT PRIMARY KEY, "
    "position BIGINT NOT NULL UNIQUE, leaf TEXT NOT NULL, originator_id TEXT NOT NULL, "
    "version BIGINT NOT NULL, topic TEXT NOT NULL, state_digest TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS tandem_ledger_nodes (height INTEGER NOT NULL, idx BIGINT NOT NULL, "
    "hash TEXT NOT NULL, PRIMARY KEY (height, idx))",
    "CREATE TABLE IF NOT EXISTS tandem_checkpoints (seq BIGINT PRIMARY KEY, size BIGINT NOT NULL, "
    "root TEXT NOT NULL, issued_at TEXT NOT NULL, note TEXT NOT NULL)",
    COSIGNATURES_DDL,
]
SELECT_SIZE = "SELECT MAX(idx) FROM tandem_ledger_leaves"
SELECT_LEAF_HASH = "SELECT leaf FROM tandem_ledger_leaves WHERE idx = ?"
SELECT_NODE = "SELECT hash FROM tandem_ledger_nodes WHERE height = ? AND idx = ?"
INSERT_LEAF = (
    "INSERT INTO tandem_ledger_leaves (idx, position, leaf, originator_id, version, topic, "
    "state_digest) VALUES (?, ?, ?, ?, ?, ?, ?)"
)
INSERT_NODE = "INSERT INTO tandem_ledger_nodes (height, idx, hash) VALUES (?, ?, ?)"
SELECT_LEAVES = (
    "SELECT idx, position, leaf, originator_id, version, topic, state_digest "
    "FROM tandem_ledger_leaves WHERE idx >= ? ORDER BY idx LIMIT ?"
)
SELECT_LEAF_HASHES = (
    "SELECT position, leaf FROM tandem_ledger_leaves WHERE idx >= ? ORDER BY idx LIMIT ?"
)
SELECT_LEAF_BY_POSITION = "SELECT idx, leaf FROM tandem_ledger_leaves WHERE position = ?"
SELECT_LEAF_BY_INDEX = "SELECT idx, position, leaf FROM tandem_ledger_leaves WHERE idx = ?"


def canonical_bytes(position: int, originator_id: UUID | str, version: int, topic: str,
                    state: bytes) -> bytes:
    """The bytes a leaf commits to; docs/audit.md spells the layout out for auditors."""
    if not isinstance(originator_id, UUID):
        originator_id = UUID(originator_id)
    topic_bytes = topic.encode("utf-8")
    return (struct.pack(">Q", position) + originator_id.bytes + struct.pack(">Q", version)
            + struct.pack(">I", len(topic_bytes)) + topic_bytes
            + struct.pack(">Q", len(state)) + state)


def leaf_of_row(row: Row) -> bytes:
    """The leaf hash of a stored-event row, straight from its columns (the verify hot path);
    the same bytes as `canonical_bytes`."""
    originator = row["originator_id"]
    ident = originator.bytes if isinstance(originator, UUID) else \
        bytes.fromhex(str(originator).replace("-", ""))
    topic = row["topic"].encode("utf-8")
    state = bytes(row["state"])
    return hashlib.sha256(
        b"\x00" + struct.pack(">Q", int(row["position"])) + ident
        + struct.pack(">QI", int(row["originator_version"]), len(topic)) + topic
        + struct.pack(">Q", len(state)) + state).digest()


@dataclass(frozen=True)
class LeafFacts:
    """One event as the ledger sees it: its leaf hash and what tells changes apart."""

    position: int
    leaf: bytes
    originator_id: str
    version: int
    topic: str
    state_digest: str

    @classmethod
    def of(cls, position: int, raw: StoredEvent) -> LeafFacts:
        leaf = merkle.leaf_hash(canonical_bytes(position, raw.originator_id,
                                                raw.originator_version, raw.topic, raw.state))
        return cls(position, leaf, UUID(str(raw.originator_id)).hex, raw.originator_version, raw.topic,
                   hashlib.sha256(raw.state).hexdigest())

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> LeafFacts:
        return cls(int(row["position"]), bytes.fromhex(row["leaf"]), row["originator_id"],
                   int(row["version"]), row["topic"], row["state_digest"])


def ledger_size(conn: Connection) -> int:
    last = conn.scalar(SELECT_SIZE)
    return 0 if last is None else int(last) + 1


def stored_hash(conn: Connection, height: int, idx: int) -> bytes:
    if height == 0:
        value = conn.scalar(SELECT_LEAF_HASH, (idx,))
    else:
        value = conn.scalar(SELECT_NODE, (height, idx))
    if value is None:
        raise LookupError(f"the ledger has no subtree of height {height} at {idx}")
    return bytes.fromhex(value)


class LedgerProjection(Projection):
    """Appends one leaf per event, and the subtrees that leaf completes."""

    name = NAME
    ddl = LEDGER_DDL
    tables = ("tandem_ledger_leaves", "tandem_ledger_nodes")

    def __init__(self) -> None:
        self._size: int | None = None
        self._recent: dict[tuple[int, int], bytes] = {}

    def begin(self, tx: Connection) -> None:
        """Read the tree size and its right edge once per batch: appending a leaf only ever
        joins it with complete subtrees on the right edge, and those made in the batch stay
        in memory."""
        self._size = size = ledger_size(tx)
        self._recent = {}
        for height in range(size.bit_length()):
            if size >> height & 1:
                index = (size >> height) - 1
                self._recent[(height, index)] = stored_hash(tx, height, index)

    def _hash(self, tx: Connection, height: int, idx: int) -> bytes:
        known = self._recent.get((height, idx))
        return known if known is not None else stored_hash(tx, height, idx)

    def apply(self, tx: Connection, event: Envelope, raw: StoredEvent) -> None:
        facts = LeafFacts.of(event.position, raw)
        index = ledger_size(tx) if self._size is None else self._size
        self._size = index + 1
        tx.execute(INSERT_LEAF, (index, facts.position, facts.leaf.hex(), facts.originator_id,
                                 facts.version, facts.topic, facts.state_digest))
        self._recent[(0, index)] = facts.leaf
        height, current, count = 0, facts.leaf, index + 1
        while count % (2 << height) == 0:
            left = self._hash(tx, height, (count >> height) - 2)
            current = merkle.node_hash(left, current)
            height += 1
            self._recent[(height, (count >> height) - 1)] = current
            tx.execute(INSERT_NODE, (height, (count >> height) - 1, current.hex()))


class LedgerTree:
    """Roots and proofs read from the stored subtrees, within one connection."""

    def __init__(self, conn: Connection):
        self.conn = conn
        self.size = ledger_size(conn)

    def subtree(self, lo: int, hi: int) -> bytes:
        width = hi - lo
        if width & (width - 1) == 0 and lo % width == 0:
            height = width.bit_length() - 1
            return stored_hash(self.conn, height, lo >> height)
        k = merkle.split(width)
        return merkle.node_hash(self.subtree(lo, lo + k), self.subtree(lo + k, hi))

    def root(self, size: int | None = None) -> bytes:
        size = self.size if size is None else size
        if size > self.size:
            raise merkle.ProofError(f"the ledger holds {self.size} leaves, not {size}")
        return merkle.root_of(self.subtree, size)

    def inclusion(self, index: int, size: int) -> list[bytes]:
        if size > self.size:
            raise merkle.ProofError(f"the ledger holds {self.size} leaves, not {size}")
        return merkle.inclusion_proof(self.subtree, index, size)

    def consistency(self, size1: int, size2: int) -> list[bytes]:
        if size2 > self.size:
            raise merkle.ProofError(f"the ledger holds {self.size} leaves, not {size2}")
        return merkle.consistency_proof(self.subtree, size1, size2)

    def leaf_at_position(self, position: int) -> tuple[int, bytes] | None:
        row = self.conn.one(SELECT_LEAF_BY_POSITION, (position,))
        return None if row is None else (int(row["idx"]), bytes.fromhex(row["leaf"]))

    def leaf_at_index(self, index: int) -> tuple[int, bytes] | None:
        """(position, leaf hash) of leaf `index`."""
        row = self.conn.one(SELECT_LEAF_BY_INDEX, (index,))
        return None if row is None else (int(row["position"]), bytes.fromhex(row["leaf"]))
