"""Verification of the audit ledger.

`verify_log` trusts nothing in the database: it recomputes every leaf from the stored events,
compares them with the ledger's leaves, recomputes the roots the signed checkpoints commit to,
checks them against the signer's journal (kept outside the database), against an auditor's
earlier checkpoint and against the witnesses' cosignatures, checks that recording times rise
along the log, and re-derives the authorization data from the log. The first difference is
located (a log position) and named (what kind of change it looks like).
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from projections.db import Connection, Database, Row
from projections.eventlog import EventLog, stored_event
from projections.ledger import merkle, notes, witness
from projections.ledger.authority import Authority
from projections.ledger.checkpoints import SELECT_CHECKPOINTS
from projections.ledger.journal import Entry, Journal
from projections.ledger.notes import VerifierKey
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
TIMESTAMP = b'{"timestamp":{"_type_":"datetime_iso","_data_":"'
Progress = Callable[[int], None]


class UnreadableLog(Exception):
    """The stored events cannot be read as Tandem wrote them; nothing can be concluded."""


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
    journaled: int | None = None
    witnessed: dict[str, int] = field(default_factory=dict)
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
        journal = ("" if self.journaled is None
                   else f", {self.journaled} in the signer's journal")
        witnessed = "".join(f", witnessed by {name} up to {size} events"
                            for name, size in self.witnessed.items())
        return (f"intact: {self.events} events, tree size {self.size}, root "
                f"{base64.b64encode(self.root).decode()}, {self.checkpoints} signed checkpoint(s) "
                f"verified{journal}{witnessed}{pending}; {self.rate:,.0f} events/s")


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


def recorded_at(state: bytes) -> datetime | None:
    """The recording time inside a stored event's state (None if it cannot be read)."""
    try:
        if state.startswith(TIMESTAMP):
            end = state.index(b'"', len(TIMESTAMP))
            return datetime.fromisoformat(state[len(TIMESTAMP):end].decode())
        return datetime.fromisoformat(json.loads(state)["timestamp"]["_data_"])
    except (ValueError, KeyError, TypeError):
        return None


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


@dataclass
class _Pass:
    """What one pass over the stored events learns."""

    frontier: merkle.Frontier = field(default_factory=merkle.Frontier)
    roots: dict[int, bytes] = field(default_factory=lambda: {0: merkle.EMPTY_ROOT})
    first: Finding | None = None
    backwards: Finding | None = None
    latest: tuple[datetime, int] | None = None


def _missing_leaf(position: int, recorded: int, tracked: int,
                  journal: Entry | None) -> Finding | None:
    """The finding for an event beyond the ledger's leaves, if the ledger should hold it."""
    if position <= tracked:
        why = (f"its tracking position says it recorded every event up to position {tracked}")
    elif journal is not None and position <= journal.position:
        why = (f"the signer's journal holds checkpoint #{journal.seq} of {journal.size} events, "
               f"up to position {journal.position}, and the ledger's tracking position was set "
               f"back to {tracked}")
    else:
        return None
    kind = "ledger emptied" if recorded == 0 else "ledger cut back"
    return Finding(position, kind, f"the ledger holds {recorded} leaves, but {why}; from here "
                                   "on, events are missing from the ledger")


def verify_log(db: Database, log: VerifierKey, auditor_note: str | None = None,
               progress: Progress | None = None, *, journal: Journal | None = None,
               witnesses: Sequence[VerifierKey] = (), authority: Authority | None = None,
               skew: timedelta = timedelta(minutes=5)) -> Verification:
    started = time.perf_counter()
    result = Verification()
    events_log = EventLog(db.storage)
    # One snapshot for every read, begun while no signer is between journaling a checkpoint
    # and committing it: the journal and the database are then seen at the same moment.
    with db.connect() as outer, outer.snapshot() as conn:
        with journal.shared() if journal is not None else _nothing():
            tracked = int(conn.scalar(SELECT_LEDGER_POSITION, (NAME,)) or 0)
            entries = journal.entries() if journal is not None else []
        last = entries[-1] if entries else None
        upto = max(tracked, last.position if last else 0)
        positions, leaves = _ledger_hashes(conn)
        tree = LedgerTree(conn)
        checkpoints = conn.all(SELECT_CHECKPOINTS)
        cosigned = {w.name: witness.stored_cosignatures(conn, log, w) for w in witnesses}
        auditor = _auditor(auditor_note, log, result)
        wanted = {int(c["size"]) for c in checkpoints} | {e.size for e in entries} | \
            {c.size for found in cosigned.values() for c in found} | \
            ({auditor.size} if auditor else set())
        seen = _Pass()
        recorded_count = len(leaves)
        for row in _rows(events_log, conn, upto):
            position = int(row["position"])
            try:
                leaf = leaf_of_row(row)
            except (TypeError, ValueError) as error:
                raise UnreadableLog(f"the event at position {position} cannot be read as "
                                    f"Tandem stores events ({error}); was the events table "
                                    "altered outside Tandem?") from None
            i = seen.frontier.size
            seen.frontier.append(leaf)
            if seen.frontier.size in wanted:
                seen.roots[seen.frontier.size] = seen.frontier.root()
            _check_time(seen, bytes(row["state"]), position, skew)
            if authority is not None:
                authority.offer(row)
            if seen.first is None:
                if i < recorded_count:
                    if positions[i] != position or leaves[i] != leaf:
                        # Only now read everything the ledger knows, to name the change.
                        ledger = _ledger(conn)
                        event = LeafFacts.of(position, stored_event(row))
                        seen.first = Locator(events_log, conn, ledger).classify(
                            event, ledger[i] if i < len(ledger) else None)
                else:
                    seen.first = _missing_leaf(position, recorded_count, tracked, last)
            if progress is not None and seen.frontier.size % 1000 == 0:
                progress(1000)
        if progress is not None:
            progress(seen.frontier.size % 1000)
        frontier, first = seen.frontier, seen.first
        if first is None and frontier.size < recorded_count:
            first = Finding(positions[frontier.size], "log truncated",
                            f"the ledger holds {recorded_count} events, the log only "
                            f"{frontier.size}: every event from here on was deleted")
        if first is not None:
            result.findings.append(first)
        if seen.backwards is not None:
            result.findings.append(seen.backwards)
        result.events, result.size, result.root = frontier.size, frontier.size, frontier.root()
        result.pending = events_log.count_after(conn, upto)
        last_position = positions[frontier.size - 1] if 0 < frontier.size <= recorded_count \
            else upto
        if first is None and tree.size and tree.root() != result.root:
            result.findings.append(Finding(None, "ledger altered",
                                           "the ledger's stored subtrees do not give its root"))
        _check_checkpoints(checkpoints, log, seen.roots, result, last_position)
        if journal is not None:
            result.journaled = len(entries)
            _check_journal(entries, checkpoints, seen.roots, result, last_position)
        if auditor is not None:
            _check_auditor(auditor, tree, seen.roots, result, last_position)
        for name, found in cosigned.items():
            _check_witness(name, found, seen.roots, result)
        if authority is not None:
            result.findings += [Finding(None, kind, detail)
                                for kind, detail in authority.differences(conn)]
    result.elapsed = time.perf_counter() - started
    return result


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def _check_time(seen: _Pass, state: bytes, position: int, skew: timedelta) -> None:
    """Recording times rise along the log (allowing for writers that overlapped by `skew`)."""
    moment = recorded_at(state)
    if moment is None:
        return
    if seen.latest is None or moment > seen.latest[0]:
        seen.latest = (moment, position)
    elif seen.backwards is None and moment < seen.latest[0] - skew:
        before, where = seen.latest
        seen.backwards = Finding(position, "recording time goes backwards", (
            f"recorded at {moment.isoformat()}, {before - moment} before the event at position "
            f"{where} (recorded at {before.isoformat()}): an event was appended with an "
            "earlier recording time"))


def _auditor(note: str | None, log: VerifierKey,
             result: Verification) -> notes.Checkpoint | None:
    if note is None:
        return None
    try:
        return notes.verify(note, log.key, log.name)
    except notes.CheckpointError as error:
        result.findings.append(Finding(None, "auditor checkpoint rejected", str(error)))
        return None


def _truncated(size: int, result: Verification, last_position: int, whose: str) -> Finding:
    return Finding(last_position + 1, "log truncated",
                   f"{whose} covers {size} events but the log now holds only {result.events}: "
                   f"the newest {size - result.events} were deleted")


def _check_checkpoints(rows: list[dict[str, Any]], log: VerifierKey, roots: dict[int, bytes],
                       result: Verification, last_position: int) -> None:
    good = 0
    for row in rows:
        try:
            signed = notes.verify(row["note"], log.key, log.name)
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


def _check_journal(entries: list[Entry], rows: list[dict[str, Any]], roots: dict[int, bytes],
                   result: Verification, last_position: int) -> None:
    """The log against what the signer remembers signing, and the stored checkpoints against
    the journal."""
    good = 0
    for entry in entries:
        signed = f"checkpoint #{entry.seq} of {entry.size} events ({entry.issued_at[:19]})"
        if entry.size > result.events:
            result.findings.append(Finding(
                last_position + 1, "log truncated",
                f"the signer's journal holds {signed}, up to position {entry.position}; the log "
                f"now holds only {result.events} events: the newest "
                f"{entry.size - result.events} were deleted"))
            break
        if roots.get(entry.size) != entry.root:
            result.findings.append(Finding(
                None, "history rewritten",
                f"the first {entry.size} events no longer hash to the signer's journaled "
                f"{signed}; the change lies after event {good} and within event {entry.size}"))
            break
        good = max(good, entry.size)
    stored = {int(r["seq"]): str(r["note"]) for r in rows}
    missing = [e for e in entries if stored.get(e.seq) != e.note]
    if missing:
        kind = "checkpoints emptied" if not stored else "checkpoints removed"
        numbers = ", ".join(f"#{e.seq}" for e in missing[:5]) + (" …" if len(missing) > 5 else "")
        result.findings.append(Finding(None, kind, (
            f"the signer's journal holds {len(entries)} checkpoints; {len(missing)} of them "
            f"({numbers}, the newest of {missing[-1].size} events) are not in the database")))
    journaled = {e.seq for e in entries}
    newest = entries[-1].seq if entries else 0
    extra = [seq for seq in stored if seq not in journaled and seq <= newest]
    if extra:
        result.findings.append(Finding(None, "checkpoint not journaled", (
            f"checkpoint #{extra[0]} in the database is not in the signer's journal: the signer "
            "did not issue it")))


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


def _check_witness(name: str, found: list[witness.Cosigned], roots: dict[int, bytes],
                   result: Verification) -> None:
    if not found:
        result.findings.append(Finding(None, "not witnessed", (
            f"no checkpoint of this log carries a valid cosignature of the witness {name}")))
        return
    newest = max(found, key=lambda c: c.size)
    if newest.size > result.events:
        result.findings.append(Finding(None, "log truncated", (
            f"the witness {name} cosigned {newest.size} events "
            f"({newest.when.isoformat()}), the log now holds only {result.events}")))
        return
    if roots.get(newest.size) != newest.root:
        result.findings.append(Finding(None, "history rewritten", (
            f"the first {newest.size} events no longer hash to the checkpoint the witness "
            f"{name} cosigned on {newest.when.isoformat()}")))
        return
    result.witnessed[name] = newest.size
