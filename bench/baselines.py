"""Baselines measured in the same run: what the same work costs without Tandem's code.

- `SaveWithLoad`: the eventsourcing library's `Application` with the same settings as Tandem's
  (aggregate cache, fast-forward), each command loading its aggregate, changing it and saving
  it, one event per transaction.
- `RebuildFloor`: reads the log in batches (plain tuples), decodes every event with Tandem's own
  mapper, and inserts the rows Tandem's read models hold into tables made from the projections'
  own DDL (same columns, keys and indexes), one transaction per batch, with the read models'
  durability. It writes each final row once (COPY on PostgreSQL, `executemany` on SQLite).
- `lean_verify`: what verify must do, done leanly: one cursor over the log with plain tuple
  rows, the leaf hash of each event (the ledger's exact bytes), compared with the ledger's stored
  leaf, and the tree root folded from a frontier.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import struct
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import StoredEvent

from projections.db import Storage
from projections.projection import Projection

LEAF, NODE = b"\x00", b"\x01"
_Q = struct.Struct(">Q")
_QI = struct.Struct(">QI")
STREAM_ROWS = 5000


# -- plain driver connections ----------------------------------------------------------------

@contextmanager
def plain(storage: Storage, search_path: str | None = None,
          relaxed: bool = False) -> Iterator[Any]:
    """A bare driver connection with tuple rows, in autocommit mode. `relaxed` gives it the
    read models' durability (`synchronous_commit = off` / `synchronous = NORMAL`)."""
    if storage.backend == "sqlite":
        conn = sqlite3.connect(storage.path, isolation_level=None, timeout=30)
        if relaxed:
            conn.execute("PRAGMA synchronous = NORMAL")
        try:
            yield conn
        finally:
            conn.close()
        return
    import psycopg

    options = f"-c search_path={search_path or storage.schema}"
    if relaxed:
        options += " -c synchronous_commit=off"
    with psycopg.connect(host=storage.host, port=storage.port, user=storage.user,
                         password=storage.password, dbname=storage.dbname, autocommit=True,
                         options=options) as pg:
        yield pg


def log_select(storage: Storage, table: str | None = None) -> str:
    """The stored events after a position, in log order, as plain columns."""
    table = table or storage.events_table
    position = storage.position_column
    mark = "?" if storage.backend == "sqlite" else "%s"
    return (f"SELECT {position}, originator_id, originator_version, topic, state "  # noqa: S608
            f"FROM {table} WHERE {position} > {mark} ORDER BY {position} LIMIT {mark}")


def uuid_of(value: Any) -> UUID:
    return value if isinstance(value, UUID) else UUID(str(value))


# -- commands: the library's save with the aggregate load -------------------------------------

class Probe(Aggregate):
    """A bare aggregate with one event carrying a payload like a Tandem event's."""

    @event("Recorded")
    def record(self, actor: str, effective_at: str, data: dict[str, Any]) -> None:
        pass


class RawApplication(Application[Any]):
    name = "raw"


class SaveWithLoad:
    """`Application.save` after loading the aggregate, as a command does, one event per
    transaction, with Tandem's library settings on the same database."""

    def __init__(self, storage: Storage):
        env = storage.library_env(create_table=True)
        if storage.backend == "sqlite":
            env["SQLITE_DBNAME"] = storage.path + ".raw"  # the library's table name is fixed
        self.app = RawApplication(env=env)
        probe = Probe()
        self.app.save(probe)
        self.probe_id = probe.id

    def run(self, payloads: Sequence[dict[str, Any]]) -> float:
        """Seconds to record one event per payload."""
        started = time.perf_counter()
        for payload in payloads:
            probe: Probe = self.app.repository.get(self.probe_id)
            probe.record(actor="bench", effective_at="2026-01-01T00:00:00+00:00", data=payload)
            self.app.save(probe)
        return time.perf_counter() - started

    def close(self) -> None:
        self.app.close()


# -- rebuild floor ------------------------------------------------------------------------------

@dataclass
class TableRows:
    name: str
    columns: list[str]
    rows: list[tuple[Any, ...]]


@dataclass
class FloorRun:
    events: int
    seconds: float
    rows: int


def read_model_tables(projections: Sequence[Projection]) -> list[str]:
    """The tables a rebuild empties and fills again, as the projections name them."""
    return [table for p in projections for table in p.tables]


def capture(storage: Storage, tables: Sequence[str]) -> list[TableRows]:
    """Every row the read models hold now (what a rebuild writes back)."""
    captured = []
    with plain(storage) as conn:
        for table in tables:
            cursor = conn.execute(f"SELECT * FROM {table}")  # noqa: S608 - names from the projections
            columns = [d[0] for d in cursor.description]
            captured.append(TableRows(table, columns, [tuple(r) for r in cursor.fetchall()]))
    return captured


ADVANCE = "UPDATE bench_floor_tracking SET position = ? WHERE name = 'floor'"


@dataclass
class RebuildFloor:
    """Read, decode and insert the same rows into tables made from the same DDL, in a place
    of the floor's own (a schema beside Tandem's, or a SQLite file beside Tandem's)."""

    storage: Storage
    ddl: Sequence[str]
    captured: list[TableRows]
    decode: Callable[[StoredEvent], Any]
    batch: int
    _floor: Storage = field(init=False)

    def __post_init__(self) -> None:
        if self.storage.backend == "sqlite":
            path = self.storage.path + ".floor"
            self._floor = Storage(url="sqlite:///" + path, backend="sqlite", path=path)
        else:
            self._floor = Storage(**{**vars(self.storage), "schema": self.storage.schema + "_floor"})
            with plain(self.storage) as admin:
                admin.execute(f"CREATE SCHEMA IF NOT EXISTS {self._floor.schema}")

    def _fresh_tables(self, conn: Any) -> None:
        for table in self.captured:
            conn.execute(f"DROP TABLE IF EXISTS {table.name}")
        conn.execute("DROP TABLE IF EXISTS bench_floor_tracking")
        for statement in self.ddl:
            conn.execute(statement)
        conn.execute("CREATE TABLE bench_floor_tracking (name TEXT PRIMARY KEY, position BIGINT)")
        conn.execute("INSERT INTO bench_floor_tracking VALUES ('floor', 0)")

    def run(self) -> FloorRun:
        """Read, decode and write the whole log once; the tables are made afresh first."""
        select = log_select(self.storage)
        advance = ADVANCE if self.storage.backend == "sqlite" else ADVANCE.replace("?", "%s")
        inserts = [self._insert(t) for t in self.captured]
        with plain(self.storage) as log, plain(self._floor, relaxed=True) as conn:
            if self.storage.backend == "sqlite":
                conn.execute("PRAGMA journal_mode = WAL")
            self._fresh_tables(conn)
            total = max(1, int(log.execute(
                f"SELECT COUNT(*) FROM {self.storage.events_table}").fetchone()[0]))  # noqa: S608
            started = time.perf_counter()
            done, after = 0, 0
            while True:
                with self._transaction(conn):
                    rows = log.execute(select, (after, self.batch)).fetchall()
                    if not rows:
                        break
                    for _, originator, version, topic, state in rows:
                        self.decode(StoredEvent(originator_id=uuid_of(originator),
                                                originator_version=version, topic=topic,
                                                state=bytes(state)))
                    end = done + len(rows)
                    for table, insert in zip(self.captured, inserts, strict=True):
                        share = table.rows[len(table.rows) * done // total:
                                           len(table.rows) * end // total]
                        if share:
                            insert(conn, share)
                    after, done = int(rows[-1][0]), end
                    conn.execute(advance, (after,))
            seconds = time.perf_counter() - started
            written = sum(self._count(conn, t.name) for t in self.captured)
        expected = sum(len(t.rows) for t in self.captured)
        if written != expected or done != total:
            raise RuntimeError(f"the rebuild floor wrote {written} rows for {done} events, "
                               f"not {expected} for {total}")
        return FloorRun(done, seconds, written)

    @contextmanager
    def _transaction(self, conn: Any) -> Iterator[None]:
        if self.storage.backend == "sqlite":
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        else:
            with conn.transaction():
                yield

    def _count(self, conn: Any, table: str) -> int:
        return int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])  # noqa: S608

    def _insert(self, table: TableRows) -> Callable[[Any, list[tuple[Any, ...]]], None]:
        columns = ", ".join(table.columns)
        if self.storage.backend == "sqlite":
            marks = ", ".join("?" * len(table.columns))
            sql = f"INSERT INTO {table.name} ({columns}) VALUES ({marks})"  # noqa: S608

            def insert(conn: Any, rows: list[tuple[Any, ...]]) -> None:
                conn.executemany(sql, rows)
            return insert
        copy_sql = f"COPY {table.name} ({columns}) FROM STDIN"

        def copy(conn: Any, rows: list[tuple[Any, ...]]) -> None:
            with conn.cursor() as cursor, cursor.copy(copy_sql) as stream:
                for row in rows:
                    stream.write_row(row)
        return copy

    def drop(self) -> None:
        """Remove what the floor made (its SQLite file goes with the bench's folder)."""
        if self.storage.backend == "postgres":
            with plain(self.storage) as admin:
                admin.execute(f"DROP SCHEMA IF EXISTS {self._floor.schema} CASCADE")


# -- lean verify floor -----------------------------------------------------------------------

def leaf_hash(position: int, originator_id: Any, version: int, topic: str,
              state: bytes) -> bytes:
    """RFC 6962 leaf hash of one stored event, byte for byte as docs/audit.md lays it out."""
    ident = originator_id.bytes if isinstance(originator_id, UUID) else \
        bytes.fromhex(originator_id.replace("-", ""))
    name = topic.encode()
    return hashlib.sha256(LEAF + _Q.pack(position) + ident + _QI.pack(version, len(name)) + name
                          + _Q.pack(len(state)) + state).digest()


class Frontier:
    """The right edge of an RFC 6962 tree: its complete subtrees, largest first."""

    def __init__(self) -> None:
        self.size = 0
        self._edge: list[bytes] = []

    def append(self, leaf: bytes) -> None:
        current, size = leaf, self.size
        while size & 1:
            current = hashlib.sha256(NODE + self._edge.pop() + current).digest()
            size >>= 1
        self._edge.append(current)
        self.size += 1

    def root(self) -> bytes:
        if not self._edge:
            return hashlib.sha256(b"").digest()
        current = self._edge[-1]
        for left in reversed(self._edge[:-1]):
            current = hashlib.sha256(NODE + left + current).digest()
        return current


@dataclass
class VerifyRun:
    events: int
    seconds: float
    root: bytes
    mismatches: int


TABLE_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


@contextmanager
def stream(conn: Any, backend: str, sql: str, params: tuple[Any, ...]) -> Iterator[Any]:
    """The rows of one query through one cursor, fetched as they are read (a server-side
    cursor on PostgreSQL)."""
    if backend == "sqlite":
        yield conn.execute(sql.replace("%s", "?"), params)
        return
    with conn.transaction(), conn.cursor(name="bench_stream") as cursor:
        cursor.itersize = STREAM_ROWS
        cursor.execute(sql, params)
        yield cursor


def lean_verify(storage: Storage, leaves_table: str) -> VerifyRun:
    """Re-hash every stored event, compare it with the ledger's leaf, fold the root."""
    if not TABLE_NAME.match(leaves_table):
        raise ValueError(f"not a table name: {leaves_table!r}")
    position = storage.position_column
    select_log = (f"SELECT {position}, originator_id, originator_version, topic, state "  # noqa: S608
                  f"FROM {storage.events_table} WHERE {position} <= %s ORDER BY {position}")
    select_leaves = f"SELECT position, leaf FROM {leaves_table} ORDER BY idx"  # noqa: S608
    with plain(storage) as conn:
        started = time.perf_counter()
        recorded = [(int(p), bytes.fromhex(leaf) if isinstance(leaf, str) else bytes(leaf))
                    for p, leaf in conn.execute(select_leaves).fetchall()]
        upto = recorded[-1][0] if recorded else 0
        frontier, mismatches = Frontier(), 0
        with stream(conn, storage.backend, select_log, (upto,)) as rows:
            for index, (pos, originator, version, topic, state) in enumerate(rows):
                leaf = leaf_hash(pos, originator, version, topic, state)
                if index >= len(recorded) or recorded[index] != (pos, leaf):
                    mismatches += 1
                frontier.append(leaf)
        root = frontier.root()
        seconds = time.perf_counter() - started
    missing = max(0, len(recorded) - frontier.size)
    return VerifyRun(frontier.size, seconds, root, mismatches + missing)
