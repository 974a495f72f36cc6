"""Read model of who belongs to each initiative: admissions and dismissals with both their
times (bitemporal, like the responsibility matrix), and the questions asked of it: the members
at any time as known at any time, and which initiatives a person may read.

Leads by their place are not admitted: the sponsor and the escalation path from the opening,
the tandem partners while they lead (from the responsibility rows).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from eventsourcing.persistence import StoredEvent

from domain import events as ev
from domain.errors import Forbidden
from projections.db import Connection, Database
from projections.directory import DirectoryQueries
from projections.envelope import Envelope, bound, db_time, iso
from projections.projection import Projection, handles
from projections.responsibilities import SELECT_RESPONSIBILITIES

DDL = [
    "CREATE TABLE IF NOT EXISTS tandem_memberships (position BIGINT PRIMARY KEY, "
    "initiative TEXT NOT NULL, change TEXT NOT NULL, person TEXT NOT NULL, role TEXT NOT NULL, "
    "reason TEXT NOT NULL, actor TEXT NOT NULL, effective_at TEXT NOT NULL, "
    "recorded_at TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS tandem_memberships_initiative "
    "ON tandem_memberships (initiative, effective_at, position)",
    "CREATE INDEX IF NOT EXISTS tandem_memberships_person ON tandem_memberships (person)",
]
INSERT_CHANGE = (
    "INSERT INTO tandem_memberships (position, initiative, change, person, role, reason, actor, "
    "effective_at, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
SELECT_CHANGES = (
    "SELECT position, change, person, role, reason, actor, effective_at FROM tandem_memberships "
    "WHERE initiative = ? AND effective_at <= ? AND recorded_at <= ? "
    "ORDER BY effective_at, position"
)
SELECT_LAST_CHANGE = (
    "SELECT change FROM tandem_memberships WHERE initiative = ? AND person = ? "
    "ORDER BY effective_at DESC, position DESC LIMIT 1"
)
SELECT_OF_PERSON = (
    "SELECT initiative, change, role FROM tandem_memberships WHERE person = ? "
    "ORDER BY effective_at, position"
)
SELECT_MEMBERS_ONLY = "SELECT initiative, sponsor, escalation_path FROM tandem_initiatives " \
    "WHERE visibility = 'members'"
SELECT_PARTNERS = (
    "SELECT initiative, change, person FROM tandem_responsibilities "
    "WHERE change IN ('form', 'dissolve') ORDER BY initiative, effective_at, position"
)
READ_EVERYTHING = frozenset({"auditor"})  # directory roles that read every initiative


class MembershipProjection(Projection):
    """One row per admission or dismissal, with both of its times."""

    name = "memberships"
    ddl = DDL
    tables = ("tandem_memberships",)

    @handles(ev.MemberAdmitted)
    def _admitted(self, tx: Connection, e: Envelope, raw: StoredEvent) -> None:
        d = e.data
        tx.execute(INSERT_CHANGE, (e.position, e.initiative, "admit", d["person"], d["role"],
                                   d["reason"], e.actor, db_time(e.effective_at),
                                   db_time(e.recorded_at)))

    @handles(ev.MemberDismissed)
    def _dismissed(self, tx: Connection, e: Envelope, raw: StoredEvent) -> None:
        d = e.data
        tx.execute(INSERT_CHANGE, (e.position, e.initiative, "dismiss", d["person"], "",
                                   d["reason"], e.actor, db_time(e.effective_at),
                                   db_time(e.recorded_at)))


@dataclass(frozen=True)
class Visibility:
    """What one reader may read: every initiative but the hidden ones."""

    person: str
    hidden: frozenset[str] = frozenset()

    def allows(self, initiative: str | None) -> bool:
        return initiative is None or initiative not in self.hidden

    def require(self, initiative: str) -> None:
        if initiative in self.hidden:
            raise Forbidden("initiative-visibility",
                            "%(person)s is not a member of '%(initiative)s'.",
                            person=self.person, initiative=initiative)


EVERYTHING = Visibility("")


class MembershipQueries:
    """Members at a time, and who may read what."""

    def __init__(self, db: Database, directory: DirectoryQueries,
                 clock: Callable[[], datetime]):
        self.db = db
        self.directory = directory
        self.clock = clock

    def members(self, initiative: str, as_of: datetime | None = None,
                known_at: datetime | None = None) -> dict[str, Any]:
        """Everyone who belongs to the initiative at `as_of`, as known at `known_at`: leads by
        their place, and admitted leads, members and observers."""
        row = self.directory.initiative_row(initiative)
        with self.db.connect() as conn:
            changes = conn.all(SELECT_CHANGES, (initiative, bound(as_of), bound(known_at)))
            roles = conn.all(SELECT_RESPONSIBILITIES, (initiative, bound(as_of), bound(known_at)))
        opened = datetime.fromisoformat(str(row["opened_at"]))
        moment = as_of or self.clock()
        found: dict[str, dict[str, Any]] = {}
        if opened <= moment:
            for person, place in ([(row["sponsor"], "sponsor")]
                                  + [(p, "escalation path") for p in row["escalation_path"]]):
                found.setdefault(person, {"person": person, "role": "lead", "since": iso(opened),
                                          "by": place})
        for person, since in _partners(roles):
            found.setdefault(person, {"person": person, "role": "lead", "since": since,
                                      "by": "tandem"})
        for change in changes:
            person = change["person"]
            if found.get(person, {}).get("by") not in (None, "admission"):
                continue
            if change["change"] == "dismiss":
                found.pop(person, None)
            else:
                since = iso(datetime.fromisoformat(change["effective_at"]))
                found[person] = {"person": person, "role": change["role"], "since": since,
                                 "by": "admission"}
        return {"initiative": initiative, "as_of": iso(as_of) if as_of else None,
                "known_at": iso(known_at) if known_at else None,
                "members": sorted(found.values(), key=lambda m: (m["role"] != "lead",
                                                                 m["person"]))}

    def dismissed(self, person: str, initiative: str) -> bool:
        """Whether the person's last admission to the initiative was ended by a dismissal."""
        with self.db.connect() as conn:
            last = conn.scalar(SELECT_LAST_CHANGE, (initiative, person))
        return bool(last == "dismiss")

    def visibility(self, person: str, directory_role: str) -> Visibility:
        """The initiatives hidden from a reader: those open to their members only, which the
        reader does not belong to now (auditors read everything)."""
        if directory_role in READ_EVERYTHING:
            return Visibility(person)
        with self.db.connect() as conn:
            closed = conn.all(SELECT_MEMBERS_ONLY)
            if not closed:
                return Visibility(person)
            own = conn.all(SELECT_OF_PERSON, (person,))
            partners = conn.all(SELECT_PARTNERS)
        belongs: dict[str, bool] = {}
        for change in own:
            belongs[change["initiative"]] = change["change"] == "admit"
        leading: dict[str, list[str]] = {}
        for change in partners:
            leading[change["initiative"]] = (change["person"].split(",")
                                             if change["change"] == "form" else [])
        hidden = set()
        for row in closed:
            iid = row["initiative"]
            places = {row["sponsor"], *_json_list(row["escalation_path"]),
                      *leading.get(iid, [])}
            if person not in places and not belongs.get(iid, False):
                hidden.add(iid)
        return Visibility(person, frozenset(hidden))


def _json_list(value: Any) -> list[str]:
    import json

    return [str(v) for v in json.loads(value)] if isinstance(value, str) else list(value)


def _partners(rows: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """The tandem partners at the end of these responsibility rows, and since when."""
    partners: list[tuple[str, str]] = []
    for row in sorted(rows, key=lambda r: (r["effective_at"], r["position"])):
        if row["change"] == "form":
            since = iso(datetime.fromisoformat(row["effective_at"]))
            partners = [(p, since) for p in row["person"].split(",")]
        elif row["change"] == "dissolve":
            partners = []
    return partners
