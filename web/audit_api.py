"""Audit endpoints under /api/audit: the signed checkpoint and proofs against it.

Only auditors and admins may ask; these routes check that themselves (401 without a valid
bearer token, 403 for other roles)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Query, Request

from projections import audit
from projections.audit_proofs import ProofUnavailable, consistency_document, inclusion_document
from projections.checkpoint import parse, verifier_key
from web.audit_keys import SigningKeyError, log_public_key, public_pem
from web.auth import Principal, authenticate
from web.system import Tandem


def _tandem(request: Request) -> Tandem:
    system: Tandem = request.app.state.tandem
    return system


def auditor(request: Request) -> Principal:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    principal = authenticate(_tandem(request).read, token if scheme.lower() == "bearer" else None)
    if principal is None:
        raise HTTPException(401, detail="A valid bearer token is required.",
                            headers={"WWW-Authenticate": "Bearer"})
    if not principal.can_audit:
        raise HTTPException(403, detail="Only auditors and admins may read audit proofs.")
    return principal


Auditor = Annotated[Principal, Depends(auditor)]


def _unavailable(error: ProofUnavailable) -> HTTPException:
    return HTTPException(404, detail=str(error))


def get_checkpoint(request: Request, _: Auditor) -> dict[str, Any]:
    """The latest signed checkpoint, and the public key that verifies it."""
    tandem = _tandem(request)
    latest = audit.latest_checkpoint(tandem.db)
    if latest is None:
        raise HTTPException(404, detail="No checkpoint has been issued yet: run `tandem checkpoint`.")
    try:
        key = log_public_key(tandem.settings.signing_key_path)
    except SigningKeyError as error:
        raise HTTPException(503, detail=str(error)) from error
    signed = parse(latest["note"])[0]
    return {"checkpoint": latest["note"], "origin": signed.origin, "tree_size": signed.size,
            "root": latest["note"].split("\n")[2], "issued_at": latest["issued_at"],
            "public_key": public_pem(key), "verifier_key": verifier_key(signed.origin, key)}


def get_inclusion(request: Request, _: Auditor, position: Annotated[int, Query(ge=1)],
                  size: Annotated[int | None, Query(ge=1)] = None) -> dict[str, Any]:
    """The audit path proving the event at `position` is in the tree of `size` events."""
    try:
        return inclusion_document(_tandem(request).db, position, size)
    except ProofUnavailable as error:
        raise _unavailable(error) from error


def get_consistency(request: Request, _: Auditor, from_: Annotated[int, Query(alias="from", ge=1)],
                    to: Annotated[int, Query(ge=1)]) -> dict[str, Any]:
    """The audit path proving the tree of `to` events extends the tree of `from` events."""
    try:
        return consistency_document(_tandem(request).db, from_, to)
    except ProofUnavailable as error:
        raise _unavailable(error) from error


def install(app: FastAPI) -> None:
    """Register the audit routes on the app."""
    app.add_api_route("/api/audit/checkpoint", get_checkpoint, methods=["GET"], tags=["audit"])
    app.add_api_route("/api/audit/inclusion", get_inclusion, methods=["GET"], tags=["audit"])
    app.add_api_route("/api/audit/consistency", get_consistency, methods=["GET"], tags=["audit"])
