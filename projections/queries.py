"""Query functions over the read models: what the web layer, the CLI and exports call.

Times passed in are aware datetimes (or None for "now"); `as_of` filters on effective time,
`known_at` on recording time. Results are plain dicts and lists, ready for JSON or templates.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from domain.errors import InvalidInput, NotFound
from projections.db import Database
from projections.directory import (
    SELECT_INITIATIVE,
    SELECT_INITIATIVES,
    SELECT_PEOPLE,
    SELECT_PERSON,
    SELECT_TOKEN,
    SELECT_UNITS,
    initiative_row,
)
from projections.envelope import Envelope, db_time, iso
from projections.state import fold, matrix

MAX_PAGE = 1000
FAR_FUTURE = "9999-12-31T23:59:59.999999+00:00"
TIMELINE_COLUMNS = "t.position, t.initiative, t.type, t.actor, t.effective_at, t.recorded_at, t.summary, t.data"
SELECT_INITIATIVE_EVENTS = (
    f"SELECT {TIMELINE_COLUMNS} FROM tandem_timeline t WHERE t.initiative = ? "  # noqa: S608
    "AND t.effective_at <= ? AND t.recorded_at <= ? ORDER BY t.effective_at, t.position"
)
SELECT_GOAL_EVENTS = (
    f"SELECT {TIMELINE_COLUMNS} FROM tandem_timeline t WHERE t.initiative = ? "  # noqa: S608
    "AND t.type IN ('GoalSet', 'GoalRevised') AND t.recorded_at <= ? ORDER BY t.position"
)
SELECT_RESPONSIBILITIES = (
    "SELECT position, change, area, person, role, effective_at FROM tandem_responsibilities "
    "WHERE initiative = ? AND effective_at <= ? AND recorded_at <= ?"
)
SELECT_PERSON_RESPONSIBILITY_INITIATIVES = (
    "SELECT DISTINCT initiative FROM tandem_responsibilities WHERE person = ? OR person LIKE ? "
    "OR person LIKE ?"
)
SELECT_EVENT = f"SELECT {TIMELINE_COLUMNS} FROM tandem_timeline t WHERE t.position = ?"  # noqa: S608
SELECT_EVENTS_AFTER = (
    f"SELECT {TIMELINE_COLUMNS} FROM tandem_timeline t WHERE t.position > ? "  # noqa: S608
    "ORDER BY t.position LIMIT ?"
)
SELECT_LAST_POSITION = "SELECT MAX(position) FROM tandem_timeline WHERE initiative = ?"
DECISION_COLUMNS = (
    "d.initiative, d.decision, d.position, d.scope, d.title, d.options, d.option, d.rationale, "
    "d.decided_by, d.basis, d.proposal, d.escalation, d.supersedes, d.superseded_by, d.revoked, "
    "d.status, d.actor, d.effective_at, d.recorded_at"
)
ESCALATION_COLUMNS = (
    "initiative, escalation, position, topic, options, raised_by, addressed_to, level, due_at, "
    "status, resolved_by, raised_at, resolved_at, history"
)


def moment(value: object, field: str, *, end_of_day: bool = True) -> datetime | None:
    """A query time from ISO text: a bare date means the end of that day (or its start)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc) if value.tzinfo else value.replace(tzinfo=timezone.utc)
    text = str(value).strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime.combine(day, time.max if end_of_day else time.min, timezone.utc)
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(
            f"'{text}' is not a date or time: use ISO 8601, e.g. 2026-03-01.", field=field
        ) from None
    return parsed.astimezone(timezone.utc) if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


class ReadModels:
    """The questions people come with, answered from the read-model tables."""

    def __init__(self, db: Database, backdated_after: timedelta = timedelta(days=7),
                 clock: Any = None):
        self.db = db
        self.backdated_after = backdated_after
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        self._state_cache: dict[str, tuple[int, dict[str, Any]]] = {}

    def now(self) -> datetime:
        moment: datetime = self.clock()
        return moment

    def envelope(self, e: Envelope) -> dict[str, Any]:
        return e.as_dict(self.backdated_after)

    # -- directory -----------------------------------------------------------------------------

    def units(self) -> list[dict[str, Any]]:
        with self.db.connect() as conn:
            return conn.all(SELECT_UNITS)

    def people(self) -> list[dict[str, Any]]:
        with self.db.connect() as conn:
            return [_person(row) for row in conn.all(SELECT_PEOPLE)]

    def person(self, person: str) -> dict[str, Any]:
        with self.db.connect() as conn:
            row = conn.one(SELECT_PERSON, (person,))
        if row is None:
            raise NotFound(f"There is no person '{person}'.")
        return _person(row)

    def person_for_token_digest(self, digest: str) -> dict[str, Any] | None:
        with self.db.connect() as conn:
            row = conn.one(SELECT_TOKEN, (digest,))
        return _person(row) if row and row["active"] else None

    # -- initiatives ---------------------------------------------------------------------------

    def initiative_row(self, initiative: str) -> dict[str, Any]:
        with self.db.connect() as conn:
            row = conn.one(SELECT_INITIATIVE, (initiative,))
        if row is None:
            raise NotFound(f"There is no initiative '{initiative}'.", rule="known-references")
        return initiative_row(row)

    def initiatives(self) -> list[dict[str, Any]]:
        """The overview: each initiative with goal, tandem, open items and status freshness."""
        with self.db.connect() as conn:
            rows = [initiative_row(r) for r in conn.all(SELECT_INITIATIVES)]
        now = self.now()
        result = []
        for row in rows:
            state = self.state(str(row["initiative"]))
            escalations = [e for e in state["escalations"].values() if e["status"] == "open"]
            last_status = (state["last_status"] or {}).get("effective_at")
            gap = (now - datetime.fromisoformat(last_status)).days if last_status else None
            result.append({
                "initiative": row["initiative"], "title": row["title"],
                "sponsor": row["sponsor"], "units": row["units"], "status": row["status"],
                "goal": state["goal"], "tandem": (state["tandem"] or {}).get("people", []),
                "open_proposals": sum(p["status"] == "open" for p in state["proposals"].values()),
                "open_escalations": len(escalations),
                "overdue_escalations": sum(e["overdue"] for e in escalations),
                "last_status_at": last_status,
                "status_gap_days": gap,
                "status_stale": row["status"] == "open" and (gap is None or gap > 14),
            })
        return result

    def _envelopes(self, initiative: str, as_of: datetime | None,
                   known_at: datetime | None) -> list[Envelope]:
        self.initiative_row(initiative)
        with self.db.connect() as conn:
            rows = conn.all(SELECT_INITIATIVE_EVENTS, (
                initiative, db_time(as_of) if as_of else FAR_FUTURE,
                db_time(known_at) if known_at else FAR_FUTURE))
        return [Envelope.from_row(r) for r in rows]

    def state(self, initiative: str, as_of: datetime | None = None,
              known_at: datetime | None = None) -> dict[str, Any]:
        """Initiative state at effective time `as_of`, as the log stood at `known_at`."""
        now = self.now()
        if as_of is None and known_at is None:
            with self.db.connect() as conn:
                last = conn.scalar(SELECT_LAST_POSITION, (initiative,))
            cached = self._state_cache.get(initiative)
            if cached is not None and last is not None and cached[0] == last:
                return _with_overdue(cached[1], now)
            state = fold(self._envelopes(initiative, None, None), now)
            self._state_cache[initiative] = (int(last or 0), state)
            return state
        state = fold(self._envelopes(initiative, as_of, known_at), as_of or now)
        if state["initiative"] is None:
            raise NotFound(f"Initiative '{initiative}' did not exist then.")
        return {**state, "as_of": iso(as_of) if as_of else None,
                "known_at": iso(known_at) if known_at else None}

    def matrix(self, initiative: str, as_of: datetime | None = None,
               known_at: datetime | None = None) -> dict[str, Any]:
        """Areas × people with their RACI roles, and the lead tandem, bitemporally."""
        self.initiative_row(initiative)
        with self.db.connect() as conn:
            rows = conn.all(SELECT_RESPONSIBILITIES, (
                initiative, db_time(as_of) if as_of else FAR_FUTURE,
                db_time(known_at) if known_at else FAR_FUTURE))
        return {"initiative": initiative, "as_of": iso(as_of) if as_of else None,
                "known_at": iso(known_at) if known_at else None, **matrix(rows)}

    def goal_history(self, initiative: str, known_at: datetime | None = None) -> dict[str, Any]:
        self.initiative_row(initiative)
        with self.db.connect() as conn:
            rows = conn.all(SELECT_GOAL_EVENTS, (
                initiative, db_time(known_at) if known_at else FAR_FUTURE))
        versions = []
        for number, row in enumerate(rows, start=1):
            e = Envelope.from_row(row)
            versions.append({
                "version": number, "statement": e.data["statement"], "reason": e.data["reason"],
                "agreed_by": e.data["agreed_by"], "actor": e.actor,
                "effective_at": iso(e.effective_at), "recorded_at": iso(e.recorded_at),
                "backdated": e.backdated(self.backdated_after), "position": e.position,
            })
        return {"initiative": initiative, "versions": versions}

    def goal(self, initiative: str, as_of: datetime | None = None,
             known_at: datetime | None = None) -> dict[str, Any] | None:
        goal: dict[str, Any] | None = self.state(initiative, as_of, known_at)["goal"]
        return goal

    # -- timelines -----------------------------------------------------------------------------

    def timeline(
        self, *, initiative: str | None = None, person: str | None = None,
        unit: str | None = None, order: str = "effective", types: list[str] | None = None,
        start: datetime | None = None, end: datetime | None = None, limit: int = 500,
        offset: int = 0,
    ) -> list[dict[str, Any]]:
        """Events of an initiative, a person or a unit, in effective or recording order."""
        if order not in ("effective", "recorded"):
            raise InvalidInput("Order is 'effective' or 'recorded'.", field="order")
        if not 1 <= limit <= MAX_PAGE or offset < 0:
            raise InvalidInput(f"A page holds 1 to {MAX_PAGE} entries.", field="limit")
        clauses, params = [], []
        if initiative is not None:
            self.initiative_row(initiative)
            clauses.append("t.initiative = ?")
            params.append(initiative)
        if person is not None:
            self.person(person)
            clauses.append("t.position IN (SELECT position FROM tandem_timeline_refs "
                           "WHERE kind = 'person' AND ref = ?)")
            params.append(person)
        if unit is not None:
            clauses.append(
                "(t.position IN (SELECT position FROM tandem_timeline_refs WHERE kind = 'unit' "
                "AND ref = ?) OR t.initiative IN (SELECT o.initiative FROM tandem_timeline o "
                "JOIN tandem_timeline_refs r ON r.position = o.position WHERE r.kind = 'unit' "
                "AND r.ref = ? AND o.type = 'InitiativeOpened'))")
            params += [unit, unit]
        if types:
            clauses.append(f"t.type IN ({', '.join('?' for _ in types)})")
            params += types
        column = "t.effective_at" if order == "effective" else "t.recorded_at"
        if start is not None:
            clauses.append(f"{column} >= ?")
            params.append(db_time(start))
        if end is not None:
            clauses.append(f"{column} <= ?")
            params.append(db_time(end))
        where = " AND ".join(clauses) or "1 = 1"
        sort = "t.effective_at, t.position" if order == "effective" else "t.position"
        sql = (f"SELECT {TIMELINE_COLUMNS} FROM tandem_timeline t WHERE {where} "  # noqa: S608
               f"ORDER BY {sort} LIMIT ? OFFSET ?")
        with self.db.connect() as conn:
            rows = conn.all(sql, (*params, limit, offset))
        return [self.envelope(Envelope.from_row(r)) for r in rows]

    def event(self, position: int) -> dict[str, Any]:
        with self.db.connect() as conn:
            row = conn.one(SELECT_EVENT, (position,))
        if row is None:
            raise NotFound(f"There is no event at position {position}.")
        return self.envelope(Envelope.from_row(row))

    def events(self, after: int = 0, limit: int = 100) -> dict[str, Any]:
        """The whole log in order, paged: for export and integration."""
        if not 1 <= limit <= MAX_PAGE or after < 0:
            raise InvalidInput(f"A page holds 1 to {MAX_PAGE} events.", field="limit")
        with self.db.connect() as conn:
            rows = conn.all(SELECT_EVENTS_AFTER, (after, limit))
        events = [self.envelope(Envelope.from_row(r)) for r in rows]
        return {"events": events, "next": events[-1]["position"] if len(events) == limit else None}

    # -- registers -----------------------------------------------------------------------------

    def decisions(
        self, *, initiative: str | None = None, person: str | None = None,
        scope: str | None = None, status: str | None = None, start: datetime | None = None,
        end: datetime | None = None,
    ) -> list[dict[str, Any]]:
        if status not in (None, "", "in_force", "superseded", "revoked"):
            raise InvalidInput("Status is in_force, superseded or revoked.", field="status")
        clauses, params = [], []
        if initiative:
            clauses.append("d.initiative = ?")
            params.append(initiative)
        if person:
            clauses.append("EXISTS (SELECT 1 FROM tandem_decision_people p WHERE p.person = ? "
                           "AND p.initiative = d.initiative AND p.decision = d.decision)")
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
        sql = (f"SELECT {DECISION_COLUMNS} FROM tandem_decisions d WHERE {where} "  # noqa: S608
               "ORDER BY d.effective_at, d.position")
        with self.db.connect() as conn:
            rows = conn.all(sql, params)
        return [self._decision(r) for r in rows]

    def decision(self, initiative: str, decision: str) -> dict[str, Any]:
        self.initiative_row(initiative)
        found = [d for d in self.decisions(initiative=initiative) if d["id"] == decision]
        if not found:
            raise NotFound(f"There is no decision '{decision}' in initiative '{initiative}'.")
        return found[0]

    def _decision(self, row: dict[str, Any]) -> dict[str, Any]:
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
        }

    def escalations(self, status: str = "all", initiative: str | None = None) -> list[dict[str, Any]]:
        """All escalations with their levels; open ones first, oldest first."""
        if status not in ("open", "resolved", "all"):
            raise InvalidInput("Status is open, resolved or all.", field="status")
        clauses, params = [], []
        if status != "all":
            clauses.append("status = ?")
            params.append(status)
        if initiative:
            clauses.append("initiative = ?")
            params.append(initiative)
        where = " AND ".join(clauses) or "1 = 1"
        sql = (f"SELECT {ESCALATION_COLUMNS} FROM tandem_escalations WHERE {where} "  # noqa: S608
               "ORDER BY CASE WHEN status = 'open' THEN 0 ELSE 1 END, raised_at, position")
        with self.db.connect() as conn:
            rows = conn.all(sql, params)
        now = self.now()
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
            })
        return result

    def overdue_initiatives(self) -> list[str]:
        now = self.now()
        return sorted({e["initiative"] for e in self.escalations("open")
                       if datetime.fromisoformat(e["due_at"]) < now})

    def roles_of(self, person: str, as_of: datetime | None = None,
                 known_at: datetime | None = None) -> list[dict[str, Any]]:
        """A person's roles across initiatives, at a time."""
        self.person(person)
        with self.db.connect() as conn:
            rows = conn.all(SELECT_PERSON_RESPONSIBILITY_INITIATIVES,
                            (person, f"{person},%", f"%,{person}"))
        result = []
        for row in rows:
            m = self.matrix(row["initiative"], as_of, known_at)
            for area in m["areas"]:
                for role, key in (("A", "accountable"), ("R", "responsible"),
                                  ("C", "consulted"), ("I", "informed")):
                    members = [area[key]] if key == "accountable" else area[key]
                    if person in members:
                        result.append({"initiative": row["initiative"], "area": area["area"],
                                       "role": role})
            if person in m["tandem"]:
                result.append({"initiative": row["initiative"], "area": "*", "role": "tandem"})
        return result


def _person(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "active": bool(row["active"])}


def _with_overdue(state: dict[str, Any], now: datetime) -> dict[str, Any]:
    for escalation in state["escalations"].values():
        escalation["overdue"] = (
            escalation["status"] == "open" and datetime.fromisoformat(escalation["due_at"]) < now
        )
    return state
