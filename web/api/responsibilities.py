"""The responsibility matrix (RACI roles per area), the lead tandem and decision mandates."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from web.api import models as m
from web.api.deps import System, Writer, created, errors

router = APIRouter(prefix="/api/initiatives/{iid}", tags=["record"])


@router.post("/responsibilities", status_code=201, summary="Assign a RACI role in an area",
             responses=errors(404, 409))
def assign(iid: str, body: m.Responsibility, who: Writer, tandem: System) -> JSONResponse:
    return created(tandem.record(
        tandem.app.assign, actor=who.person, initiative=iid, area=body.area, person=body.person,
        role=body.role, effective_at=body.effective_at))


@router.post("/responsibilities/release", status_code=201,
             summary="Release a RACI role in an area", responses=errors(404, 409))
def release(iid: str, body: m.Release, who: Writer, tandem: System) -> JSONResponse:
    return created(tandem.record(
        tandem.app.release, actor=who.person, initiative=iid, area=body.area, person=body.person,
        role=body.role, reason=body.reason, effective_at=body.effective_at))


@router.post("/tandem", status_code=201, summary="Form the lead tandem",
             responses=errors(404, 409))
def form_tandem(iid: str, body: m.TandemPeople, who: Writer, tandem: System) -> JSONResponse:
    return created(tandem.record(tandem.app.form_tandem, actor=who.person, initiative=iid,
                                 people=body.people, effective_at=body.effective_at))


@router.post("/tandem/dissolve", status_code=201, summary="Dissolve the lead tandem",
             responses=errors(404, 409))
def dissolve_tandem(iid: str, body: m.Reason, who: Writer, tandem: System) -> JSONResponse:
    return created(tandem.record(tandem.app.dissolve_tandem, actor=who.person, initiative=iid,
                                 reason=body.reason, effective_at=body.effective_at))


@router.post("/mandates", status_code=201,
             summary="Grant a decision mandate (granted by the actor)", responses=errors(404, 409))
def grant_mandate(iid: str, body: m.NewMandate, who: Writer, tandem: System) -> JSONResponse:
    return created(tandem.record(
        tandem.app.grant_mandate, actor=who.person, initiative=iid, mandate=body.id,
        person=body.person, scope=body.scope, limits=body.limits, effective_at=body.effective_at,
        valid_until=body.valid_until, budget_amount=body.budget_amount,
        budget_currency=body.budget_currency, may_delegate=body.may_delegate))


@router.post("/mandates/{mid}/revoke", status_code=201, summary="Revoke a decision mandate",
             responses=errors(404, 409))
def revoke_mandate(iid: str, mid: str, body: m.Reason, who: Writer,
                   tandem: System) -> JSONResponse:
    return created(tandem.record(
        tandem.app.revoke_mandate, actor=who.person, initiative=iid, mandate=mid,
        reason=body.reason, effective_at=body.effective_at))


@router.post("/mandates/{mid}/delegate", status_code=201,
             summary="Delegate a narrower mandate (by the holder of mandate {mid})",
             responses=errors(404, 409))
def delegate_mandate(iid: str, mid: str, body: m.Delegation, who: Writer,
                     tandem: System) -> JSONResponse:
    return created(tandem.record(
        tandem.app.delegate_mandate, actor=who.person, initiative=iid, mandate=body.id,
        delegated_from=mid, person=body.person, scope=body.scope, limits=body.limits,
        valid_until=body.valid_until, budget_amount=body.budget_amount,
        budget_currency=body.budget_currency, effective_at=body.effective_at))
