"""Domain errors: one base class, one subclass per kind of failure.

The delivery layer maps them once, by class, to HTTP status codes and exit codes.
"""

from __future__ import annotations

from collections.abc import Iterable

Part = tuple[str, dict[str, object]]


class Message(str):
    """An error's text in English that keeps its template and parameters, so that a reader
    can say it in their own language (the templates are catalogue msgids)."""

    parts: tuple[Part, ...]

    def __new__(cls, *parts: Part) -> Message:
        words = " ".join(template % params if params else template
                         for template, params in parts if template)
        message = super().__new__(cls, words)
        message.parts = tuple(part for part in parts if part[0])
        return message

    def __reduce__(self) -> tuple[type[Message], tuple[Part, ...]]:
        return (Message, self.parts)  # copies and pickles keep the template and parameters


class Persons(str):
    """Persons named in a message, by id (in English: "a, b"); a page shows their names."""

    ids: tuple[str, ...]

    def __new__(cls, ids: Iterable[str]) -> Persons:
        found = tuple(str(i) for i in ids)
        people = super().__new__(cls, ", ".join(found))
        people.ids = found
        return people

    def __reduce__(self) -> tuple[type[Persons], tuple[tuple[str, ...]]]:
        return (Persons, (self.ids,))


def said(template: str, **params: object) -> Message:
    """A message part (a noun, a phrase) that a reader translates inside another message."""
    return Message((template, params))


class DomainError(Exception):
    """Base class of every error the domain raises on purpose."""

    kind = "error"

    def __init__(self, detail: str, *, rule: str | None = None,
                 fields: dict[str, str] | None = None, **params: object):
        message = detail if isinstance(detail, Message) else Message((detail, params))
        super().__init__(message)
        self.detail: str = message
        self.rule = rule
        self.fields = fields or {}

    def as_dict(self) -> dict[str, object]:
        body: dict[str, object] = {"error": self.kind, "detail": self.detail}
        if self.rule:
            body["rule"] = self.rule
        if self.fields:
            body["fields"] = self.fields
        return body


class InvalidInput(DomainError):
    """The command is malformed: a missing field, a bad id, a bad date."""

    kind = "invalid_input"

    def __init__(self, detail: str, *, field: str | None = None, **params: object):
        message = Message((detail, params))
        super().__init__(message, fields={field: message} if field else None)


class RuleViolation(DomainError):
    """A governance rule forbids the command; carries the rule's id and sentence."""

    kind = "rule_violation"

    def __init__(self, rule: str, detail: str = "", **params: object):
        from domain.rules import RULES

        self.sentence = RULES[rule].sentence
        parts = detail.parts if isinstance(detail, Message) else ((detail, params),)
        super().__init__(Message((self.sentence, {}), *parts), rule=rule)


class Forbidden(DomainError):
    """The person may not do this here: it names the rule that says who may."""

    kind = "forbidden"

    def __init__(self, rule: str, detail: str = "", **params: object):
        from domain.rules import RULES

        self.sentence = RULES[rule].sentence
        super().__init__(Message((self.sentence, {}), (detail, params)), rule=rule)


class NotFound(DomainError):
    """The command names something that does not exist."""

    kind = "not_found"


class Conflict(DomainError):
    """A duplicate id, or a concurrent change that still conflicts after retries."""

    kind = "conflict"
