"""Recording notices: claims, outcomes, and how people are reached.

Every method takes plain values and records through the application's store. A claim is the
creation of a `Delivery` under a deterministic id: when two processes claim the same notice, the
store's unique key lets one of them record it, and the other learns it lost (False).
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta
from typing import Any

from eventsourcing.persistence import IntegrityError, Recording

from domain import values as v
from domain.application import TandemApplication, token_digest
from domain.directory import Person
from domain.errors import InvalidInput, NotFound
from domain.notices import NOTIFIER, Delivery, Recipient, delivery_key

EMAIL = re.compile(r"^[^@\s<>,;\"]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63}$")
LANGUAGES = ("en", "de")
STALE_CLAIM = timedelta(minutes=10)  # a claim not followed by an outcome: its process died


class Notifying:
    """The notice commands of one application."""

    def __init__(self, app: TandemApplication):
        self.app = app

    def _now(self) -> datetime:
        return self.app._now()

    # -- deliveries ------------------------------------------------------------------------

    def delivery(self, key: str) -> Delivery | None:
        return self.app.find(Delivery, Delivery.id_for(key))

    def claim(self, *, notice: str, kind: str, channel: str, addressee: str, target: str,
              initiative: str | None, about: int | None, subject: str) -> Delivery | None:
        """Claim the first attempt at a delivery; None when it was claimed before."""
        key = delivery_key(notice, channel, target)
        now = self._now()
        delivery = Delivery._create(
            Delivery.NoticeClaimed, id=Delivery.id_for(key), timestamp=now, key=key,
            notice=notice, kind=kind, channel=channel, addressee=addressee, target=target,
            initiative=initiative, about=about, subject=subject[:300], actor=NOTIFIER,
            effective_at=now)
        return delivery if self._save(delivery) else None

    def claim_retry(self, key: str) -> Delivery | None:
        """Claim the next attempt of a failed delivery whose retry is due (or whose claim went
        stale); None when it is not due or another process claimed it first."""
        delivery = self.delivery(key)
        now = self._now()
        if delivery is None or not retry_due(delivery, now):
            return None
        delivery.claim_retry(now)
        return delivery if self._save(delivery) else None

    def delivered(self, delivery: Delivery, detail: str) -> None:
        delivery.delivered(detail, self._now())
        self._save(delivery)

    def failed(self, delivery: Delivery, error: str, retry_at: datetime | None) -> None:
        delivery.failed(error, retry_at, self._now())
        self._save(delivery)

    def _save(self, aggregate: Any) -> bool:
        try:
            self.app.save(aggregate)
        except IntegrityError:
            return False
        return True

    # -- recipients --------------------------------------------------------------------------

    def _recipient(self, person: str) -> Recipient:
        key = v.slug(person, "person")
        if self.app.find(Person, Person.id_for(key)) is None:
            raise NotFound("There is no person '%(key)s'.", rule="known-references", key=key)
        found = self.app.find(Recipient, Recipient.id_for(key))
        if found is not None:
            return found
        now = self._now()
        return Recipient._create(Recipient.RecipientOpened, id=Recipient.id_for(key),
                                 timestamp=now, person=key, actor=NOTIFIER, effective_at=now)

    def recipient(self, person: str) -> Recipient | None:
        return self.app.find(Recipient, Recipient.id_for(person))

    def set_contact(self, *, actor: str, person: str, email: str,
                    language: str) -> list[Recording[Any]]:
        """Where and in which language a person gets their notices (an empty address: none)."""
        email = (email or "").strip()
        if email and not EMAIL.match(email):
            raise InvalidInput("'%(value)s' is not an email address.", field="email", value=email)
        if language not in LANGUAGES:
            raise InvalidInput("The language is en or de.", field="language")
        recipient = self._recipient(person)
        recipient.trigger_event(Recipient.ContactSet, person=recipient.person, email=email, language=language,
                                actor=actor, effective_at=self._now(), timestamp=self._now())
        return self.app.save(recipient)

    def issue_feed_token(self, *, actor: str, person: str) -> tuple[str, list[Recording[Any]]]:
        """A new feed token for a person; only its digest is recorded."""
        recipient = self._recipient(person)
        token_id = secrets.token_hex(4)
        token = f"tdf_{recipient.person}_{token_id}_{secrets.token_urlsafe(24)}"
        recipient.trigger_event(Recipient.FeedTokenIssued, person=recipient.person,
                                token_id=token_id,
                                token_hash=token_digest(token), actor=actor,
                                effective_at=self._now(), timestamp=self._now())
        return token, self.app.save(recipient)

    def revoke_feed_token(self, *, actor: str, person: str,
                          token_id: str) -> list[Recording[Any]]:
        recipient = self._recipient(person)
        if token_id not in recipient.tokens:
            raise NotFound("%(person)s holds no feed token '%(key)s'.", rule="known-references",
                           person=person, key=token_id)
        recipient.trigger_event(Recipient.FeedTokenRevoked, person=recipient.person,
                                token_id=token_id, actor=actor,
                                effective_at=self._now(), timestamp=self._now())
        return self.app.save(recipient)

    def feed_reader(self, token: str) -> str | None:
        """The person a feed token was issued to and not revoked (None otherwise)."""
        parts = token.split("_", 3)
        if len(parts) != 4 or parts[0] != "tdf" or not v.SLUG.match(parts[1]):
            return None
        recipient = self.recipient(parts[1])
        if recipient is None or recipient.tokens.get(parts[2]) != token_digest(token):
            return None
        return recipient.person


def retry_due(delivery: Delivery, now: datetime) -> bool:
    if delivery.state == "failed":
        return delivery.retry_at is not None and delivery.retry_at <= now
    return delivery.state == "sending" and now - delivery.since > STALE_CLAIM
