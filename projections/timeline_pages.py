"""Timelines a page at a time: newest or oldest first, with the total they page through (no
silent limit), filtered by type, by the person or unit an entry concerns, by time, and to
backdated entries only; and the latest entries of an initiative as of a time, as known then."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from domain import events as ev
from domain.errors import InvalidInput
from projections.db import Database
from projections.envelope import Envelope, db_time
from projections.timeline import BY_PERSON, BY_UNIT, COLUMNS, TimelineQueries

PAGE = 50
MAX_PAGE = 500
# how long after taking effect an entry counts as recorded late, in seconds, per backend
LATENESS = {
    "sqlite": "(julianday(t.recorded_at) - julianday(t.effective_at)) * 86400.0 > ?",
    "postgres": "EXTRACT(EPOCH FROM (CAST(t.recorded_at AS timestamptz) - "
                "CAST(t.effective_at AS timestamptz))) > ?",
}


@dataclass(frozen=True)
class Filter:
    """Which entries a timeline shows."""

    initiative: str | None = None
    person: str | None = None
    unit: str | None = None
    types: list[str] | None = None
    start: datetime | None = None  # on the ordering time
    end: datetime | None = None
    known_at: datetime | None = None  # recorded by then
    backdated: bool = False
    hidden: Collection[str] = field(default=())


class TimelinePages:
    def __init__(self, db: Database, timeline: TimelineQueries):
        self.db = db
        self.timeline = timeline

    def page(self, where: Filter, *, order: str = "effective", newest_first: bool = True,
             limit: int = PAGE, offset: int = 0) -> dict[str, Any]:
        """One page of a timeline and how many entries the whole timeline holds."""
        if order not in ("effective", "recorded"):
            raise InvalidInput("Order is 'effective' or 'recorded'.", field="order")
        if not 1 <= limit <= MAX_PAGE or offset < 0:
            raise InvalidInput("A page holds 1 to %(n)s entries.", field="limit", n=MAX_PAGE)
        clauses, params = self._where(where, order)
        sql_where = " AND ".join(clauses) or "1 = 1"
        direction = " DESC" if newest_first else ""
        sort = (f"t.effective_at{direction}, t.position{direction}" if order == "effective"
                else f"t.position{direction}")
        select = (f"SELECT {COLUMNS} FROM tandem_timeline t WHERE {sql_where} "  # noqa: S608
                  f"ORDER BY {sort} LIMIT ? OFFSET ?")
        count = f"SELECT COUNT(*) AS n FROM tandem_timeline t WHERE {sql_where}"  # noqa: S608
        with self.db.connect() as conn:
            rows = conn.all(select, (*params, limit, offset))
            total = int(conn.all(count, params)[0]["n"])
        entries = self.timeline.envelopes([Envelope.from_row(r) for r in rows])
        return {"entries": entries, "total": total, "offset": offset, "limit": limit}

    def _where(self, where: Filter, order: str) -> tuple[list[str], list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        directory = self.timeline.directory
        if where.initiative is not None:
            directory.initiative_row(where.initiative)
            clauses.append("t.initiative = ?")
            params.append(where.initiative)
        if where.person is not None:
            directory.person(where.person)
            clauses.append(BY_PERSON)
            params.append(where.person)
        if where.unit is not None:
            clauses.append(BY_UNIT)
            params += [where.unit, where.unit, ev.InitiativeOpened.__name__]
        if where.types:
            clauses.append(f"t.type IN ({', '.join('?' for _ in where.types)})")
            params += where.types
        if where.hidden:
            clauses.append("(t.initiative IS NULL OR t.initiative NOT IN "
                           f"({', '.join('?' for _ in where.hidden)}))")
            params += sorted(where.hidden)
        column = "t.effective_at" if order == "effective" else "t.recorded_at"
        if where.start is not None:
            clauses.append(f"{column} >= ?")
            params.append(db_time(where.start))
        if where.end is not None:
            clauses.append(f"{column} <= ?")
            params.append(db_time(where.end))
        if where.known_at is not None:
            clauses.append("t.recorded_at <= ?")
            params.append(db_time(where.known_at))
        if where.backdated:
            clauses.append(LATENESS[self.db.backend])
            params.append(self.timeline.backdated_after.total_seconds())
        return clauses, params
