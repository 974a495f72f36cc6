"""Who belongs to an initiative, who may read it, and the answers of the people an entry names."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from fastapi.responses import JSONResponse

from domain.errors import InvalidInput
from web import params
from web.api import models as m
from web.api.deps import AsOf, Id, KnownAt, Reader, Seen, System, Writer, created, errors

router = APIRouter(prefix="/api")
IN = "/initiatives/{iid}"


@router.post(IN + "/members", status_code=201, tags=["record"], responses=errors(404, 409),
             summary="Admit a person as lead, member or observer (leads only)")
def admit(iid: str, body: m.NewMember, who: Writer, tandem: System) -> JSONResponse:
    return created(tandem.record(
        tandem.app.admit_member, actor=who.person, initiative=iid, person=body.person,
        role=body.role, reason=body.reason, effective_at=body.effective_at))


@router.post(IN + "/members/{pid}/dismiss", status_code=201, tags=["record"],
             responses=errors(404, 409), summary="Dismiss a member (leads only)")
def dismiss(iid: str, pid: str, body: m.Dismissal, who: Writer, tandem: System) -> JSONResponse:
    return created(tandem.record(
        tandem.app.dismiss_member, actor=who.person, initiative=iid, person=pid,
        reason=body.reason, effective_at=body.effective_at))


@router.post(IN + "/visibility", status_code=201, tags=["record"], responses=errors(404, 409),
             summary="Decide who reads the initiative: everyone signed in, or its members")
def change_visibility(iid: str, body: m.Readers, who: Writer, tandem: System) -> JSONResponse:
    return created(tandem.record(tandem.app.change_visibility, actor=who.person, initiative=iid,
                                 visibility=body.visibility))


@router.get(IN + "/members", tags=["read"], responses=errors(404),
            summary="Who belongs to the initiative, at a time, as known at a time")
def members(iid: Id, seen: Seen, tandem: System, as_of: AsOf = None,
            known_at: KnownAt = None) -> dict[str, Any]:
    seen.require(iid)
    return tandem.read.members(iid, params.moment(as_of, "as_of"),
                               params.moment(known_at, "known_at"))


@router.post("/confirmations/{position}", status_code=201, tags=["record"],
             responses=errors(404, 409),
             summary="Confirm or dispute an entry that names you (a dispute says why)")
def answer(position: Annotated[int, Path(ge=1, le=2**62)], body: m.Answer, who: Reader,
           tandem: System) -> JSONResponse:
    if body.answer not in ("confirm", "dispute"):
        raise InvalidInput("The answer is 'confirm' or 'dispute'.", field="answer")
    reason = None if body.answer == "confirm" else body.reason
    return created(tandem.answer(who.person, position, reason))


@router.get("/me/confirmations", tags=["read"], responses=errors(),
            summary="The entries that name you and wait for your answer")
def waiting(who: Reader, seen: Seen, tandem: System) -> dict[str, Any]:
    return {"confirmations": tandem.read.waiting_for(who.person, seen)}
