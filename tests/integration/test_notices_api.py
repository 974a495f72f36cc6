"""The notices API: webhook subscriptions and the delivery log for admins, a person's contact
and feed tokens, and the Atom feeds opened by a feed token (revocable, kept out of logs)."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from xml.etree import ElementTree as ET

import pytest
from fastapi import FastAPI

from web import api
from web.notices.feeds import RedactTokens
from web.system import Tandem

with warnings.catch_warnings():  # starlette asks for httpx2, which is not installed here
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

ATOM = "{http://www.w3.org/2005/Atom}"
OPTIONS = [{"key": "a", "title": "A"}, {"key": "b", "title": "B"}]


@pytest.fixture
def http(tandem: Tandem) -> Iterator[TestClient]:
    now = datetime.now(timezone.utc)
    r, app = tandem.record, tandem.app
    for person in ("kathi", "petra", "jonas", "olga"):
        r(app.register_person, actor="ada", person=person, name=person.title(), unit="ops",
          role="member")
    r(app.open_initiative, actor="ada", initiative="portal", title="Portal", sponsor="kathi",
      units=["it", "ops"], escalation_path=["kathi", "petra"], visibility="members",
      effective_at=now - timedelta(days=10))
    r(app.admit_member, actor="kathi", initiative="portal", person="jonas", role="member",
      effective_at=now - timedelta(days=10))
    r(app.raise_escalation, actor="jonas", initiative="portal", escalation="e-budget",
      topic="Hotline budget", options=OPTIONS, raised_by="jonas",
      effective_at=now - timedelta(days=5), due_at=now - timedelta(days=1))
    app_ = FastAPI()
    app_.state.tandem = tandem
    api.install(app_)
    tokens = {p: tandem.app.issue_token(actor="ada", person=p)[0]
              for p in ("ada", "kathi", "jonas", "petra", "olga")}
    tandem.catch_up()
    with TestClient(app_) as client:
        client.tokens = tokens  # type: ignore[attr-defined]
        yield client


def as_(http: TestClient, person: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {http.tokens[person]}"}  # type: ignore[attr-defined]


def test_admins_manage_webhooks_others_may_not_and_bad_urls_store_nothing(http):
    made = http.post("/api/notices/webhooks", headers=as_(http, "ada"),
                     json={"url": "https://receiver.example.org/hook",
                           "kinds": ["escalation-overdue"]})
    assert made.status_code == 201 and len(made.json()["secret"]) >= 16
    assert http.post("/api/notices/webhooks", headers=as_(http, "jonas"),
                     json={"url": "https://x.example.org/"}).status_code == 403
    for url in ("ftp://receiver.example.org/", "http://127.0.0.1:8000/api"):
        refused = http.post("/api/notices/webhooks", headers=as_(http, "ada"), json={"url": url})
        assert refused.status_code == 422 and "url" in refused.json()["fields"]
    unknown = http.post("/api/notices/webhooks", headers=as_(http, "ada"),
                        json={"url": "https://r.example.org/", "kinds": ["gossip"]})
    assert unknown.status_code == 422 and "kinds" in unknown.json()["fields"]
    listed = http.get("/api/notices/webhooks", headers=as_(http, "ada")).json()["webhooks"]
    assert [h["id"] for h in listed] == [made.json()["id"]]
    assert "secret" not in listed[0]
    hook = made.json()["id"]
    assert http.delete(f"/api/notices/webhooks/{hook}",
                       headers=as_(http, "ada")).status_code == 204
    assert http.delete(f"/api/notices/webhooks/{hook}",
                       headers=as_(http, "ada")).status_code == 404
    assert http.get("/api/notices/deliveries", headers=as_(http, "jonas")).status_code == 403
    assert http.get("/api/notices/deliveries", headers=as_(http, "ada")).json() == {
        "deliveries": []}
    due = http.get("/api/notices/outbox", headers=as_(http, "ada")).json()["notices"]
    assert {(n["kind"], n["addressee"]) for n in due} == {
        ("escalation-overdue", "kathi"), ("escalation-overdue", "jonas")}


def test_a_person_sets_their_own_contact_and_bad_input_is_refused(http):
    mine = http.put("/api/people/jonas/contact", headers=as_(http, "jonas"),
                    json={"email": "jonas@example.org", "language": "de"})
    body = mine.json()
    assert mine.status_code == 201
    assert [body["type"], *(r["type"] for r in body.get("related", []))] == [
        "RecipientOpened", "ContactSet"]
    assert http.put("/api/people/kathi/contact", headers=as_(http, "jonas"),
                    json={"email": "k@example.org"}).status_code == 403
    bad = http.put("/api/people/jonas/contact", headers=as_(http, "jonas"),
                   json={"email": "not an address"})
    assert bad.status_code == 422 and "email" in bad.json()["fields"]
    assert http.put("/api/people/jonas/contact", headers=as_(http, "jonas"),
                    json={"language": "fr"}).status_code == 422


def test_feeds_open_with_a_feed_token_in_the_readers_language_until_revoked(http):
    http.put("/api/people/kathi/contact", headers=as_(http, "kathi"), json={"language": "de"})
    issued = http.post("/api/people/kathi/feed-tokens", headers=as_(http, "kathi")).json()
    token = issued["token"]
    feed = http.get("/feeds/people/kathi.atom", params={"token": token})
    assert feed.status_code == 200 and feed.headers["content-type"].startswith(
        "application/atom+xml")
    titles = [e.findtext(f"{ATOM}title") for e in ET.fromstring(feed.content).iter(
        f"{ATOM}entry")]
    assert titles == ["Eskalation überfällig in portal: Hotline budget"]
    of_initiative = http.get("/feeds/initiatives/portal.atom", params={"token": token})
    assert of_initiative.status_code == 200
    entries = list(ET.fromstring(of_initiative.content).iter(f"{ATOM}entry"))
    assert len(entries) == 1  # one situation, though told to two people
    assert http.get("/feeds/people/jonas.atom", params={"token": token}).status_code == 403
    petra = http.post("/api/people/petra/feed-tokens", headers=as_(http, "petra")).json()
    hidden = http.get("/feeds/initiatives/portal.atom", params={"token": petra["token"]})
    assert hidden.status_code == 200  # petra is on the escalation path: a lead by place
    olga = http.post("/api/people/olga/feed-tokens", headers=as_(http, "olga")).json()
    assert http.get("/feeds/initiatives/portal.atom",  # open to its members only
                    params={"token": olga["token"]}).status_code == 403
    assert http.get("/feeds/people/kathi.atom", params={"token": "tdf_kathi_x_y"}
                    ).status_code == 401
    assert http.delete(f"/api/people/kathi/feed-tokens/{issued['token_id']}",
                       headers=as_(http, "kathi")).status_code == 204
    assert http.get("/feeds/people/kathi.atom", params={"token": token}).status_code == 401
    stored = http.get("/api/events", headers=as_(http, "ada"), params={"limit": 1000}).text
    assert token not in stored and token.split("_", 3)[3] not in stored  # the secret (it may hold "_")


def test_a_feed_token_never_reaches_the_access_log(caplog):
    access = logging.getLogger("uvicorn.access")
    assert any(isinstance(f, RedactTokens) for f in access.filters)
    record = logging.LogRecord("uvicorn.access", logging.INFO, "", 0, '%s - "%s %s HTTP/%s" %d',
                               ("127.0.0.1", "GET", "/feeds/people/kathi.atom?token=tdf_kathi_"
                                "ab_secret", "1.1", 200), None)
    RedactTokens().filter(record)
    assert "secret" not in record.getMessage() and "token=[redacted]" in record.getMessage()


def test_a_notice_about_a_members_only_initiative_is_hidden_from_non_members(http, tandem):
    from domain.notifying import Notifying

    Notifying(tandem.app).claim(notice="escalation-overdue:9:kathi:level-1",
                                kind="escalation-overdue", channel="email", addressee="kathi",
                                target="kathi", initiative="portal", about=9,
                                subject="escalation-overdue in portal entry #9")
    tandem.catch_up()

    def claims(person: str) -> list[dict]:
        events = http.get("/api/events", headers=as_(http, person),
                          params={"limit": 1000}).json()["events"]
        return [e for e in events if e["type"] == "NoticeClaimed"]
    assert claims("olga") == []
    [seen] = claims("kathi")
    assert (seen["data"]["initiative"], seen["data"]["addressee"]) == ("portal", "kathi")
