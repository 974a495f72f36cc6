"""Read model of the directory and of the initiatives list: units, people, API tokens."""

from __future__ import annotations

import json

from eventsourcing.persistence import StoredEvent

from projections.db import Connection
from projections.envelope import Envelope, db_time

DDL = [
    "CREATE TABLE IF NOT EXISTS tandem_units (unit TEXT PRIMARY KEY, name TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS tandem_people (person TEXT PRIMARY KEY, name TEXT NOT NULL, "
    "unit TEXT NOT NULL, role TEXT NOT NULL, active INTEGER NOT NULL, deactivated_at TEXT, "
    "unit_since TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS tandem_tokens (token_hash TEXT PRIMARY KEY, token_id TEXT NOT NULL, "
    "person TEXT NOT NULL, issued_at TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS tandem_initiatives (initiative TEXT PRIMARY KEY, title TEXT NOT NULL, "
    "sponsor TEXT NOT NULL, units TEXT NOT NULL, escalation_path TEXT NOT NULL, "
    "status TEXT NOT NULL, opened_at TEXT NOT NULL, closed_at TEXT, last_position BIGINT NOT NULL)",
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
    "opened_at, closed_at, last_position) VALUES (?, ?, ?, ?, ?, 'open', ?, NULL, ?)"
)
TOUCH_INITIATIVE = "UPDATE tandem_initiatives SET last_position = ? WHERE initiative = ?"
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
    "last_position FROM tandem_initiatives ORDER BY initiative"
)
SELECT_INITIATIVE = (
    "SELECT initiative, title, sponsor, units, escalation_path, status, opened_at, closed_at, "
    "last_position FROM tandem_initiatives WHERE initiative = ?"
)


class DirectoryProjection:
    name = "directory"
    ddl = DDL
    tables = ("tandem_units", "tandem_people", "tandem_tokens", "tandem_initiatives")

    def apply(self, tx: Connection, e: Envelope, raw: StoredEvent) -> None:
        d = e.data
        if e.type == "UnitRegistered":
            tx.execute(INSERT_UNIT, (d["unit"], d["name"]))
        elif e.type == "PersonRegistered":
            tx.execute(INSERT_PERSON, (d["person"], d["name"], d["unit"], d["role"],
                                       db_time(e.effective_at)))
        elif e.type == "PersonMoved":
            since = db_time(e.effective_at)
            tx.execute(UPDATE_PERSON_UNIT, (d["unit"], since, d["person"], since))
        elif e.type == "RoleChanged":
            tx.execute(UPDATE_PERSON_ROLE, (d["role"], d["person"]))
        elif e.type == "PersonDeactivated":
            tx.execute(DEACTIVATE_PERSON, (db_time(e.effective_at), d["person"]))
        elif e.type == "TokenIssued":
            token_hash = raw_token_hash(raw, e)
            tx.execute(INSERT_TOKEN, (token_hash, d["token_id"], d["person"], db_time(e.recorded_at)))
        elif e.type == "TokenRevoked":
            tx.execute(DELETE_TOKEN, (d["token_id"], d["person"]))
        elif e.type == "InitiativeOpened":
            tx.execute(INSERT_INITIATIVE, (
                d["initiative"], d["title"], d["sponsor"], json.dumps(d["units"]),
                json.dumps(d["escalation_path"]), db_time(e.effective_at), e.position,
            ))
        elif e.type == "InitiativeClosed":
            tx.execute(CLOSE_INITIATIVE, (db_time(e.effective_at), e.position, e.initiative))
        elif e.initiative is not None:
            tx.execute(TOUCH_INITIATIVE, (e.position, e.initiative))


def raw_token_hash(raw: StoredEvent, e: Envelope) -> str:
    """The digest is hidden from envelopes; read it from the stored state itself."""
    state = json.loads(raw.state)
    return str(state["token_hash"])


def initiative_row(row: dict[str, object]) -> dict[str, object]:
    return {
        **row,
        "units": json.loads(str(row["units"])),
        "escalation_path": json.loads(str(row["escalation_path"])),
    }
