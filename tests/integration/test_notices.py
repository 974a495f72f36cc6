"""Notices reach people: email through a real SMTP server in the addressee's language, signed
webhooks to a real HTTP receiver, retries with backoff, each notice delivered once (also with
two `tandem notify` processes at once), and every delivery recorded in the log."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from domain.errors import InvalidInput
from domain.notifying import Notifying
from tests.support.receivers import Receiver, free_port, smtp_server, webhook_receiver
from web.notices.dispatch import Notifier, deliveries
from web.notices.hooks import Hooks
from web.system import Tandem

OPTIONS = [{"key": "a", "title": "Hotline by IT"}, {"key": "b", "title": "Hotline by Ops"}]
SECRET = "a-webhook-secret-of-some-length"


def story(tandem: Tandem, escalations: int = 1) -> None:
    """An initiative with overdue escalations (told to kathi, who must decide, and to jonas,
    who raised them) and a handoff waiting for miriam."""
    now = datetime.now(timezone.utc)
    r, app = tandem.record, tandem.app
    for person in ("kathi", "petra", "jonas", "miriam"):
        r(app.register_person, actor="ada", person=person, name=person.title(), unit="ops",
          role="member")
    r(app.open_initiative, actor="ada", initiative="portal", title="Portal", sponsor="kathi",
      units=["it", "ops"], escalation_path=["kathi", "petra"],
      effective_at=now - timedelta(days=10))
    for person in ("jonas", "miriam"):
        r(app.admit_member, actor="kathi", initiative="portal", person=person, role="member",
          effective_at=now - timedelta(days=10))
    for n in range(escalations):
        r(app.raise_escalation, actor="jonas", initiative="portal", escalation=f"e-{n}",
          topic=f"Hotline budget {n}", options=OPTIONS, raised_by="jonas",
          effective_at=now - timedelta(days=5), due_at=now - timedelta(days=1))
    r(app.start_handoff, actor="jonas", initiative="portal", handoff="h-data",
      item="Data model", from_person="jonas", to_person="miriam")
    r(app.report_status, actor="jonas", initiative="portal", summary="Runs",
      reported_by=["jonas"])


def contacts(tandem: Tandem) -> None:
    notifying = Notifying(tandem.app)
    for person, language in (("kathi", "de"), ("jonas", "en"), ("miriam", "en")):
        tandem.record(notifying.set_contact, actor="ada", person=person,
                      email=f"{person}@example.org", language=language)


def notifier(tandem: Tandem, **settings: object) -> Notifier:
    tandem.settings = replace(tandem.settings, base_url="https://tandem.example.org",
                              **settings)  # type: ignore[arg-type]
    return Notifier(tandem)


def test_emails_reach_each_addressee_once_in_their_language_with_a_link(tandem):
    story(tandem)
    contacts(tandem)
    with smtp_server() as (url, inbox):
        first = notifier(tandem, smtp_url=url).run_once()
        again = notifier(tandem, smtp_url=url).run_once()
    assert (first.sent, first.errors) == (3, [])
    assert again.sent == 0 and again.due == first.due
    by_to = {m["To"]: m for m in inbox.messages}
    assert sorted(by_to) == ["jonas@example.org", "kathi@example.org", "miriam@example.org"]
    kathi = by_to["kathi@example.org"]
    assert kathi["Subject"] == "Eskalation überfällig in portal: Hotline budget 0"
    assert kathi["Content-Language"] == "de"
    plain = kathi.get_body(("plain",)).get_content()
    markup = kathi.get_body(("html",)).get_content()
    assert "war am" in plain and "fällig" in plain
    assert "https://tandem.example.org/escalations#portal-e-0" in plain
    assert 'href="https://tandem.example.org/escalations#portal-e-0"' in markup
    jonas = by_to["jonas@example.org"]
    assert jonas["Subject"] == "Escalation overdue in portal: Hotline budget 0"
    miriam = by_to["miriam@example.org"]
    assert miriam["Subject"] == "Handoff waiting for you in portal: Data model"
    # the log says who was told what, when, by which channel
    told = tandem.read.events(after=0, limit=1000)["events"]
    delivered = [e for e in told if e["type"] == "NoticeDelivered"]
    claimed = {e["data"]["addressee"]: e for e in told if e["type"] == "NoticeClaimed"}
    assert len(delivered) == 3 and sorted(claimed) == ["jonas", "kathi", "miriam"]
    assert claimed["kathi"]["data"]["channel"] == "email"
    assert claimed["kathi"]["data"]["kind"] == "escalation-overdue"
    assert claimed["kathi"]["actor"] == "tandem-notify"
    assert {r["state"] for r in deliveries(tandem)} == {"delivered"}


def test_every_webhook_is_signed_and_carries_a_chat_text(tandem):
    story(tandem)
    receiver = Receiver(SECRET)
    with webhook_receiver(receiver) as url:
        hook = Hooks(tandem.db).subscribe(actor="ada", url=url, kinds=[], secret=SECRET,
                                          base_url="https://tandem.example.org",
                                          now=tandem.read.now())
        report = notifier(tandem).run_once()
    assert report.sent == 3 and report.errors == []
    assert receiver.requests and all(r["verified"] for r in receiver.requests)
    kinds = sorted(p["kind"] for p in receiver.accepted)
    assert kinds == ["escalation-overdue", "escalation-overdue", "handoff-waiting"]
    payload = receiver.accepted[0]
    assert payload["text"].startswith(payload["subject"])
    assert payload["link"].startswith("https://tandem.example.org/")
    assert {d["target"] for d in deliveries(tandem)} == {hook["id"]}


def test_a_receiver_failing_twice_gets_the_notice_on_the_third_try_and_only_once(tandem):
    story(tandem)
    receiver = Receiver(SECRET, fail_first=2)
    with webhook_receiver(receiver) as url:
        Hooks(tandem.db).subscribe(actor="ada", url=url, kinds=["handoff-waiting"],
                                   secret=SECRET, base_url="https://tandem.example.org",
                                   now=tandem.read.now())
        reports = [notifier(tandem, notice_backoff_seconds=0).run_once() for _ in range(5)]
    assert [(r.sent, r.failed) for r in reports] == [(0, 1), (0, 1), (1, 0), (0, 0), (0, 0)]
    attempts = [r["payload"]["attempt"] for r in receiver.requests]
    assert attempts == [1, 2, 3] and all(r["verified"] for r in receiver.requests)
    assert len(receiver.accepted) == 1
    [row] = deliveries(tandem)
    assert (row["state"], row["attempt"]) == ("delivered", 3)


def test_a_delivery_that_keeps_failing_is_given_up_and_reported_never_dropped(tandem):
    story(tandem)
    receiver = Receiver(SECRET, always_fail=True)
    with webhook_receiver(receiver) as url:
        Hooks(tandem.db).subscribe(actor="ada", url=url, kinds=["handoff-waiting"],
                                   secret=SECRET, base_url="https://tandem.example.org",
                                   now=tandem.read.now())
        reports = [notifier(tandem, notice_backoff_seconds=0, notice_attempts=2).run_once()
                   for _ in range(3)]
    assert [(r.failed, r.given_up) for r in reports] == [(1, 0), (0, 1), (0, 0)]
    [row] = deliveries(tandem, state="given_up")
    assert row["attempt"] == 2 and "answered 500" in row["last_error"]
    failed = [e for e in tandem.read.events(after=0, limit=1000)["events"]
              if e["type"] == "DeliveryFailed"]
    assert "given up and reported" in failed[-1]["summary"]


def test_an_unreachable_smtp_server_never_blocks_a_write_and_loses_no_notice(tandem):
    story(tandem)
    contacts(tandem)
    dead = f"smtp://127.0.0.1:{free_port()}"
    report = notifier(tandem, smtp_url=dead, notice_backoff_seconds=0,
                      notice_timeout_seconds=1).run_once()
    assert report.sent == 0 and report.failed == 3
    tandem.record(tandem.app.accept_handoff, actor="miriam", initiative="portal",
                  handoff="h-data")  # writes go on while mail cannot be sent
    with smtp_server() as (url, inbox):
        retried = notifier(tandem, smtp_url=url, notice_backoff_seconds=0).run_once()
    # the escalation notices are sent on retry; the handoff was accepted: no longer due
    assert retried.sent == 2 and retried.given_up == 1
    assert sorted(m["To"] for m in inbox.messages) == ["jonas@example.org", "kathi@example.org"]


@pytest.mark.parametrize("url", ["ftp://receiver.example.org/hook", "file:///etc/passwd",
                                 "https://tandem.example.org/api/hook",
                                 "http://127.0.0.1:8000/hook", "not a url"])
def test_a_webhook_pointing_at_tandem_itself_or_not_http_is_refused(tandem, url):
    base = "https://tandem.example.org" if "example" in url else "http://127.0.0.1:8000"
    with pytest.raises(InvalidInput) as refused:
        Hooks(tandem.db).subscribe(actor="ada", url=url, kinds=[], secret=SECRET,
                                   base_url=base, now=tandem.read.now())
    assert refused.value.fields and "url" in refused.value.fields
    assert Hooks(tandem.db).all() == []


def test_two_notify_processes_at_once_send_each_notice_once(tandem, settings):
    story(tandem, escalations=15)
    receiver = Receiver(SECRET)
    with webhook_receiver(receiver) as url:
        Hooks(tandem.db).subscribe(actor="ada", url=url, kinds=[], secret=SECRET,
                                   base_url="https://tandem.example.org",
                                   now=tandem.read.now())
        env = {**os.environ, "TANDEM_DATABASE_URL": settings.database_url,
               "TANDEM_SIGNING_KEY": settings.signing_key}
        command = [sys.executable, "-m", "web.cli", "notify"]
        runs = [subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
                for _ in range(2)]
        outputs = [run.communicate(timeout=120)[1] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    keys = [p["delivery"] for p in receiver.accepted]
    assert len(keys) == 31 and len(set(keys)) == 31  # 15 × 2 escalation notices + 1 handoff
    assert all(r["verified"] for r in receiver.requests)
    tandem.catch_up()
    assert len(deliveries(tandem, state="delivered")) == 31
