"""One notify pass: the outbox now, each notice's deliveries claimed once and sent, failures
retried with backoff and given up (and reported to admins) after the last attempt.

Sending happens after the claim is stored and outside any write of the log, so an unreachable
SMTP server or receiver delays only its own notice, never a write.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from domain.notices import Delivery, delivery_key
from domain.notifying import STALE_CLAIM, Notifying
from projections.db import Row
from projections.envelope import db_time
from projections.members import Visibility
from projections.notices import Horizon, Notice, outbox
from web.notices import hooks as wh
from web.notices import mail
from web.notices.texts import render
from web.settings import Settings
from web.system import Tandem

log = logging.getLogger("tandem.notices")
SELECT_KNOWN = "SELECT delivery_key FROM tandem_deliveries"
SELECT_RETRIES = (
    "SELECT delivery_key, notice, state, retry_at, updated_at FROM tandem_deliveries "
    "WHERE (state = 'failed' AND retry_at <= ?) OR (state = 'sending' AND updated_at <= ?) "
    "ORDER BY position"
)
SELECT_RECIPIENTS = "SELECT person, email, language FROM tandem_recipients"
SELECT_DELIVERIES = (
    "SELECT delivery_key, notice, kind, channel, addressee, target, initiative, about, subject, "
    "attempt, state, retry_at, last_error, claimed_at, updated_at FROM tandem_deliveries "
    "{where} ORDER BY position DESC LIMIT ?"
)


@dataclass
class PassReport:
    """What one pass did."""

    due: int = 0
    sent: int = 0
    failed: int = 0
    given_up: int = 0
    already: int = 0  # claimed by an earlier pass or another process
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"due": self.due, "sent": self.sent, "failed": self.failed,
                "given_up": self.given_up, "already": self.already, "errors": self.errors}


def horizon(settings: Settings) -> Horizon:
    return Horizon(due_soon=timedelta(days=settings.notice_due_soon_days),
                   lookback=timedelta(days=settings.notice_lookback_days))


def deliveries(tandem: Tandem, state: str | None = None, limit: int = 200) -> list[Row]:
    """The delivery log, newest first (for admins)."""
    where, params = ("WHERE state = ?", [state]) if state else ("", [])
    with tandem.db.connect() as conn:
        return conn.all(SELECT_DELIVERIES.format(where=where), [*params, limit])


class Notifier:
    """Claims, sends and records the notices of one installation."""

    def __init__(self, tandem: Tandem):
        self.tandem = tandem
        self.settings = tandem.settings
        self.notifying = Notifying(tandem.app)
        self.hooks = wh.Hooks(tandem.db)
        self.smtp = mail.SmtpServer.from_url(self.settings.smtp_url) \
            if self.settings.smtp_url else None

    def due(self, now: datetime | None = None) -> list[Notice]:
        return outbox(self.tandem.db, now or self.tandem.read.now(), horizon(self.settings))

    def run_once(self) -> PassReport:
        tandem = self.tandem
        tandem.catch_up()
        now = tandem.read.now()
        notices = self.due(now)
        report = PassReport(due=len(notices))
        with tandem.db.connect() as conn:
            known = {r["delivery_key"] for r in conn.all(SELECT_KNOWN)}
            retries = conn.all(SELECT_RETRIES, (db_time(now), db_time(now - STALE_CLAIM)))
            recipients = {r["person"]: r for r in conn.all(SELECT_RECIPIENTS)}
        people = {p["person"]: p for p in tandem.read.people()}
        hooks = self.hooks.active()
        seen: dict[str, Visibility] = {}
        for notice in notices:
            for channel, target in self._targets(notice, recipients, people, hooks, seen):
                if delivery_key(notice.id, channel, target) in known:
                    continue
                delivery = self.notifying.claim(
                    notice=notice.id, kind=notice.kind, channel=channel,
                    addressee=notice.addressee, target=target, initiative=notice.initiative,
                    about=notice.about, subject=notice.subject)
                if delivery is None:
                    report.already += 1
                    continue
                self._send(delivery, notice, recipients, hooks, report)
        by_id = {n.id: n for n in notices}
        for row in retries:
            retried = self.notifying.claim_retry(row["delivery_key"])
            if retried is None:
                continue
            again = by_id.get(row["notice"])
            if again is None:
                self._fail(retried, "no longer due when retried; not sent", report, final=True)
                continue
            self._send(retried, again, recipients, hooks, report)
        tandem.catch_up()
        return report

    def _targets(self, notice: Notice, recipients: dict[str, Row], people: dict[str, Any],
                 hooks: dict[str, dict[str, Any]],
                 seen: dict[str, Visibility]) -> list[tuple[str, str]]:
        targets: list[tuple[str, str]] = []
        person = people.get(notice.addressee)
        contact = recipients.get(notice.addressee)
        if person is not None and person.get("active", True) and contact is not None \
                and contact["email"] and self.smtp is not None:
            if notice.addressee not in seen:
                seen[notice.addressee] = self.tandem.read.visibility(notice.addressee,
                                                                     person["role"])
            if seen[notice.addressee].allows(notice.initiative):
                targets.append(("email", notice.addressee))
        for hook in hooks.values():
            if wh.ALL_KINDS in hook["kinds"] or notice.kind in hook["kinds"]:
                targets.append(("webhook", hook["id"]))
        return targets

    def _send(self, delivery: Delivery, notice: Notice, recipients: dict[str, Row],
              hooks: dict[str, dict[str, Any]], report: PassReport) -> None:
        try:
            if delivery.channel == "email":
                detail = self._email(notice, recipients[notice.addressee])
            else:
                hook = hooks.get(delivery.target)
                if hook is None:
                    raise mail.DeliveryError("the webhook subscription was removed")
                detail = self._webhook(notice, hook, delivery)
        except mail.DeliveryError as error:
            self._fail(delivery, str(error), report)
            return
        self.notifying.delivered(delivery, detail)
        report.sent += 1

    def _fail(self, delivery: Delivery, error: str, report: PassReport,
              final: bool = False) -> None:
        now = self.tandem.read.now()
        last = final or delivery.attempt >= self.settings.notice_attempts
        backoff = self.settings.notice_backoff_seconds * 2 ** (delivery.attempt - 1)
        retry_at = None if last else now + timedelta(seconds=backoff)
        self.notifying.failed(delivery, error, retry_at)
        log.warning("Notice %s (attempt %s) failed: %s%s", delivery.key, delivery.attempt,
                    error, "; given up" if last else "")
        report.errors.append(f"{delivery.key}: {error}")
        if last:
            report.given_up += 1
        else:
            report.failed += 1

    def _email(self, notice: Notice, contact: Row) -> str:
        assert self.smtp is not None
        language = contact["language"] or self.settings.notice_language
        text = render(notice, language, self.settings.base_url)
        msg = mail.message(text, self.settings.notice_from, contact["email"], language,
                           notice.id)
        return mail.send(self.smtp, msg, self.settings.notice_timeout_seconds)

    def _webhook(self, notice: Notice, hook: dict[str, Any], delivery: Delivery) -> str:
        language = self.settings.notice_language
        text = render(notice, language, self.settings.base_url)
        now = self.tandem.read.now()
        payload = {
            "id": notice.id, "delivery": delivery.key, "attempt": delivery.attempt,
            "kind": notice.kind, "initiative": notice.initiative, "about": notice.about,
            "addressee": notice.addressee, "link": text.link, "params": notice.params,
            "subject": text.subject, "text": f"{text.subject}\n{text.link}",
            "language": language, "sent_at": now.isoformat(),
        }
        timestamp = str(int(now.timestamp()))
        return wh.post(hook["url"], hook["secret"], payload, timestamp,
                       self.settings.notice_timeout_seconds, delivery.key)


def run_forever(settings: Settings, stop: threading.Event) -> None:
    """`tandem serve`'s schedule: a pass every interval until `stop` is set; a failed pass is
    logged and the next one tries again."""
    while not stop.wait(settings.notify_interval_seconds):
        try:
            tandem = Tandem(settings)
            try:
                report = Notifier(tandem).run_once()
            finally:
                tandem.close()
            if report.sent or report.errors:
                log.info("Notify pass: %s", report.as_dict())
        except Exception:  # the schedule outlives any one failed pass
            log.exception("Notify pass failed; the next pass tries again")


def start_schedule(settings: Settings) -> threading.Event:
    """Start the notify schedule in a daemon thread; set the returned event to stop it."""
    stop = threading.Event()
    if settings.notify_interval_seconds > 0:
        threading.Thread(target=run_forever, args=(settings, stop), name="tandem-notify",
                         daemon=True).start()
    return stop
