"""Read model of responsibilities: one row per change of a RACI role or of the lead tandem, with
both its times (bitemporal); its table, its projection, and the matrix and roles queries."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime
from typing import Any

from eventsourcing.persistence import StoredEvent

from domain import events as ev
from projections.db import Connection, Database, Row
from projections.directory import DirectoryQueries
from projections.envelope import Envelope, bound, db_time, iso
from projections.projection import Projection, handles

DDL = [
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
SELECT_RESPONSIBILITIES = (
    "SELECT position, change, area, person, role, effective_at FROM tandem_responsibilities "
    "WHERE initiative = ? AND effective_at <= ? AND recorded_at <= ?"
)
SELECT_PERSON_INITIATIVES = (
    "SELECT DISTINCT initiative FROM tandem_responsibilities WHERE person = ? OR person LIKE ? "
    "OR person LIKE ?"
)
ACCOUNTABLE_LIMIT = 5


class ResponsibilityProjection(Projection):
    """One row per change of a role or of the lead tandem, with both of its times."""

    name = "responsibilities"
    ddl = DDL
    tables = ("tandem_responsibilities",)

    def _row(self, tx: Connection, e: Envelope, change: str, person: str) -> None:
        tx.execute(INSERT_RESPONSIBILITY, (
            e.position, e.initiative, change, e.data.get("area", ""), person,
            e.data.get("role", ""), db_time(e.effective_at), db_time(e.recorded_at),
        ))

    @handles(ev.ResponsibilityAssigned)
    def _assigned(self, tx: Connection, e: Envelope, raw: StoredEvent) -> None:
        self._row(tx, e, "assign", e.data["person"])

    @handles(ev.ResponsibilityReleased)
    def _released(self, tx: Connection, e: Envelope, raw: StoredEvent) -> None:
        self._row(tx, e, "release", e.data["person"])

    @handles(ev.TandemFormed)
    def _formed(self, tx: Connection, e: Envelope, raw: StoredEvent) -> None:
        self._row(tx, e, "form", ",".join(e.data["people"]))

    @handles(ev.TandemDissolved)
    def _dissolved(self, tx: Connection, e: Envelope, raw: StoredEvent) -> None:
        self._row(tx, e, "dissolve", "")


def matrix(rows: Iterable[Row], accountable_limit: int = ACCOUNTABLE_LIMIT) -> dict[str, Any]:
    """The responsibility matrix from responsibility rows already filtered by both times."""
    held: dict[tuple[str, str, str], bool] = {}
    tandem: list[str] = []
    for row in sorted(rows, key=lambda r: (r["effective_at"], r["position"])):
        change = row["change"]
        if change == "assign":
            held[(row["area"], row["person"], row["role"])] = True
        elif change == "release":
            held.pop((row["area"], row["person"], row["role"]), None)
        elif change == "form":
            tandem = row["person"].split(",")
        elif change == "dissolve":
            tandem = []
    areas: dict[str, dict[str, list[str]]] = {}
    for area, person, role in sorted(held):
        areas.setdefault(area, {"A": [], "R": [], "C": [], "I": []})[role].append(person)
    load: dict[str, int] = {}
    for roles in areas.values():
        for person in roles["A"]:
            load[person] = load.get(person, 0) + 1
    overloaded = {p: n for p, n in load.items() if n > accountable_limit}
    result = []
    for area, roles in areas.items():
        warnings = []
        if not roles["A"]:
            warnings.append({"code": "no-accountable",
                             "message": "No one is Accountable for this area."})
        for person in roles["A"]:
            if person in overloaded:
                warnings.append({
                    "code": "accountable-overload",
                    "message": f"{person} is Accountable for {overloaded[person]} areas "
                               f"(more than {accountable_limit}).",
                })
        result.append({"area": area, "accountable": roles["A"][0] if roles["A"] else None,
                       "responsible": roles["R"], "consulted": roles["C"],
                       "informed": roles["I"], "warnings": warnings})
    return {"tandem": tandem, "areas": result,
            "overloaded": [{"person": p, "areas": n} for p, n in sorted(overloaded.items())]}


class ResponsibilityQueries:
    """Who holds which role where, at any effective time as known at any recording time."""

    def __init__(self, db: Database, directory: DirectoryQueries):
        self.db = db
        self.directory = directory

    def matrix(self, initiative: str, as_of: datetime | None = None,
               known_at: datetime | None = None) -> dict[str, Any]:
        """Areas × people with their RACI roles, and the lead tandem, bitemporally."""
        self.directory.initiative_row(initiative)
        with self.db.connect() as conn:
            rows = conn.all(SELECT_RESPONSIBILITIES, (initiative, bound(as_of), bound(known_at)))
        return {"initiative": initiative, "as_of": iso(as_of) if as_of else None,
                "known_at": iso(known_at) if known_at else None, **matrix(rows)}

    def roles_of(self, person: str, as_of: datetime | None = None,
                 known_at: datetime | None = None,
                 hidden: Collection[str] = ()) -> list[dict[str, Any]]:
        """A person's roles across initiatives (but the `hidden` ones), at a time."""
        self.directory.person(person)
        with self.db.connect() as conn:
            rows = conn.all(SELECT_PERSON_INITIATIVES, (person, f"{person},%", f"%,{person}"))
        result = []
        for row in rows:
            if row["initiative"] in hidden:
                continue
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
