"""Read model of every event as an envelope, with the people and units it concerns."""

from __future__ import annotations

import json
from collections.abc import Iterable

from eventsourcing.persistence import StoredEvent

from projections.db import Connection
from projections.envelope import Envelope, db_time

DDL = [
    "CREATE TABLE IF NOT EXISTS tandem_timeline (position BIGINT PRIMARY KEY, initiative TEXT, "
    "type TEXT NOT NULL, actor TEXT NOT NULL, effective_at TEXT NOT NULL, "
    "recorded_at TEXT NOT NULL, summary TEXT NOT NULL, data TEXT NOT NULL)",
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
    "summary, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
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


class TimelineProjection:
    name = "timeline"
    ddl = DDL
    tables = ("tandem_timeline", "tandem_timeline_refs")

    def apply(self, tx: Connection, e: Envelope, raw: StoredEvent) -> None:
        tx.execute(INSERT_EVENT, (
            e.position, e.initiative, e.type, e.actor, db_time(e.effective_at),
            db_time(e.recorded_at), e.summary, json.dumps(e.data, ensure_ascii=False),
        ))
        refs = {("person", e.actor, "recorded")}
        for field in PERSON_FIELDS:
            refs.update(("person", name, field) for name in _names(e.data.get(field)))
        if e.type == "InitiativeOpened":
            refs.update(("unit", unit, "units") for unit in e.data["units"])
        elif e.initiative is None and "unit" in e.data:
            refs.add(("unit", e.data["unit"], "unit"))
        tx.executemany(INSERT_REF, [(e.position, kind, ref, rel) for kind, ref, rel in sorted(refs)])
