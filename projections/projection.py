"""What a read model is to the runner: its tables, and how events change them.

A projection names the event classes it cares about with `@handles(...)`; the runner hands it
every event, and events it does not handle only advance its position.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from eventsourcing.persistence import StoredEvent

from domain.event_types import EventClass
from projections.db import Connection
from projections.envelope import Envelope

Handler = Callable[[Any, Connection, Envelope, StoredEvent], None]


def handles(*classes: EventClass) -> Callable[[Handler], Handler]:
    """Mark a method as the projection's handler of these event classes."""
    def mark(method: Handler) -> Handler:
        method.__dict__["handles"] = classes
        return method
    return mark


class Projection:
    """A read model kept by the runner; its rows and position commit together."""

    name: ClassVar[str]
    ddl: ClassVar[Sequence[str]]
    tables: ClassVar[Sequence[str]]
    _handlers: ClassVar[dict[EventClass, Handler]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        handlers: dict[EventClass, Handler] = {}
        for klass in reversed(cls.__mro__):
            for value in vars(klass).values():
                for event_class in getattr(value, "handles", ()):
                    handlers[event_class] = value
        cls._handlers = handlers

    def begin(self, tx: Connection) -> None:
        """Called once per batch, before its events (read what the batch needs once)."""

    def apply(self, tx: Connection, e: Envelope, raw: StoredEvent) -> None:
        handler = self._handlers.get(e.kind)
        if handler is not None:
            handler(self, tx, e, raw)
