"""Read model of every event as an envelope, with the people and units it concerns; its
tables, its projection and its queries (timelines of an initiative, a person or a unit, and the
whole log paged)."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from datetime import datetime, timedelta
from typing import Any

from eventsourcing.persistence import StoredEvent

from domain import attestation
from domain import events as ev
from domain.errors import InvalidInput, NotFound
from projections.attestation import AttestationQueries
from projections.db import Connection, Database
from projections.directory import DirectoryQueries
from projections.envelope import Envelope, bound, db_time
from projections.projection import Projection

DDL = [
    "CREATE TABLE IF NOT EXISTS tandem_timeline (position BIGINT PRIMARY KEY, initiative TEXT, "
    "type TEXT NOT NULL, actor TEXT NOT NULL, effective_at TEXT NOT NULL, "
    "recorded_at TEXT NOT NULL, summary TEXT NOT NULL, data TEXT NOT NULL, "
    "version BIGINT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS tandem_timeline_initiative "
    "ON tandem_timeline (initiative, effective_at, position)",
    "CREATE INDEX IF NOT EXISTS tandem_timeline_type ON tandem_timeline (initiative, type)",
    "CREATE INDEX IF NOT EXISTS tandem_timeline_latest ON tandem_timeline (initiative, position)",
    "CREATE TABLE IF NOT EXISTS tandem_timeline_refs (position BIGINT NOT NULL, "
    "kind TEXT NOT NULL, ref TEXT NOT NULL, relation TEXT NOT NULL, "
    "PRIMARY KEY (kind, ref, position, relation))",
]
INSERT_EVENT = (
    "INSERT INTO tandem_timeline (position, initiative, type, actor, effective_at, recorded_at, "
    "summary, data, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
INSERT_REF = (
    "INSERT INTO tandem_timeline_refs (position, kind, ref, relation) VALUES (?, ?, ?, ?) "
    "ON CONFLICT DO NOTHING"
)
PERSON_FIELDS = ("person", "people", "decided_by", "agreed_by", "proposed_by", "raised_by",
                 "addressed_to", "reported_by", "from_person", "to_person", "granted_by",
                 "sponsor", "escalation_path")


def _names(value: object) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        yield from (v for v in value if isinstance(v, str))


class TimelineProjection(Projection):
    name = "timeline"
    ddl = DDL
    tables = ("tandem_timeline", "tandem_timeline_refs")

    def apply(self, tx: Connection, e: Envelope, raw: StoredEvent) -> None:
        tx.execute(INSERT_EVENT, (
            e.position, e.initiative, e.type, e.actor, db_time(e.effective_at),
            db_time(e.recorded_at), e.summary, json.dumps(e.data, ensure_ascii=False),
            e.originator_version,
        ))
        refs = {("person", e.actor, "recorded")}
        for field in PERSON_FIELDS:
            refs.update(("person", name, field) for name in _names(e.data.get(field)))
        if e.kind is ev.InitiativeOpened:
            refs.update(("unit", unit, "units") for unit in e.data["units"])
        elif e.initiative is None and "unit" in e.data:
            refs.add(("unit", e.data["unit"], "unit"))
        tx.executemany(INSERT_REF, [(e.position, kind, ref, rel) for kind, ref, rel in sorted(refs)])


MAX_PAGE = 1000
COLUMNS = ("t.position, t.initiative, t.type, t.actor, t.effective_at, t.recorded_at, "
           "t.summary, t.data, t.version")
# An answer to a claim settles it from the claim's own effective time: answers are cut by
# recording time only.
SELECT_INITIATIVE_EVENTS = (
    f"SELECT {COLUMNS} FROM tandem_timeline t WHERE t.initiative = ? "  # noqa: S608
    "AND (t.effective_at <= ? OR t.type IN (?, ?)) AND t.recorded_at <= ? "
    "ORDER BY t.effective_at, t.position"
)
SELECT_GOAL_EVENTS = (
    f"SELECT {COLUMNS} FROM tandem_timeline t WHERE t.initiative = ? "  # noqa: S608
    "AND t.type IN (?, ?, ?, ?) AND t.recorded_at <= ? ORDER BY t.position"
)
SELECT_ENTRY = "SELECT initiative, version, type, actor FROM tandem_timeline WHERE position = ?"
ANSWER_TYPES = (ev.EntryConfirmed.__name__, ev.EntryDisputed.__name__)
SELECT_EVENT = f"SELECT {COLUMNS} FROM tandem_timeline t WHERE t.position = ?"  # noqa: S608
SELECT_EVENTS_AFTER = (
    f"SELECT {COLUMNS} FROM tandem_timeline t WHERE t.position > ? "  # noqa: S608
    "ORDER BY t.position LIMIT ?"
)
SELECT_LAST_POSITION = "SELECT MAX(position) FROM tandem_timeline WHERE initiative = ?"
BY_PERSON = ("t.position IN (SELECT position FROM tandem_timeline_refs "
             "WHERE kind = 'person' AND ref = ?)")
BY_UNIT = ("(t.position IN (SELECT position FROM tandem_timeline_refs WHERE kind = 'unit' "
           "AND ref = ?) OR t.initiative IN (SELECT o.initiative FROM tandem_timeline o "
           "JOIN tandem_timeline_refs r ON r.position = o.position WHERE r.kind = 'unit' "
           "AND r.ref = ? AND o.type = ?))")


class TimelineQueries:
    """Events of an initiative, a person or a unit, and the whole log, as envelopes."""

    def __init__(self, db: Database, directory: DirectoryQueries, backdated_after: timedelta,
                 attestations: AttestationQueries):
        self.db = db
        self.directory = directory
        self.backdated_after = backdated_after
        self.attestations = attestations

    def envelope(self, e: Envelope) -> dict[str, Any]:
        return self.envelopes([e])[0]

    def envelopes(self, found: list[Envelope]) -> list[dict[str, Any]]:
        """Envelopes as readers see them: an entry that speaks for others carries its
        attestation (who it names, who confirmed, who disputed)."""
        claims = [e.position for e in found if attestation.NAMED_BY.get(e.kind)]
        attested = self.attestations.of(claims)
        shown = []
        for e in found:
            body = e.as_dict(self.backdated_after)
            if e.position in attested:
                body["attestation"] = attested[e.position]
            shown.append(body)
        return shown

    def initiative_envelopes(self, initiative: str, as_of: datetime | None,
                             known_at: datetime | None) -> list[Envelope]:
        """An initiative's envelopes recorded by `known_at` that took effect by `as_of`."""
        self.directory.initiative_row(initiative)
        with self.db.connect() as conn:
            rows = conn.all(SELECT_INITIATIVE_EVENTS,
                            (initiative, bound(as_of), *ANSWER_TYPES, bound(known_at)))
        return [Envelope.from_row(r) for r in rows]

    def goal_envelopes(self, initiative: str, known_at: datetime | None) -> list[Envelope]:
        """Every goal setting and revision recorded by `known_at`, and every answer to a
        claim, in log order."""
        self.directory.initiative_row(initiative)
        with self.db.connect() as conn:
            rows = conn.all(SELECT_GOAL_EVENTS, (initiative, ev.GoalSet.__name__,
                                                 ev.GoalRevised.__name__, *ANSWER_TYPES,
                                                 bound(known_at)))
        return [Envelope.from_row(r) for r in rows]

    def entry(self, position: int) -> dict[str, Any]:
        """Where the entry at a log position belongs: its initiative and its version there."""
        with self.db.connect() as conn:
            row = conn.one(SELECT_ENTRY, (position,))
        if row is None:
            raise NotFound("There is no entry at position %(position)s.", position=position)
        return {"position": position, "initiative": row["initiative"],
                "version": int(row["version"]), "type": row["type"], "actor": row["actor"]}

    def last_position(self, initiative: str) -> int | None:
        with self.db.connect() as conn:
            last = conn.scalar(SELECT_LAST_POSITION, (initiative,))
        return None if last is None else int(last)

    def timeline(
        self, *, initiative: str | None = None, person: str | None = None,
        unit: str | None = None, order: str = "effective", types: list[str] | None = None,
        start: datetime | None = None, end: datetime | None = None, limit: int = 500,
        offset: int = 0, hidden: Collection[str] = (),
    ) -> list[dict[str, Any]]:
        """Events of an initiative, a person or a unit, in effective or recording order
        (without those of the `hidden` initiatives)."""
        if order not in ("effective", "recorded"):
            raise InvalidInput("Order is 'effective' or 'recorded'.", field="order")
        if not 1 <= limit <= MAX_PAGE or offset < 0:
            raise InvalidInput("A page holds 1 to %(n)s entries.", field="limit", n=MAX_PAGE)
        clauses: list[str] = []
        params: list[Any] = []
        if initiative is not None:
            self.directory.initiative_row(initiative)
            clauses.append("t.initiative = ?")
            params.append(initiative)
        if person is not None:
            self.directory.person(person)
            clauses.append(BY_PERSON)
            params.append(person)
        if unit is not None:
            clauses.append(BY_UNIT)
            params += [unit, unit, ev.InitiativeOpened.__name__]
        if types:
            clauses.append(f"t.type IN ({', '.join('?' for _ in types)})")
            params += types
        if hidden:
            clauses.append(f"(t.initiative IS NULL OR t.initiative NOT IN "
                           f"({', '.join('?' for _ in hidden)}))")
            params += sorted(hidden)
        column = "t.effective_at" if order == "effective" else "t.recorded_at"
        if start is not None:
            clauses.append(f"{column} >= ?")
            params.append(db_time(start))
        if end is not None:
            clauses.append(f"{column} <= ?")
            params.append(db_time(end))
        where = " AND ".join(clauses) or "1 = 1"
        sort = "t.effective_at, t.position" if order == "effective" else "t.position"
        sql = (f"SELECT {COLUMNS} FROM tandem_timeline t WHERE {where} "  # noqa: S608
               f"ORDER BY {sort} LIMIT ? OFFSET ?")
        with self.db.connect() as conn:
            rows = conn.all(sql, (*params, limit, offset))
        return self.envelopes([Envelope.from_row(r) for r in rows])

    def event(self, position: int) -> dict[str, Any]:
        with self.db.connect() as conn:
            row = conn.one(SELECT_EVENT, (position,))
        if row is None:
            raise NotFound("There is no event at position %(position)s.", position=position)
        return self.envelope(Envelope.from_row(row))

    def envelopes_at(self, positions: list[int]) -> list[dict[str, Any]]:
        """The envelopes of these log positions, in log order."""
        if not positions:
            return []
        sql = (f"SELECT {COLUMNS} FROM tandem_timeline t WHERE t.position IN "  # noqa: S608
               f"({', '.join('?' for _ in positions)}) ORDER BY t.position")
        with self.db.connect() as conn:
            rows = conn.all(sql, positions)
        return self.envelopes([Envelope.from_row(r) for r in rows])

    def events(self, after: int = 0, limit: int = 100,
               hidden: Collection[str] = ()) -> dict[str, Any]:
        """The whole log in order, paged: for export and integration (without the entries of
        the `hidden` initiatives; `next` still pages through the whole log)."""
        if not 1 <= limit <= MAX_PAGE or after < 0:
            raise InvalidInput("A page holds 1 to %(n)s events.", field="limit", n=MAX_PAGE)
        with self.db.connect() as conn:
            rows = conn.all(SELECT_EVENTS_AFTER, (after, limit))
        last = int(rows[-1]["position"]) if len(rows) == limit else None
        shown = [Envelope.from_row(r) for r in rows if r["initiative"] not in hidden]
        return {"events": self.envelopes(shown), "next": last}
