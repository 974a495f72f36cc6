"""Real receivers for notices: an SMTP server (aiosmtpd) and an HTTP webhook receiver (the
standard library's http.server in a thread) that verifies every signature it is sent."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Inbox:
    """What the SMTP server received."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        msg = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append(msg)  # type: ignore[arg-type]
        return "250 OK"


@contextmanager
def smtp_server() -> Iterator[tuple[str, Inbox]]:
    """A running SMTP server on 127.0.0.1; yields its URL and its inbox."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield f"smtp://127.0.0.1:{port}", inbox
    finally:
        controller.stop()


class Receiver:
    """What the webhook receiver was sent; `fail_first` answers 500 to that many requests of
    each delivery before it answers 200."""

    def __init__(self, secret: str, fail_first: int = 0, always_fail: bool = False):
        self.secret = secret
        self.fail_first = fail_first
        self.always_fail = always_fail
        self.requests: list[dict[str, Any]] = []  # every request, with `verified`
        self.accepted: list[dict[str, Any]] = []  # the payloads answered 200
        self.lock = threading.Lock()

    def verify(self, headers: Any, body: bytes) -> bool:
        timestamp = headers.get("X-Tandem-Timestamp", "")
        expected = "sha256=" + hmac.new(self.secret.encode(), timestamp.encode() + b"." + body,
                                        hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, headers.get("X-Tandem-Signature", ""))

    def answer(self, headers: Any, body: bytes) -> int:
        payload = json.loads(body)
        with self.lock:
            verified = self.verify(headers, body)
            self.requests.append({"payload": payload, "verified": verified})
            tries = sum(r["payload"]["delivery"] == payload["delivery"] for r in self.requests)
            if not verified:
                return 401
            if self.always_fail or tries <= self.fail_first:
                return 500
            self.accepted.append(payload)
            return 200


@contextmanager
def webhook_receiver(receiver: Receiver) -> Iterator[str]:
    """A running HTTP receiver on 127.0.0.1; yields its URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            status = receiver.answer(self.headers, body)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    finally:
        server.shutdown()
        server.server_close()
