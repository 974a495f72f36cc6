"""Handoffs between people, and the joint status report."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from web.api import models as m
from web.api.deps import System, Writer, created, errors

router = APIRouter(prefix="/api/initiatives/{iid}", tags=["record"])


@router.post("/handoffs", status_code=201, summary="Start a handoff", responses=errors(404, 409))
def start_handoff(iid: str, body: m.NewHandoff, who: Writer, tandem: System) -> JSONResponse:
    return created(tandem.record(
        tandem.app.start_handoff, actor=who.person, initiative=iid, handoff=body.id,
        item=body.item, from_person=body.from_person, to_person=body.to_person,
        effective_at=body.effective_at, acceptance_criteria=body.acceptance_criteria))


@router.post("/handoffs/{hid}/accept", status_code=201, summary="Accept a handoff",
             responses=errors(404, 409))
def accept_handoff(iid: str, hid: str, body: m.Accept, who: Writer,
                   tandem: System) -> JSONResponse:
    return created(tandem.record(tandem.app.accept_handoff, actor=who.person, initiative=iid,
                                 handoff=hid, effective_at=body.effective_at))


@router.post("/status", status_code=201, summary="Report the joint status",
             responses=errors(404, 409))
def report_status(iid: str, body: m.Status, who: Writer, tandem: System) -> JSONResponse:
    return created(tandem.record(
        tandem.app.report_status, actor=who.person, initiative=iid, summary=body.summary,
        running=body.running, blocked=body.blocked, options=body.options,
        reported_by=body.reported_by, effective_at=body.effective_at))


@router.post("/handoffs/{hid}/refuse", status_code=201,
             summary="Refuse a waiting handoff, saying why (by its receiver)",
             responses=errors(404, 409))
def refuse_handoff(iid: str, hid: str, body: m.Reason, who: Writer,
                   tandem: System) -> JSONResponse:
    return created(tandem.record(tandem.app.refuse_handoff, actor=who.person, initiative=iid,
                                 handoff=hid, reason=body.reason, effective_at=body.effective_at))


@router.post("/handoffs/{hid}/return", status_code=201,
             summary="Return an accepted handoff, saying why (by its receiver)",
             responses=errors(404, 409))
def return_handoff(iid: str, hid: str, body: m.Reason, who: Writer,
                   tandem: System) -> JSONResponse:
    return created(tandem.record(tandem.app.return_handoff, actor=who.person, initiative=iid,
                                 handoff=hid, reason=body.reason, effective_at=body.effective_at))
