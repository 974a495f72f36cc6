"""Audit endpoints under /api/audit: the signed checkpoint (with the witnesses' cosignatures),
proofs against it, and the cosignatures witnesses send back, for auditors and admins (401
without a valid bearer token, 403 for other roles). While the signer refuses to sign over what
the database holds (see `projections.ledger.checkpoints`), every one of them answers 503."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from domain.errors import NotFound
from projections.ledger import witness
from projections.ledger.keys import public_pem
from projections.ledger.notes import parse
from projections.ledger.projection import LedgerTree
from projections.ledger.proofs import consistency_document, inclusion_document
from web.api.deps import Auditor, System, errors
from web.api.models import CosignedCheckpoint
from web.system import Tandem

router = APIRouter(prefix="/api/audit", tags=["audit"])


def consistent(tandem: System) -> Tandem:
    """The system, once the signer has found the ledger consistent with its journal (else
    SignerRefused, answered 503)."""
    tandem.signer.check()
    return tandem


Ledger = Annotated[Tandem, Depends(consistent)]


@router.get("/checkpoint", summary="The latest signed checkpoint and the key that verifies it",
            responses=errors(404, 503))
def checkpoint(who: Auditor, tandem: Ledger) -> dict[str, Any]:
    latest = tandem.signer.latest()
    if latest is None:
        raise NotFound("No checkpoint has been issued yet: run `tandem checkpoint`.")
    log = tandem.signer.verifier()
    signed = parse(latest["note"])[0]
    with tandem.db.connect() as conn:
        note, cosigned_by = witness.with_cosignatures(conn, latest["note"])
        witnessed = witness.latest_cosigned(conn)
    return {"checkpoint": note, "origin": signed.origin, "tree_size": signed.size,
            "root": note.split("\n")[2], "issued_at": latest["issued_at"],
            "public_key": public_pem(log.key), "verifier_key": log.text(),
            "cosigned_by": cosigned_by, "witnessed": witnessed}


@router.get("/inclusion", summary="The audit path of the event at a position",
            responses=errors(404, 503))
def inclusion(who: Auditor, tandem: Ledger, position: Annotated[int, Query(ge=1, le=2**62)],
              size: Annotated[int | None, Query(ge=1, le=2**62)] = None) -> dict[str, Any]:
    """The audit path proving the event at `position` is in the tree of `size` events."""
    return inclusion_document(tandem.db, position, size)


@router.get("/consistency", summary="The audit path from one tree size to a later one",
            responses=errors(404, 503))
def consistency(who: Auditor, tandem: Ledger,
                from_: Annotated[int, Query(alias="from", ge=1, le=2**62)],
                to: Annotated[int, Query(ge=1, le=2**62)]) -> dict[str, Any]:
    """The audit path proving the tree of `to` events extends the tree of `from` events."""
    return consistency_document(tandem.db, from_, to)


@router.post("/cosignatures", summary="A witness's cosignature of one of the log's checkpoints",
             status_code=201, responses=errors(503))
def cosignatures(who: Auditor, tandem: Ledger, body: CosignedCheckpoint) -> JSONResponse:
    """Keeps the cosignatures of the witnesses this log knows (`TANDEM_WITNESSES`) on one of
    its own checkpoints; 422 when the note is not this log's, names a tree the log never had,
    or carries no valid cosignature of a known witness."""
    log = tandem.signer.verifier()
    with tandem.db.connect() as conn, conn.transaction():
        found = witness.accept(conn, body.checkpoint, log, tandem.settings.witness_keys,
                               LedgerTree(conn).root, tandem.read.now())
    return JSONResponse({"tree_size": found[0].size,
                         "cosigned_by": sorted(c.witness for c in found)}, status_code=201)
