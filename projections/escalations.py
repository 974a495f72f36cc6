"""Read model of the escalation board: each escalation with its path through the levels; its
table, its projection and its queries."""

from __future__ import annotations

import json
from collections.abc import Callable, Collection
from datetime import datetime
from typing import Any

from eventsourcing.persistence import StoredEvent

from domain import events as ev
from domain.errors import InvalidInput
from projections.attestation import AttestationQueries
from projections.db import Connection, Database
from projections.envelope import Envelope, db_time, iso
from projections.projection import Projection, handles

DDL = [
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
COLUMNS = (
    "initiative, escalation, position, topic, options, raised_by, addressed_to, level, due_at, "
    "status, resolved_by, raised_at, resolved_at, history"
)


def _due(value: str) -> str:
    return db_time(datetime.fromisoformat(value))


class EscalationProjection(Projection):
    """The escalation board: each escalation with its path through the levels."""

    name = "escalations"
    ddl = DDL
    tables = ("tandem_escalations",)

    @handles(ev.EscalationRaised)
    def _raised(self, tx: Connection, e: Envelope, raw: StoredEvent) -> None:
        d = e.data
        step = {"level": d["level"], "addressed_to": d["addressed_to"],
                "since": e.effective_at.isoformat(), "due_at": d["due_at"], "reason": None,
                "actor": e.actor}
        tx.execute(INSERT_ESCALATION, (
            e.initiative, d["escalation"], e.position, d["topic"],
            json.dumps(d["options"], ensure_ascii=False), d["raised_by"], d["addressed_to"],
            d["level"], _due(d["due_at"]), db_time(e.effective_at),
            json.dumps([step], ensure_ascii=False),
        ))

    @handles(ev.EscalationForwarded)
    def _forwarded(self, tx: Connection, e: Envelope, raw: StoredEvent) -> None:
        d = e.data
        history = json.loads(tx.scalar(SELECT_HISTORY, (e.initiative, d["escalation"])))
        history.append({"level": d["level"], "addressed_to": d["addressed_to"],
                        "since": e.effective_at.isoformat(), "due_at": d["due_at"],
                        "reason": d["reason"], "actor": e.actor})
        tx.execute(FORWARD_ESCALATION, (
            d["addressed_to"], d["level"], _due(d["due_at"]),
            json.dumps(history, ensure_ascii=False), e.initiative, d["escalation"],
        ))

    @handles(ev.EscalationResolved)
    def _resolved(self, tx: Connection, e: Envelope, raw: StoredEvent) -> None:
        tx.execute(RESOLVE_ESCALATION, (e.data["decision"], db_time(e.effective_at),
                                        e.initiative, e.data["escalation"]))


SELECT_RESOLUTIONS = (
    "SELECT initiative, decision, status FROM tandem_decisions WHERE decision IN "
    "(SELECT resolved_by FROM tandem_escalations WHERE resolved_by IS NOT NULL)"
)


class EscalationQueries:
    """The escalation board: open ones first, oldest first, with their levels. Each carries the
    attestation of who raised it and the status of the decision that resolved it (a resolution
    by a decision still awaiting its deciders' confirmation is shown as such)."""

    def __init__(self, db: Database, clock: Callable[[], datetime],
                 attestations: AttestationQueries):
        self.db = db
        self.clock = clock
        self.attestations = attestations

    def escalations(self, status: str = "all", initiative: str | None = None,
                    hidden: Collection[str] = ()) -> list[dict[str, Any]]:
        if status not in ("open", "resolved", "all"):
            raise InvalidInput("Status is open, resolved or all.", field="status")
        clauses: list[str] = []
        params: list[Any] = []
        if status != "all":
            clauses.append("status = ?")
            params.append(status)
        if initiative:
            clauses.append("initiative = ?")
            params.append(initiative)
        if hidden:
            clauses.append(f"initiative NOT IN ({', '.join('?' for _ in hidden)})")
            params += sorted(hidden)
        where = " AND ".join(clauses) or "1 = 1"
        sql = (f"SELECT {COLUMNS} FROM tandem_escalations WHERE {where} "  # noqa: S608
               "ORDER BY CASE WHEN status = 'open' THEN 0 ELSE 1 END, raised_at, position")
        with self.db.connect() as conn:
            rows = conn.all(sql, params)
            resolutions = {(r["initiative"], r["decision"]): r["status"]
                           for r in conn.all(SELECT_RESOLUTIONS)}
        attested = self.attestations.of([int(r["position"]) for r in rows])
        now = self.clock()
        result = []
        for r in rows:
            due = datetime.fromisoformat(r["due_at"])
            raised = datetime.fromisoformat(r["raised_at"])
            closed = datetime.fromisoformat(r["resolved_at"]) if r["resolved_at"] else None
            result.append({
                "initiative": r["initiative"], "id": r["escalation"], "topic": r["topic"],
                "options": json.loads(r["options"]), "raised_by": r["raised_by"],
                "addressed_to": r["addressed_to"], "level": r["level"], "due_at": iso(due),
                "overdue": r["status"] == "open" and due < now, "status": r["status"],
                "resolved_by": r["resolved_by"], "raised_at": iso(raised),
                "resolved_at": iso(closed) if closed else None,
                "age_days": round(((closed or now) - raised).total_seconds() / 86400, 1),
                "history": json.loads(r["history"]),
                "attestation": attested.get(int(r["position"])),
                "resolution_status": resolutions.get((r["initiative"], r["resolved_by"])),
            })
        return result

    def overdue_initiatives(self) -> list[str]:  # the sweep's question: every initiative
        now = self.clock()
        return sorted({e["initiative"] for e in self.escalations("open")
                       if datetime.fromisoformat(e["due_at"]) < now})
