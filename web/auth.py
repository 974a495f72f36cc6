"""Who is asking, and what their directory role lets them do. Shared by the API and the pages."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from domain.application import token_digest
from projections.queries import ReadModels
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


def authenticate(read: ReadModels, token: str | None) -> Principal | None:
    """The active person an API token belongs to, or None."""
    if not token or len(token) > 200:
        return None
    row = read.person_for_token_digest(token_digest(token.strip()))
    if row is None:
        return None
    return Principal(person=row["person"], name=row["name"], unit=row["unit"], role=row["role"])


def login_link(tandem: Tandem, person: str, next_path: str = "/",
               base_url: str | None = None) -> str:
    """A one-time URL that logs `person` in: it carries a fresh API token for them, which is
    revoked the moment the link is used (only the token's digest is ever stored)."""
    token, _recordings = tandem.app.issue_token(actor=LINK_ACTOR, person=person)
    tandem.catch_up()
    query = urlencode({"link": token, "next": next_path})
    return f"{(base_url or tandem.settings.base_url).rstrip('/')}/login?{query}"
