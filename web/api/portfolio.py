"""The cooperation heatmap: initiatives × dimensions, and one initiative month by month
(definitions in docs/heatmap.md)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from web import params
from web.api.deps import AsOf, Id, KnownAt, Seen, System, errors
from web.links import link_for

router = APIRouter(prefix="/api")


def linked(row: dict[str, Any]) -> dict[str, Any]:
    """A heatmap row with each piece of evidence linked to its entry's page."""
    for cell in row["cells"].values():
        for evidence in cell["evidence"]:
            evidence["link"] = link_for(evidence)
    return row


@router.get("/portfolio", summary="The cooperation heatmap", tags=["read"], responses=errors())
def portfolio(seen: Seen, tandem: System, as_of: AsOf = None,
              known_at: KnownAt = None) -> dict[str, Any]:
    found = tandem.read.portfolio(params.moment(as_of, "as_of"),
                                  params.moment(known_at, "known_at"), hidden=seen.hidden)
    found["initiatives"] = [linked(r) for r in found["initiatives"]]
    return found


@router.get("/portfolio/{iid}", summary="One initiative's heatmap month by month",
            tags=["read"], responses=errors(404))
def months(iid: Id, seen: Seen, tandem: System, as_of: AsOf = None) -> dict[str, Any]:
    seen.require(iid)
    found = tandem.read.portfolio_months(iid, params.moment(as_of, "as_of"))
    found["months"] = [linked(m) for m in found["months"]]
    return found
