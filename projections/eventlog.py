"""The only SQL against the event log's own table (the eventsourcing library's stored events).

Read models and the audit ledger read the log in position order through these functions; the
table and position column differ per backend (SQLite `stored_events.rowid`, PostgreSQL
`<schema>.tandem_events.notification_id`) and are named here once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from eventsourcing.persistence import (
    DatetimeAsISO,
    DecimalAsStr,
    JSONTranscoder,
    Mapper,
    StoredEvent,
    UUIDAsHex,
)

from projections.db import Connection, Row, Storage

COLUMNS = "originator_id, originator_version, topic, state"


class EventLog:
    """Reads of the stored events, in log order."""

    def __init__(self, storage: Storage):
        table, position = storage.events_table, storage.position_column
        select = f"SELECT {position} AS position, {COLUMNS} FROM {table}"  # noqa: S608 - names from settings
        self._after = f"{select} WHERE {position} > ? ORDER BY {position} LIMIT ?"
        self._between = (f"{select} WHERE {position} > ? AND {position} <= ? "
                         f"ORDER BY {position} LIMIT ?")
        self._at = f"{select} WHERE {position} = ?"
        self._count_after = f"SELECT COUNT(*) FROM {table} WHERE {position} > ?"  # noqa: S608
        self._where = (f"SELECT {position} AS position FROM {table} "  # noqa: S608
                       "WHERE originator_id = ? AND originator_version = ?")

    def after(self, conn: Connection, position: int, limit: int) -> list[Row]:
        """Up to `limit` events after `position`."""
        return conn.all(self._after, (position, limit))

    def between(self, conn: Connection, after: int, upto: int, limit: int) -> list[Row]:
        """Up to `limit` events after `after` and at most at `upto`."""
        return conn.all(self._between, (after, upto, limit))

    def at(self, conn: Connection, position: int) -> Row | None:
        return conn.one(self._at, (position,))

    def count_after(self, conn: Connection, position: int) -> int:
        return int(conn.scalar(self._count_after, (position,)) or 0)

    def position_of(self, conn: Connection, originator_id: str, version: int) -> int | None:
        """Where the event of an aggregate's version is stored now (None if nowhere)."""
        oid: Any = originator_id if conn.backend == "sqlite" else UUID(originator_id)
        found = conn.scalar(self._where, (oid, version))
        return None if found is None else int(found)


def stored_event(row: Row) -> StoredEvent:
    """The library's stored event from one row of the log."""
    originator = row["originator_id"]
    return StoredEvent(
        originator_id=originator if isinstance(originator, UUID) else UUID(str(originator)),
        originator_version=int(row["originator_version"]),
        topic=row["topic"],
        state=bytes(row["state"]),
    )


def decoder() -> Callable[[StoredEvent], Any]:
    """Stored events to domain events as the application decodes them (JSON with the library's
    UUID, Decimal and datetime transcodings), for readers that run no application: the
    verification of the authorization data and of audit bundles."""
    transcoder = JSONTranscoder()
    for transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO()):
        transcoder.register(transcoding)
    mapper: Mapper[UUID] = Mapper(transcoder=transcoder)
    return mapper.to_domain_event
