"""What the rule engine reads, and how it names places: given to it, never looked up.

The engine judges recorded history through `RuleSource` (the read models satisfy it) and turns
an entry into a link with the `Link` function its caller hands in (the pages give their own
URLs, the command line absolute ones, a test none at all).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

Envelope = dict[str, Any]
Link = Callable[[Envelope], str]


class RuleSource(Protocol):
    """The recorded history, as the governance rules read it."""

    def timeline(
        self, *, initiative: str | None = ..., person: str | None = ..., unit: str | None = ...,
        order: str = ..., types: list[str] | None = ..., start: datetime | None = ...,
        end: datetime | None = ..., limit: int = ..., offset: int = ...,
    ) -> list[Envelope]: ...

    def initiatives(self) -> list[dict[str, Any]]: ...

    def now(self) -> datetime: ...


def no_link(envelope: Envelope) -> str:
    """For callers that show no links."""
    return ""
