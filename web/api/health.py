"""/healthz: the database answers and the read models are caught up (no authentication)."""

from __future__ import annotations

from eventsourcing.persistence import PersistenceError
from fastapi import APIRouter
from fastapi.responses import JSONResponse

from projections.db import StorageError
from web.api.deps import System

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="Database reachable and read models caught up (no auth)",
            responses={503: {"description": "unreachable or behind"}})
def healthz(tandem: System) -> JSONResponse:
    try:
        positions = tandem.runner.positions()
        position = tandem.app.recorder.max_notification_id() or 0
    except (StorageError, PersistenceError) as error:
        return JSONResponse({"status": "unavailable", "detail": str(error)}, status_code=503)
    behind = {name: p for name, p in positions.items() if p != position}
    body = {"status": "behind" if behind else "ok", "position": position,
            "projections": positions}
    return JSONResponse(body, status_code=503 if behind else 200)
