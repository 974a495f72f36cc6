"""Read models of responsibilities (bitemporal rows), decisions and escalations."""

from __future__ import annotations

import json

from eventsourcing.persistence import StoredEvent

from projections.db import Connection
from projections.envelope import Envelope, db_time

RESPONSIBILITY_DDL = [
    "CREATE TABLE IF NOT EXISTS tandem_responsibilities (position BIGINT PRIMARY KEY, "
    "initiative TEXT NOT NULL, change TEXT NOT NULL, area TEXT NOT NULL, person TEXT NOT NULL, "
    "role TEXT NOT NULL, effective_at TEXT NOT NULL, recorded_at TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS tandem_responsibilities_when "
    "ON tandem_responsibilities (initiative, effective_at, position)",
    "CREATE INDEX IF NOT EXISTS tandem_responsibilities_person "
    "ON tandem_responsibilities (person, initiative)",
]
INSERT_RESPONSIBILITY = (
    "INSERT INTO tandem_responsibilities (position, initiative, change, area, person, role, "
    "effective_at, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
RESPONSIBILITY_CHANGES = {
    "ResponsibilityAssigned": "assign", "ResponsibilityReleased": "release",
    "TandemFormed": "form", "TandemDissolved": "dissolve",
}


class ResponsibilityProjection:
    """One row per change of a role or of the lead tandem, with both of its times."""

    name = "responsibilities"
    ddl = RESPONSIBILITY_DDL
    tables = ("tandem_responsibilities",)

    def apply(self, tx: Connection, e: Envelope, raw: StoredEvent) -> None:
        change = RESPONSIBILITY_CHANGES.get(e.type)
        if change is None:
            return
        d = e.data
        person = ",".join(d.get("people") or []) if change == "form" else d.get("person", "")
        tx.execute(INSERT_RESPONSIBILITY, (
            e.position, e.initiative, change, d.get("area", ""), person, d.get("role", ""),
            db_time(e.effective_at), db_time(e.recorded_at),
        ))


DECISION_DDL = [
    "CREATE TABLE IF NOT EXISTS tandem_decisions (initiative TEXT NOT NULL, decision TEXT NOT NULL, "
    "position BIGINT NOT NULL, scope TEXT NOT NULL, title TEXT NOT NULL, options TEXT NOT NULL, "
    "option TEXT NOT NULL, rationale TEXT NOT NULL, decided_by TEXT NOT NULL, basis TEXT NOT NULL, "
    "proposal TEXT, escalation TEXT, supersedes TEXT, superseded_by TEXT, revoked TEXT, "
    "status TEXT NOT NULL, actor TEXT NOT NULL, effective_at TEXT NOT NULL, "
    "recorded_at TEXT NOT NULL, PRIMARY KEY (initiative, decision))",
    "CREATE INDEX IF NOT EXISTS tandem_decisions_when ON tandem_decisions (effective_at)",
    "CREATE TABLE IF NOT EXISTS tandem_decision_people (initiative TEXT NOT NULL, "
    "decision TEXT NOT NULL, person TEXT NOT NULL, PRIMARY KEY (person, initiative, decision))",
]
INSERT_DECISION = (
    "INSERT INTO tandem_decisions (initiative, decision, position, scope, title, options, option, "
    "rationale, decided_by, basis, proposal, escalation, supersedes, superseded_by, revoked, "
    "status, actor, effective_at, recorded_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, 'in_force', ?, ?, ?)"
)
INSERT_DECISION_PERSON = (
    "INSERT INTO tandem_decision_people (initiative, decision, person) VALUES (?, ?, ?) "
    "ON CONFLICT DO NOTHING"
)
SUPERSEDE_DECISION = (
    "UPDATE tandem_decisions SET status = 'superseded', superseded_by = ? "
    "WHERE initiative = ? AND decision = ?"
)
REVOKE_DECISION = (
    "UPDATE tandem_decisions SET status = 'revoked', revoked = ? WHERE initiative = ? AND decision = ?"
)


class DecisionProjection:
    """The decision register: one row per decision, with what superseded or revoked it."""

    name = "decisions"
    ddl = DECISION_DDL
    tables = ("tandem_decisions", "tandem_decision_people")

    def apply(self, tx: Connection, e: Envelope, raw: StoredEvent) -> None:
        d = e.data
        if e.type == "DecisionTaken":
            tx.execute(INSERT_DECISION, (
                e.initiative, d["decision"], e.position, d["scope"], d["title"],
                json.dumps(d["options"], ensure_ascii=False), d["option"], d["rationale"],
                json.dumps(d["decided_by"]), json.dumps(d["basis"]), d["proposal"],
                d["escalation"], d["supersedes"], e.actor, db_time(e.effective_at),
                db_time(e.recorded_at),
            ))
            people = {*d["decided_by"], e.actor}
            tx.executemany(INSERT_DECISION_PERSON,
                           [(e.initiative, d["decision"], p) for p in sorted(people)])
            if d["supersedes"]:
                tx.execute(SUPERSEDE_DECISION, (d["decision"], e.initiative, d["supersedes"]))
        elif e.type == "DecisionRevoked":
            revoked = {"reason": d["reason"], "actor": e.actor, "position": e.position,
                       "effective_at": e.effective_at.isoformat()}
            tx.execute(REVOKE_DECISION, (json.dumps(revoked, ensure_ascii=False),
                                         e.initiative, d["decision"]))


ESCALATION_DDL = [
    "CREATE TABLE IF NOT EXISTS tandem_escalations (initiative TEXT NOT NULL, "
    "escalation TEXT NOT NULL, position BIGINT NOT NULL, topic TEXT NOT NULL, "
    "options TEXT NOT NULL, raised_by TEXT NOT NULL, addressed_to TEXT NOT NULL, "
    "level INTEGER NOT NULL, due_at TEXT NOT NULL, status TEXT NOT NULL, resolved_by TEXT, "
    "raised_at TEXT NOT NULL, resolved_at TEXT, history TEXT NOT NULL, "
    "PRIMARY KEY (initiative, escalation))",
    "CREATE INDEX IF NOT EXISTS tandem_escalations_open ON tandem_escalations (status, due_at)",
]
INSERT_ESCALATION = (
    "INSERT INTO tandem_escalations (initiative, escalation, position, topic, options, raised_by, "
    "addressed_to, level, due_at, status, resolved_by, raised_at, resolved_at, history) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', NULL, ?, NULL, ?)"
)
SELECT_HISTORY = (
    "SELECT history FROM tandem_escalations WHERE initiative = ? AND escalation = ?"
)
FORWARD_ESCALATION = (
    "UPDATE tandem_escalations SET addressed_to = ?, level = ?, due_at = ?, history = ? "
    "WHERE initiative = ? AND escalation = ?"
)
RESOLVE_ESCALATION = (
    "UPDATE tandem_escalations SET status = 'resolved', resolved_by = ?, resolved_at = ? "
    "WHERE initiative = ? AND escalation = ?"
)


class EscalationProjection:
    """The escalation board: each escalation with its path through the levels."""

    name = "escalations"
    ddl = ESCALATION_DDL
    tables = ("tandem_escalations",)

    def apply(self, tx: Connection, e: Envelope, raw: StoredEvent) -> None:
        d = e.data
        if e.type == "EscalationRaised":
            step = {"level": d["level"], "addressed_to": d["addressed_to"],
                    "since": d_iso(e), "due_at": d["due_at"], "reason": None, "actor": e.actor}
            tx.execute(INSERT_ESCALATION, (
                e.initiative, d["escalation"], e.position, d["topic"],
                json.dumps(d["options"], ensure_ascii=False), d["raised_by"], d["addressed_to"],
                d["level"], db_time(_parse(d["due_at"])), db_time(e.effective_at),
                json.dumps([step], ensure_ascii=False),
            ))
        elif e.type == "EscalationForwarded":
            history = json.loads(tx.scalar(SELECT_HISTORY, (e.initiative, d["escalation"])))
            history.append({"level": d["level"], "addressed_to": d["addressed_to"],
                            "since": d_iso(e), "due_at": d["due_at"], "reason": d["reason"],
                            "actor": e.actor})
            tx.execute(FORWARD_ESCALATION, (
                d["addressed_to"], d["level"], db_time(_parse(d["due_at"])),
                json.dumps(history, ensure_ascii=False), e.initiative, d["escalation"],
            ))
        elif e.type == "EscalationResolved":
            tx.execute(RESOLVE_ESCALATION, (d["decision"], db_time(e.effective_at),
                                            e.initiative, d["escalation"]))


def d_iso(e: Envelope) -> str:
    return e.effective_at.isoformat()


def _parse(value: str):  # type: ignore[no-untyped-def]
    from datetime import datetime

    return datetime.fromisoformat(value)
