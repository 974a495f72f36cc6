"""The shared goal and the success criteria with their measurements."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from web import params
from web.api import models as m
from web.api.deps import Id, KnownAt, Seen, System, Writer, created, errors

router = APIRouter(prefix="/api/initiatives/{iid}")


@router.post("/goal", status_code=201, summary="Set or revise the shared goal", tags=["record"],
             responses=errors(404, 409))
def set_goal(iid: str, body: m.Goal, who: Writer, tandem: System) -> JSONResponse:
    return created(tandem.record(
        tandem.app.set_goal, actor=who.person, initiative=iid, statement=body.statement,
        reason=body.reason, agreed_by=body.agreed_by, effective_at=body.effective_at))


@router.get("/goal/history", summary="Every version of the shared goal", tags=["read"],
            responses=errors(404))
def goal_history(iid: Id, seen: Seen, tandem: System,
                 known_at: KnownAt = None) -> dict[str, Any]:
    seen.require(iid)
    return tandem.read.goal_history(iid, params.moment(known_at, "known_at"))


@router.post("/criteria", status_code=201, summary="Define a success criterion",
             tags=["record"], responses=errors(404, 409))
def define_criterion(iid: str, body: m.NewCriterion, who: Writer, tandem: System) -> JSONResponse:
    return created(tandem.record(
        tandem.app.define_criterion, actor=who.person, initiative=iid, criterion=body.id,
        description=body.description, target=body.target, effective_at=body.effective_at,
        **m.measurable(body)))


@router.post("/criteria/{cid}/revise", status_code=201, summary="Revise a success criterion",
             tags=["record"], responses=errors(404, 409))
def revise_criterion(iid: str, cid: str, body: m.CriterionRevision, who: Writer,
                     tandem: System) -> JSONResponse:
    return created(tandem.record(
        tandem.app.revise_criterion, actor=who.person, initiative=iid, criterion=cid,
        description=body.description, target=body.target, reason=body.reason,
        effective_at=body.effective_at, **m.measurable(body)))


@router.post("/criteria/{cid}/retire", status_code=201, summary="Retire a success criterion",
             tags=["record"], responses=errors(404, 409))
def retire_criterion(iid: str, cid: str, body: m.Reason, who: Writer,
                     tandem: System) -> JSONResponse:
    return created(tandem.record(
        tandem.app.retire_criterion, actor=who.person, initiative=iid, criterion=cid,
        reason=body.reason, effective_at=body.effective_at))


@router.post("/criteria/{cid}/measurements", status_code=201,
             summary="Record a measurement of a criterion", tags=["record"],
             responses=errors(404, 409))
def record_measurement(iid: str, cid: str, body: m.Measurement, who: Writer,
                       tandem: System) -> JSONResponse:
    return created(tandem.record(
        tandem.app.record_measurement, actor=who.person, initiative=iid, criterion=cid,
        value=body.value, note=body.note, effective_at=body.effective_at))
