"""Raw baselines, measured in the same run: the storage Tandem stands on, without Tandem."""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Iterator
from typing import Any

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

from projections.db import Database, Storage
from projections.eventlog import EventLog, stored_event


class Probe(Aggregate):
    """A bare aggregate: one event class carrying a payload like a Tandem event's."""

    @event("Recorded")
    def record(self, actor: str, effective_at: str, data: dict[str, Any]) -> None:
        pass


class RawApplication(Application[Any]):
    name = "raw"


def raw_save_rate(storage: Storage, payloads: list[dict[str, Any]]) -> float:
    """Events/s for plain `Application.save`, one event per transaction."""
    env = storage.library_env(create_table=True)
    if storage.backend == "sqlite":
        env["SQLITE_DBNAME"] = storage.path + ".raw"
    app = RawApplication(env=env)
    try:
        probe = Probe()
        app.save(probe)
        started = time.perf_counter()
        for payload in payloads:
            probe.record(actor="bench", effective_at="2026-01-01T00:00:00+00:00", data=payload)
            app.save(probe)
        return len(payloads) / (time.perf_counter() - started)
    finally:
        app.close()


CREATE_RAW = (
    "CREATE TABLE IF NOT EXISTS bench_raw_events (originator_id TEXT, originator_version "
    "BIGINT, topic TEXT, state {blob}, PRIMARY KEY (originator_id, originator_version))"
)
INSERT_RAW = "INSERT INTO bench_raw_events VALUES (?, ?, ?, ?)"


def raw_insert_rate(db: Database, rows: list[tuple[str, int, str, bytes]]) -> float:
    """Events/s for the bare driver inserting the same stored bytes, one row per transaction,
    on a connection with the database's default durability (as the event store's)."""
    storage = db.storage
    if storage.backend == "sqlite":
        import sqlite3

        conn = sqlite3.connect(storage.path, isolation_level=None)
        blob, sql = "BLOB", INSERT_RAW
    else:
        import psycopg

        conn = psycopg.connect(host=storage.host, port=storage.port, user=storage.user,
                               password=storage.password, dbname=storage.dbname,
                               autocommit=True, options=f"-c search_path={storage.schema}")
        blob, sql = "BYTEA", INSERT_RAW.replace("?", "%s")
    try:
        conn.execute(CREATE_RAW.format(blob=blob))
        started = time.perf_counter()
        for row in rows:
            conn.execute("BEGIN")
            conn.execute(sql, row)
            conn.execute("COMMIT")
        elapsed = time.perf_counter() - started
        conn.execute("DROP TABLE bench_raw_events")
    finally:
        conn.close()
    return len(rows) / elapsed


def stored_rows(db: Database, after: int, limit: int) -> list[dict[str, Any]]:
    with db.connect() as conn:
        return EventLog(db.storage).after(conn, after, limit)


def all_rows(db: Database) -> Iterator[dict[str, Any]]:
    """Every stored event, in pages of 1000, as the runner reads them."""
    after = 0
    while True:
        rows = stored_rows(db, after, 1000)
        yield from rows
        if len(rows) < 1000:
            return
        after = int(rows[-1]["position"])


def raw_select_decode_rate(db: Database, decode: Any) -> tuple[int, float]:
    """Events/s for selecting every stored event in pages and decoding it."""
    count = 0
    started = time.perf_counter()
    for row in all_rows(db):
        decode(stored_event(row))
        count += 1
    return count, count / (time.perf_counter() - started)


def raw_select_hash_rate(db: Database) -> tuple[int, float]:
    """Events/s for selecting every stored event and SHA-256 over the same bytes."""
    count = 0
    started = time.perf_counter()
    for row in all_rows(db):
        originator = row["originator_id"]
        ident = originator.bytes if isinstance(originator, uuid.UUID) else \
            uuid.UUID(str(originator)).bytes
        hashlib.sha256(b"\x00" + int(row["position"]).to_bytes(8, "big") + ident
                       + int(row["originator_version"]).to_bytes(8, "big")
                       + row["topic"].encode() + bytes(row["state"])).digest()
        count += 1
    return count, count / (time.perf_counter() - started)
