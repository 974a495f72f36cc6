"""Direct SQL on the stored events, as someone with database access would do it."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from web.settings import Settings


class RawEvents:
    """The events table and the ledger tables, edited behind Tandem's back."""

    def __init__(self, settings: Settings):
        self.storage = settings.storage
        self.sqlite = self.storage.backend == "sqlite"
        self.table = self.storage.events_table
        self.pos = self.storage.position_column

    @contextmanager
    def cursor(self) -> Iterator[Any]:
        if self.sqlite:
            conn = sqlite3.connect(self.storage.path)
            try:
                yield conn
                conn.commit()
            finally:
                conn.close()
            return
        import psycopg

        s = self.storage
        with psycopg.connect(host=s.host, port=s.port, user=s.user, password=s.password,
                             dbname=s.dbname, options=f"-c search_path={s.schema}") as conn:
            yield conn

    def sql(self, text: str) -> str:
        text = text.replace("{t}", self.table).replace("{pos}", self.pos)
        return text if self.sqlite else text.replace("?", "%s")

    def positions(self) -> list[int]:
        with self.cursor() as c:
            return [r[0] for r in c.execute(self.sql("SELECT {pos} FROM {t} ORDER BY {pos}"))]

    def row(self, position: int) -> tuple[Any, int, str, bytes]:
        with self.cursor() as c:
            row = c.execute(self.sql("SELECT originator_id, originator_version, topic, state "
                                     "FROM {t} WHERE {pos} = ?"), (position,)).fetchone()
        return row[0], row[1], row[2], bytes(row[3])

    def flip_state_byte(self, position: int) -> None:
        state = bytearray(self.row(position)[3])
        state[len(state) // 2] ^= 0x01
        with self.cursor() as c:
            c.execute(self.sql("UPDATE {t} SET state = ? WHERE {pos} = ?"), (bytes(state), position))

    def replace_in_state(self, old: bytes, new: bytes) -> int:
        """Rewrite text inside the first state that holds `old`, keeping it decodable."""
        for position in self.positions():
            state = self.row(position)[3]
            if old in state:
                with self.cursor() as c:
                    c.execute(self.sql("UPDATE {t} SET state = ? WHERE {pos} = ?"),
                              (state.replace(old, new), position))
                return position
        raise LookupError(old)

    def set_topic(self, position: int, topic: str) -> None:
        with self.cursor() as c:
            c.execute(self.sql("UPDATE {t} SET topic = ? WHERE {pos} = ?"), (topic, position))

    def delete(self, *positions: int) -> None:
        with self.cursor() as c:
            for p in positions:
                c.execute(self.sql("DELETE FROM {t} WHERE {pos} = ?"), (p,))

    def move(self, c: Any, old: int, new: int) -> None:
        c.execute(self.sql("UPDATE {t} SET {pos} = ? WHERE {pos} = ?"), (new, old))

    def swap(self, a: int, b: int) -> None:
        with self.cursor() as c:
            self.move(c, a, -1)
            self.move(c, b, a)
            self.move(c, -1, b)

    def insert_forged(self, position: int, copy_of: int) -> None:
        """Insert a forged event at `position`, moving the later events up by one."""
        _, _, topic, state = self.row(copy_of)
        later = [p for p in self.positions() if p >= position]
        forged = uuid.uuid4()
        with self.cursor() as c:
            for p in reversed(later):
                self.move(c, p, p + 1)
            c.execute(self.sql("INSERT INTO {t} ({pos}, originator_id, originator_version, topic, "
                               "state) VALUES (?, ?, 1, ?, ?)"),
                      (position, forged.hex if self.sqlite else forged, topic, state))

    def drop_ledger_tail(self, keep: int, keep_position: int) -> None:
        """Remove the ledger's leaves and subtrees beyond `keep` leaves, and its checkpoints."""
        with self.cursor() as c:
            c.execute(self.sql("DELETE FROM tandem_ledger_leaves WHERE idx >= ?"), (keep,))
            for height in range(1, 40):
                c.execute(self.sql("DELETE FROM tandem_ledger_nodes WHERE height = ? "
                                   "AND (idx + 1) * ? > ?"), (height, 1 << height, keep))
            c.execute(self.sql("DELETE FROM tandem_checkpoints"))
            c.execute(self.sql("UPDATE tandem_tracking SET position = ? WHERE name = 'ledger'"),
                      (keep_position,))

    def wipe_ledger(self, reset_tracking: bool = True) -> None:
        """Empty the ledger's tables and the stored checkpoints; reset its tracking row too."""
        with self.cursor() as c:
            for table in ("tandem_ledger_leaves", "tandem_ledger_nodes", "tandem_checkpoints"):
                c.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed names
            if reset_tracking:
                c.execute("UPDATE tandem_tracking SET position = 0 WHERE name = 'ledger'")

    def drop_checkpoints(self) -> None:
        with self.cursor() as c:
            c.execute("DELETE FROM tandem_checkpoints")

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> None:
        """Any statement, with `?` placeholders on both backends."""
        with self.cursor() as c:
            c.execute(self.sql(sql), params)

    def state_as_text(self, position: int) -> None:
        """Store an event's state as text instead of bytes (a column altered outside Tandem)."""
        with self.cursor() as c:
            if self.sqlite:
                c.execute(self.sql("UPDATE {t} SET state = CAST(state AS TEXT) WHERE {pos} = ?"),
                          (position,))
            else:
                c.execute(self.sql("ALTER TABLE {t} ALTER COLUMN state TYPE text "
                                   "USING convert_from(state, 'UTF8')"))

    def append_copy(self, copy_of: int, recorded_at: str) -> int:
        """Append, at the end of the log, a copy of an event under a new aggregate version,
        claiming the recording time `recorded_at`; returns its position."""
        originator, version, topic, state = self.row(copy_of)
        old = state.split(b'"_data_":"', 1)[1].split(b'"', 1)[0]
        state = state.replace(old, recorded_at.encode(), 1)
        with self.cursor() as c:
            top = c.execute(self.sql("SELECT MAX(originator_version) FROM {t} "
                                     "WHERE originator_id = ?"), (originator,)).fetchone()[0]
            c.execute(self.sql("INSERT INTO {t} (originator_id, originator_version, topic, state) "
                               "VALUES (?, ?, ?, ?)"), (originator, top + 1, topic, state))
        return self.positions()[-1]
