"""Checkpoints and verification of the audit ledger.

`verify_log` trusts nothing in the database: it recomputes every leaf from the stored events,
compares them with the ledger's leaves, recomputes the roots the signed checkpoints commit to,
and, given an auditor's earlier checkpoint, checks a consistency proof from it. The first
difference is located (a log position) and named (what kind of change it looks like).
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from projections.db import Connection, Database, Row
from projections.eventlog import EventLog, stored_event
from projections.ledger import merkle, notes
from projections.ledger.checkpoints import SELECT_CHECKPOINTS
from projections.ledger.projection import (
    NAME,
    SELECT_LEAF_HASHES,
    SELECT_LEAVES,
    LeafFacts,
    LedgerTree,
    leaf_of_row,
)

SELECT_LEDGER_POSITION = "SELECT position FROM tandem_tracking WHERE name = ?"
BATCH = 5000
Progress = Callable[[int], None]


@dataclass(frozen=True)
class Finding:
    position: int | None
    kind: str
    detail: str

    def line(self) -> str:
        where = f"position {self.position}" if self.position is not None else "the ledger"
        return f"{where}: {self.kind} — {self.detail}"


@dataclass
class Verification:
    events: int = 0
    size: int = 0
    root: bytes = merkle.EMPTY_ROOT
    pending: int = 0
    checkpoints: int = 0
    elapsed: float = 0.0
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def rate(self) -> float:
        return self.events / self.elapsed if self.elapsed > 0 else float("inf")

    def summary(self) -> str:
        if not self.ok:
            return f"TAMPERED at {self.findings[0].line()}"
        pending = f", {self.pending} not yet in the ledger" if self.pending else ""
        return (f"intact: {self.events} events, tree size {self.size}, root "
                f"{base64.b64encode(self.root).decode()}, {self.checkpoints} signed checkpoint(s) "
                f"verified{pending}; {self.rate:,.0f} events/s")


def _rows(log: EventLog, conn: Connection, upto: int) -> Iterator[Row]:
    after = 0
    while True:
        rows = log.between(conn, after, upto, BATCH)
        yield from rows
        if len(rows) < BATCH:
            return
        after = int(rows[-1]["position"])


def _ledger_hashes(conn: Connection) -> tuple[list[int], list[bytes]]:
    """Position and leaf hash of every ledger leaf, in leaf order."""
    positions: list[int] = []
    leaves: list[bytes] = []
    while True:
        rows = conn.all(SELECT_LEAF_HASHES, (len(leaves), BATCH))
        positions += [int(r["position"]) for r in rows]
        leaves += [bytes.fromhex(r["leaf"]) for r in rows]
        if len(rows) < BATCH:
            return positions, leaves


def _ledger(conn: Connection) -> list[LeafFacts]:
    leaves: list[LeafFacts] = []
    while True:
        rows = conn.all(SELECT_LEAVES, (len(leaves), BATCH))
        leaves += [LeafFacts.from_row(r) for r in rows]
        if len(rows) < BATCH:
            return leaves


class Locator:
    """Names the first difference between the stored events and the ledger."""

    def __init__(self, log: EventLog, conn: Connection, ledger: list[LeafFacts]):
        self.log = log
        self.conn = conn
        self.ledger = ledger
        self.index = {(f.originator_id, f.version): f for f in ledger}

    def now_at(self, facts: LeafFacts) -> int | None:
        """Where the event the ledger recorded as `facts` is stored now."""
        return self.log.position_of(self.conn, facts.originator_id, facts.version)

    def classify(self, event: LeafFacts, recorded: LeafFacts | None) -> Finding:
        p = event.position
        known = self.index.get((event.originator_id, event.version))
        if recorded is None:
            return Finding(p, "event inserted", "the log holds an event the ledger never recorded")
        if event.position > recorded.position:
            moved = self.now_at(recorded)
            if moved is None:
                return Finding(recorded.position, "event missing",
                               "the event recorded here has been deleted from the log")
            return Finding(recorded.position, "events reordered",
                           f"the event recorded here now sits at position {moved}")
        if known is not None and known.position != p:
            return Finding(p, "events reordered",
                           f"this position holds the event recorded at position {known.position}")
        if event.position < recorded.position:
            return Finding(p, "event inserted", "the log holds an event the ledger never recorded")
        if known is None:
            if self.now_at(recorded) is not None:
                return Finding(p, "event inserted",
                               "a forged event sits here and the later events were moved up")
            return Finding(p, "event replaced", "a different event now sits at this position")
        if event.topic != recorded.topic:
            return Finding(p, "topic changed", f"topic was {recorded.topic!r}, is {event.topic!r}")
        if event.state_digest != recorded.state_digest:
            return Finding(p, "state changed", "the event's stored state bytes were altered")
        return Finding(p, "ledger altered", "the ledger's leaf hash no longer matches the event")


def verify_log(db: Database, key: Ed25519PublicKey, auditor_note: str | None = None,
               progress: Progress | None = None) -> Verification:
    started = time.perf_counter()
    result = Verification()
    # One snapshot for every read: a catch-up or checkpoint committing meanwhile must not
    # make the ledger look longer than the log it was compared with.
    with db.connect() as outer, outer.snapshot() as conn:
        upto = int(conn.scalar(SELECT_LEDGER_POSITION, (NAME,)) or 0)
        positions, leaves = _ledger_hashes(conn)
        tree = LedgerTree(conn)
        checkpoints = conn.all(SELECT_CHECKPOINTS)
        auditor = _auditor(auditor_note, key, result)
        wanted = {int(c["size"]) for c in checkpoints} | ({auditor.size} if auditor else set())
        roots: dict[int, bytes] = {0: merkle.EMPTY_ROOT}
        frontier = merkle.Frontier()
        first: Finding | None = None
        recorded_count = len(leaves)
        log = EventLog(db.storage)
        for row in _rows(log, conn, upto):
            leaf = leaf_of_row(row)
            i = frontier.size
            frontier.append(leaf)
            if frontier.size in wanted:
                roots[frontier.size] = frontier.root()
            if first is None and (i >= recorded_count or positions[i] != int(row["position"])
                                  or leaves[i] != leaf):
                # Only now read everything the ledger knows, to name the kind of change.
                ledger = _ledger(conn)
                event = LeafFacts.of(int(row["position"]), stored_event(row))
                first = Locator(log, conn, ledger).classify(
                    event, ledger[i] if i < len(ledger) else None)
            if progress is not None and frontier.size % 1000 == 0:
                progress(1000)
        if progress is not None:
            progress(frontier.size % 1000)
        if first is None and frontier.size < recorded_count:
            first = Finding(positions[frontier.size], "log truncated",
                            f"the ledger holds {recorded_count} events, the log only "
                            f"{frontier.size}: every event from here on was deleted")
        if first is not None:
            result.findings.append(first)
        result.events, result.size, result.root = frontier.size, frontier.size, frontier.root()
        result.pending = log.count_after(conn, upto)
        last_position = positions[frontier.size - 1] if 0 < frontier.size <= recorded_count \
            else upto
        if first is None and tree.size and tree.root() != result.root:
            result.findings.append(Finding(None, "ledger altered",
                                           "the ledger's stored subtrees do not give its root"))
        _check_checkpoints(checkpoints, key, roots, result, last_position)
        if auditor is not None:
            _check_auditor(auditor, tree, roots, result, last_position)
    result.elapsed = time.perf_counter() - started
    return result


def _auditor(note: str | None, key: Ed25519PublicKey,
             result: Verification) -> notes.Checkpoint | None:
    if note is None:
        return None
    try:
        return notes.verify(note, key)
    except notes.CheckpointError as error:
        result.findings.append(Finding(None, "auditor checkpoint rejected", str(error)))
        return None


def _truncated(size: int, result: Verification, last_position: int, whose: str) -> Finding:
    return Finding(last_position + 1, "log truncated",
                   f"{whose} covers {size} events but the log now holds only {result.events}: "
                   f"the newest {size - result.events} were deleted")


def _check_checkpoints(rows: list[dict[str, Any]], key: Ed25519PublicKey,
                       roots: dict[int, bytes], result: Verification, last_position: int) -> None:
    good = 0
    for row in rows:
        try:
            signed = notes.verify(row["note"], key)
        except notes.CheckpointError as error:
            result.findings.append(Finding(None, "checkpoint forged",
                                           f"checkpoint #{row['seq']}: {error}"))
            continue
        result.checkpoints += 1
        if signed.size > result.events:
            result.findings.append(_truncated(signed.size, result, last_position,
                                              f"signed checkpoint #{row['seq']}"))
            return
        if roots.get(signed.size) != signed.root:
            result.findings.append(Finding(
                None, "history rewritten",
                f"the first {signed.size} events no longer hash to signed checkpoint "
                f"#{row['seq']}; the change lies after event {good} and within event "
                f"{signed.size} of the log"))
            return
        good = max(good, signed.size)


def _check_auditor(cp: notes.Checkpoint, tree: LedgerTree, roots: dict[int, bytes],
                   result: Verification, last_position: int) -> None:
    if cp.size > min(result.events, tree.size):
        result.findings.append(_truncated(cp.size, result, last_position,
                                          "the auditor's checkpoint"))
        return
    if roots.get(cp.size) != cp.root:
        result.findings.append(Finding(None, "history rewritten",
                                       f"the first {cp.size} events no longer hash to the "
                                       "auditor's checkpoint"))
        return
    if cp.size == 0:
        return
    try:
        proof = tree.consistency(cp.size, tree.size)
        merkle.verify_consistency(cp.size, tree.size, proof, cp.root, tree.root())
    except (merkle.ProofError, LookupError) as error:
        result.findings.append(Finding(None, "history rewritten",
                                       f"no consistency from the auditor's checkpoint: {error}"))
