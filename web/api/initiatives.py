"""Initiatives: opening and closing them, their state, matrix, timeline, and the whole log."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from web import params
from web.api import models as m
from web.api.deps import (
    Admin,
    AsOf,
    From,
    Id,
    KnownAt,
    Limit,
    Offset,
    Order,
    Seen,
    System,
    Time,
    Types,
    Writer,
    created,
    errors,
)

router = APIRouter(prefix="/api")
IN = "/initiatives/{iid}"


@router.post("/initiatives", status_code=201, summary="Open an initiative (admin)",
             tags=["record"], responses=errors(404, 409))
def open_initiative(body: m.NewInitiative, who: Admin, tandem: System) -> JSONResponse:
    return created(tandem.record(
        tandem.app.open_initiative, actor=who.person, initiative=body.id, title=body.title,
        sponsor=body.sponsor, units=body.units, escalation_path=body.escalation_path,
        effective_at=body.effective_at, visibility=body.visibility))


@router.post(IN + "/close", status_code=201, summary="Close the initiative with its outcome",
             tags=["record"], responses=errors(404, 409))
def close_initiative(iid: str, body: m.Close, who: Writer, tandem: System) -> JSONResponse:
    return created(tandem.record(tandem.app.close_initiative, actor=who.person, initiative=iid,
                                 outcome=body.outcome, effective_at=body.effective_at))


@router.get("/initiatives", summary="All initiatives with their goal, tandem and open items",
            tags=["read"], responses=errors())
def initiatives(seen: Seen, tandem: System) -> dict[str, Any]:
    return {"initiatives": tandem.read.initiatives(hidden=seen.hidden)}


@router.get(IN, summary="An initiative's state, bitemporally", tags=["read"],
            responses=errors(404))
def state(iid: Id, seen: Seen, tandem: System, as_of: AsOf = None,
          known_at: KnownAt = None) -> dict[str, Any]:
    seen.require(iid)
    return tandem.read.state(iid, params.moment(as_of, "as_of"),
                             params.moment(known_at, "known_at"))


@router.get(IN + "/matrix", summary="The responsibility matrix and the tandem", tags=["read"],
            responses=errors(404))
def matrix(iid: Id, seen: Seen, tandem: System, as_of: AsOf = None,
           known_at: KnownAt = None) -> dict[str, Any]:
    seen.require(iid)
    return tandem.read.matrix(iid, params.moment(as_of, "as_of"),
                              params.moment(known_at, "known_at"))


@router.get(IN + "/timeline", summary="An initiative's events", tags=["read"],
            responses=errors(404))
def initiative_timeline(iid: Id, seen: Seen, tandem: System, order: Order = "effective",
                        type: Types = None, from_: From = None, to: Time = None,
                        limit: Limit = 500, offset: Offset = 0) -> dict[str, Any]:
    seen.require(iid)
    return {"events": tandem.read.timeline(
        initiative=iid, order=order, types=params.event_types(type),
        start=params.moment(from_, "from", end_of_day=False), end=params.moment(to, "to"),
        limit=limit, offset=offset)}


@router.get("/events", summary="The whole log in recording order, paged", tags=["read"],
            responses=errors())
def events(seen: Seen, tandem: System, after: Annotated[int, Query(ge=0, le=2**62)] = 0,
           limit: Limit = 100) -> dict[str, Any]:
    return tandem.read.events(after, limit, hidden=seen.hidden)
