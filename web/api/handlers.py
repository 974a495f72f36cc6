"""Every failure leaves the API as one JSON shape `{error, detail, rule?, fields?}`; the status
comes from the one table in `web.errors`."""

from __future__ import annotations

from typing import Any

from eventsourcing.persistence import PersistenceError
from fastapi import FastAPI, Request
from fastapi.exception_handlers import (
    http_exception_handler,
    request_validation_exception_handler,
)
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from domain.errors import DomainError
from domain.requests import UncertainOutcome
from projections.db import StorageError
from projections.ledger.checkpoints import SignerRefused
from projections.ledger.journal import JournalError
from projections.ledger.keys import SigningKeyError
from projections.ledger.proofs import ProofUnavailable
from projections.ledger.witness import CosignatureRejected
from web.api.deps import ApiError
from web.errors import RETRY_AFTER_SECONDS, status_of
from web.requests import OutcomeUnknown

KINDS = {404: "not_found", 413: "too_large", 422: "rejected", 503: "unavailable"}

FORBIDDEN_FIELDS = {
    "actor": "The actor is always the token's person; it cannot be set.",
    "recorded_at": "The recording time is set by the server; it cannot be set.",
}


def _domain_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, DomainError)
    return JSONResponse(error.as_dict(), status_code=status_of(error))


def _api_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ApiError)
    return JSONResponse({"error": error.error, "detail": error.detail},
                        status_code=error.status, headers=error.headers)


def _other_error(request: Request, error: Exception) -> JSONResponse:
    """Failures of storage, keys and proofs: their status and kind from the one table; a
    503 says when to try again."""
    status = status_of(error)
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)} if status == 503 else None
    return JSONResponse({"error": KINDS.get(status, "error"), "detail": str(error)},
                        status_code=status, headers=headers)


UNION_BRANCHES = {"str", "int", "float", "bool", "none", "list", "dict"}


def _field(loc: tuple[Any, ...]) -> str:
    """The field a problem is about; the branch of a union (`list[str]`, `str`) is left out,
    so `decided_by` is named as it is sent."""
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")
             and not (isinstance(p, str) and ("[" in p or p in UNION_BRANCHES))]
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
    kind = {401: "unauthorized", 403: "forbidden", 404: "not_found",
            405: "method_not_allowed"}.get(error.status_code, "http_error")
    return JSONResponse({"error": kind, "detail": str(error.detail)},
                        status_code=error.status_code, headers=error.headers)


def install(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(ApiError, _api_error)
    for cls in (StorageError, SigningKeyError, ProofUnavailable, SignerRefused, JournalError,
                CosignatureRejected, PersistenceError, UncertainOutcome, OutcomeUnknown):
        app.add_exception_handler(cls, _other_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
