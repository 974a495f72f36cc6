"""Small value helpers: ids, scopes, times, options, RACI roles."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

from domain.errors import InvalidInput, RuleViolation

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
SCOPE = re.compile(r"^(\*|[a-z0-9][a-z0-9_-]*(/[a-z0-9][a-z0-9_-]*)*)$")
NAMESPACE = uuid.UUID("6f1c1e0a-5b2d-4c3e-9a47-7d1b3a8e2f10")
ROLES = ("R", "A", "C", "I")
DIRECTORY_ROLES = ("admin", "member", "auditor", "viewer")
FUTURE_TOLERANCE = timedelta(minutes=5)
MAX_TEXT = 10_000
MAX_ITEMS = 100  # the most entries one list of a command may hold (people, options, lines)


def slug(value: object, field: str) -> str:
    if not isinstance(value, str) or not SLUG.match(value):
        raise InvalidInput(
            "'%(value)s' is not a valid id: use 1 to 64 lowercase letters, digits and dashes, "
            "starting with a letter or digit.",
            field=field, value=_shown(value),
        )
    return value


def _shown(value: object) -> str:
    """A refused value as an error message quotes it (cut short)."""
    text = str(value)
    return text if len(text) <= 64 else text[:63] + "…"


def bounded(values: Iterable[Any], field: str) -> list[Any]:
    """The items of a list, refused past MAX_ITEMS before any is looked at."""
    items: list[Any] = []
    for item in values:
        if len(items) == MAX_ITEMS:
            raise InvalidInput("At most %(n)s entries.", field=field, n=MAX_ITEMS)
        items.append(item)
    return items


def slugs(values: object, field: str, *, minimum: int = 1) -> list[str]:
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise InvalidInput("Expected a list of ids.", field=field)
    result = [slug(v, field) for v in bounded(values, field)]
    if len(result) < minimum:
        raise InvalidInput("Name at least %(n)s.", field=field, n=minimum)
    if len(set(result)) != len(result):
        raise InvalidInput("The same id is named twice.", field=field)
    return result


def entity_id(kind: str, key: str) -> uuid.UUID:
    """The deterministic UUID of an aggregate from its kind and client-chosen slug."""
    return uuid.uuid5(NAMESPACE, f"{kind}:{key}")


def text(value: object, field: str, *, required: bool = True) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInput("Expected text.", field=field)
    value = value.strip()
    if required and not value:
        raise InvalidInput("This field must not be empty.", field=field)
    if "\x00" in value or not value.isprintable() and _unencodable(value):
        raise InvalidInput("Text may not contain NUL characters or unpaired surrogates.",
                           field=field)
    if len(value) > MAX_TEXT:
        raise InvalidInput("At most %(n)s characters.", field=field, n=MAX_TEXT)
    return value


def _unencodable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def texts(values: object, field: str) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, Iterable):
        raise InvalidInput("Expected a list of texts.", field=field)
    return [t for t in (text(v, field, required=False) for v in bounded(values, field)) if t]


def scope(value: object, field: str = "scope") -> str:
    if not isinstance(value, str) or not SCOPE.match(value) or len(value) > 200:
        raise InvalidInput(
            "'%(value)s' is not a valid scope: use a path like 'technology/ordering', or '*'.",
            field=field, value=_shown(value),
        )
    return value


def covers(mandate_scope: str, decision_scope: str) -> bool:
    """A mandate's scope covers a decision's scope when equal to it, a path prefix of it, or '*'."""
    return (
        mandate_scope == "*"
        or mandate_scope == decision_scope
        or decision_scope.startswith(mandate_scope + "/")
    )


def role(value: object) -> str:
    if value not in ROLES:
        raise InvalidInput("The role is one of R, A, C or I.", field="role")
    return str(value)


def directory_role(value: object) -> str:
    if value not in DIRECTORY_ROLES:
        raise InvalidInput("The role is one of admin, member, auditor or viewer.", field="role")
    return str(value)


def number(value: object, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise InvalidInput("Expected a number.", field=field)
    try:
        result = float(value)
    except ValueError:
        raise InvalidInput("'%(value)s' is not a number.", field=field,
                           value=_shown(value)) from None
    if result != result or result in (float("inf"), float("-inf")):
        raise InvalidInput("Expected a finite number.", field=field)
    return result


def parse_time(value: object, field: str) -> datetime:
    """An aware datetime in UTC from a datetime or an ISO 8601 string (naive means UTC)."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise InvalidInput(
                "'%(value)s' is not a date or time: use ISO 8601, e.g. 2026-03-01 or "
                "2026-03-01T09:30:00+01:00.",
                field=field, value=_shown(value),
            ) from None
    else:
        raise InvalidInput("Expected a date or time in ISO 8601.", field=field)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    if not datetime(1900, 1, 1, tzinfo=timezone.utc) <= moment <= datetime(
        9000, 1, 1, tzinfo=timezone.utc
    ):
        raise InvalidInput("The date is out of range.", field=field)
    return moment.astimezone(timezone.utc)


def effective(value: object, now: datetime, not_before: datetime | None = None) -> datetime:
    """When an entry takes effect: now by default, never >5 min ahead, never before opening."""
    moment = now if value is None or value == "" else parse_time(value, "effective_at")
    if moment > now + FUTURE_TOLERANCE:
        raise RuleViolation("effective-time", "It would take effect at %(moment)s.",
                            moment=moment.isoformat())
    if not_before is not None and moment < not_before:
        raise RuleViolation(
            "effective-time", "The initiative was opened at %(moment)s.",
            moment=not_before.isoformat()
        )
    return moment


def options(values: object, field: str = "options") -> list[dict[str, str]]:
    """Options as [{key, title, description}], keys being slugs."""
    if values is None:
        return []
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise InvalidInput("Expected a list of options, each with a key and a title.", field=field)
    result = []
    for item in bounded(values, field):
        if not isinstance(item, Mapping):
            raise InvalidInput("Each option has a key and a title.", field=field)
        entry: Mapping[str, Any] = item
        result.append(
            {
                "key": slug(entry.get("key"), field),
                "title": text(entry.get("title"), field),
                "description": text(entry.get("description"), field, required=False),
            }
        )
    return result


def check_options(values: list[dict[str, str]]) -> None:
    keys = [o["key"] for o in values]
    if len(keys) < 2 or len(set(keys)) != len(keys):
        raise RuleViolation("options-offered", "Offered: %(keys)s.", keys=", ".join(keys) or "—")


CURRENCY = re.compile(r"^[A-Z]{3}$")


def currency(value: object, field: str = "currency") -> str:
    """An ISO 4217 currency code: three capital letters, e.g. EUR."""
    if not isinstance(value, str) or not CURRENCY.match(value.strip().upper()):
        raise InvalidInput("'%(value)s' is not a currency: use three letters, e.g. EUR.",
                           field=field, value=value)
    return value.strip().upper()


def amount(value: object, field: str) -> float:
    """A sum of money: a finite number, not negative."""
    result = number(value, field)
    if result < 0:
        raise InvalidInput("An amount is not negative.", field=field)
    return result
