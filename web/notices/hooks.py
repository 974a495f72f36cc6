"""Signed webhooks: the subscriptions (kept in a table of their own, so a secret never enters
the log or an export), the check of a subscription's URL, and the signed POST.

The body is JSON; `X-Tandem-Signature: sha256=<hex>` is HMAC-SHA256 with the subscription's
secret over `<X-Tandem-Timestamp>.<body>` (docs/notices.md shows how to verify it).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import secrets
import socket
import urllib.error
import urllib.request
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from domain.errors import InvalidInput, NotFound
from projections.db import Database
from projections.envelope import db_time
from projections.notices import KIND_NAMES
from web.notices.mail import DeliveryError

DDL = (
    "CREATE TABLE IF NOT EXISTS tandem_webhooks (hook TEXT PRIMARY KEY, url TEXT NOT NULL, "
    "kinds TEXT NOT NULL, secret TEXT NOT NULL, created_by TEXT NOT NULL, "
    "created_at TEXT NOT NULL, removed_at TEXT)"
)
INSERT_HOOK = (
    "INSERT INTO tandem_webhooks (hook, url, kinds, secret, created_by, created_at, removed_at) "
    "VALUES (?, ?, ?, ?, ?, ?, NULL)"
)
SELECT_HOOKS = (
    "SELECT hook, url, kinds, secret, created_by, created_at, removed_at FROM tandem_webhooks "
    "ORDER BY created_at, hook"
)
REMOVE_HOOK = "UPDATE tandem_webhooks SET removed_at = ? WHERE hook = ? AND removed_at IS NULL"
SIGNATURE = "X-Tandem-Signature"
TIMESTAMP = "X-Tandem-Timestamp"
ALL_KINDS = "*"


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """The value of the signature header for a body sent at `timestamp`."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def _addresses(host: str) -> set[str]:
    try:
        return {str(ipaddress.ip_address(info[4][0]))
                for info in socket.getaddrinfo(host, None)}
    except (OSError, ValueError):
        return set()


def check_url(url: str, base_url: str) -> str:
    """A receiver's URL: http or https, with a host, and not this server itself."""
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput("A webhook URL starts with http:// or https:// and names a host.",
                           field="url")
    own = urlsplit(base_url)

    def port(p: Any) -> int:
        return int(p.port or (443 if p.scheme == "https" else 80))
    try:
        same_port = port(parts) == port(own)
    except ValueError:
        raise InvalidInput("The webhook URL's port is not a number.", field="url") from None
    if same_port and own.hostname and (
            parts.hostname.lower() == own.hostname.lower()
            or _addresses(parts.hostname) & _addresses(own.hostname)):
        raise InvalidInput("A webhook URL may not point at this Tandem server itself.",
                           field="url")
    return url


def check_kinds(kinds: list[str]) -> list[str]:
    chosen = sorted(set(kinds or [ALL_KINDS]))
    unknown = [k for k in chosen if k != ALL_KINDS and k not in KIND_NAMES]
    if unknown:
        raise InvalidInput("Unknown notice kind(s): %(unknown)s; the kinds are %(kinds)s or "
                           "%(all)s.", field="kinds", unknown=", ".join(unknown),
                           kinds=", ".join(KIND_NAMES), all=ALL_KINDS)
    return chosen


class Hooks:
    """The webhook subscriptions of one database."""

    _ready: set[str] = set()  # databases whose table exists (created once per process)

    def __init__(self, db: Database):
        self.db = db
        where = f"{db.storage.url}#{db.storage.schema}"  # not id(db): ids are reused
        if where not in Hooks._ready:
            with db.connect() as conn, conn.transaction():
                conn.execute(DDL)
            Hooks._ready.add(where)

    def subscribe(self, *, actor: str, url: str, kinds: list[str], secret: str | None,
                  base_url: str, now: datetime) -> dict[str, Any]:
        url = check_url(url, base_url)
        chosen = check_kinds(kinds)
        secret = secret or secrets.token_urlsafe(32)
        if len(secret) < 16:
            raise InvalidInput("A webhook secret has at least 16 characters.", field="secret")
        hook = "wh-" + secrets.token_hex(6)
        with self.db.connect() as conn, conn.transaction():
            conn.execute(INSERT_HOOK, (hook, url, json.dumps(chosen), secret, actor,
                                       db_time(now)))
        return {"id": hook, "url": url, "kinds": chosen, "secret": secret}

    def remove(self, hook: str, now: datetime) -> None:
        with self.db.connect() as conn, conn.transaction():
            changed = conn.execute(REMOVE_HOOK, (db_time(now), hook))
        if getattr(changed, "rowcount", 1) == 0:
            raise NotFound("There is no webhook subscription '%(key)s'.",
                           rule="known-references", key=hook)

    def all(self, with_secrets: bool = False) -> list[dict[str, Any]]:
        with self.db.connect() as conn:
            rows = conn.all(SELECT_HOOKS)
        return [{"id": r["hook"], "url": r["url"], "kinds": json.loads(r["kinds"]),
                 "created_by": r["created_by"], "created_at": r["created_at"],
                 "active": r["removed_at"] is None,
                 **({"secret": r["secret"]} if with_secrets else {})} for r in rows]

    def active(self) -> dict[str, dict[str, Any]]:
        return {h["id"]: h for h in self.all(with_secrets=True) if h["active"]}


def post(url: str, secret: str, payload: dict[str, Any], timestamp: str,
         timeout: float, delivery: str) -> str:
    """POST the signed payload; DeliveryError unless the receiver answers 2xx."""
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json", "User-Agent": "Tandem-Notices/1",
        SIGNATURE: signature(secret, timestamp, body), TIMESTAMP: timestamp,
        "X-Tandem-Delivery": delivery})
    try:
        with _opener.open(request, timeout=timeout) as answer:
            status = int(answer.status)
    except urllib.error.HTTPError as error:
        raise DeliveryError(f"{url} answered {error.code}") from None
    except (OSError, ValueError) as error:
        raise DeliveryError(f"{url}: {error}") from error
    if not 200 <= status < 300:
        raise DeliveryError(f"{url} answered {status}")
    return f"{url} answered {status}"


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A receiver that redirects is refused: a redirect could point back at this server."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirects, urllib.request.ProxyHandler({}))
