"""Read model of the directory and of the initiatives list: units, people, API tokens; its
table, its projection and its queries."""

from __future__ import annotations

import json
from typing import Any

from eventsourcing.persistence import StoredEvent

from domain import events as ev
from domain.directory import Person, Unit
from domain.errors import NotFound
from projections.db import Connection, Database, Row
from projections.envelope import Envelope, db_time
from projections.projection import Projection, handles

DDL = [
    "CREATE TABLE IF NOT EXISTS tandem_units (unit TEXT PRIMARY KEY, name TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS tandem_people (person TEXT PRIMARY KEY, name TEXT NOT NULL, "
    "unit TEXT NOT NULL, role TEXT NOT NULL, active INTEGER NOT NULL, deactivated_at TEXT, "
    "unit_since TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS tandem_tokens (token_hash TEXT PRIMARY KEY, token_id TEXT NOT NULL, "
    "person TEXT NOT NULL, issued_at TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS tandem_initiatives (initiative TEXT PRIMARY KEY, title TEXT NOT NULL, "
    "sponsor TEXT NOT NULL, units TEXT NOT NULL, escalation_path TEXT NOT NULL, "
    "status TEXT NOT NULL, opened_at TEXT NOT NULL, closed_at TEXT, last_position BIGINT NOT NULL, "
    "visibility TEXT NOT NULL)",
]

INSERT_UNIT = "INSERT INTO tandem_units (unit, name) VALUES (?, ?)"
INSERT_PERSON = (
    "INSERT INTO tandem_people (person, name, unit, role, active, deactivated_at, unit_since) "
    "VALUES (?, ?, ?, ?, 1, NULL, ?)"
)
# A move recorded late but effective earlier than the last known move changes nothing now.
UPDATE_PERSON_UNIT = (
    "UPDATE tandem_people SET unit = ?, unit_since = ? WHERE person = ? AND unit_since <= ?"
)
DELETE_TOKEN = "DELETE FROM tandem_tokens WHERE token_id = ? AND person = ?"
UPDATE_PERSON_ROLE = "UPDATE tandem_people SET role = ? WHERE person = ?"
DEACTIVATE_PERSON = "UPDATE tandem_people SET active = 0, deactivated_at = ? WHERE person = ?"
INSERT_TOKEN = (
    "INSERT INTO tandem_tokens (token_hash, token_id, person, issued_at) VALUES (?, ?, ?, ?)"
)
INSERT_INITIATIVE = (
    "INSERT INTO tandem_initiatives (initiative, title, sponsor, units, escalation_path, status, "
    "opened_at, closed_at, last_position, visibility) VALUES (?, ?, ?, ?, ?, 'open', ?, NULL, ?, "
    "'open')"
)
TOUCH_INITIATIVE = "UPDATE tandem_initiatives SET last_position = ? WHERE initiative = ?"
SET_VISIBILITY = (
    "UPDATE tandem_initiatives SET visibility = ?, last_position = ? WHERE initiative = ?"
)
CLOSE_INITIATIVE = (
    "UPDATE tandem_initiatives SET status = 'closed', closed_at = ?, last_position = ? "
    "WHERE initiative = ?"
)

SELECT_UNITS = "SELECT unit, name FROM tandem_units ORDER BY unit"
SELECT_PEOPLE = "SELECT person, name, unit, role, active, deactivated_at FROM tandem_people ORDER BY person"
SELECT_PERSON = (
    "SELECT person, name, unit, role, active, deactivated_at FROM tandem_people WHERE person = ?"
)
SELECT_TOKEN = (
    "SELECT p.person, p.name, p.unit, p.role, p.active FROM tandem_tokens t "
    "JOIN tandem_people p ON p.person = t.person WHERE t.token_hash = ?"
)
SELECT_INITIATIVES = (
    "SELECT initiative, title, sponsor, units, escalation_path, status, opened_at, closed_at, "
    "last_position, visibility FROM tandem_initiatives ORDER BY initiative"
)
SELECT_INITIATIVE = (
    "SELECT initiative, title, sponsor, units, escalation_path, status, opened_at, closed_at, "
    "last_position, visibility FROM tandem_initiatives WHERE initiative = ?"
)


class DirectoryProjection(Projection):
    name = "directory"
    ddl = DDL
    tables = ("tandem_units", "tandem_people", "tandem_tokens", "tandem_initiatives")

    @handles(Unit.UnitRegistered)
    def _unit(self, tx: Connection, e: Envelope, raw: StoredEvent) -> None:
        tx.execute(INSERT_UNIT, (e.data["unit"], e.data["name"]))

    @handles(Person.PersonRegistered)
    def _person(self, tx: Connection, e: Envelope, raw: StoredEvent) -> None:
        d = e.data
        tx.execute(INSERT_PERSON, (d["person"], d["name"], d["unit"], d["role"],
                                   db_time(e.effective_at)))

    @handles(Person.PersonMoved)
    def _moved(self, tx: Connection, e: Envelope, raw: StoredEvent) -> None:
        since = db_time(e.effective_at)
        tx.execute(UPDATE_PERSON_UNIT, (e.data["unit"], since, e.data["person"], since))

    @handles(Person.RoleChanged)
    def _role(self, tx: Connection, e: Envelope, raw: StoredEvent) -> None:
        tx.execute(UPDATE_PERSON_ROLE, (e.data["role"], e.data["person"]))

    @handles(Person.PersonDeactivated)
    def _deactivated(self, tx: Connection, e: Envelope, raw: StoredEvent) -> None:
        tx.execute(DEACTIVATE_PERSON, (db_time(e.effective_at), e.data["person"]))

    @handles(Person.TokenIssued)
    def _token(self, tx: Connection, e: Envelope, raw: StoredEvent) -> None:
        tx.execute(INSERT_TOKEN, (raw_token_hash(raw), e.data["token_id"], e.data["person"],
                                  db_time(e.recorded_at)))

    @handles(Person.TokenRevoked)
    def _revoked(self, tx: Connection, e: Envelope, raw: StoredEvent) -> None:
        tx.execute(DELETE_TOKEN, (e.data["token_id"], e.data["person"]))

    @handles(ev.InitiativeOpened)
    def _opened(self, tx: Connection, e: Envelope, raw: StoredEvent) -> None:
        d = e.data
        tx.execute(INSERT_INITIATIVE, (
            d["initiative"], d["title"], d["sponsor"], json.dumps(d["units"]),
            json.dumps(d["escalation_path"]), db_time(e.effective_at), e.position,
        ))

    @handles(ev.InitiativeClosed)
    def _closed(self, tx: Connection, e: Envelope, raw: StoredEvent) -> None:
        tx.execute(CLOSE_INITIATIVE, (db_time(e.effective_at), e.position, e.initiative))

    @handles(ev.VisibilityChanged)
    def _visibility(self, tx: Connection, e: Envelope, raw: StoredEvent) -> None:
        tx.execute(SET_VISIBILITY, (e.data["visibility"], e.position, e.initiative))

    @handles(*(cls for cls in ev.INITIATIVE_EVENTS
               if cls not in (ev.InitiativeOpened, ev.InitiativeClosed, ev.VisibilityChanged)))
    def _touched(self, tx: Connection, e: Envelope, raw: StoredEvent) -> None:
        tx.execute(TOUCH_INITIATIVE, (e.position, e.initiative))


def raw_token_hash(raw: StoredEvent) -> str:
    """The digest is hidden from envelopes; read it from the stored state itself."""
    state = json.loads(raw.state)
    return str(state["token_hash"])


def initiative_row(row: Row) -> dict[str, Any]:
    return {
        **row,
        "units": json.loads(str(row["units"])),
        "escalation_path": json.loads(str(row["escalation_path"])),
    }


def _person(row: Row) -> dict[str, Any]:
    return {**row, "active": bool(row["active"])}


class DirectoryQueries:
    """Units, people, API tokens and the list of initiatives."""

    def __init__(self, db: Database):
        self.db = db

    def units(self) -> list[dict[str, Any]]:
        with self.db.connect() as conn:
            return conn.all(SELECT_UNITS)

    def unit(self, unit: str) -> dict[str, Any]:
        found = next((u for u in self.units() if u["unit"] == unit), None)
        if found is None:
            raise NotFound("There is no unit '%(key)s'.", key=unit)
        return found

    def people(self) -> list[dict[str, Any]]:
        with self.db.connect() as conn:
            return [_person(row) for row in conn.all(SELECT_PEOPLE)]

    def person(self, person: str) -> dict[str, Any]:
        with self.db.connect() as conn:
            row = conn.one(SELECT_PERSON, (person,))
        if row is None:
            raise NotFound("There is no person '%(key)s'.", key=person)
        return _person(row)

    def person_for_token_digest(self, digest: str) -> dict[str, Any] | None:
        with self.db.connect() as conn:
            row = conn.one(SELECT_TOKEN, (digest,))
        return _person(row) if row and row["active"] else None

    def initiative_row(self, initiative: str) -> dict[str, Any]:
        with self.db.connect() as conn:
            row = conn.one(SELECT_INITIATIVE, (initiative,))
        if row is None:
            raise NotFound("There is no initiative '%(key)s'.", rule="known-references",
                           key=initiative)
        return initiative_row(row)

    def initiative_rows(self) -> list[dict[str, Any]]:
        with self.db.connect() as conn:
            return [initiative_row(r) for r in conn.all(SELECT_INITIATIVES)]
