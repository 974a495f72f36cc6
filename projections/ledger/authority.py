"""Authorization data under proof: the read models that decide who may do what (units, people
with their directory roles, API tokens, initiative memberships) are re-derived from the log and compared, row by row,
with the tables the server reads. A row the log does not justify (a token digest inserted by
SQL, a role set to admin by SQL) is named; so is a row the log says should be there.

Initiative memberships are under proof too. To put another read model under proof, add a
`Checked` to `CHECKED`: the projection that writes it, the events it is made from, and its tables with
their key columns. The same projection code is replayed into an empty in-memory database.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from eventsourcing.utils import TopicError, get_topic

from domain import events as ev
from domain.event_types import DIRECTORY_EVENTS, EventClass
from projections.db import Connection, Row
from projections.directory import DirectoryProjection
from projections.envelope import Envelope
from projections.eventlog import decoder, stored_event
from projections.members import MembershipProjection
from projections.projection import Projection
from projections.runner import SUBJECT_EVENTS

SELECT_POSITION = "SELECT position FROM tandem_tracking WHERE name = ?"


@dataclass(frozen=True)
class Checked:
    """A read model whose rows must each be justified by the log."""

    projection: Callable[[], Projection]
    events: tuple[EventClass, ...]
    tables: dict[str, tuple[str, ...]]  # table -> its key columns


CHECKED: tuple[Checked, ...] = (
    Checked(DirectoryProjection, DIRECTORY_EVENTS, {
        "tandem_units": ("unit",),
        "tandem_people": ("person",),
        "tandem_tokens": ("token_hash",),
    }),
    # an opening names the initiative the admissions and dismissals belong to
    Checked(MembershipProjection, (ev.InitiativeOpened, ev.MemberAdmitted, ev.MemberDismissed), {
        "tandem_memberships": ("position",),
    }),
)


def _value(value: Any) -> str | None:
    return None if value is None else str(value)


def _short(value: str | None) -> str:
    text = "NULL" if value is None else value
    return text if len(text) <= 24 else text[:12] + "…"


class Authority:
    """Collects the events the checked read models are made from during verify's pass over
    the log, then replays them and names every difference."""

    def __init__(self, checked: Sequence[Checked] = CHECKED):
        self.checked = list(checked)
        self.topics = {get_topic(cls) for c in self.checked for cls in c.events}
        self.rows: list[Row] = []

    def offer(self, row: Row) -> None:
        if row["topic"] in self.topics:
            self.rows.append(row)

    def _derived(self, conn: Connection) -> tuple[Connection, list[tuple[str, str]]]:
        """The checked read models, replayed from the collected events into memory, each up to
        the position its real counterpart has reached; and the events that could not be
        replayed (altered ones: the ledger's check names them)."""
        memory = Connection(sqlite3.connect(":memory:"), "sqlite")
        memory.raw.row_factory = sqlite3.Row
        decode = decoder()
        subjects: dict[str, tuple[str, str]] = {}
        projections = [(c.projection(), c) for c in self.checked]
        reached = {}
        for projection, _ in projections:
            for statement in projection.ddl:
                memory.execute(statement)
            reached[projection.name] = int(conn.scalar(SELECT_POSITION, (projection.name,)) or 0)
        failed: list[tuple[str, str]] = []
        for row in self.rows:
            try:
                raw = stored_event(row)
                event = decode(raw)
                originator = str(raw.originator_id)
                kind = SUBJECT_EVENTS.get(type(event))
                if kind is not None:
                    subjects[originator] = (kind, getattr(event, kind))
                subject = subjects.get(originator)
                initiative = subject[1] if subject and subject[0] == "initiative" else None
                envelope = Envelope.from_event(int(row["position"]), event, initiative, subject)
                for projection, _ in projections:
                    if envelope.position <= reached[projection.name]:
                        projection.apply(memory, envelope, raw)
            except (ValueError, KeyError, TypeError, AttributeError, TopicError,
                    sqlite3.Error) as error:
                failed.append(("event not replayable", (
                    f"the event at position {row['position']} cannot be replayed into the "
                    f"authorization data ({type(error).__name__}: {error}); the rows it would "
                    "justify are not checked")))
        return memory, failed

    def differences(self, conn: Connection) -> list[tuple[str, str]]:
        """(kind, detail) for every row of a checked table that the log does not justify, and
        every row the log justifies that is missing."""
        memory, found = self._derived(conn)
        for checked in self.checked:
            for table, key in checked.tables.items():
                found += _compare(table, key, conn.all(f"SELECT * FROM {table}"),  # noqa: S608
                                  memory.all(f"SELECT * FROM {table}"))  # noqa: S608
        memory.raw.close()
        return found


def _compare(table: str, key: tuple[str, ...], actual: list[Row],
             derived: list[Row]) -> list[tuple[str, str]]:
    def keyed(rows: list[Row]) -> dict[tuple[str | None, ...], dict[str, str | None]]:
        return {tuple(_value(r[k]) for k in key): {c: _value(v) for c, v in r.items()}
                for r in rows}

    def named(ident: tuple[str | None, ...]) -> str:
        return f"{table} row " + ", ".join(f"{k}={_short(v)}"
                                           for k, v in zip(key, ident, strict=True))

    have, want = keyed(actual), keyed(derived)
    found = []
    for ident, row in have.items():
        name = named(ident)
        expected = want.get(ident)
        if expected is None:
            found.append(("row not backed by the log", f"{name} ({_describe(row, key)}): no "
                          "event in the log creates it"))
            continue
        for column, value in row.items():
            if column in expected and expected[column] != value:
                found.append(("row not backed by the log", (
                    f"{name}: {column} is {_short(value)!s}, the log says "
                    f"{_short(expected[column])!s}")))
    for ident in sorted(want.keys() - have.keys(), key=str):
        found.append(("row missing", f"{named(ident)}: the log creates it, the read model "
                                     "lacks it"))
    return found


def _describe(row: dict[str, str | None], key: tuple[str, ...]) -> str:
    return ", ".join(f"{c}={_short(v)}" for c, v in row.items() if c not in key)
