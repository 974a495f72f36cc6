"""The JSON API under /api (see docs/api.md): authentication, roles, errors, health.

Routes live in `web.api_writes` (POST, 201 + event envelope) and `web.api_reads` (GET). Every
failure leaves as one JSON shape `{error, detail, rule?, fields?}`, mapped here once, by class.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.exception_handlers import (
    http_exception_handler,
    request_validation_exception_handler,
)
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from domain.errors import Conflict, DomainError, InvalidInput, NotFound, RuleViolation
from projections.db import StorageError
from projections.queries import moment
from web.auth import ADMIN_ROLES, AUDIT_ROLES, READ_ROLES, WRITE_ROLES, Principal, authenticate
from web.system import Tandem

STATUS_BY_ERROR: dict[type[DomainError], int] = {
    InvalidInput: 422, RuleViolation: 422, NotFound: 404, Conflict: 409,
}
FORBIDDEN_FIELDS = {
    "actor": "The actor is always the token's person; it cannot be set.",
    "recorded_at": "The recording time is set by the server; it cannot be set.",
}
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
    who = authenticate(system(request).read, credentials.credentials)
    if who is None:
        raise ApiError(401, "unauthorized", "The token is unknown, revoked or its person is "
                       "deactivated.", {"WWW-Authenticate": 'Bearer error="invalid_token"'})
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


Reader = Annotated[Principal, Depends(role(READ_ROLES, "read"))]
Writer = Annotated[Principal, Depends(role(WRITE_ROLES, "record events in initiatives"))]
Admin = Annotated[Principal, Depends(role(ADMIN_ROLES, "do this"))]
Auditor = Annotated[Principal, Depends(role(AUDIT_ROLES, "use audit endpoints"))]
System = Annotated[Tandem, Depends(system)]


def when(value: str | None, field: str) -> datetime | None:
    """A query-string time (ISO 8601; a bare date is the end of that day)."""
    try:
        return moment(value, field)
    except OverflowError:
        raise InvalidInput("The date is out of range.", field=field) from None


def created(envelopes: list[dict[str, Any]]) -> JSONResponse:
    """201 with the recorded event; events recorded alongside it follow under `related`."""
    first, *rest = envelopes
    body = {**first, "related": rest} if rest else first
    return JSONResponse(body, status_code=201)


# -- errors, mapped once by class --------------------------------------------------------------

def _domain_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, DomainError)
    status = next(code for cls, code in STATUS_BY_ERROR.items() if isinstance(error, cls))
    return JSONResponse(error.as_dict(), status_code=status)


def _other_domain_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, DomainError)
    return JSONResponse(error.as_dict(), status_code=422)


def _api_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ApiError)
    return JSONResponse({"error": error.error, "detail": error.detail},
                        status_code=error.status, headers=error.headers)


def _storage_error(request: Request, error: Exception) -> JSONResponse:
    return JSONResponse({"error": "unavailable", "detail": str(error)}, status_code=503)


def _field(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


async def _validation_error(request: Request, error: Exception) -> Any:
    assert isinstance(error, RequestValidationError)
    if not request.url.path.startswith("/api"):
        return await request_validation_exception_handler(request, error)
    fields: dict[str, str] = {}
    for problem in error.errors():
        name = _field(tuple(problem.get("loc", ())))
        last = name.rsplit(".", 1)[-1]
        if problem.get("type") == "extra_forbidden" and last in FORBIDDEN_FIELDS:
            fields[name] = FORBIDDEN_FIELDS[last]
        else:
            fields.setdefault(name, str(problem.get("msg", "Invalid value.")))
    detail = "; ".join(f"{k}: {v}" for k, v in fields.items())
    return JSONResponse({"error": "invalid_input", "detail": detail, "fields": fields},
                        status_code=422)


async def _http_error(request: Request, error: Exception) -> Any:
    assert isinstance(error, HTTPException)
    if not request.url.path.startswith("/api"):
        return await http_exception_handler(request, error)
    kind = {404: "not_found", 405: "method_not_allowed"}.get(error.status_code, "http_error")
    return JSONResponse({"error": kind, "detail": str(error.detail)},
                        status_code=error.status_code, headers=error.headers)


def install(app: FastAPI) -> None:
    """Register the API routes and error handlers on the app."""
    from web import api_reads, api_writes

    for cls in STATUS_BY_ERROR:
        app.add_exception_handler(cls, _domain_error)
    app.add_exception_handler(DomainError, _other_domain_error)
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(StorageError, _storage_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.include_router(api_writes.router)
    app.include_router(api_reads.router)
    app.include_router(api_reads.health)
