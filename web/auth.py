"""Who is asking, and what their directory role lets them do. Shared by the API and the pages."""

from __future__ import annotations

from dataclasses import dataclass

from domain.application import token_digest
from projections.queries import ReadModels

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

    @property
    def is_admin(self) -> bool:
        return self.role in ADMIN_ROLES

    @property
    def can_audit(self) -> bool:
        return self.role in AUDIT_ROLES


def authenticate(read: ReadModels, token: str | None) -> Principal | None:
    """The active person an API token belongs to, or None."""
    if not token or len(token) > 200:
        return None
    row = read.person_for_token_digest(token_digest(token.strip()))
    if row is None:
        return None
    return Principal(person=row["person"], name=row["name"], unit=row["unit"], role=row["role"])
