"""Read model of claims and their answers: for every entry that names people other than its
recorder (see `domain.attestation`), one row per named person, with their answer once given.
Its table, its projection and its queries (an entry's attestation, what waits for a person).

An entry is *confirmed* when everyone it names confirmed (the recorder's own name confirms
itself), *disputed* when anyone disputed it, and *pending* otherwise. `known_at` answers as the
log stood then: an answer recorded later is not yet given.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime
from typing import Any

from eventsourcing.persistence import StoredEvent

from domain import attestation
from domain import events as ev
from domain.event_types import named as named_class
from projections.db import Connection, Database, Row
from projections.envelope import Envelope, bound, db_time
from projections.projection import Projection, handles

DDL = [
    "CREATE TABLE IF NOT EXISTS tandem_attestations (position BIGINT NOT NULL, "
    "initiative TEXT NOT NULL, person TEXT NOT NULL, recorder TEXT NOT NULL, "
    "answer TEXT, reason TEXT, answered_position BIGINT, answered_at TEXT, "
    "PRIMARY KEY (position, person))",
    "CREATE INDEX IF NOT EXISTS tandem_attestations_person "
    "ON tandem_attestations (person, answer, position)",
]
INSERT_NAMED = (
    "INSERT INTO tandem_attestations (position, initiative, person, recorder, answer, reason, "
    "answered_position, answered_at) VALUES (?, ?, ?, ?, ?, NULL, ?, ?)"
)
ANSWER = (
    "UPDATE tandem_attestations SET answer = ?, reason = ?, answered_position = ?, "
    "answered_at = ? WHERE position = ? AND person = ?"
)
SELECT_FOR = (
    "SELECT a.position, a.person, a.answer, a.reason, a.answered_at, p.active "
    "FROM tandem_attestations a LEFT JOIN tandem_people p ON p.person = a.person "
    "WHERE a.position IN ({positions}) ORDER BY a.position, a.person"
)
SELECT_WAITING = (
    "SELECT position, initiative FROM tandem_attestations WHERE person = ? AND answer IS NULL "
    "ORDER BY position"
)


class AttestationProjection(Projection):
    """One row per person an entry speaks for, and their answer."""

    name = "attestations"
    ddl = DDL
    tables = ("tandem_attestations",)

    def apply(self, tx: Connection, e: Envelope, raw: StoredEvent) -> None:
        super().apply(tx, e, raw)
        named = attestation.named(e.kind, e.data)
        if not set(named) - {e.actor}:
            return
        recorded = db_time(e.recorded_at)
        tx.executemany(INSERT_NAMED, [
            (e.position, e.initiative, person, e.actor,
             *(("confirmed", e.position, recorded) if person == e.actor else (None, None, None)))
            for person in dict.fromkeys(named)])

    @handles(ev.EntryConfirmed)
    def _confirmed(self, tx: Connection, e: Envelope, raw: StoredEvent) -> None:
        tx.execute(ANSWER, ("confirmed", None, e.position, db_time(e.recorded_at),
                            e.data["position"], e.actor))

    @handles(ev.EntryDisputed)
    def _disputed(self, tx: Connection, e: Envelope, raw: StoredEvent) -> None:
        tx.execute(ANSWER, ("disputed", e.data["reason"], e.position, db_time(e.recorded_at),
                            e.data["position"], e.actor))


def summarise(rows: Iterable[Row], known_at: datetime | None = None) -> dict[str, Any]:
    """An entry's attestation from its rows: who it names, who confirmed, who disputed (and
    why), who has not answered, and who can no longer answer (deactivated)."""
    cutoff = bound(known_at)
    named, confirmed, disputed, reasons, inactive = [], [], [], {}, []
    for row in rows:
        named.append(row["person"])
        answered = row["answer"] is not None and row["answered_at"] <= cutoff
        if answered and row["answer"] == "confirmed":
            confirmed.append(row["person"])
        elif answered:
            disputed.append(row["person"])
            reasons[row["person"]] = row["reason"]
        elif row.get("active") is not None and not row["active"]:
            inactive.append(row["person"])
    return {"status": attestation.status(named, confirmed, disputed), "named": named,
            "confirmed": confirmed, "disputed": disputed,
            "pending": [p for p in named if p not in confirmed and p not in disputed],
            "reasons": reasons, "cannot_answer": inactive}


class AttestationQueries:
    """The attestation of entries, and the entries that wait for a person's answer."""

    def __init__(self, db: Database):
        self.db = db

    def of(self, positions: Collection[int],
           known_at: datetime | None = None) -> dict[int, dict[str, Any]]:
        """The attestation of each of these entries that names anyone (others are absent)."""
        if not positions:
            return {}
        sql = SELECT_FOR.format(positions=", ".join("?" for _ in positions))  # noqa: S608
        with self.db.connect() as conn:
            rows = conn.all(sql, [int(p) for p in positions])
        grouped: dict[int, list[Row]] = {}
        for row in rows:
            grouped.setdefault(int(row["position"]), []).append(row)
        return {position: summarise(found, known_at) for position, found in grouped.items()}

    def waiting_for(self, person: str, hidden: Collection[str] = ()) -> list[int]:
        """Positions of the entries that name `person` and wait for their answer."""
        with self.db.connect() as conn:
            rows = conn.all(SELECT_WAITING, (person,))
        return [int(r["position"]) for r in rows if r["initiative"] not in hidden]


def of_envelopes(envelopes: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    """The attestation of every claim among some envelopes, from the answers among the same
    envelopes only (what a set of exported events proves by itself)."""
    answers: dict[int, dict[str, dict[str, str | None]]] = {}
    for e in envelopes:
        if e["type"] in (ev.EntryConfirmed.__name__, ev.EntryDisputed.__name__):
            reason = e["data"].get("reason") if e["type"] == ev.EntryDisputed.__name__ else None
            answers.setdefault(int(e["data"]["position"]), {})[e["actor"]] = {"reason": reason}
    found = {}
    for e in envelopes:
        named = attestation.named(named_class(e["type"]), e["data"])
        if not set(named) - {e["actor"]}:
            continue
        given = answers.get(int(e["position"]), {})
        confirmed = [p for p in named if p == e["actor"]
                     or (p in given and given[p]["reason"] is None)]
        reasons = {p: str(given[p]["reason"]) for p in named
                   if p in given and given[p]["reason"] is not None}
        found[int(e["position"])] = {
            "status": attestation.status(named, confirmed, list(reasons)), "named": named,
            "confirmed": confirmed, "disputed": list(reasons),
            "pending": [p for p in named if p not in confirmed and p not in reasons],
            "reasons": reasons, "cannot_answer": []}
    return found
