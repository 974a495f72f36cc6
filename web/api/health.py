"""/healthz: the process lives. /readyz: the database answers, and how far the read models lag
behind the log (unready only past `TANDEM_READY_MAX_LAG`). Neither needs a token."""

from __future__ import annotations

from typing import Any

from eventsourcing.persistence import PersistenceError
from fastapi import APIRouter
from fastapi.responses import JSONResponse

from projections.db import StorageError
from web.api.deps import System
from web.errors import RETRY_AFTER_SECONDS

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="The process lives (no auth; asks nothing of the database)")
def healthz() -> dict[str, Any]:
    return {"status": "ok"}


@router.get("/readyz", summary="The database answers; the read models' lag (no auth)",
            responses={503: {"description": "the database does not answer, or the read "
                                            "models lag more than the threshold"}})
def readyz(tandem: System) -> JSONResponse:
    try:
        positions = tandem.runner.positions()
        position = tandem.app.recorder.max_notification_id() or 0
    except (StorageError, PersistenceError) as error:
        return JSONResponse({"status": "unavailable", "detail": str(error)}, status_code=503,
                            headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
    lag = max((position - p for p in positions.values()), default=0)
    threshold = tandem.settings.ready_max_lag
    ready = lag <= threshold
    body = {"status": "ready" if ready else "behind", "position": position, "lag": lag,
            "max_lag": threshold, "projections": positions}
    return JSONResponse(body, status_code=200 if ready else 503,
                        headers=None if ready else {"Retry-After": str(RETRY_AFTER_SECONDS)})
