"""API reads kept by log head: what a read answers changes only when the log does.

A successful GET of the reading routes is kept in this worker's memory under everything that
changes it: the log position the read models reflect, the path and query, the credentials it
was asked with (so an answer is only ever given again to the same token, never across people),
the language and the minute (overdue marks follow the clock). Everything kept is dropped when
the log moves. Each kept answer carries an `ETag`; a request naming it in `If-None-Match` is
answered 304 without running the route.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

KEPT_PREFIXES = ("/api/initiatives", "/api/events", "/api/decisions", "/api/escalations",
                 "/api/people", "/api/units", "/api/me/")
LIMIT = 1024
CACHE_CONTROL = b"private, no-cache"
VARY = b"Authorization, Accept-Language"


def still_fresh(if_none_match: str | None, tag: str) -> bool:
    """Whether `If-None-Match` names this tag (weak comparison, as for If-None-Match)."""
    if not if_none_match:
        return False
    return any(c.strip() == "*" or c.strip().removeprefix("W/") == tag
               for c in if_none_match.split(","))


class KeptReads:
    """ASGI middleware: the API's reads answered from memory while the log stands still."""

    def __init__(self, app: ASGIApp, head: Callable[[], object], minute: Callable[[], str]):
        self.app = app
        self.head = head
        self.minute = minute
        self._lock = threading.Lock()
        self._at: str | None = None
        self._kept: dict[str, tuple[list[tuple[bytes, bytes]], bytes]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or scope["method"] != "GET" \
                or not path.startswith(KEPT_PREFIXES):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        credentials = headers.get("authorization")
        if not credentials:
            await self.app(scope, receive, send)
            return
        try:
            at = await run_in_threadpool(self._where)
        except Exception:  # noqa: BLE001 - the route itself answers a database failure
            await self.app(scope, receive, send)
            return
        parts = [at, path, scope.get("query_string", b"").decode("latin-1"), credentials,
                 headers.get("accept-language", ""), self.minute()]
        key = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
        tag = f'"{key[:40]}"'
        extra = [(b"etag", tag.encode()), (b"cache-control", CACHE_CONTROL), (b"vary", VARY)]
        if still_fresh(headers.get("if-none-match"), tag):
            await send({"type": "http.response.start", "status": 304, "headers": extra})
            await send({"type": "http.response.body", "body": b""})
            return
        with self._lock:
            found = self._kept.get(key) if at == self._at else None
        if found is not None:
            await send({"type": "http.response.start", "status": 200,
                        "headers": found[0] + extra})
            await send({"type": "http.response.body", "body": found[1]})
            return
        await self.app(scope, receive, self._keeping(send, at, key, extra))

    def _where(self) -> str:
        at = repr(self.head())
        with self._lock:
            if at != self._at:
                self._at, self._kept = at, {}
        return at

    def _keeping(self, send: Send, at: str, key: str,
                 extra: list[tuple[bytes, bytes]]) -> Send:
        start: dict[str, Any] = {}
        body: list[bytes] = []

        async def keeping(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                if message["status"] == 200:
                    message = {**message, "headers": [*message.get("headers", []), *extra]}
            elif message["type"] == "http.response.body" and start.get("status") == 200:
                body.append(message.get("body", b""))
                if not message.get("more_body", False):
                    self._keep(at, key, list(start.get("headers", [])), b"".join(body))
            await send(message)
        return keeping

    def _keep(self, at: str, key: str, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        with self._lock:
            if at != self._at:
                return
            if len(self._kept) >= LIMIT:
                self._kept.pop(next(iter(self._kept)))
            self._kept[key] = (headers, body)
