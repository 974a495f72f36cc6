"""Keeps the read models up to date with the event log.

Each projection writes its rows and its log position in the same transaction. One pass reads a
batch of stored events once, decodes each once, and hands it to every projection still behind
it; events a projection does not care about still advance its position. On PostgreSQL the
tracking rows are locked (`FOR UPDATE`), on SQLite the write lock is taken at `BEGIN`, so
several processes catching up at once never apply an event twice.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Sequence
from typing import Any

from eventsourcing.persistence import StoredEvent

from domain import events as ev
from domain.directory import Person, Unit
from domain.event_types import EventClass
from projections.db import BufferedConnection, Connection, Database, Row
from projections.envelope import Envelope
from projections.eventlog import EventLog, stored_event
from projections.projection import Projection

BATCH = 500
# The events that create a subject of the log, and the attribute naming it.
SUBJECT_EVENTS: dict[EventClass, str] = {Unit.UnitRegistered: "unit",
                                         Person.PersonRegistered: "person",
                                         ev.InitiativeOpened: "initiative"}

CREATE_TRACKING = (
    "CREATE TABLE IF NOT EXISTS tandem_tracking (name TEXT PRIMARY KEY, position BIGINT NOT NULL)"
)
CREATE_SUBJECTS = (
    "CREATE TABLE IF NOT EXISTS tandem_subjects "
    "(originator_id TEXT PRIMARY KEY, kind TEXT NOT NULL, slug TEXT NOT NULL)"
)
INSERT_TRACKING = "INSERT INTO tandem_tracking (name, position) VALUES (?, 0)"
SELECT_TRACKING = "SELECT name, position FROM tandem_tracking ORDER BY name"
SELECT_TRACKING_LOCKED = SELECT_TRACKING + " FOR UPDATE"
UPDATE_TRACKING = "UPDATE tandem_tracking SET position = ? WHERE name = ?"
ADVANCE_TRACKING = "UPDATE tandem_tracking SET position = ? WHERE position < ? AND name = ?"
INSERT_SUBJECT = (
    "INSERT INTO tandem_subjects (originator_id, kind, slug) VALUES (?, ?, ?) "
    "ON CONFLICT (originator_id) DO NOTHING"
)
SELECT_SUBJECTS = "SELECT originator_id, kind, slug FROM tandem_subjects"
CREATE_VERSIONS = (
    "CREATE TABLE IF NOT EXISTS tandem_schema (name TEXT PRIMARY KEY, version TEXT NOT NULL)"
)
SELECT_VERSIONS = "SELECT name, version FROM tandem_schema"
DELETE_VERSION = "DELETE FROM tandem_schema WHERE name = ?"
INSERT_VERSION = "INSERT INTO tandem_schema (name, version) VALUES (?, ?)"
DELETE_TRACKING = "DELETE FROM tandem_tracking WHERE name = ?"
# Processes starting at once take turns to bring the schema up to date (SQLite: BEGIN IMMEDIATE).
LOCK_SCHEMA = "SELECT pg_advisory_xact_lock(7406171, 2)"


def schema_version(projection: Projection) -> str:
    """A projection's schema version: the digest of its DDL, so any change of a table is one."""
    return hashlib.sha256("\n".join(projection.ddl).encode()).hexdigest()[:16]


class Runner:
    """Catches the projections up with the log, in batches, one transaction per batch."""

    def __init__(self, db: Database, decode: Callable[[StoredEvent], Any],
                 projections: Sequence[Projection]):
        self.db = db
        self.decode = decode
        self.projections = list(projections)
        self.log = EventLog(db.storage)
        self._subjects: dict[str, tuple[str, str]] = {}
        # originators caught up without a subject (notice deliveries): not looked up again
        self._subjectless: set[str] = set()
        self._lock = threading.Lock()

    def prepare(self) -> list[str]:
        """Bring the read models' tables up to their current DDL. A projection whose tables
        changed since its rows were written (or that is new) gets fresh tables and replays the
        log at the next catch-up; returns the names of those projections."""
        with self.db.connect() as conn, conn.transaction():
            if conn.backend == "postgres":
                conn.execute(LOCK_SCHEMA)
            conn.execute(CREATE_TRACKING)
            conn.execute(CREATE_SUBJECTS)
            conn.execute(CREATE_VERSIONS)
            versions = {row["name"]: row["version"] for row in conn.all(SELECT_VERSIONS)}
            changed = []
            for projection in self.projections:
                version = schema_version(projection)
                if versions.get(projection.name) == version:
                    continue
                for table in projection.tables:
                    conn.execute(f"DROP TABLE IF EXISTS {table}")  # noqa: S608 - constant names
                for statement in projection.ddl:
                    conn.execute(statement)
                conn.execute(DELETE_TRACKING, (projection.name,))
                conn.execute(INSERT_TRACKING, (projection.name,))
                conn.execute(DELETE_VERSION, (projection.name,))
                conn.execute(INSERT_VERSION, (projection.name, version))
                changed.append(projection.name)
        return changed

    def subject(self, conn: Connection, originator_id: str) -> tuple[str, str] | None:
        if originator_id not in self._subjects and originator_id not in self._subjectless:
            self._subjects.update(
                {row["originator_id"]: (row["kind"], row["slug"]) for row in conn.all(SELECT_SUBJECTS)}
            )
        return self._subjects.get(originator_id)

    def envelope_of(self, recording: Any) -> Envelope:
        """The envelope of an event just recorded (its subject is known once caught up)."""
        event = recording.domain_event
        originator = str(event.originator_id)
        kind = SUBJECT_EVENTS.get(type(event))
        subject = (kind, getattr(event, kind)) if kind else self._subjects.get(originator)
        if subject is None:
            with self.db.connect() as conn:
                subject = self.subject(conn, originator)
        initiative = subject[1] if subject and subject[0] == "initiative" else None
        return Envelope.from_event(recording.notification.id, event, initiative, subject)

    def positions(self) -> dict[str, int]:
        with self.db.connect() as conn:
            return {row["name"]: int(row["position"]) for row in conn.all(SELECT_TRACKING)}

    def catch_up(self, progress: Callable[[int], None] | None = None, batch: int = BATCH) -> int:
        """Apply every event not yet applied; returns how many events were read."""
        total = 0
        with self._lock:
            while True:
                read = self._one_batch(batch)
                total += read
                if progress is not None and read:
                    progress(read)
                if read < batch:
                    break
        return total

    def _one_batch(self, batch: int) -> int:
        with self.db.connect() as conn, conn.transaction():
            locked = SELECT_TRACKING_LOCKED if conn.backend == "postgres" else SELECT_TRACKING
            positions = {row["name"]: int(row["position"]) for row in conn.all(locked)}
            behind = [p for p in self.projections if p.name in positions]
            if not behind:
                return 0
            start = min(positions[p.name] for p in behind)
            rows = self.log.after(conn, start, batch)
            if not rows:
                return 0
            tx = BufferedConnection(conn)
            for projection in behind:
                projection.begin(tx)
            for row in rows:
                self._apply(tx, row, behind, positions)
            last = int(rows[-1]["position"])
            # each of this runner's projections has now applied every event up to `last`
            tx.executemany(ADVANCE_TRACKING, [(last, last, p.name) for p in behind])
            tx.flush()
            return len(rows)

    def _apply(self, conn: Connection, row: Row, projections: list[Projection],
               positions: dict[str, int]) -> None:
        raw = stored_event(row)
        event = self.decode(raw)
        originator = str(raw.originator_id)
        kind = SUBJECT_EVENTS.get(type(event))
        if kind is not None:
            slug = getattr(event, kind)
            conn.execute(INSERT_SUBJECT, (originator, kind, slug))
            self._subjects[originator] = (kind, slug)
        subject = self.subject(conn, originator)
        if subject is None and kind is None:  # its first event was caught up before: none
            self._subjectless.add(originator)
        initiative = subject[1] if subject and subject[0] == "initiative" else None
        envelope = Envelope.from_event(int(row["position"]), event, initiative, subject)
        envelope.topic = raw.topic
        for projection in projections:
            if positions[projection.name] < envelope.position:
                projection.apply(conn, envelope, raw)

    def rebuild(self, names: Sequence[str] | None = None,
                progress: Callable[[int], None] | None = None) -> int:
        """Drop the rows of the named projections (all by default) and replay the log."""
        chosen = [p for p in self.projections if names is None or p.name in names]
        with self._lock, self.db.connect() as conn, conn.transaction():
            for projection in chosen:
                for table in projection.tables:
                    conn.execute(f"DELETE FROM {table}")  # noqa: S608 - table names are constants
                conn.execute(UPDATE_TRACKING, (0, projection.name))
        return self.catch_up(progress)
