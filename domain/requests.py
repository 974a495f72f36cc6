"""Requests recorded once.

A write carries a `Request` into the store: a key (unique per person and idempotency key, or
random) and the fingerprint of what was asked. The store keeps the key with the events it
recorded, in the same transaction, under a unique constraint. So a request whose answer was
lost (a dropped connection after the commit, or the client sending it again) is recognised
instead of stored a second time.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class Request:
    """What a write is known by in the store."""

    key: str
    fingerprint: str = ""

    @classmethod
    def fresh(cls) -> Request:
        """A request nobody will send again (the command line, the demo)."""
        return cls(key="internal-" + secrets.token_hex(16))


@dataclass(frozen=True)
class Recorded:
    """What the store holds for a request: its fingerprint and the events it recorded, as
    (originator id in hex, version) pairs."""

    fingerprint: str
    events: tuple[tuple[str, int], ...]


@runtime_checkable
class RequestLog(Protocol):
    """A store that keeps requests with their events (the application's recorder)."""

    def recorded(self, key: str) -> Recorded | None:
        """What the request with this key recorded, or None if it recorded nothing."""


class AlreadyRecorded(Exception):
    """The request was stored by an earlier attempt; nothing new was stored."""

    def __init__(self, request: Request):
        super().__init__(f"request {request.key} was already recorded")
        self.request = request


class UncertainOutcome(Exception):
    """Saving failed in a way that does not tell whether the events were stored."""

    def __init__(self, request: Request | None, detail: str = ""):
        super().__init__(detail or "The database did not confirm the write.")
        self.request = request
