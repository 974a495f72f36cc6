"""The pages' sessions: kept on the server, checked on every request, ended for good.

The cookie carries only a random session id (signed with the session secret:
TANDEM_SESSION_SECRET, or a random secret persisted in `tandem-session.key` next to the signing
key). The server keeps the SHA-256 of that id with the person, the API token they signed in
with (none for a one-time login link), a CSRF token, and when it began and was last used. A
session ends at logout (the saved cookie never works again), when its token is revoked, when
its person is deactivated, after an idle time (setting) and after twelve hours at most.

Before signing in, the cookie carries only a CSRF token for the login form (nothing is stored).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from projections.db import Database
from projections.envelope import db_time
from web.auth import Principal, principal_from_log
from web.settings import Settings
from web.system import Tandem

COOKIE = "tandem_session"
MAX_AGE = timedelta(hours=12)
TOUCH_EVERY = timedelta(minutes=1)  # how stale `seen_at` may get before it is written again
SECRET_FILE = "tandem-session.key"

CREATE_SESSIONS = (
    "CREATE TABLE IF NOT EXISTS tandem_sessions (digest TEXT PRIMARY KEY, person TEXT NOT NULL, "
    "token_id TEXT, csrf TEXT NOT NULL, started_at TEXT NOT NULL, seen_at TEXT NOT NULL, "
    "ended_at TEXT)"
)
INSERT_SESSION = (
    "INSERT INTO tandem_sessions (digest, person, token_id, csrf, started_at, seen_at, ended_at) "
    "VALUES (?, ?, ?, ?, ?, ?, NULL)"
)
SELECT_SESSION = (
    "SELECT s.person, s.token_id, s.csrf, s.started_at, s.seen_at, s.ended_at, "
    "(SELECT COUNT(*) FROM tandem_tokens t WHERE t.token_id = s.token_id "
    "AND t.person = s.person) AS tokens FROM tandem_sessions s WHERE s.digest = ?"
)
TOUCH_SESSION = "UPDATE tandem_sessions SET seen_at = ? WHERE digest = ?"
END_SESSION = "UPDATE tandem_sessions SET ended_at = ? WHERE digest = ? AND ended_at IS NULL"


def session_secret(settings: Settings) -> str:
    """The configured secret, or one persisted next to the signing key on first use."""
    if settings.session_secret:
        return settings.session_secret
    path = Path(settings.signing_key_path).parent / SECRET_FILE
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        secret = secrets.token_urlsafe(48)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secret)
        return secret


def digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


@dataclass
class Session:
    """A signed-in session (`person` set) or the anonymous one of the login form."""

    person: str | None
    csrf: str
    session_id: str | None = None

    @classmethod
    def anonymous(cls) -> Session:
        return cls(person=None, csrf=secrets.token_urlsafe(24))


class Sessions:
    """Begins, checks and ends sessions, and reads and writes their cookie."""

    def __init__(self, secret: str, db: Database, idle: timedelta, clock: Any,
                 secure: Any):
        self.serializer = URLSafeTimedSerializer(secret, salt="tandem-pages-session")
        self.db = db
        self.idle = idle
        self.clock = clock
        self.secure = secure  # request -> whether it came over https
        with db.connect() as conn:
            conn.execute(CREATE_SESSIONS)

    def begin(self, request: Request, response: Response, person: str,
              token_id: str | None) -> Session:
        """A new session for a person who just signed in (with an API token, or none for a
        one-time link); its cookie is set on the response."""
        session = Session(person, secrets.token_urlsafe(24), secrets.token_urlsafe(32))
        now = db_time(self.clock())
        with self.db.connect() as conn:
            conn.execute(INSERT_SESSION, (digest(str(session.session_id)), person, token_id,
                                          session.csrf, now, now))
        self._set(request, response, {"s": session.session_id})
        return session

    def anonymous(self, request: Request, response: Response, session: Session) -> None:
        """Keep the login form's CSRF token in the cookie (nothing is stored)."""
        self._set(request, response, {"c": session.csrf})

    def load(self, request: Request) -> Session | None:
        """The request's session, if its cookie is genuine and the session still holds."""
        raw = request.cookies.get(COOKIE)
        if not raw:
            return None
        try:
            data: dict[str, Any] = self.serializer.loads(raw, max_age=int(MAX_AGE.total_seconds()))
        except BadSignature:
            return None
        if "c" in data:
            return Session(person=None, csrf=str(data["c"]))
        session_id = str(data.get("s", ""))
        key = digest(session_id)
        with self.db.connect() as conn:
            row = conn.one(SELECT_SESSION, (key,))
            if row is None or not self._holds(row):
                return None
            now = self.clock()
            if now - datetime.fromisoformat(row["seen_at"]) > TOUCH_EVERY:
                conn.execute(TOUCH_SESSION, (db_time(now), key))
        return Session(person=row["person"], csrf=row["csrf"], session_id=session_id)

    def _holds(self, row: dict[str, Any]) -> bool:
        now = self.clock()
        return (row["ended_at"] is None
                and now - datetime.fromisoformat(row["seen_at"]) <= self.idle
                and now - datetime.fromisoformat(row["started_at"]) <= MAX_AGE
                and (row["token_id"] is None or int(row["tokens"]) > 0))

    def end(self, request: Request, response: Response, session: Session | None) -> None:
        """End the session for good and clear its cookie."""
        if session is not None and session.session_id:
            with self.db.connect() as conn:
                conn.execute(END_SESSION, (db_time(self.clock()), digest(session.session_id)))
        response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax",
                               secure=bool(self.secure(request)))

    def _set(self, request: Request, response: Response, data: dict[str, Any]) -> None:
        response.set_cookie(COOKIE, self.serializer.dumps(data),
                            max_age=int(MAX_AGE.total_seconds()), httponly=True, samesite="lax",
                            secure=bool(self.secure(request)), path="/")


def principal_of(tandem: Tandem, session: Session | None) -> Principal | None:
    """The active person behind a session, as the log knows them (role included), or None."""
    if session is None or not session.person:
        return None
    return principal_from_log(tandem, session.person)


def csrf_ok(session: Session | None, submitted: object) -> bool:
    return (session is not None and bool(session.csrf) and isinstance(submitted, str)
            and hmac.compare_digest(session.csrf, submitted))


def safe_next(value: object) -> str:
    """Only a local path is a place to go after login (no open redirect)."""
    if isinstance(value, str) and value.startswith("/") and not value.startswith("//") \
            and "\\" not in value:
        return value
    return "/"
