"""The cooperation heatmap pages: initiatives × dimensions at a time, one initiative month by
month, and the definitions of every dimension and level (docs/heatmap.md says the same)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from projections.members import Visibility
from projections.queries import ReadModels
from web.auth import Principal
from web.i18n import N_
from web.i18n import gettext as _
from web.links import link_for
from web.pages.render import show
from web.params import moment

router = APIRouter(include_in_schema=False)

DIMENSIONS: dict[str, tuple[str, str]] = {
    "goal": (N_("Shared goal"), N_(
        "0: no goal recorded. 1: a goal recorded, not yet confirmed by everyone it names. "
        "2: a confirmed goal. 3: confirmed by people of every unit of the initiative. "
        "4: and by both tandem partners.")),
    "tandem": (N_("Tandem"), N_(
        "0: no tandem. 1: formed, not yet confirmed by both partners. 2: confirmed. "
        "3: its partners come from two units. 4: and each partner is Accountable for an "
        "area.")),
    "criteria": (N_("Criteria measured"), N_(
        "0: no active success criterion. 1: none measured. 2: some measured. 3: every one "
        "measured. 4: every one measured on time: by each of its evaluation dates that has "
        "come, or within 28 days when it has none.")),
    "cadence": (N_("Joint status"), N_(
        "The number of the last four weeks (seven-day spans ending at the chosen time) with a "
        "status report by two or more people that all of them confirmed.")),
    "escalations": (N_("Escalations answered in time"), N_(
        "Of the escalations answered or past their due date: the share answered by a decision "
        "taking effect by the due date, in quarters (4: all, 0: under a quarter). None yet: "
        "nothing to judge.")),
    "decisions": (N_("Decisions documented within a week"), N_(
        "The share of decisions recorded within seven days of taking effect, in quarters. "
        "None yet: nothing to judge.")),
    "confirmations": (N_("Confirmations given"), N_(
        "The share of entries naming other people (claims) that everyone named confirmed, in "
        "quarters. None yet: nothing to judge.")),
    "accountable": (N_("One Accountable per area"), N_(
        "The share of the responsibility matrix's areas with exactly one Accountable, in "
        "quarters; no area at all: 0.")),
}
LEVELS = {0: N_("absent"), 1: N_("begun"), 2: N_("partly"), 3: N_("mostly"), 4: N_("fully")}
FINDINGS = {
    "counts": N_("counts"), "pending": N_("awaiting confirmation"), "disputed": N_("disputed"),
    "late": N_("late"), "overdue": N_("overdue"), "open": N_("open, not yet due"),
    "stale": N_("not measured by its evaluation date, or more than 28 days ago"), "missing": N_("missing"),
    "one-unit": N_("from one unit only"), "without-tandem": N_("without the tandem partners"),
    "alone": N_("reported by one person"), "several": N_("several Accountable"),
}


def level_text(level: int | None) -> str:
    if level is None:
        return _("nothing to judge yet")
    return _("level %(n)s of 4: %(word)s") % {"n": level, "word": _(LEVELS[level])}


def finding_text(evidence: dict[str, Any]) -> str:
    finding = str(evidence["finding"])
    return _(FINDINGS[finding])


def _cells(row: dict[str, Any]) -> list[dict[str, Any]]:
    cells = []
    for name, cell in row["cells"].items():
        cells.append({
            "name": name, "label": _(DIMENSIONS[name][0]), "level": cell["level"],
            "text": level_text(cell["level"]),
            "evidence": [{**e, "link": link_for(e), "finding_text": finding_text(e)}
                         for e in cell["evidence"]],
        })
    return cells


def _dimensions() -> list[dict[str, str]]:
    return [{"name": n, "label": _(label), "definition": _(text)}
            for n, (label, text) in DIMENSIONS.items()]


@router.get("/portfolio")
def portfolio(request: Request) -> Response:
    raw = {n: request.query_params.get(n, "").strip()[:64] for n in ("as_of", "known_at")}

    def build(read: ReadModels, user: Principal, seen: Visibility) -> dict[str, Any]:
        found = read.portfolio(moment(raw["as_of"], "as_of"), moment(raw["known_at"], "known_at"),
                               hidden=seen.hidden)
        return {"title": _("Cooperation heatmap"), "raw": raw, "dimensions": _dimensions(),
                "rows": [{**r, "cells": _cells(r)} for r in found["initiatives"]]}
    return show(request, "portfolio.html", build)


@router.get("/portfolio/definitions")
def definitions(request: Request) -> Response:
    def build(read: ReadModels, user: Principal, seen: Visibility) -> dict[str, Any]:
        return {"title": _("Heatmap definitions"), "dimensions": _dimensions(),
                "levels": [(n, _(word)) for n, word in LEVELS.items()]}
    return show(request, "portfolio_definitions.html", build)


@router.get("/portfolio/{iid}")
def months(request: Request, iid: str) -> Response:
    raw = {"as_of": request.query_params.get("as_of", "").strip()[:64]}

    def build(read: ReadModels, user: Principal, seen: Visibility) -> dict[str, Any]:
        seen.require(iid)
        found = read.portfolio_months(iid, moment(raw["as_of"], "as_of"))
        return {"title": _("Heatmap month by month: %(name)s") % {"name": found["title"]},
                "iid": iid, "raw": raw, "dimensions": _dimensions(),
                "rows": [{**m, "cells": _cells(m)} for m in found["months"]]}
    return show(request, "portfolio_months.html", build)
