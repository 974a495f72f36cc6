"""The event envelope: how one recorded event looks to readers of the log.

`{position, type, initiative, actor, effective_at, recorded_at, backdated, summary, data}`;
times are ISO 8601 in UTC. The same shape serves `tandem log --json`, the API and exports.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any
from uuid import UUID

from domain.event_types import EventClass, named
from projections.summary import summarize

BASE_FIELDS = {"originator_id", "originator_version", "timestamp", "originator_topic",
               "actor", "effective_at"}
HIDDEN_FIELDS = {"token_hash"}  # an API token's digest is kept in the log, never shown
DB_TIME = "%Y-%m-%dT%H:%M:%S.%f+00:00"


def db_time(moment: datetime) -> str:
    """A fixed-width UTC text that sorts like the time it stands for, on both backends (the
    text of `DB_TIME`, made without `strftime`, which is slow enough to show in a rebuild)."""
    if moment.tzinfo is not timezone.utc:
        moment = moment.astimezone(timezone.utc)
    return moment.isoformat(timespec="microseconds")


FAR_FUTURE = "9999-12-31T23:59:59.999999+00:00"


def bound(moment: datetime | None) -> str:
    """A time as the upper bound of a query (no time: no bound)."""
    return db_time(moment) if moment else FAR_FUTURE


def from_db_time(value: str) -> datetime:
    return datetime.fromisoformat(value)


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat()


def jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


@dataclass
class Envelope:
    position: int
    type: str
    initiative: str | None
    actor: str
    effective_at: datetime
    recorded_at: datetime
    data: dict[str, Any]
    topic: str = ""
    originator_id: str = ""
    originator_version: int = 0
    summary: str = field(default="")

    def __post_init__(self) -> None:
        if not self.summary:
            self.summary = summarize(self.kind, self.data, self.actor)

    @property
    def kind(self) -> EventClass:
        """The event class this envelope shows (its `type` is the class's name)."""
        return named(self.type)

    @classmethod
    def from_event(cls, position: int, event: Any, initiative: str | None,
                   subject: tuple[str, str] | None) -> Envelope:
        data = {k: jsonable(v) for k, v in vars(event).items()
                if k not in BASE_FIELDS and k not in HIDDEN_FIELDS}
        if subject is not None and subject[0] in ("person", "unit"):
            data.setdefault(subject[0], subject[1])
        return cls(
            position=position,
            type=type(event).__name__,
            initiative=initiative,
            actor=event.actor,
            effective_at=event.effective_at.astimezone(timezone.utc),
            recorded_at=event.timestamp.astimezone(timezone.utc),
            data=data,
            topic=event.topic if hasattr(event, "topic") else "",
            originator_id=str(event.originator_id),
            originator_version=event.originator_version,
        )

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Envelope:
        return cls(
            position=int(row["position"]), type=row["type"], initiative=row["initiative"],
            actor=row["actor"], effective_at=from_db_time(row["effective_at"]),
            recorded_at=from_db_time(row["recorded_at"]), data=json.loads(row["data"]),
            summary=row["summary"], originator_version=int(row.get("version") or 0),
        )

    def backdated(self, threshold: timedelta) -> bool:
        return self.recorded_at - self.effective_at > threshold

    def as_dict(self, threshold: timedelta) -> dict[str, Any]:
        return {
            "position": self.position,
            "type": self.type,
            "initiative": self.initiative,
            "actor": self.actor,
            "effective_at": iso(self.effective_at),
            "recorded_at": iso(self.recorded_at),
            "backdated": self.backdated(threshold),
            "summary": self.summary,
            "data": self.data,
        }
