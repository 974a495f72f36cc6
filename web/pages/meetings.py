"""The meetings of an initiative (with their cadence) and the minutes of one meeting, both
generated from the log: invitation, attendance and its confirmations, agenda, outcomes."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from domain.errors import NotFound
from projections.members import Visibility
from projections.queries import ReadModels
from web.auth import Principal
from web.i18n import N_
from web.i18n import gettext as _
from web.pages.render import show

router = APIRouter(include_in_schema=False)
KINDS = {"joint-status": N_("Joint status"), "steering": N_("Steering meeting"),
         "demo": N_("Demo meeting"), "review": N_("Review meeting")}
LINKS = {"status": N_("Status report"), "proposal": N_("Proposal"), "decision": N_("Decision"),
         "escalation": N_("Escalation"), "handoff": N_("Handoff")}


def link_label(kind: str) -> str:
    label = LINKS[kind]
    return _(label)


def kind_label(kind: str) -> str:
    """A meeting kind for people (an organisation's own kind is shown as named)."""
    return _(KINDS[kind]) if kind in KINDS else kind


NAMES = {"decision": ("decisions", "title"), "proposal": ("proposals", "question"),
         "escalation": ("escalations", "topic"), "handoff": ("handoffs", "item")}


def link_name(state: dict[str, Any], link: dict[str, str]) -> str:
    """What a linked entry is called (its title, question, topic or item), else its id."""
    collection, field = NAMES.get(link["kind"], ("", ""))
    entry = state.get(collection, {}).get(link["id"]) if collection else None
    return str(entry.get(field) or link["id"]) if entry else str(link["id"])


def link_of(iid: str, link: dict[str, str]) -> str:
    """Where a meeting's outcome link leads (the entry's page, or the initiative's)."""
    base = f"/initiatives/{iid}"
    if link["kind"] == "decision":
        return f"{base}/decisions/{link['id']}"
    if link["kind"] == "escalation":
        return f"/escalations#{iid}-{link['id']}"
    return base


@router.get("/initiatives/{iid}/meetings")
def meetings(request: Request, iid: str) -> Response:
    def build(read: ReadModels, user: Principal, seen: Visibility) -> dict[str, Any]:
        seen.require(iid)
        state = read.state(iid)
        found = sorted(({**m, "kind_label": kind_label(m["kind"])}
                        for m in state["meetings"].values()),
                       key=lambda m: m["starts_at"], reverse=True)
        cadences = [{**c, "kind": kind, "kind_label": kind_label(kind)}
                    for kind, c in sorted(state["cadences"].items())]
        return {"title": _("Meetings of %(title)s") % {"title": state["title"]}, "iid": iid,
                "initiative": state, "meetings": found, "cadences": cadences}
    return show(request, "meetings.html", build)


@router.get("/initiatives/{iid}/meetings/{mid}")
def minutes(request: Request, iid: str, mid: str) -> Response:
    def build(read: ReadModels, user: Principal, seen: Visibility) -> dict[str, Any]:
        seen.require(iid)
        state = read.state(iid)
        meeting = state["meetings"].get(mid)
        if meeting is None:
            raise NotFound("There is no meeting '%(key)s' in initiative '%(initiative)s'.", key=mid,
                           initiative=iid)
        outcomes = [{**o, "links": [{**link, "href": link_of(iid, link),
                                     "label": link_label(link["kind"]),
                                     "name": link_name(state, link)} for link in o["links"]]}
                    for o in meeting["outcomes"]]
        return {"title": _("Minutes: %(title)s") % {"title": meeting["title"]}, "iid": iid,
                "initiative": state, "meeting": {**meeting, "kind_label": kind_label(
                    meeting["kind"])}, "outcomes": outcomes,
                "upcoming": not meeting["held"]}
    return show(request, "minutes.html", build)
