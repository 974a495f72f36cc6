"""The search page: a box, results with highlighted snippets and links to their entries, and
facets to narrow them (the same query as `GET /api/search`)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from projections.members import Visibility
from projections.queries import ReadModels
from web import params
from web.auth import Principal
from web.i18n import gettext as _
from web.links import link_for
from web.pages.render import show

router = APIRouter(include_in_schema=False)
FIELDS = ("q", "initiative", "type", "person", "from", "to", "as_known_at")


@router.get("/search")
def search(request: Request) -> Response:
    raw = {n: request.query_params.get(n, "").strip()[:400] for n in FIELDS}

    def build(read: ReadModels, user: Principal, seen: Visibility) -> dict[str, Any]:
        context: dict[str, Any] = {"title": _("Search"), "raw": raw, "found": None}
        if not raw["q"]:
            return context
        found = read.search(
            raw["q"], initiative=raw["initiative"] or None,
            types=params.event_types([raw["type"]] if raw["type"] else None),
            person=raw["person"] or None,
            start=params.moment(raw["from"], "from", end_of_day=False),
            end=params.moment(raw["to"], "to"),
            known_at=params.moment(raw["as_known_at"], "as_known_at"),
            hidden=seen.hidden, limit=50)
        for result in found["results"]:
            result["link"] = link_for(result)
        context["found"] = found
        context["facets"] = {name: [(value, n, _narrowed(raw, name, value))
                                    for value, n in counts.items()]
                             for name, counts in found["facets"].items()}
        return context
    return show(request, "search.html", build)


def _narrowed(raw: dict[str, str], name: str, value: str) -> str:
    """The search narrowed to one facet value (or widened again when it is the chosen one)."""
    chosen = {**raw, name: "" if raw.get(name) == value else value}
    return "/search?" + urlencode([(k, v) for k, v in chosen.items() if v])
