"""Decision proposals with options, decisions, their revocation, and the decision register."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from web import params
from web.api import models as m
from web.api.deps import (
    From,
    Id,
    IdFilter,
    ScopeFilter,
    Seen,
    System,
    Time,
    Writer,
    created,
    errors,
)

router = APIRouter(prefix="/api")
IN = "/initiatives/{iid}"


@router.post(IN + "/proposals", status_code=201, summary="Put a decision proposal with options",
             tags=["record"], responses=errors(404, 409))
def propose(iid: str, body: m.NewProposal, who: Writer, tandem: System) -> JSONResponse:
    return created(tandem.record(
        tandem.app.propose, actor=who.person, initiative=iid, proposal=body.id,
        question=body.question, scope=body.scope, options=m.plain(body.options),
        proposed_by=body.proposed_by, effective_at=body.effective_at))


@router.post(IN + "/decisions", status_code=201, summary="Record a decision", tags=["record"],
             responses=errors(404, 409))
def take_decision(iid: str, body: m.NewDecision, who: Writer, tandem: System) -> JSONResponse:
    return created(tandem.record(
        tandem.app.take_decision, actor=who.person, initiative=iid, decision=body.id,
        scope=body.scope, title=body.title, option=body.option, rationale=body.rationale,
        decided_by=body.decided_by, proposal=body.proposal, escalation=body.escalation,
        options=m.plain(body.options), mandate=body.mandate, supersedes=body.supersedes,
        effective_at=body.effective_at, amount=body.amount, currency=body.currency))


@router.post(IN + "/decisions/{did}/revoke", status_code=201, summary="Revoke a decision",
             tags=["record"], responses=errors(404, 409))
def revoke_decision(iid: str, did: str, body: m.Reason, who: Writer,
                    tandem: System) -> JSONResponse:
    return created(tandem.record(
        tandem.app.revoke_decision, actor=who.person, initiative=iid, decision=did,
        reason=body.reason, effective_at=body.effective_at))


@router.get(IN + "/decisions/{did}", summary="One decision", tags=["read"],
            responses=errors(404))
def decision(iid: Id, did: Id, seen: Seen, tandem: System) -> dict[str, Any]:
    seen.require(iid)
    return tandem.read.decision(iid, did)


@router.get("/decisions", summary="The decision register", tags=["read"], responses=errors())
def decisions(seen: Seen, tandem: System, initiative: IdFilter = None, person: IdFilter = None,
              scope: ScopeFilter = None,
              status: Literal["in_force", "pending", "disputed", "superseded",
                              "revoked"] | None = None,
              attestation: Literal["confirmed", "pending", "disputed"] | None = None,
              from_: From = None, to: Time = None) -> dict[str, Any]:
    return {"decisions": tandem.read.decisions(
        initiative=initiative, person=person, scope=scope, status=status,
        start=params.moment(from_, "from", end_of_day=False), end=params.moment(to, "to"),
        attested=attestation, hidden=seen.hidden)}
