"""The event store as the eventsourcing library keeps it, with what Tandem adds to it.

`db.Storage.library_env` names the factories below in `PERSISTENCE_MODULE`. They differ from
the library's own in two ways:

- Each write keeps its request (`domain.requests.Request`) in `tandem_requests`, in the same
  transaction as its events, under a unique key. The library's recorders call
  `_insert_events` inside that transaction for exactly this (its process recorders keep their
  tracking rows so). A request stored by an attempt whose answer was lost is then found by its
  key, and its events are never stored a second time.
- On PostgreSQL every connection has a connect and a statement timeout, and a failed call is
  tried once more at once (a connection the server dropped), but not after waiting in vain for
  a connection: the library tries ten times, 0.2 s apart, each waiting for the pool, so an
  outage answered after many seconds instead of within the connect timeout.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable, Sequence
from typing import Any, TypeVar, cast
from uuid import UUID

from eventsourcing.persistence import (
    IntegrityError,
    InterfaceError,
    OperationalError,
    StoredEvent,
)
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresFactory
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor, SQLiteFactory
from psycopg.sql import SQL, Identifier
from psycopg_pool import PoolTimeout

from domain.requests import Recorded, Request

REQUESTS = "tandem_requests"
# the settings this module reads from the library's environment (see db.Storage.library_env)
CONNECT_TIMEOUT = "TANDEM_CONNECT_TIMEOUT"
STATEMENT_TIMEOUT = "TANDEM_STATEMENT_TIMEOUT"

CREATE_REQUESTS_SQLITE = (
    "CREATE TABLE IF NOT EXISTS tandem_requests (request_key TEXT PRIMARY KEY, "
    "fingerprint TEXT NOT NULL, events TEXT NOT NULL, "
    "recorded_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)"
)
INSERT_REQUEST_SQLITE = (
    "INSERT INTO tandem_requests (request_key, fingerprint, events) VALUES (?, ?, ?)"
)
SELECT_REQUEST_SQLITE = "SELECT fingerprint, events FROM tandem_requests WHERE request_key = ?"

CREATE_REQUESTS_POSTGRES = (
    "CREATE TABLE IF NOT EXISTS {schema}.{table} (request_key text PRIMARY KEY, "
    "fingerprint text NOT NULL, events text NOT NULL, "
    "recorded_at timestamptz NOT NULL DEFAULT now())"
)
INSERT_REQUEST_POSTGRES = (
    "INSERT INTO {schema}.{table} (request_key, fingerprint, events) VALUES (%s, %s, %s)"
)
SELECT_REQUEST_POSTGRES = "SELECT fingerprint, events FROM {schema}.{table} WHERE request_key = %s"
EXISTS_POSTGRES = "SELECT to_regclass(%s) IS NOT NULL AS found"

F = TypeVar("F", bound=Callable[..., Any])
logging.getLogger("psycopg.pool").setLevel(logging.ERROR)  # failures are reported by the caller


def request_row(request: Request, stored_events: Sequence[StoredEvent]) -> tuple[str, str, str]:
    events = [[e.originator_id.hex if isinstance(e.originator_id, UUID) else str(e.originator_id),
               e.originator_version] for e in stored_events]
    return request.key, request.fingerprint, json.dumps(events)


def recorded_from(fingerprint: str, events: str) -> Recorded:
    return Recorded(fingerprint=fingerprint,
                    events=tuple((str(oid), int(version)) for oid, version in json.loads(events)))


class SQLiteRecorder(SQLiteApplicationRecorder):
    """The library's SQLite recorder, keeping each write's request with its events."""

    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(), CREATE_REQUESTS_SQLITE]

    def create_requests_table(self) -> None:
        """For a log created before requests were kept."""
        with self.datastore.transaction(commit=True) as c:
            c.execute(CREATE_REQUESTS_SQLITE)

    def _insert_events(self, c: SQLiteCursor, stored_events: Sequence[StoredEvent],
                       **kwargs: Any) -> Sequence[int] | None:
        request: Request | None = kwargs.get("request")
        if request is not None and stored_events:
            c.execute(INSERT_REQUEST_SQLITE, request_row(request, stored_events))
        return super()._insert_events(c, stored_events, **kwargs)

    def recorded(self, key: str) -> Recorded | None:
        with self.datastore.transaction(commit=False) as c:
            c.execute(SELECT_REQUEST_SQLITE, (key,))
            row = c.fetchone()
        return None if row is None else recorded_from(row["fingerprint"], row["events"])


class SQLiteStore(SQLiteFactory):
    application_recorder_class = SQLiteRecorder


def once_more(method: F) -> F:
    """Call again at once when the connection failed (after the pool has dropped every other
    dead connection, as after a server restart); not when no connection came in time."""

    @functools.wraps(method)
    def again(recorder: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(recorder, *args, **kwargs)
        except (InterfaceError, OperationalError) as error:
            if isinstance(error.__cause__, PoolTimeout):
                raise
        recorder.datastore.pool.check()
        return method(recorder, *args, **kwargs)
    return cast(F, again)


def _unretried(method: Any) -> Any:
    """The library's method without its own retry decorator."""
    return getattr(method, "__wrapped__", method)


class PostgresRecorder(PostgresApplicationRecorder):
    """The library's PostgreSQL recorder, keeping each write's request with its events, and
    trying a call once more only after a dropped connection."""

    def __init__(self, datastore: Any, *, events_table_name: str = "stored_events"):
        super().__init__(datastore, events_table_name=events_table_name)
        names = {"schema": Identifier(self.datastore.schema), "table": Identifier(REQUESTS)}
        self.create_requests = SQL(CREATE_REQUESTS_POSTGRES).format(**names)
        self.insert_request = SQL(INSERT_REQUEST_POSTGRES).format(**names)
        self.select_request = SQL(SELECT_REQUEST_POSTGRES).format(**names)
        self.sql_create_statements.append(self.create_requests)

    def create_requests_table(self) -> None:
        """For a log created before requests were kept (several processes may start at once:
        one creates it, the others find it)."""
        name = f"{self.datastore.schema}.{REQUESTS}"
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(EXISTS_POSTGRES, (name,))
            row = curs.fetchone()
            if row is not None and row["found"]:
                return
        try:
            with self.datastore.transaction(commit=True) as curs:
                curs.execute(self.create_requests)
        except IntegrityError:
            pass  # created at the same moment by another process

    insert_events = once_more(_unretried(PostgresApplicationRecorder.insert_events))
    select_events = once_more(_unretried(PostgresApplicationRecorder.select_events))
    select_notifications = once_more(
        _unretried(PostgresApplicationRecorder.select_notifications))
    max_notification_id = once_more(_unretried(PostgresApplicationRecorder.max_notification_id))

    def _insert_events(self, curs: Any, stored_events: Sequence[StoredEvent],
                       **kwargs: Any) -> None:
        request: Request | None = kwargs.get("request")
        if request is not None and stored_events:
            curs.execute(self.insert_request, request_row(request, stored_events))
        super()._insert_events(curs, stored_events, **kwargs)

    @once_more
    def recorded(self, key: str) -> Recorded | None:
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(self.select_request, (key,))
            row = curs.fetchone()
        return None if row is None else recorded_from(row["fingerprint"], row["events"])


class PostgresStore(PostgresFactory):
    """The library's PostgreSQL factory, with Tandem's recorder and connection timeouts."""

    application_recorder_class = PostgresRecorder

    def __init__(self, env: Any):
        super().__init__(env)
        pool = self.datastore.pool
        connect = float(self.env.get(CONNECT_TIMEOUT) or 2)
        statement = float(self.env.get(STATEMENT_TIMEOUT) or 10)
        pool.timeout = connect  # the longest wait for a connection
        pool.reconnect_timeout = max(connect, 1.0)  # a new attempt starts at the next request
        kwargs: dict[str, Any] = dict(pool.kwargs) if isinstance(pool.kwargs, dict) else {}
        kwargs["connect_timeout"] = max(2, round(connect))  # libpq's smallest useful value
        kwargs["options"] = f"-c statement_timeout={int(statement * 1000)}"
        pool.kwargs = kwargs
