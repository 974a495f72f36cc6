"""Escalations with options, forwarding them up the path, and the escalation register."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from web.api import models as m
from web.api.deps import IdFilter, Seen, System, Writer, created, errors

router = APIRouter(prefix="/api")
IN = "/initiatives/{iid}"


@router.post(IN + "/escalations", status_code=201, summary="Raise an escalation with options",
             tags=["record"], responses=errors(404, 409))
def raise_escalation(iid: str, body: m.NewEscalation, who: Writer,
                     tandem: System) -> JSONResponse:
    return created(tandem.record(
        tandem.app.raise_escalation, actor=who.person, initiative=iid, escalation=body.id,
        topic=body.topic, options=m.plain(body.options), raised_by=body.raised_by,
        due_at=body.due_at, effective_at=body.effective_at))


@router.post(IN + "/escalations/{eid}/forward", status_code=201,
             summary="Forward an escalation one level up", tags=["record"],
             responses=errors(404, 409))
def forward_escalation(iid: str, eid: str, body: m.Reason, who: Writer,
                       tandem: System) -> JSONResponse:
    return created(tandem.record(
        tandem.app.forward_escalation, actor=who.person, initiative=iid, escalation=eid,
        reason=body.reason, effective_at=body.effective_at))


@router.get("/escalations", summary="The escalation register", tags=["read"],
            responses=errors())
def escalations(seen: Seen, tandem: System,
                status: Literal["open", "resolved", "all"] = "all",
                initiative: IdFilter = None) -> dict[str, Any]:
    return {"escalations": tandem.read.escalations(status, initiative, hidden=seen.hidden)}
