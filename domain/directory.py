"""The directory: units, and people with their unit and directory role."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from eventsourcing.domain import Aggregate

from domain.values import entity_id


class Unit(Aggregate):
    """An organisational unit (IT, Operations, a ministry, a department)."""

    class Event(Aggregate.Event):
        actor: str
        effective_at: datetime

    class UnitRegistered(Aggregate.Created, Event):
        unit: str
        name: str

    def __init__(self, unit: str, name: str, actor: str, effective_at: datetime):
        self.slug = unit
        self.name = name

    @staticmethod
    def id_for(unit: str) -> Any:
        return entity_id("unit", unit)


class Person(Aggregate):
    """A person with a unit and a directory role; people move, change role, leave."""

    class Event(Aggregate.Event):
        actor: str
        effective_at: datetime

    class PersonRegistered(Aggregate.Created, Event):
        person: str
        name: str
        unit: str
        role: str

    class PersonMoved(Event):
        unit: str

        def apply(self, person: Person) -> None:
            person.units.append([self.effective_at, self.unit])
            person.units.sort(key=lambda entry: entry[0])
            person.unit = person.units[-1][1]

    class RoleChanged(Event):
        role: str

        def apply(self, person: Person) -> None:
            person.role = self.role

    class PersonDeactivated(Event):
        reason: str

        def apply(self, person: Person) -> None:
            person.deactivated_at = self.effective_at

    class TokenIssued(Event):
        token_id: str
        token_hash: str

        def apply(self, person: Person) -> None:
            person.tokens.append(self.token_id)
            person.token_digests[self.token_id] = self.token_hash

    class TokenRevoked(Event):
        token_id: str
        reason: str

        def apply(self, person: Person) -> None:
            person.tokens.remove(self.token_id)
            person.token_digests.pop(self.token_id, None)

    def __init__(
        self, person: str, name: str, unit: str, role: str, actor: str, effective_at: datetime
    ):
        self.slug = person
        self.name = name
        self.unit = unit
        self.role = role
        # Unit history in effective time; the first unit also stands for the time before.
        self.units: list[list[Any]] = [[effective_at, unit]]
        self.deactivated_at: datetime | None = None
        self.tokens: list[str] = []
        # The digests of the tokens in force, as their issuance recorded them: what a token
        # presented later must match, whatever a read model says.
        self.token_digests: dict[str, str] = {}

    @staticmethod
    def id_for(person: str) -> Any:
        return entity_id("person", person)

    def holds_token(self, digest: str) -> bool:
        """Whether a token with this digest was issued to this person and not revoked."""
        return digest in self.token_digests.values()

    def active_at(self, moment: datetime) -> bool:
        return self.deactivated_at is None or moment < self.deactivated_at

    def unit_at(self, moment: datetime) -> str:
        unit = self.units[0][1]
        for since, value in self.units:
            if since <= moment:
                unit = value
        return str(unit)
