"""Full-text search over what people wrote in the initiatives the reader may read."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from web import params
from web.api.deps import From, IdFilter, Seen, System, Time, Types, errors
from web.links import link_for

router = APIRouter(prefix="/api")


@router.get("/search", summary="Full-text search", tags=["read"], responses=errors())
def search(seen: Seen, tandem: System,
           q: Annotated[str, Query(max_length=400, description="words (each a prefix of its "
                                   "stem), \"phrases\", OR between alternatives, -word")] = "",
           initiative: IdFilter = None, types: Types = None, person: IdFilter = None,
           from_: From = None, to: Time = None,
           as_known_at: Annotated[str | None, Query(
               max_length=64, description="recording time: only what was recorded by then")]
           = None,
           limit: Annotated[int, Query(ge=1, le=100)] = 20,
           offset: Annotated[int, Query(ge=0, le=10_000)] = 0) -> dict[str, Any]:
    found = tandem.read.search(
        q, initiative=initiative, types=params.event_types(types), person=person,
        start=params.moment(from_, "from", end_of_day=False), end=params.moment(to, "to"),
        known_at=params.moment(as_known_at, "as_known_at"), hidden=seen.hidden,
        limit=limit, offset=offset)
    for result in found["results"]:
        result["link"] = link_for(result)
    return found
