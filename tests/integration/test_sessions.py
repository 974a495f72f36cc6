"""Sessions that end, and the headers every response carries, on both backends.

A saved session cookie stops working after logout, after its token is revoked and after the
idle time; the access log never shows a login link's token; every response says what the
browser may load and frame, and over https insists on https.
"""

from __future__ import annotations

import dataclasses
import logging
import warnings
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from domain.application import token_id_of
from tests.support.clock import Clock
from tests.support.world import auth, signed_in
from web.app import SecretsOutOfAccessLog, create_app
from web.settings import Settings
from web.system import Tandem

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


@pytest.fixture
def site(tandem: Tandem) -> Iterator[tuple[Tandem, str]]:
    token, _ = tandem.app.issue_token(actor="ada", person="ada")
    tandem.catch_up()
    yield tandem, token


def replay(app: Any, cookies: Any) -> int:
    """A fresh browser presenting a saved session cookie."""
    other = TestClient(app, cookies=dict(cookies))
    return other.get("/", follow_redirects=False).status_code


def test_a_saved_cookie_no_longer_works_after_logout(site: tuple[Tandem, str]) -> None:
    tandem, token = site
    app = create_app(tandem.settings, tandem)
    client = signed_in(app, token)
    saved = dict(client.cookies)
    assert replay(app, saved) == 200
    client.post("/logout", data={"csrf": client.get("/").context["csrf"]})
    assert replay(app, saved) == 303  # to the login page


def test_a_session_ends_when_its_token_is_revoked(site: tuple[Tandem, str]) -> None:
    tandem, token = site
    app = create_app(tandem.settings, tandem)
    client = signed_in(app, token)
    saved = dict(client.cookies)
    csrf = client.get("/").context["csrf"]
    tandem.record(tandem.app.revoke_token, actor="ada", person="ada",
                  token_id=token_id_of(token), reason="laptop lost")
    assert replay(app, saved) == 303
    posted = client.post("/logout", data={"csrf": csrf}, follow_redirects=False)
    assert posted.headers["location"] == "/"  # not a session any more: nothing to end
    api = TestClient(app).get("/api/initiatives", headers=auth(token))
    assert api.status_code == 401


def test_a_session_ends_after_the_idle_time(tandem: Tandem, clock: Clock,
                                            settings: Settings) -> None:
    token, _ = tandem.app.issue_token(actor="ada", person="ada")
    tandem.catch_up()
    start = datetime.now(timezone.utc)
    clock.now = start
    app = create_app(dataclasses.replace(settings, session_idle_minutes=30), tandem)
    client = signed_in(app, token)
    clock.now = start + timedelta(minutes=25)
    assert client.get("/", follow_redirects=False).status_code == 200  # use keeps it alive
    clock.now = start + timedelta(minutes=50)
    assert client.get("/", follow_redirects=False).status_code == 200
    clock.now = start + timedelta(minutes=81)
    assert client.get("/", follow_redirects=False).status_code == 303


def test_every_response_carries_the_security_headers(site: tuple[Tandem, str]) -> None:
    tandem, token = site
    client = TestClient(create_app(tandem.settings, tandem))
    for response in (client.get("/login"), client.get("/", follow_redirects=False),
                     client.get("/api/initiatives"), client.get("/api/initiatives",
                                                                headers=auth(token)),
                     client.get("/healthz"), client.get("/static/tandem.css"),
                     client.get("/no-such-page")):
        csp = response.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "same-origin"
        assert "strict-transport-security" not in response.headers
    docs = client.get("/docs")
    assert "unsafe-inline" not in docs.headers["content-security-policy"]
    assert "<script>" not in docs.text  # the docs page has no inline script
    redoc = client.get("/redoc")  # ReDoc styles itself inline; it never runs an inline script
    assert "script-src 'self';" in redoc.headers["content-security-policy"]
    assert "<script>" not in redoc.text


def test_over_https_cookies_are_secure_and_hsts_is_sent(site: tuple[Tandem, str]) -> None:
    tandem, token = site
    https = create_app(dataclasses.replace(tandem.settings, https=True), tandem)
    client = TestClient(https, base_url="https://tandem.example")
    page = client.get("/login")
    assert page.headers["strict-transport-security"].startswith("max-age=")
    signed = client.post("/login", data={"token": token, "csrf": page.context["csrf"]},
                         follow_redirects=False)
    assert "secure" in signed.headers["set-cookie"].lower()

    behind_proxy = create_app(dataclasses.replace(tandem.settings, trust_proxy=True), tandem)
    forwarded = TestClient(behind_proxy).get("/login", headers={"x-forwarded-proto": "https"})
    assert "strict-transport-security" in forwarded.headers
    untrusted = create_app(tandem.settings, tandem)
    spoofed = TestClient(untrusted).get("/login", headers={"x-forwarded-proto": "https"})
    assert "strict-transport-security" not in spoofed.headers


def test_the_access_log_never_shows_a_login_links_token() -> None:
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1,
                               '%s - "%s %s HTTP/%s" %d', (
                                   "127.0.0.1:5000", "GET", "/login?link=tdm_ab_SECRET&next=/",
                                   "1.1", 200), None)
    assert SecretsOutOfAccessLog().filter(record)
    assert "SECRET" not in record.getMessage()
    assert "/login?" in record.getMessage()
