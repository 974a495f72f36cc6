"""Every kind of event Tandem records, by class, and the name each is stored and shown under.

Readers of the log (projections, pages, exports) see an event's type as its class name; they
turn that name back into the class here, and compare classes, never strings. A name that is not
here is not an event type.
"""

from __future__ import annotations

from eventsourcing.domain import Aggregate

from domain import events as ev
from domain.directory import Person, Unit
from domain.notices import NOTICE_EVENTS

EventClass = type[Aggregate.Event]

DIRECTORY_EVENTS: tuple[EventClass, ...] = (
    Unit.UnitRegistered, Person.PersonRegistered, Person.PersonMoved, Person.RoleChanged,
    Person.PersonDeactivated, Person.TokenIssued, Person.TokenRevoked,
)
ALL: tuple[EventClass, ...] = DIRECTORY_EVENTS + ev.INITIATIVE_EVENTS + NOTICE_EVENTS
BY_NAME: dict[str, EventClass] = {cls.__name__: cls for cls in ALL}


class UnknownEventType(LookupError):
    """A stored type name that names no event class."""


def named(name: str) -> EventClass:
    """The event class stored under `name`."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise UnknownEventType(name) from None


def names(*classes: EventClass) -> frozenset[str]:
    """The type names of some event classes (for filters over stored envelopes)."""
    return frozenset(cls.__name__ for cls in classes)
