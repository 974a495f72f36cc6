"""What a write request brings besides its fields: the size of its body (limited), its
`Idempotency-Key` (a header on the API, a hidden field on the pages' forms), and the
fingerprint of what it asks.

`WriteLimits` is an ASGI middleware: it reads the body of every write before any route does
(413 past the limit), and makes the request's `Write` current for the route's thread. Who
sends it is bound when they are authenticated (`bind`); `Tandem.record` then records under
the key, scoped to that person, so the same key and body are stored once and answered alike.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from domain.errors import Conflict, InvalidInput
from domain.requests import Request

HEADER = "Idempotency-Key"
FORM_FIELD = "idempotency_key"
KEY = re.compile(r"^[\x21-\x7e]{1,255}$")  # 1 to 255 visible ASCII characters
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class BodyTooLarge(Exception):
    """A request body over the configured limit."""

    def __init__(self, limit: int):
        super().__init__(f"The request body is larger than the limit of {limit:,} bytes.")
        self.detail = str(self)


class KeyReused(Conflict):
    """An idempotency key sent again with a different request."""


class OutcomeUnknown(Exception):
    """The database stopped answering before a write's answer was complete: whether it was
    stored is not known here (sending it again with its key answers that)."""

    def __init__(self, retry_key: str | None):
        again = (f"Send the same request again with the header {HEADER}: {retry_key}; it is "
                 "stored at most once and then answered as stored." if retry_key else
                 "Check the log before recording it again.")
        super().__init__("The database stopped answering before this write was confirmed, so "
                         f"it may have been stored. {again}")
        self.retry_key = retry_key


@dataclass
class Write:
    """One write request: the fingerprint of what it asks, the key it is known by (the
    client's, or one made up for it), and the person sending it once authenticated."""

    fingerprint: str
    key: str
    given: bool = False
    person: str | None = None
    recorded: int = 0  # commands recorded for it so far (a route may record more than one)

    def use_key(self, key: object) -> None:
        """The key a form carries in its hidden field."""
        if isinstance(key, str) and key:
            self.key, self.given = key, True

    def request(self) -> Request | None:
        """What the next command of this write is recorded as (None before authentication)."""
        if self.person is None:
            return None
        if not KEY.match(self.key):
            raise InvalidInput("The %(header)s must be 1 to 255 visible ASCII characters.",
                               field=HEADER, header=HEADER)
        self.recorded += 1
        scoped = "\n".join([self.person, self.key, str(self.recorded)])
        return Request(key="key-" + hashlib.sha256(scoped.encode()).hexdigest(),
                       fingerprint=self.fingerprint)

    @property
    def retry_key(self) -> str | None:
        return self.key if KEY.match(self.key) else None


CURRENT: ContextVar[Write | None] = ContextVar("tandem_write", default=None)


def current() -> Write | None:
    return CURRENT.get()


def bind(person: str) -> None:
    """The person the current write is sent by (keys are scoped to them)."""
    write = CURRENT.get()
    if write is not None:
        write.person = person


def fingerprint(method: str, path: str, query: bytes, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), query, body):
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()


Scope = dict[str, Any]


class WriteLimits:
    """The ASGI middleware: body limit, key and fingerprint of every write."""

    def __init__(self, app: Any, max_body_bytes: int, status: int):
        self.app = app
        self.limit = max_body_bytes
        self.status = status  # the status of BodyTooLarge, from the one table in web.errors

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] not in WRITES:
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                   for k, v in scope.get("headers", [])}
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.limit:
            await self.too_large(send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await self.too_large(send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        key = headers.get(HEADER.lower())
        write = Write(fingerprint=fingerprint(scope["method"], scope["path"],
                                              scope.get("query_string", b""), body),
                      key=key if key is not None else secrets.token_urlsafe(18),
                      given=key is not None)
        sent = False

        async def replay() -> dict[str, Any]:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            message: dict[str, Any] = await receive()
            return message

        token = CURRENT.set(write)
        try:
            await self.app(scope, replay, send)
        finally:
            CURRENT.reset(token)

    async def too_large(self, send: Any) -> None:
        body = json.dumps({"error": "too_large", "detail": BodyTooLarge(self.limit).detail,
                           "fields": {"body": f"at most {self.limit:,} bytes"}}).encode()
        await send({"type": "http.response.start", "status": self.status,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})
