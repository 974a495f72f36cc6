"""A clock the tests can pin and move; unpinned it follows real time."""

from __future__ import annotations

from datetime import datetime, timezone


class Clock:
    def __init__(self, now: datetime | None = None):
        self.now = now

    def __call__(self) -> datetime:
        return self.now if self.now is not None else datetime.now(timezone.utc)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)  # type: ignore[misc]
