"""Meetings and demos of an initiative: invitation, attendance, outcomes, cadence."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from domain.errors import NotFound
from web.api import models as m
from web.api.deps import Id, Seen, System, Writer, created, errors

router = APIRouter(prefix="/api/initiatives/{iid}")


@router.post("/meetings", status_code=201, tags=["record"],
             summary="Schedule a meeting (an invitation until it starts)",
             responses=errors(404, 409))
def schedule_meeting(iid: str, body: m.NewMeeting, who: Writer, tandem: System) -> JSONResponse:
    return created(tandem.record(
        tandem.app.schedule_meeting, actor=who.person, initiative=iid, meeting=body.id,
        kind=body.kind, title=body.title, starts_at=body.starts_at, moderator=body.moderator,
        invited=body.invited, agenda=body.agenda, effective_at=body.effective_at))


@router.post("/meetings/{mid}/attendance", status_code=201, tags=["record"],
             summary="Record who attended a meeting that has started (each confirms it)",
             responses=errors(404, 409))
def hold_meeting(iid: str, mid: str, body: m.Attendance, who: Writer,
                 tandem: System) -> JSONResponse:
    return created(tandem.record(
        tandem.app.hold_meeting, actor=who.person, initiative=iid, meeting=mid,
        attended=body.attended, notes=body.notes, effective_at=body.effective_at))


@router.post("/meetings/{mid}/outcomes", status_code=201, tags=["record"],
             summary="Record what a meeting produced (links; for a demo, feedback per unit)",
             responses=errors(404, 409))
def record_outcome(iid: str, mid: str, body: m.MeetingOutcome, who: Writer,
                   tandem: System) -> JSONResponse:
    return created(tandem.record(
        tandem.app.record_meeting_outcome, actor=who.person, initiative=iid, meeting=mid,
        summary=body.summary, links=[link.model_dump() for link in body.links],
        feedback=[f.model_dump() for f in body.feedback], effective_at=body.effective_at))


@router.post("/meeting-cadence", status_code=201, tags=["record"],
             summary="Set how often a kind of meeting is held (by a lead)",
             responses=errors(404, 409))
def set_cadence(iid: str, body: m.Cadence, who: Writer, tandem: System) -> JSONResponse:
    return created(tandem.record(
        tandem.app.set_meeting_cadence, actor=who.person, initiative=iid, kind=body.kind,
        every_days=body.every_days, effective_at=body.effective_at))


@router.get("/meetings", tags=["read"], summary="The meetings and the cadence of each kind",
            responses=errors(404))
def meetings(iid: Id, seen: Seen, tandem: System) -> dict[str, Any]:
    seen.require(iid)
    state = tandem.read.state(iid)
    return {"initiative": iid, "meetings": list(state["meetings"].values()),
            "cadences": state["cadences"]}


@router.get("/meetings/{mid}", tags=["read"], summary="One meeting: its minutes from the log",
            responses=errors(404))
def meeting(iid: Id, mid: str, seen: Seen, tandem: System) -> dict[str, Any]:
    seen.require(iid)
    found: dict[str, Any] | None = tandem.read.state(iid)["meetings"].get(mid)
    if found is None:
        raise NotFound("There is no meeting '%(key)s' in initiative '%(initiative)s'.", key=mid,
                           initiative=iid)
    return found
