"""Notices: who was told what, when, by which channel.

A notice is derived from the log and the clock (an escalation due soon, an entry waiting for a
person's confirmation...); its id is stable (kind, the entry it is about, the addressee, the
period it is due in), so it is told once. Each delivery of a notice to one addressee over one
channel is an aggregate whose id is derived from that stable id: recording its first event is the
claim, and the store's unique (aggregate, version) key lets exactly one process claim it, also
with several processes on one database. A retry claims the next attempt the same way, so two
processes never send the same attempt. Delivery and failure are recorded, so an audit shows who
was told what and when, and a failure is never dropped silently.

How a person is reached (email address, language, feed tokens as digests) is kept here too.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from eventsourcing.domain import Aggregate

from domain.values import entity_id

NOTIFIER = "tandem-notify"
CHANNELS = ("email", "webhook")


def delivery_key(notice: str, channel: str, target: str) -> str:
    """The key of one notice's delivery over one channel to one target (person or hook)."""
    return f"{notice}|{channel}|{target}"


class Delivery(Aggregate):
    """One notice, delivered over one channel to one target; its attempts and their outcome."""

    class Event(Aggregate.Event):
        actor: str
        effective_at: datetime

    class NoticeClaimed(Aggregate.Created, Event):
        """The first attempt at delivering a notice, claimed before it is sent."""

        key: str
        notice: str
        kind: str
        channel: str
        addressee: str
        target: str
        initiative: str | None
        about: int | None
        subject: str

    class RetryClaimed(Event):
        """A later attempt, claimed before it is sent."""

        attempt: int

        def apply(self, delivery: Delivery) -> None:
            delivery.attempt = self.attempt
            delivery.since = self.effective_at
            delivery.state = "sending"
            delivery.retry_at = None

    class NoticeDelivered(Event):
        """The channel accepted the notice (the SMTP server, or the receiver with a 2xx)."""

        attempt: int
        detail: str

        def apply(self, delivery: Delivery) -> None:
            delivery.state = "delivered"
            delivery.since = self.effective_at
            delivery.retry_at = None

    class DeliveryFailed(Event):
        """An attempt failed; it is retried at `retry_at`, or, without one, given up and
        reported to the admins."""

        attempt: int
        error: str
        retry_at: datetime | None

        def apply(self, delivery: Delivery) -> None:
            delivery.since = self.effective_at
            delivery.state = "failed" if self.retry_at is not None else "given_up"
            delivery.retry_at = self.retry_at
            delivery.last_error = self.error

    def __init__(self, key: str, notice: str, kind: str, channel: str, addressee: str,
                 target: str, initiative: str | None, about: int | None, subject: str,
                 actor: str, effective_at: datetime):
        self.key = key
        self.notice = notice
        self.kind = kind
        self.channel = channel
        self.addressee = addressee
        self.target = target
        self.attempt = 1
        self.state = "sending"
        self.since = effective_at
        self.retry_at: datetime | None = None
        self.last_error = ""

    @staticmethod
    def id_for(key: str) -> Any:
        return entity_id("delivery", key)

    def claim_retry(self, now: datetime) -> None:
        self.trigger_event(self.RetryClaimed, attempt=self.attempt + 1, actor=NOTIFIER,
                           effective_at=now, timestamp=now)

    def delivered(self, detail: str, now: datetime) -> None:
        self.trigger_event(self.NoticeDelivered, attempt=self.attempt, detail=detail[:500],
                           actor=NOTIFIER, effective_at=now, timestamp=now)

    def failed(self, error: str, retry_at: datetime | None, now: datetime) -> None:
        self.trigger_event(self.DeliveryFailed, attempt=self.attempt, error=error[:500],
                           retry_at=retry_at, actor=NOTIFIER, effective_at=now, timestamp=now)


class Recipient(Aggregate):
    """How a person is reached: an email address, a language, and feed tokens (kept as
    digests only; revocable)."""

    class Event(Aggregate.Event):
        actor: str
        effective_at: datetime

    class RecipientOpened(Aggregate.Created, Event):
        person: str

    class ContactSet(Event):
        person: str
        email: str
        language: str

        def apply(self, recipient: Recipient) -> None:
            recipient.email = self.email
            recipient.language = self.language

    class FeedTokenIssued(Event):
        person: str
        token_id: str
        token_hash: str

        def apply(self, recipient: Recipient) -> None:
            recipient.tokens[self.token_id] = self.token_hash

    class FeedTokenRevoked(Event):
        person: str
        token_id: str

        def apply(self, recipient: Recipient) -> None:
            recipient.tokens.pop(self.token_id, None)

    def __init__(self, person: str, actor: str, effective_at: datetime):
        self.person = person
        self.email = ""
        self.language = ""
        self.tokens: dict[str, str] = {}

    @staticmethod
    def id_for(person: str) -> Any:
        return entity_id("recipient", person)


NOTICE_EVENTS: tuple[type[Aggregate.Event], ...] = (
    Delivery.NoticeClaimed, Delivery.RetryClaimed, Delivery.NoticeDelivered,
    Delivery.DeliveryFailed, Recipient.RecipientOpened, Recipient.ContactSet,
    Recipient.FeedTokenIssued, Recipient.FeedTokenRevoked,
)
