"""The one parser of query parameters, shared by the API and the pages: times (`as_of`,
`known_at`, `from`, `to`), event-type filters and orders. Bad values are `InvalidInput` naming
the parameter, which both deliveries answer with 422."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timezone, tzinfo

from domain.errors import InvalidInput
from domain.event_types import BY_NAME

ORDERS = ("effective", "recorded")
MAX_LENGTH = 64


def moment(value: object, field: str, *, end_of_day: bool = True,
           zone: tzinfo = timezone.utc) -> datetime | None:
    """A query time from ISO 8601 text, in UTC; a bare date means the end of that day (or,
    with `end_of_day=False`, its start) and a time without offset is read in `zone` (the pages
    pass the site's time zone, the API reads UTC); empty means no time."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc) if value.tzinfo else value.replace(tzinfo=timezone.utc)
    text = str(value).strip()
    try:
        if len(text) > MAX_LENGTH:
            raise ValueError(text)
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime.combine(day, time.max if end_of_day else time.min,
                                    zone).astimezone(timezone.utc)
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=zone)
        return parsed.astimezone(timezone.utc)
    except (ValueError, OverflowError):
        raise InvalidInput(
            "'%(value)s' is not a date or time: use ISO 8601, e.g. 2026-03-01 or "
            "2026-03-01T09:30:00+01:00.", field=field, value=text[:MAX_LENGTH]
        ) from None


def event_types(values: Iterable[str] | None) -> list[str] | None:
    """Event type names to filter by (repeated or comma-separated); a name that is no event type
    is refused, so that a typo never reads as "nothing happened"."""
    names = [t.strip() for v in values or [] for t in v.split(",") if t.strip()]
    unknown = [n for n in names if n not in BY_NAME]
    if unknown:
        raise InvalidInput("Unknown event type: %(types)s.", field="type",
                           types=", ".join(sorted(set(unknown)))[:200])
    return names or None


def order(value: str | None) -> str:
    if value in (None, ""):
        return "effective"
    if value not in ORDERS:
        raise InvalidInput("Order is 'effective' or 'recorded'.", field="order")
    return value
