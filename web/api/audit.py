"""Audit endpoints under /api/audit: the signed checkpoint and proofs against it, for auditors
and admins (401 without a valid bearer token, 403 for other roles)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from domain.errors import NotFound
from projections.ledger.checkpoints import latest_checkpoint
from projections.ledger.keys import public_pem
from projections.ledger.notes import parse, verifier_key
from projections.ledger.proofs import consistency_document, inclusion_document
from web.api.deps import Auditor, System, errors

router = APIRouter(prefix="/api/audit", tags=["audit"])


@router.get("/checkpoint", summary="The latest signed checkpoint and the key that verifies it",
            responses=errors(404, 503))
def checkpoint(who: Auditor, tandem: System) -> dict[str, Any]:
    latest = latest_checkpoint(tandem.db)
    if latest is None:
        raise NotFound("No checkpoint has been issued yet: run `tandem checkpoint`.")
    key = tandem.signer.public_key()
    signed = parse(latest["note"])[0]
    return {"checkpoint": latest["note"], "origin": signed.origin, "tree_size": signed.size,
            "root": latest["note"].split("\n")[2], "issued_at": latest["issued_at"],
            "public_key": public_pem(key), "verifier_key": verifier_key(signed.origin, key)}


@router.get("/inclusion", summary="The audit path of the event at a position",
            responses=errors(404))
def inclusion(who: Auditor, tandem: System, position: Annotated[int, Query(ge=1, le=2**62)],
              size: Annotated[int | None, Query(ge=1, le=2**62)] = None) -> dict[str, Any]:
    """The audit path proving the event at `position` is in the tree of `size` events."""
    return inclusion_document(tandem.db, position, size)


@router.get("/consistency", summary="The audit path from one tree size to a later one",
            responses=errors(404))
def consistency(who: Auditor, tandem: System,
                from_: Annotated[int, Query(alias="from", ge=1, le=2**62)],
                to: Annotated[int, Query(ge=1, le=2**62)]) -> dict[str, Any]:
    """The audit path proving the tree of `to` events extends the tree of `from` events."""
    return consistency_document(tandem.db, from_, to)
