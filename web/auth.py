"""Who is asking, and what their directory role lets them do. Shared by the API and the pages."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from domain.application import token_digest
from domain.directory import Person
from web.system import Tandem

LINK_ACTOR = "tandem-cli"
READ_ROLES = frozenset({"admin", "member", "auditor", "viewer"})
WRITE_ROLES = frozenset({"admin", "member"})
ADMIN_ROLES = frozenset({"admin"})
AUDIT_ROLES = frozenset({"admin", "auditor"})


@dataclass(frozen=True)
class Principal:
    """The authenticated person: the actor of everything they record."""

    person: str
    name: str
    unit: str
    role: str

    @property
    def can_write(self) -> bool:
        return self.role in WRITE_ROLES


def principal_from_log(tandem: Tandem, person: str, digest: str | None = None) -> Principal | None:
    """The person as the log knows them (not as a read model says), if not deactivated and, given
    a token's digest, if the log issued them that token and did not revoke it."""
    found = tandem.app.find(Person, Person.id_for(person))
    if found is None or found.deactivated_at is not None:
        return None
    if digest is not None and not found.holds_token(digest):
        return None
    return Principal(person=found.slug, name=found.name, unit=found.unit, role=found.role)


def authenticate(tandem: Tandem, token: str | None) -> Principal | None:
    """The active person an API token belongs to, or None. The read model finds the person
    by the token's digest; the person's own record in the log must have issued that digest
    (a digest inserted into the table by hand gets nowhere), and the role is the log's."""
    if not token or len(token) > 200:
        return None
    digest = token_digest(token.strip())
    row = tandem.read.person_for_token_digest(digest)
    if row is None:
        return None
    return principal_from_log(tandem, str(row["person"]), digest)


def login_link(tandem: Tandem, person: str, next_path: str = "/",
               base_url: str | None = None) -> str:
    """A one-time URL that logs `person` in: it carries a fresh API token for them, which is
    revoked the moment the link is used (only the token's digest is ever stored)."""
    token, _recordings = tandem.app.issue_token(actor=LINK_ACTOR, person=person)
    tandem.catch_up()
    query = urlencode({"link": token, "next": next_path})
    return f"{(base_url or tandem.settings.base_url).rstrip('/')}/login?{query}"
