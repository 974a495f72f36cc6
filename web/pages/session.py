"""The pages' session: a signed cookie holding who logged in and a CSRF token.

The cookie is signed (itsdangerous) with the session secret: TANDEM_SESSION_SECRET, or else a
random secret persisted in `tandem-session.key` next to the database (the folder of the signing
key), so sessions survive restarts. The person is looked up again on every request, so a
deactivated person loses access at once.
"""

from __future__ import annotations

import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from web.auth import Principal, principal_from_log
from web.settings import Settings
from web.system import Tandem

COOKIE = "tandem_session"
MAX_AGE = 12 * 3600
SECRET_FILE = "tandem-session.key"


def session_secret(settings: Settings) -> str:
    """The configured secret, or one persisted next to the database on first use."""
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


@dataclass
class Session:
    person: str | None
    csrf: str

    @classmethod
    def fresh(cls, person: str | None = None) -> Session:
        return cls(person=person, csrf=secrets.token_urlsafe(24))


class Sessions:
    """Reads and writes the session cookie."""

    def __init__(self, secret: str):
        self.serializer = URLSafeTimedSerializer(secret, salt="tandem-pages-session")

    def load(self, request: Request) -> Session | None:
        raw = request.cookies.get(COOKIE)
        if not raw:
            return None
        try:
            data: dict[str, Any] = self.serializer.loads(raw, max_age=MAX_AGE)
        except BadSignature:
            return None
        return Session(person=data.get("p"), csrf=str(data.get("c", "")))

    def save(self, response: Response, session: Session, secure: bool = False) -> None:
        value = self.serializer.dumps({"p": session.person, "c": session.csrf})
        response.set_cookie(COOKIE, value, max_age=MAX_AGE, httponly=True, samesite="lax",
                            secure=secure, path="/")

    def clear(self, response: Response) -> None:
        response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax")


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
