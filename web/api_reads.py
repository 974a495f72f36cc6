"""GET routes over the read models, and /healthz."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from eventsourcing.persistence import PersistenceError
from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse

from projections.db import StorageError
from projections.queries import MAX_PAGE
from web.api import Reader, System, errors, when

router = APIRouter(prefix="/api", tags=["read"])
health = APIRouter(tags=["health"])

SLUG = r"^[a-z0-9][a-z0-9-]{0,63}$"
SCOPE = r"^(\*|[a-z0-9][a-z0-9_/-]{0,199})$"
Id = Annotated[str, Path(pattern=SLUG, description="an id: lowercase letters, digits, dashes")]
IdFilter = Annotated[str | None, Query(pattern=SLUG)]
Time = Annotated[str | None, Query(description="ISO 8601; a bare date means the end of that day",
                                   max_length=64)]
AsOf = Annotated[str | None, Query(description="effective time: the world as it was then",
                                   max_length=64)]
KnownAt = Annotated[str | None, Query(description="recording time: the log as it stood then",
                                      max_length=64)]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE)]
Offset = Annotated[int, Query(ge=0, le=2**31)]
Order = Annotated[Literal["effective", "recorded"], Query()]
Types = Annotated[list[str] | None, Query(alias="type", description="event types; repeat the "
                                          "parameter or separate with commas")]


def _types(values: list[str] | None) -> list[str] | None:
    names = [t for v in values or [] for t in v.split(",") if t]
    return [t for t in names if re.fullmatch(r"[A-Za-z]{1,64}", t)] or (
        ["-"] if names else None)  # names given but none valid: match nothing


@router.get("/initiatives", summary="All initiatives with their goal, tandem and open items",
            responses=errors())
def initiatives(who: Reader, tandem: System) -> dict[str, Any]:
    return {"initiatives": tandem.read.initiatives()}


@router.get("/initiatives/{iid}", summary="An initiative's state, bitemporally",
            responses=errors(404))
def state(iid: Id, who: Reader, tandem: System, as_of: AsOf = None,
          known_at: KnownAt = None) -> dict[str, Any]:
    return tandem.read.state(iid, when(as_of, "as_of"), when(known_at, "known_at"))


@router.get("/initiatives/{iid}/matrix", summary="The responsibility matrix and the tandem",
            responses=errors(404))
def matrix(iid: Id, who: Reader, tandem: System, as_of: AsOf = None,
           known_at: KnownAt = None) -> dict[str, Any]:
    return tandem.read.matrix(iid, when(as_of, "as_of"), when(known_at, "known_at"))


@router.get("/initiatives/{iid}/goal/history", summary="Every version of the shared goal",
            responses=errors(404))
def goal_history(iid: Id, who: Reader, tandem: System,
                 known_at: KnownAt = None) -> dict[str, Any]:
    return tandem.read.goal_history(iid, when(known_at, "known_at"))


@router.get("/initiatives/{iid}/timeline", summary="An initiative's events",
            responses=errors(404))
def initiative_timeline(
    iid: Id, who: Reader, tandem: System, order: Order = "effective", type: Types = None,
    from_: Annotated[str | None, Query(alias="from", max_length=64)] = None, to: Time = None,
    limit: Limit = 500, offset: Offset = 0,
) -> dict[str, Any]:
    return {"events": tandem.read.timeline(
        initiative=iid, order=order, types=_types(type), start=when(from_, "from"),
        end=when(to, "to"), limit=limit, offset=offset)}


@router.get("/initiatives/{iid}/decisions/{did}", summary="One decision",
            responses=errors(404))
def decision(iid: Id, did: Id, who: Reader, tandem: System) -> dict[str, Any]:
    return tandem.read.decision(iid, did)


@router.get("/decisions", summary="The decision register", responses=errors())
def decisions(
    who: Reader, tandem: System, initiative: IdFilter = None, person: IdFilter = None,
    scope: Annotated[str | None, Query(pattern=SCOPE)] = None,
    status: Literal["in_force", "superseded", "revoked"] | None = None,
    from_: Annotated[str | None, Query(alias="from", max_length=64)] = None, to: Time = None,
) -> dict[str, Any]:
    return {"decisions": tandem.read.decisions(
        initiative=initiative, person=person, scope=scope, status=status,
        start=when(from_, "from"), end=when(to, "to"))}


@router.get("/escalations", summary="The escalation register", responses=errors())
def escalations(who: Reader, tandem: System,
                status: Literal["open", "resolved", "all"] = "all",
                initiative: IdFilter = None) -> dict[str, Any]:
    return {"escalations": tandem.read.escalations(status, initiative)}


@router.get("/units", summary="The units", responses=errors())
def units(who: Reader, tandem: System) -> dict[str, Any]:
    return {"units": tandem.read.units()}


@router.get("/people", summary="The people and their directory roles", responses=errors())
def people(who: Reader, tandem: System) -> dict[str, Any]:
    return {"people": tandem.read.people()}


@router.get("/people/{pid}", summary="One person", responses=errors(404))
def person(pid: Id, who: Reader, tandem: System) -> dict[str, Any]:
    return tandem.read.person(pid)


@router.get("/people/{pid}/timeline", summary="Events naming a person", responses=errors(404))
def person_timeline(
    pid: Id, who: Reader, tandem: System, order: Order = "effective", type: Types = None,
    from_: Annotated[str | None, Query(alias="from", max_length=64)] = None, to: Time = None,
    limit: Limit = 500, offset: Offset = 0,
) -> dict[str, Any]:
    return {"events": tandem.read.timeline(
        person=pid, order=order, types=_types(type), start=when(from_, "from"),
        end=when(to, "to"), limit=limit, offset=offset)}


@router.get("/events", summary="The whole log in recording order, paged", responses=errors())
def events(who: Reader, tandem: System, after: Annotated[int, Query(ge=0, le=2**62)] = 0,
           limit: Limit = 100) -> dict[str, Any]:
    return tandem.read.events(after, limit)


@health.get("/healthz", summary="Database reachable and read models caught up (no auth)",
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
