"""POST routes: each records through `Tandem.record` and answers 201 with the event envelope.

The actor is always the token's person. A route only renames body fields to the application
service's keywords; every rule lives in the domain.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from web import api_models as m
from web.api import Admin, System, Writer, created, errors

router = APIRouter(prefix="/api", tags=["record"])
IN = "/initiatives/{iid}"


def _post(path: str, summary: str, *more: int):  # type: ignore[no-untyped-def]
    return router.post(path, status_code=201, summary=summary, responses=errors(404, 409, *more))


@_post("/units", "Register a unit (admin)")
def register_unit(body: m.NewUnit, who: Admin, tandem: System) -> JSONResponse:
    return created(tandem.record("register_unit", actor=who.person, **body.command(id="unit")))


@_post("/people", "Register a person (admin)")
def register_person(body: m.NewPerson, who: Admin, tandem: System) -> JSONResponse:
    return created(tandem.record("register_person", actor=who.person,
                                 **body.command(id="person")))


@_post("/initiatives", "Open an initiative (admin)")
def open_initiative(body: m.NewInitiative, who: Admin, tandem: System) -> JSONResponse:
    return created(tandem.record("open_initiative", actor=who.person,
                                 **body.command(id="initiative")))


@_post(IN + "/goal", "Set or revise the shared goal")
def set_goal(iid: str, body: m.Goal, who: Writer, tandem: System) -> JSONResponse:
    return created(tandem.record("set_goal", actor=who.person, initiative=iid, **body.command()))


@_post(IN + "/criteria", "Define a success criterion")
def define_criterion(iid: str, body: m.NewCriterion, who: Writer, tandem: System) -> JSONResponse:
    return created(tandem.record("define_criterion", actor=who.person, initiative=iid,
                                 **body.command(id="criterion")))


@_post(IN + "/criteria/{cid}/revise", "Revise a success criterion")
def revise_criterion(iid: str, cid: str, body: m.CriterionRevision, who: Writer,
                     tandem: System) -> JSONResponse:
    return created(tandem.record("revise_criterion", actor=who.person, initiative=iid,
                                 criterion=cid, **body.command()))


@_post(IN + "/criteria/{cid}/retire", "Retire a success criterion")
def retire_criterion(iid: str, cid: str, body: m.Reason, who: Writer,
                     tandem: System) -> JSONResponse:
    return created(tandem.record("retire_criterion", actor=who.person, initiative=iid,
                                 criterion=cid, **body.command()))


@_post(IN + "/criteria/{cid}/measurements", "Record a measurement of a criterion")
def record_measurement(iid: str, cid: str, body: m.Measurement, who: Writer,
                       tandem: System) -> JSONResponse:
    return created(tandem.record("record_measurement", actor=who.person, initiative=iid,
                                 criterion=cid, **body.command()))


@_post(IN + "/responsibilities", "Assign a RACI role in an area")
def assign(iid: str, body: m.Responsibility, who: Writer, tandem: System) -> JSONResponse:
    return created(tandem.record("assign", actor=who.person, initiative=iid, **body.command()))


@_post(IN + "/responsibilities/release", "Release a RACI role in an area")
def release(iid: str, body: m.Release, who: Writer, tandem: System) -> JSONResponse:
    return created(tandem.record("release", actor=who.person, initiative=iid, **body.command()))


@_post(IN + "/tandem", "Form the lead tandem")
def form_tandem(iid: str, body: m.TandemPeople, who: Writer, tandem: System) -> JSONResponse:
    return created(tandem.record("form_tandem", actor=who.person, initiative=iid,
                                 **body.command()))


@_post(IN + "/tandem/dissolve", "Dissolve the lead tandem")
def dissolve_tandem(iid: str, body: m.Reason, who: Writer, tandem: System) -> JSONResponse:
    return created(tandem.record("dissolve_tandem", actor=who.person, initiative=iid,
                                 **body.command()))


@_post(IN + "/mandates", "Grant a decision mandate (granted by the actor)")
def grant_mandate(iid: str, body: m.NewMandate, who: Writer, tandem: System) -> JSONResponse:
    return created(tandem.record("grant_mandate", actor=who.person, initiative=iid,
                                 **body.command(id="mandate")))


@_post(IN + "/mandates/{mid}/revoke", "Revoke a decision mandate")
def revoke_mandate(iid: str, mid: str, body: m.Reason, who: Writer,
                   tandem: System) -> JSONResponse:
    return created(tandem.record("revoke_mandate", actor=who.person, initiative=iid,
                                 mandate=mid, **body.command()))


@_post(IN + "/proposals", "Put a decision proposal with options")
def propose(iid: str, body: m.NewProposal, who: Writer, tandem: System) -> JSONResponse:
    return created(tandem.record("propose", actor=who.person, initiative=iid,
                                 **body.command(id="proposal")))


@_post(IN + "/decisions", "Record a decision")
def take_decision(iid: str, body: m.NewDecision, who: Writer, tandem: System) -> JSONResponse:
    return created(tandem.record("take_decision", actor=who.person, initiative=iid,
                                 **body.command(id="decision")))


@_post(IN + "/decisions/{did}/revoke", "Revoke a decision")
def revoke_decision(iid: str, did: str, body: m.Reason, who: Writer,
                    tandem: System) -> JSONResponse:
    return created(tandem.record("revoke_decision", actor=who.person, initiative=iid,
                                 decision=did, **body.command()))


@_post(IN + "/escalations", "Raise an escalation with options")
def raise_escalation(iid: str, body: m.NewEscalation, who: Writer,
                     tandem: System) -> JSONResponse:
    return created(tandem.record("raise_escalation", actor=who.person, initiative=iid,
                                 **body.command(id="escalation")))


@_post(IN + "/escalations/{eid}/forward", "Forward an escalation one level up")
def forward_escalation(iid: str, eid: str, body: m.Reason, who: Writer,
                       tandem: System) -> JSONResponse:
    return created(tandem.record("forward_escalation", actor=who.person, initiative=iid,
                                 escalation=eid, **body.command()))


@_post(IN + "/handoffs", "Start a handoff")
def start_handoff(iid: str, body: m.NewHandoff, who: Writer, tandem: System) -> JSONResponse:
    return created(tandem.record("start_handoff", actor=who.person, initiative=iid,
                                 **body.command(id="handoff")))


@_post(IN + "/handoffs/{hid}/accept", "Accept a handoff")
def accept_handoff(iid: str, hid: str, body: m.Accept, who: Writer,
                   tandem: System) -> JSONResponse:
    return created(tandem.record("accept_handoff", actor=who.person, initiative=iid,
                                 handoff=hid, **body.command()))


@_post(IN + "/status", "Report the joint status")
def report_status(iid: str, body: m.Status, who: Writer, tandem: System) -> JSONResponse:
    return created(tandem.record("report_status", actor=who.person, initiative=iid,
                                 **body.command()))


@_post(IN + "/close", "Close the initiative with its outcome")
def close_initiative(iid: str, body: m.Close, who: Writer, tandem: System) -> JSONResponse:
    return created(tandem.record("close_initiative", actor=who.person, initiative=iid,
                                 **body.command()))
