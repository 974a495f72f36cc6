"""What the API's routes share: who is asking (bearer token → person), what their role lets
them do, the system they act on, the types of path and query parameters, and the 201 answer."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Annotated, Any, Literal

from fastapi import Depends, Path, Query, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel

from domain.values import SCOPE, SLUG
from projections.members import Visibility
from web import requests
from web.auth import ADMIN_ROLES, AUDIT_ROLES, READ_ROLES, WRITE_ROLES, Principal, authenticate
from web.system import Tandem

MAX_PAGE = 1000
bearer = HTTPBearer(auto_error=False, description="An API token from `tandem token create`.")


class ErrorBody(BaseModel):
    """The one error shape of the API."""

    error: str
    detail: str
    rule: str | None = None
    fields: dict[str, str] | None = None


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the error responses a route can give."""
    return {code: {"model": ErrorBody} for code in (401, 403, 422, *codes)}


class ApiError(Exception):
    """A failure of the delivery layer itself: authentication and roles."""

    def __init__(self, status: int, error: str, detail: str, headers: dict[str, str] | None = None):
        super().__init__(detail)
        self.status, self.error, self.detail, self.headers = status, error, detail, headers


def system(request: Request) -> Tandem:
    tandem: Tandem = request.app.state.tandem
    return tandem


def principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """The token's person, or 401."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise ApiError(401, "unauthorized", "Send `Authorization: Bearer <token>`.",
                       {"WWW-Authenticate": "Bearer"})
    who = authenticate(system(request), credentials.credentials)
    if who is None:
        raise ApiError(401, "unauthorized", "The token is unknown, revoked or its person is "
                       "deactivated.", {"WWW-Authenticate": 'Bearer error="invalid_token"'})
    requests.bind(who.person)  # an Idempotency-Key is the person's own
    return who


def role(allowed: Iterable[str], doing: str) -> Callable[..., Principal]:
    """A dependency: the authenticated person, if their role may do this; else 403."""
    roles = frozenset(allowed)

    def check(who: Annotated[Principal, Depends(principal)]) -> Principal:
        if who.role not in roles:
            raise ApiError(403, "forbidden", f"A {who.role} may not {doing}; this needs the "
                           f"role {' or '.join(sorted(roles))}.")
        return who
    return check


def visibility(request: Request,
               who: Annotated[Principal, Depends(role(READ_ROLES, "read"))]) -> Visibility:
    """What the reader may read: every initiative but those open to their members only that
    the reader does not belong to (auditors read everything)."""
    return system(request).read.visibility(who.person, who.role)


Reader = Annotated[Principal, Depends(role(READ_ROLES, "read"))]
Seen = Annotated[Visibility, Depends(visibility)]
Writer = Annotated[Principal, Depends(role(WRITE_ROLES, "record events in initiatives"))]
Admin = Annotated[Principal, Depends(role(ADMIN_ROLES, "do this"))]
Auditor = Annotated[Principal, Depends(role(AUDIT_ROLES, "use audit endpoints"))]
System = Annotated[Tandem, Depends(system)]

Id = Annotated[str, Path(pattern=SLUG.pattern,
                         description="an id: lowercase letters, digits, dashes")]
IdFilter = Annotated[str | None, Query(pattern=SLUG.pattern)]
ScopeFilter = Annotated[str | None, Query(pattern=SCOPE.pattern, max_length=200)]
Time = Annotated[str | None, Query(description="ISO 8601; a bare date means the end of that day",
                                   max_length=64)]
From = Annotated[str | None, Query(alias="from", max_length=64,
                                   description="ISO 8601; a bare date means its start")]
AsOf = Annotated[str | None, Query(description="effective time: the world as it was then",
                                   max_length=64)]
KnownAt = Annotated[str | None, Query(description="recording time: the log as it stood then",
                                      max_length=64)]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE)]
Offset = Annotated[int, Query(ge=0, le=2**31)]
Order = Annotated[Literal["effective", "recorded"], Query()]
Types = Annotated[list[str] | None, Query(alias="type", description="event types; repeat the "
                                          "parameter or separate with commas")]


def created(envelopes: list[dict[str, Any]]) -> JSONResponse:
    """201 with the recorded event; events recorded alongside it follow under `related`."""
    first, *rest = envelopes
    body = {**first, "related": rest} if rest else first
    return JSONResponse(body, status_code=201)
