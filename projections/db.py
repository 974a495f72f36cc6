"""Storage: `TANDEM_DATABASE_URL` mapped, in this one place, to the eventsourcing library's
settings and to connections for the read models, on SQLite or PostgreSQL.

SQL in this package is written with `?` placeholders; on PostgreSQL they become `%s`.
"""

from __future__ import annotations

import functools
import logging
import re
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

Row = dict[str, Any]
SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
logging.getLogger("psycopg.pool").setLevel(logging.ERROR)  # failures are reported once, below


class StorageError(Exception):
    """The database URL is unusable or the database cannot be reached."""


@dataclass(frozen=True)
class Storage:
    """Where Tandem keeps its log and read models."""

    url: str
    backend: str  # "sqlite" or "postgres"
    path: str = ""
    host: str = ""
    port: int = 5432
    user: str = ""
    password: str = ""
    dbname: str = ""
    schema: str = "public"
    connect_timeout: float = 2.0  # seconds to wait for a connection (PostgreSQL)
    statement_timeout: float = 10.0  # seconds a statement may run (PostgreSQL)

    @classmethod
    def from_url(cls, url: str) -> Storage:
        if url.startswith("sqlite:///"):
            path = url[len("sqlite:///"):]
            if not path:
                raise StorageError("A SQLite URL names a file: sqlite:///PATH")
            return cls(url=url, backend="sqlite", path=path)
        parsed = urlparse(url)
        if parsed.scheme in ("postgresql", "postgres"):
            query = parse_qs(parsed.query)
            schema = query.get("schema", ["public"])[0]
            if not SCHEMA_NAME.match(schema):
                raise StorageError(f"'{schema}' is not a usable PostgreSQL schema name.")
            return cls(
                url=url, backend="postgres", host=parsed.hostname or "127.0.0.1",
                port=parsed.port or 5432, user=unquote(parsed.username or "postgres"),
                password=unquote(parsed.password or ""),
                dbname=(parsed.path or "/").lstrip("/") or "postgres", schema=schema,
            )
        raise StorageError(
            f"Unsupported database URL '{url}': use sqlite:///PATH or "
            "postgresql://user:pass@host:port/db"
        )

    @property
    def events_table(self) -> str:
        return "stored_events" if self.backend == "sqlite" else f"{self.schema}.tandem_events"

    @property
    def position_column(self) -> str:
        return "rowid" if self.backend == "sqlite" else "notification_id"

    def library_env(self, create_table: bool = False) -> dict[str, str]:
        """The eventsourcing library's settings for this database."""
        # The aggregate cache fast-forwards from the store on every read, so writes made by
        # other processes are still seen; it saves replaying a long initiative per command.
        env = {"CREATE_TABLE": "y" if create_table else "n", "AGGREGATE_CACHE_MAXSIZE": "500"}
        # projections.store: the library's factories, keeping each write's request with its
        # events, and on PostgreSQL with connect and statement timeouts
        if self.backend == "sqlite":
            env |= {
                "PERSISTENCE_MODULE": "projections.store:SQLiteStore",
                "SQLITE_DBNAME": self.path,
                "SQLITE_LOCK_TIMEOUT": "30",
            }
        else:
            env |= {
                "PERSISTENCE_MODULE": "projections.store:PostgresStore",
                "POSTGRES_DBNAME": self.dbname,
                "POSTGRES_HOST": self.host,
                "POSTGRES_PORT": str(self.port),
                "POSTGRES_USER": self.user,
                "POSTGRES_PASSWORD": self.password,
                "POSTGRES_SCHEMA": self.schema,
                "POSTGRES_POOL_SIZE": "4",
                "POSTGRES_MAX_OVERFLOW": "16",
                "POSTGRES_LOCK_TIMEOUT": "30",
                "TANDEM_CONNECT_TIMEOUT": str(self.connect_timeout),
                "TANDEM_STATEMENT_TIMEOUT": str(self.statement_timeout),
            }
        return env

    def display(self) -> str:
        if self.backend == "sqlite":
            return f"SQLite file {self.path}"
        return f"PostgreSQL {self.user}@{self.host}:{self.port}/{self.dbname} (schema {self.schema})"


class Connection:
    """A database connection with one SQL style (`?`) on both backends."""

    def __init__(self, raw: Any, backend: str):
        self.raw = raw
        self.backend = backend

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.backend == "postgres" else sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.raw.execute(self._sql(sql), tuple(params))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        if self.backend == "postgres":
            with self.raw.cursor() as cursor:
                cursor.executemany(self._sql(sql), rows)
        else:
            self.raw.executemany(sql, rows)

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return [dict(row) for row in self.execute(sql, params).fetchall()]

    def one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        row = self.execute(sql, params).fetchone()
        return dict(row) if row is not None else None

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self.execute(sql, params).fetchone()
        if row is None:
            return None
        return row[0] if self.backend == "sqlite" else next(iter(row.values()))

    @contextmanager
    def snapshot(self) -> Iterator[Connection]:
        """A read-only transaction in which every read sees the database as of its first
        read (concurrent commits stay invisible), without blocking writers."""
        if self.backend == "sqlite":
            self.raw.execute("BEGIN")
            try:
                yield self
            finally:
                self.raw.execute("COMMIT")
        else:
            with self.raw.transaction():
                self.raw.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                yield self

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A write transaction; on SQLite it takes the write lock at once."""
        if self.backend == "sqlite":
            self.raw.execute("BEGIN IMMEDIATE")
            try:
                yield self
            except BaseException:
                self.raw.execute("ROLLBACK")
                raise
            self.raw.execute("COMMIT")
        else:
            with self.raw.transaction():
                yield self


WRITE = re.compile(r"^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+([A-Za-z_][\w.]*)", re.I)
READS_FROM = re.compile(r"\b(?:FROM|JOIN)\s+([A-Za-z_][\w.]*)", re.I)
PLAIN_INSERT = re.compile(
    r"^\s*INSERT\s+INTO\s+([A-Za-z_][\w.]*)\s*\(([^)]*)\)\s*VALUES\s*\((\s*\?\s*(?:,\s*\?\s*)*)\)\s*$",
    re.I)
COPY_FROM = 20  # rows from which COPY beats executemany on PostgreSQL


@functools.lru_cache(maxsize=1024)
def _written(sql: str) -> str | None:
    """The table a statement writes (None for a read); statements are constants, so each is
    matched once, not once per row."""
    write = WRITE.match(sql)
    return write.group(1).lower() if write else None


@functools.lru_cache(maxsize=1024)
def _read(sql: str) -> tuple[str, ...]:
    return tuple(table.lower() for table in READS_FROM.findall(sql))


@functools.lru_cache(maxsize=1024)
def _plain_insert(sql: str) -> bool:
    return PLAIN_INSERT.match(sql) is not None


class BufferedConnection(Connection):
    """Holds writes back, per table, and sends runs of one statement as one `executemany`.

    Writes to one table keep their order; tables do not depend on each other (no foreign keys,
    no triggers), so their queues are sent independently. A read first sends the queued writes
    of every table it reads, so reads always see earlier writes. Used for one projection batch
    inside one transaction.
    """

    def __init__(self, inner: Connection):
        super().__init__(inner.raw, inner.backend)
        self._queues: dict[str, list[tuple[str, tuple[Any, ...]]]] = {}

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        table = _written(sql)
        if table is not None:
            self._queues.setdefault(table, []).append((sql, tuple(params)))
            return None
        for read in _read(sql):
            self._send(read)
        return super().execute(sql, params)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        for row in rows:
            self.execute(sql, row)

    def flush(self) -> None:
        for table in list(self._queues):
            self._send(table)

    def _send(self, table: str) -> None:
        pending = self._queues.pop(table, None)
        if not pending:
            return
        start = 0
        while start < len(pending):
            sql = pending[start][0]
            end = start
            while end < len(pending) and pending[end][0] == sql:
                end += 1
            rows = [params for _, params in pending[start:end]]
            if len(rows) == 1:
                super().execute(sql, rows[0])
            elif self.backend == "postgres" and len(rows) >= COPY_FROM and _plain_insert(sql):
                self._copy(sql, rows)
            else:
                super().executemany(sql, rows)
            start = end

    def _copy(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        """A run of plain inserts as one COPY (PostgreSQL)."""
        from psycopg import sql as pgsql

        match = PLAIN_INSERT.match(sql)
        assert match is not None
        columns = [c.strip() for c in match.group(2).split(",")]
        statement = pgsql.SQL("COPY {} ({}) FROM STDIN").format(
            pgsql.Identifier(*match.group(1).split(".")),
            pgsql.SQL(", ").join(pgsql.Identifier(c) for c in columns))
        with self.raw.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)


def reason(error: Exception) -> str:
    """A driver's error in one line: `connection refused`, `role "x" does not exist`, ..."""
    first = (str(error).strip().splitlines() or [type(error).__name__])[0]
    cause = first.rsplit(" failed: ", 1)[-1]
    return re.sub(r"^(FATAL|ERROR):\s+", "", cause).strip().rstrip(".") + "."


class Database:
    """Connections to the read-model tables, one per thread on SQLite, pooled on PostgreSQL."""

    def __init__(self, storage: Storage, create: bool = False):
        self.storage = storage
        self.backend = storage.backend
        self.create = create  # a SQLite file is made only for `tandem init`
        self._local = threading.local()
        self._pool: Any = None
        self._lock = threading.Lock()

    def _sqlite(self) -> Connection:
        conn: Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            if not self.create and not Path(self.storage.path).exists():
                raise StorageError(f"{self.storage.display()} does not exist: run `tandem init` "
                                   "first.")
            Path(self.storage.path).parent.mkdir(parents=True, exist_ok=True)
            raw = sqlite3.connect(self.storage.path, timeout=30, isolation_level=None,
                                  check_same_thread=False)
            raw.row_factory = sqlite3.Row
            try:
                raw.execute("PRAGMA busy_timeout = 30000")
            except sqlite3.Error:
                raw.close()
                raise
            # Read models are rebuilt from the log, and their rows commit together with their
            # position: a crash can only lose whole batches, which catch-up applies again.
            # So their commits need not wait for the disk; the event log's commits still do.
            raw.execute("PRAGMA synchronous = NORMAL")
            conn = Connection(raw, "sqlite")
            self._local.conn = conn
        return conn

    def _postgres_pool(self) -> Any:
        with self._lock:
            if self._pool is None:
                import psycopg
                from psycopg.rows import dict_row
                from psycopg_pool import ConnectionPool

                s = self.storage
                kwargs = {
                    "host": s.host, "port": s.port, "user": s.user, "password": s.password,
                    "dbname": s.dbname, "autocommit": True, "row_factory": dict_row,
                    "options": f"-c search_path={s.schema} -c synchronous_commit=off "
                               f"-c statement_timeout={int(s.statement_timeout * 1000)}",
                    "connect_timeout": max(2, round(s.connect_timeout)),
                }
                # One connection first: a server that is down or refuses us says why, at once
                # (a pool would keep trying and report only that it timed out).
                psycopg.connect(**kwargs).close()  # type: ignore[arg-type]
                self._pool = ConnectionPool(
                    conninfo="", min_size=1, max_size=8, open=True, timeout=s.connect_timeout,
                    reconnect_timeout=max(s.connect_timeout, 1.0), kwargs=kwargs,
                )
            return self._pool

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        if self.backend == "sqlite":
            try:
                conn = self._sqlite()
            except sqlite3.Error as error:  # not a database, a folder, no permission, ...
                raise StorageError(f"Cannot use {self.storage.display()}: {error}.") from error
            yield conn
            return
        try:
            pool = self._postgres_pool()
            with pool.connection() as raw:
                yield Connection(raw, "postgres")
        except Exception as error:
            from psycopg import OperationalError
            from psycopg_pool import PoolTimeout

            if isinstance(error, OperationalError) and self._pool is not None \
                    and not isinstance(error, PoolTimeout):
                self._pool.check()  # drop the other dead connections too (a server restart)
            if isinstance(error, PoolTimeout):
                raise StorageError(f"Cannot reach {self.storage.display()}: no answer within "
                                   f"{self.storage.connect_timeout:g} s.") from error
            if isinstance(error, OperationalError):
                raise StorageError(
                    f"Cannot reach {self.storage.display()}: {reason(error)}") from error
            raise

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.raw.close()
            self._local.conn = None
        if self._pool is not None:
            self._pool.close()
            self._pool = None
