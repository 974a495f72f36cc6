"""Who an entry speaks for. An entry that names people other than its recorder as deciding,
agreeing, reporting, proposing, raising, handing over or leading (the field its event class
names in `speaks_for`) is the recorder's claim about them until each named person confirms it
under their own login, or disputes it with a reason. The recorder's own name confirms itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain import events as ev
from domain.event_types import EventClass

NAMED_BY: dict[EventClass, str] = {
    cls: cls.speaks_for for cls in ev.INITIATIVE_EVENTS if cls.speaks_for is not None
}
CONFIRMED, PENDING, DISPUTED = "confirmed", "pending", "disputed"


def people(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value or []]


def named(kind: EventClass, data: Mapping[str, Any]) -> list[str]:
    """The people an entry of this kind names in a capacity that speaks for them."""
    field = NAMED_BY.get(kind)
    return people(data.get(field)) if field else []


def status(named_people: list[str], confirmed: list[str], disputed: list[str]) -> str:
    """confirmed when everyone named confirmed, disputed when anyone disputed, else pending."""
    if disputed:
        return DISPUTED
    return CONFIRMED if set(named_people) <= set(confirmed) else PENDING
