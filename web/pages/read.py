"""The reading pages: overview, initiative, timelines, goal history, decision, escalation
board, person. Each builds its context from one or a few query functions."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from projections.members import Visibility
from projections.queries import ReadModels
from projections.timeline_pages import Filter
from web.auth import Principal
from web.i18n import gettext as _
from web.links import link_for
from web.pages.render import moment, show
from web.pages.views import TIMELINE_TYPES, by_day, chart, decision_chain, mandates_of

router = APIRouter(include_in_schema=False)
LATEST = 8
TIMELINE_PAGE = 100


def _dates(request: Request, *names: str) -> dict[str, str]:
    return {n: request.query_params.get(n, "").strip() for n in names}


@router.get("/")
def overview(request: Request) -> Response:
    def build(read: ReadModels, user: Principal, seen: Visibility) -> dict[str, Any]:
        return {"title": _("Initiatives"), "initiatives": read.initiatives(hidden=seen.hidden)}
    return show(request, "overview.html", build)


@router.get("/initiatives/{iid}")
def initiative(request: Request, iid: str) -> Response:
    raw = _dates(request, "as_of", "known_at")

    def build(read: ReadModels, user: Principal, seen: Visibility) -> dict[str, Any]:
        as_of, known_at = moment(raw["as_of"], "as_of"), moment(raw["known_at"], "known_at")
        seen.require(iid)
        state = read.state(iid, as_of, known_at)
        latest = read.timeline_page(Filter(initiative=iid, end=as_of, known_at=known_at),
                                    limit=LATEST)["entries"]
        return {
            "title": state["title"], "iid": iid, "state": state, "raw": raw,
            "criteria": [{**c, "chart": chart(c)} for c in state["criteria"].values()],
            "matrix": read.matrix(iid, as_of, known_at),
            "proposals": [p for p in state["proposals"].values() if p["status"] == "open"],
            "escalations": [e for e in state["escalations"].values() if e["status"] == "open"],
            "mandates": list(state["mandates"].values()),
            "latest": [{**e, "link": link_for(e)} for e in latest],
            "decisions": sorted(state["decisions"].values(),
                                key=lambda d: (d["effective_at"], d["position"]), reverse=True),
            "members": read.members(iid)["members"],
        }
    return show(request, "initiative.html", build)


def _timeline(request: Request, read: ReadModels, seen: Visibility, heading: str, base: str,
              *, initiative: str | None = None, person: str | None = None,
              unit: str | None = None) -> dict[str, Any]:
    params = request.query_params
    order = params.get("order", "effective")
    order = order if order in ("effective", "recorded") else "effective"
    oldest_first = params.get("first") == "oldest"
    types = [t for t in params.getlist("type") if t in TIMELINE_TYPES]
    raw = _dates(request, "start", "end")
    people = {p["person"]: p["name"] for p in read.people()}
    named = params.get("person", "").strip()
    named = named if named in people and person is None else ""
    backdated = params.get("backdated") == "1"
    offset = _offset(params.get("offset", ""))
    where = Filter(initiative=initiative, person=person or named or None, unit=unit,
                   types=types or None, start=moment(raw["start"], "start", end_of_day=False),
                   end=moment(raw["end"], "end"), backdated=backdated, hidden=seen.hidden)
    found = read.timeline_page(where, order=order, newest_first=not oldest_first,
                               limit=TIMELINE_PAGE, offset=offset)
    kept = [*[("type", t) for t in types], *[(k, v) for k, v in raw.items() if v],
            *([("person", named)] if named else []), *([("backdated", "1")] if backdated else [])]

    def link(**changes: str | int) -> str:
        current = {"order": order, "first": "oldest" if oldest_first else "", "offset": offset}
        current.update(changes)
        query = [(k, str(v)) for k, v in current.items() if v not in ("", 0, "effective")]
        return f"{base}?{urlencode([*query, *kept])}"

    other = "recorded" if order == "effective" else "effective"
    total, shown = found["total"], len(found["entries"])
    return {"title": heading, "heading": heading, "base": base, "order": order,
            "types": types, "all_types": TIMELINE_TYPES, "raw": raw,
            "days": by_day(found["entries"], order), "count": total,
            "first": offset + 1 if shown else 0, "last": offset + shown,
            "oldest_first": oldest_first, "backdated": backdated, "named": named,
            "people": sorted(people.items(), key=lambda p: p[1]) if person is None else [],
            "newer": link(offset=max(0, offset - TIMELINE_PAGE)) if offset > 0 else None,
            "older": link(offset=offset + TIMELINE_PAGE) if offset + shown < total else None,
            "toggle": link(order=other, offset=0), "other_order": other,
            "flip": link(first="" if oldest_first else "oldest", offset=0)}


def _offset(text: str) -> int:
    return int(text) if text.isdigit() and len(text) < 10 else 0


@router.get("/initiatives/{iid}/timeline")
def initiative_timeline(request: Request, iid: str) -> Response:
    def build(read: ReadModels, user: Principal, seen: Visibility) -> dict[str, Any]:
        seen.require(iid)
        row = read.initiative_row(iid)
        context = _timeline(request, read, seen, _("Timeline: %(name)s") % {"name": row["title"]},
                            f"/initiatives/{iid}/timeline", initiative=iid)
        return {**context, "iid": iid, "initiative": row}
    return show(request, "timeline.html", build)


@router.get("/people/{pid}/timeline")
def person_timeline(request: Request, pid: str) -> Response:
    def build(read: ReadModels, user: Principal, seen: Visibility) -> dict[str, Any]:
        person = read.person(pid)
        return {**_timeline(request, read, seen, _("Timeline: %(name)s") % {"name": person["name"]},
                            f"/people/{pid}/timeline", person=pid), "person": person}
    return show(request, "timeline.html", build)


@router.get("/units/{uid}/timeline")
def unit_timeline(request: Request, uid: str) -> Response:
    def build(read: ReadModels, user: Principal, seen: Visibility) -> dict[str, Any]:
        unit = read.unit(uid)
        return {**_timeline(request, read, seen, _("Timeline: %(name)s") % {"name": unit["name"]},
                            f"/units/{uid}/timeline", unit=uid), "unit": unit}
    return show(request, "timeline.html", build)


@router.get("/initiatives/{iid}/goal")
def goal_history(request: Request, iid: str) -> Response:
    def build(read: ReadModels, user: Principal, seen: Visibility) -> dict[str, Any]:
        seen.require(iid)
        row = read.initiative_row(iid)
        history = read.goal_history(iid)
        return {"title": _("Goal history: %(name)s") % {"name": row["title"]}, "iid": iid,
                "initiative": row, "versions": list(reversed(history["versions"])),
                "unconfirmed": list(reversed(history["unconfirmed"]))}
    return show(request, "goal.html", build)


@router.get("/initiatives/{iid}/decisions/{did}")
def decision(request: Request, iid: str, did: str) -> Response:
    def build(read: ReadModels, user: Principal, seen: Visibility) -> dict[str, Any]:
        seen.require(iid)
        found = read.decision(iid, did)
        state = read.state(iid)
        basis = dict(found["basis"])
        if basis.get("kind") == "mandate":
            basis["mandate"] = state["mandates"].get(basis["id"])
        elif basis.get("kind") == "escalation":
            basis["escalation"] = state["escalations"].get(basis["id"])
        proposal = state["proposals"].get(found["proposal"] or "")
        question = (proposal or {}).get("question") or (
            state["escalations"].get(found["escalation"] or "") or {}).get("topic")
        return {"title": found["title"], "iid": iid, "initiative": state, "decision": found,
                "basis": basis, "proposal": proposal, "question": question,
                "chain": decision_chain(read, iid, found),
                "amount": state["decisions"].get(did, {}).get("amount"),
                "currency": state["decisions"].get(did, {}).get("currency"),
                "meetings": [state["meetings"][m] for m in
                             state["decisions"].get(did, {}).get("meetings", [])
                             if m in state["meetings"]]}
    return show(request, "decision.html", build)


@router.get("/escalations")
def escalations(request: Request) -> Response:
    def build(read: ReadModels, user: Principal, seen: Visibility) -> dict[str, Any]:
        rows = read.escalations("all", hidden=seen.hidden)
        paths = {i: read.state(i)["escalation_path"] for i in {e["initiative"] for e in rows}}
        open_rows = sorted((e for e in rows if e["status"] == "open"),
                           key=lambda e: -e["age_days"])
        return {"title": _("Escalations"), "open": open_rows, "paths": paths,
                "resolved": [e for e in rows if e["status"] != "open"]}
    return show(request, "escalations.html", build)


@router.get("/people/{pid}")
def person(request: Request, pid: str) -> Response:
    raw = _dates(request, "as_of")

    def build(read: ReadModels, user: Principal, seen: Visibility) -> dict[str, Any]:
        found = read.person(pid)
        as_of = moment(raw["as_of"], "as_of")
        states = [read.state(i["initiative"]) for i in read.initiatives(hidden=seen.hidden)]
        return {"title": found["name"], "person": found, "raw": raw,
                "roles_now": read.roles_of(pid, hidden=seen.hidden),
                "roles_then": read.roles_of(pid, as_of, hidden=seen.hidden) if as_of else None,
                "mandates": mandates_of(states, pid),
                "decisions": read.decisions(person=pid, hidden=seen.hidden)}
    return show(request, "person.html", build)
