"""Read model of the decision register: one row per decision, with what superseded or revoked
it; its tables, its projection and its queries."""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any

from eventsourcing.persistence import StoredEvent

from domain import attestation
from domain import events as ev
from domain.errors import InvalidInput, NotFound
from projections.db import Connection, Database, Row
from projections.directory import DirectoryQueries
from projections.envelope import Envelope, db_time, iso
from projections.projection import Projection, handles

DDL = [
    "CREATE TABLE IF NOT EXISTS tandem_decisions (initiative TEXT NOT NULL, decision TEXT NOT NULL, "
    "position BIGINT NOT NULL, scope TEXT NOT NULL, title TEXT NOT NULL, options TEXT NOT NULL, "
    "option TEXT NOT NULL, rationale TEXT NOT NULL, decided_by TEXT NOT NULL, basis TEXT NOT NULL, "
    "proposal TEXT, escalation TEXT, supersedes TEXT, superseded_by TEXT, revoked TEXT, "
    "status TEXT NOT NULL, actor TEXT NOT NULL, effective_at TEXT NOT NULL, "
    "recorded_at TEXT NOT NULL, awaiting TEXT NOT NULL, disputed TEXT NOT NULL, "
    "PRIMARY KEY (initiative, decision))",
    "CREATE INDEX IF NOT EXISTS tandem_decisions_position ON tandem_decisions (initiative, position)",
    "CREATE INDEX IF NOT EXISTS tandem_decisions_when ON tandem_decisions (effective_at)",
    "CREATE TABLE IF NOT EXISTS tandem_decision_people (initiative TEXT NOT NULL, "
    "decision TEXT NOT NULL, person TEXT NOT NULL, PRIMARY KEY (person, initiative, decision))",
]
INSERT_DECISION = (
    "INSERT INTO tandem_decisions (initiative, decision, position, scope, title, options, option, "
    "rationale, decided_by, basis, proposal, escalation, supersedes, superseded_by, revoked, "
    "status, actor, effective_at, recorded_at, awaiting, disputed) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?, ?, ?, ?, '{}')"
)
INSERT_DECISION_PERSON = (
    "INSERT INTO tandem_decision_people (initiative, decision, person) VALUES (?, ?, ?) "
    "ON CONFLICT DO NOTHING"
)
SUPERSEDE_DECISION = (
    "UPDATE tandem_decisions SET status = 'superseded', superseded_by = ? "
    "WHERE initiative = ? AND decision = ?"
)
SELECT_CLAIMED = (
    "SELECT decision, supersedes, status, awaiting, disputed FROM tandem_decisions "
    "WHERE initiative = ? AND position = ?"
)
SETTLE_DECISION = (
    "UPDATE tandem_decisions SET status = ?, awaiting = ?, disputed = ? "
    "WHERE initiative = ? AND decision = ?"
)
REVOKE_DECISION = (
    "UPDATE tandem_decisions SET status = 'revoked', revoked = ? WHERE initiative = ? AND decision = ?"
)
COLUMNS = (
    "d.initiative, d.decision, d.position, d.scope, d.title, d.options, d.option, d.rationale, "
    "d.decided_by, d.basis, d.proposal, d.escalation, d.supersedes, d.superseded_by, d.revoked, "
    "d.status, d.actor, d.effective_at, d.recorded_at, d.awaiting, d.disputed"
)
BY_PERSON = ("EXISTS (SELECT 1 FROM tandem_decision_people p WHERE p.person = ? "
             "AND p.initiative = d.initiative AND p.decision = d.decision)")
STATUSES = ("in_force", "pending", "disputed", "superseded", "revoked")
ATTESTATIONS = (attestation.CONFIRMED, attestation.PENDING, attestation.DISPUTED)


class DecisionProjection(Projection):
    """The decision register: one row per decision, with what superseded or revoked it.

    A decision recorded for deciders other than its recorder is pending until they all
    confirmed it (only then does it supersede what it replaces), and disputed once any of them
    disputed it."""

    name = "decisions"
    ddl = DDL
    tables = ("tandem_decisions", "tandem_decision_people")

    @handles(ev.DecisionTaken)
    def _taken(self, tx: Connection, e: Envelope, raw: StoredEvent) -> None:
        d = e.data
        awaiting = [p for p in d["decided_by"] if p != e.actor]
        tx.execute(INSERT_DECISION, (
            e.initiative, d["decision"], e.position, d["scope"], d["title"],
            json.dumps(d["options"], ensure_ascii=False), d["option"], d["rationale"],
            json.dumps(d["decided_by"]), json.dumps(d["basis"]), d["proposal"],
            d["escalation"], d["supersedes"], "pending" if awaiting else "in_force", e.actor,
            db_time(e.effective_at), db_time(e.recorded_at), json.dumps(awaiting),
        ))
        people = {*d["decided_by"], e.actor}
        tx.executemany(INSERT_DECISION_PERSON,
                       [(e.initiative, d["decision"], p) for p in sorted(people)])
        if d["supersedes"] and not awaiting:
            tx.execute(SUPERSEDE_DECISION, (d["decision"], e.initiative, d["supersedes"]))

    @handles(ev.EntryConfirmed, ev.EntryDisputed)
    def _answered(self, tx: Connection, e: Envelope, raw: StoredEvent) -> None:
        row = tx.one(SELECT_CLAIMED, (e.initiative, e.data["position"]))
        if row is None:
            return  # the answered entry is not a decision
        awaiting = [p for p in json.loads(row["awaiting"]) if p != e.actor]
        disputed = json.loads(row["disputed"])
        status = row["status"]
        if e.kind is ev.EntryDisputed:
            disputed[e.actor] = e.data["reason"]
            status = "disputed" if status == "pending" else status
        elif not awaiting and status == "pending":
            status = "in_force"
            if row["supersedes"]:
                tx.execute(SUPERSEDE_DECISION, (row["decision"], e.initiative, row["supersedes"]))
        tx.execute(SETTLE_DECISION, (status, json.dumps(awaiting),
                                     json.dumps(disputed, ensure_ascii=False), e.initiative,
                                     row["decision"]))

    @handles(ev.DecisionRevoked)
    def _revoked(self, tx: Connection, e: Envelope, raw: StoredEvent) -> None:
        revoked = {"reason": e.data["reason"], "actor": e.actor, "position": e.position,
                   "effective_at": e.effective_at.isoformat()}
        tx.execute(REVOKE_DECISION, (json.dumps(revoked, ensure_ascii=False),
                                     e.initiative, e.data["decision"]))


class DecisionQueries:
    """The decision register across initiatives, filtered; one decision."""

    def __init__(self, db: Database, directory: DirectoryQueries, backdated_after: timedelta):
        self.db = db
        self.directory = directory
        self.backdated_after = backdated_after

    def decisions(
        self, *, initiative: str | None = None, person: str | None = None,
        scope: str | None = None, status: str | None = None, start: datetime | None = None,
        end: datetime | None = None, attested: str | None = None,
        hidden: Collection[str] = (),
    ) -> list[dict[str, Any]]:
        if status not in (None, "", *STATUSES):
            raise InvalidInput("Status is one of %(values)s.", field="status",
                               values=", ".join(STATUSES))
        if attested not in (None, "", *ATTESTATIONS):
            raise InvalidInput("Attestation is one of %(values)s.", field="attestation",
                               values=", ".join(ATTESTATIONS))
        clauses: list[str] = []
        params: list[Any] = []
        if hidden:
            clauses.append(f"d.initiative NOT IN ({', '.join('?' for _ in hidden)})")
            params += sorted(hidden)
        if initiative:
            clauses.append("d.initiative = ?")
            params.append(initiative)
        if person:
            clauses.append(BY_PERSON)
            params.append(person)
        if scope and scope != "*":
            clauses.append("(d.scope = ? OR d.scope LIKE ? ESCAPE '\\')")
            params += [scope, scope.replace("%", "").replace("_", "\\_") + "/%"]
        if status:
            clauses.append("d.status = ?")
            params.append(status)
        if start is not None:
            clauses.append("d.effective_at >= ?")
            params.append(db_time(start))
        if end is not None:
            clauses.append("d.effective_at <= ?")
            params.append(db_time(end))
        where = " AND ".join(clauses) or "1 = 1"
        sql = (f"SELECT {COLUMNS} FROM tandem_decisions d WHERE {where} "  # noqa: S608
               "ORDER BY d.effective_at, d.position")
        with self.db.connect() as conn:
            rows = conn.all(sql, params)
        found = [self._decision(r) for r in rows]
        if attested:
            found = [d for d in found if d["attestation"]["status"] == attested]
        return found

    def decision(self, initiative: str, decision: str) -> dict[str, Any]:
        self.directory.initiative_row(initiative)
        found = [d for d in self.decisions(initiative=initiative) if d["id"] == decision]
        if not found:
            raise NotFound("There is no decision '%(key)s' in initiative '%(initiative)s'.",
                           key=decision, initiative=initiative)
        return found[0]

    def _decision(self, row: Row) -> dict[str, Any]:
        effective_at = datetime.fromisoformat(row["effective_at"])
        recorded_at = datetime.fromisoformat(row["recorded_at"])
        return {
            "initiative": row["initiative"], "id": row["decision"], "position": row["position"],
            "scope": row["scope"], "title": row["title"], "options": json.loads(row["options"]),
            "option": row["option"], "rationale": row["rationale"],
            "decided_by": json.loads(row["decided_by"]), "basis": json.loads(row["basis"]),
            "proposal": row["proposal"], "escalation": row["escalation"],
            "supersedes": row["supersedes"], "superseded_by": row["superseded_by"],
            "revoked": json.loads(row["revoked"]) if row["revoked"] else None,
            "status": row["status"], "actor": row["actor"], "effective_at": iso(effective_at),
            "recorded_at": iso(recorded_at),
            "backdated": recorded_at - effective_at > self.backdated_after,
            "attestation": decision_attestation(json.loads(row["decided_by"]),
                                                json.loads(row["awaiting"]),
                                                json.loads(row["disputed"])),
        }


def decision_attestation(decided_by: list[str], awaiting: list[str],
                         disputed: dict[str, str]) -> dict[str, Any]:
    """Who a decision names as its deciders and how each answered (the recorder confirms)."""
    confirmed = [p for p in decided_by if p not in awaiting and p not in disputed]
    return {"status": attestation.status(decided_by, confirmed, list(disputed)),
            "named": decided_by, "confirmed": confirmed, "disputed": list(disputed),
            "pending": [p for p in awaiting if p not in disputed], "reasons": disputed}
