"""The directory: units and people (registered by admins, read by everyone signed in)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from web import params
from web.api import models as m
from web.api.deps import (
    Admin,
    From,
    Id,
    Limit,
    Offset,
    Order,
    Reader,
    Seen,
    System,
    Time,
    Types,
    created,
    errors,
)

router = APIRouter(prefix="/api")


@router.post("/units", status_code=201, summary="Register a unit (admin)", tags=["record"],
             responses=errors(404, 409))
def register_unit(body: m.NewUnit, who: Admin, tandem: System) -> JSONResponse:
    return created(tandem.record(tandem.app.register_unit, actor=who.person, unit=body.id,
                                 name=body.name))


@router.post("/people", status_code=201, summary="Register a person (admin)", tags=["record"],
             responses=errors(404, 409))
def register_person(body: m.NewPerson, who: Admin, tandem: System) -> JSONResponse:
    return created(tandem.record(tandem.app.register_person, actor=who.person, person=body.id,
                                 name=body.name, unit=body.unit, role=body.role))


@router.get("/units", summary="The units", tags=["read"], responses=errors())
def units(who: Reader, tandem: System) -> dict[str, Any]:
    return {"units": tandem.read.units()}


@router.get("/people", summary="The people and their directory roles", tags=["read"],
            responses=errors())
def people(who: Reader, tandem: System) -> dict[str, Any]:
    return {"people": tandem.read.people()}


@router.get("/people/{pid}", summary="One person", tags=["read"], responses=errors(404))
def person(pid: Id, who: Reader, tandem: System) -> dict[str, Any]:
    return tandem.read.person(pid)


@router.get("/people/{pid}/timeline", summary="Events naming a person", tags=["read"],
            responses=errors(404))
def person_timeline(pid: Id, seen: Seen, tandem: System, order: Order = "effective",
                    type: Types = None, from_: From = None, to: Time = None,
                    limit: Limit = 500, offset: Offset = 0) -> dict[str, Any]:
    return {"events": tandem.read.timeline(
        person=pid, order=order, types=params.event_types(type),
        start=params.moment(from_, "from", end_of_day=False), end=params.moment(to, "to"),
        limit=limit, offset=offset, hidden=seen.hidden)}
