"""The registers across entries: the decision register at /decisions (filtered by initiative,
status, scope, person, dates and confirmation, only of initiatives the reader may read), and
each joint status report on a page of its own."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response

from domain import events as ev
from domain.errors import NotFound
from projections.decisions import ATTESTATIONS, STATUSES
from projections.members import Visibility
from projections.queries import ReadModels
from web.auth import Principal
from web.i18n import day
from web.i18n import gettext as _
from web.pages.render import moment, show

router = APIRouter(include_in_schema=False)
FILTERS = ("initiative", "status", "scope", "person", "start", "end", "attestation")


@router.get("/decisions")
def decisions(request: Request) -> Response:
    raw = {name: request.query_params.get(name, "").strip()[:200] for name in FILTERS}

    def build(read: ReadModels, user: Principal, seen: Visibility) -> dict[str, Any]:
        initiatives = read.initiatives(hidden=seen.hidden)
        if raw["initiative"]:
            seen.require(raw["initiative"])
            read.initiative_row(raw["initiative"])
        people = sorted(((p["person"], p["name"]) for p in read.people()), key=lambda p: p[1])
        known = {pid for pid, _name in people}
        found = read.decisions(
            initiative=raw["initiative"] or None,
            person=raw["person"] if raw["person"] in known else None,
            scope=raw["scope"] or None,
            status=raw["status"] if raw["status"] in STATUSES else None,
            start=moment(raw["start"], "start", end_of_day=False),
            end=moment(raw["end"], "end"),
            attested=raw["attestation"] if raw["attestation"] in ATTESTATIONS else None,
            hidden=seen.hidden)
        every = read.decisions(hidden=seen.hidden)
        titles = {i["initiative"]: i["title"] for i in initiatives}
        return {"title": _("Decision register"), "raw": raw, "people": people,
                "initiatives": sorted(titles.items(), key=lambda i: i[1]), "titles": titles,
                "statuses": STATUSES, "attestations": ATTESTATIONS,
                "scopes": sorted({d["scope"] for d in every}),
                "decisions": sorted(found, key=lambda d: (d["effective_at"], d["position"]),
                                    reverse=True)}
    return show(request, "decisions.html", build)


@router.get("/initiatives/{iid}/status/{position}")
def status_report(request: Request, iid: str, position: int) -> Response:
    def build(read: ReadModels, user: Principal, seen: Visibility) -> dict[str, Any]:
        seen.require(iid)
        row = read.initiative_row(iid)
        try:
            found = read.event(position)
        except NotFound:
            found = None
        if found is None or found["initiative"] != iid or \
                found["type"] != ev.StatusReported.__name__:
            raise NotFound("There is no status report at position %(position)s in initiative "
                           "'%(initiative)s'.", position=position, initiative=iid)
        return {"title": _("Joint status of %(date)s") % {"date": day(found["effective_at"])},
                "iid": iid, "initiative": row, "report": found, "data": found["data"],
                "all": f"/initiatives/{quote(iid, safe='')}/timeline?type="
                       f"{ev.StatusReported.__name__}"}
    return show(request, "status.html", build)
