"""Downloads of what a page shows, as CSV or XLSX for spreadsheets and audit tools: the
decision register and the timeline of an initiative. Every row carries its log position and its
leaf hash, so it can be matched with an inclusion proof (docs/audit.md)."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from domain.errors import DomainError, NotFound
from projections.ledger.tables import (
    COLUMNS,
    DECISION_COLUMNS,
    csv_text,
    decision_rows,
    leaf_hashes,
    rows,
    write_xlsx,
)
from projections.members import Visibility
from projections.queries import ReadModels
from web.auth import Principal
from web.pages.render import failure, language, login_state, pages, to_login
from web.pages.views import TIMELINE_TYPES
from web.params import moment

router = APIRouter(include_in_schema=False)
MEDIA = {"csv": "text/csv; charset=utf-8",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
PAGE = 1000
Table = tuple[str, tuple[str, ...], list[list[str]]]


def _download(request: Request, fmt: str, name: str,
              build: Callable[[ReadModels, Principal, Visibility], Table]) -> Response:
    language(request)
    user, session = login_state(request)
    if user is None:
        return to_login(request)
    tandem = pages(request).tandem
    try:
        if fmt not in MEDIA:
            raise NotFound("There is no download as '%(format)s': csv or xlsx.", format=fmt)
        title, columns, table = build(tandem.read, user,
                                      tandem.read.visibility(user.person, user.role))
    except DomainError as error:
        return failure(request, error, user, session)
    if fmt == "csv":
        body = csv_text(table, columns).encode("utf-8")
    else:
        buffer = io.BytesIO()
        write_xlsx(buffer, table, title, columns)
        body = buffer.getvalue()
    return Response(body, media_type=MEDIA[fmt], headers={
        "Content-Disposition": f'attachment; filename="{name}.{fmt}"'})


@router.get("/initiatives/{iid}/decisions.{fmt}")
def decisions(request: Request, iid: str, fmt: str) -> Response:
    def build(read: ReadModels, user: Principal, seen: Visibility) -> Table:
        seen.require(iid)
        found = read.decisions(initiative=iid)
        hashes = leaf_hashes(read.db, (d["position"] for d in found))
        return "decisions", DECISION_COLUMNS, decision_rows(found, hashes)
    return _download(request, fmt, f"{iid}-decisions", build)


@router.get("/initiatives/{iid}/timeline.{fmt}")
def timeline(request: Request, iid: str, fmt: str) -> Response:
    params = request.query_params

    def build(read: ReadModels, user: Principal, seen: Visibility) -> Table:
        seen.require(iid)
        read.initiative_row(iid)
        order = params.get("order", "effective")
        types = [t for t in params.getlist("type") if t in TIMELINE_TYPES]
        start = moment(params.get("start", "").strip(), "start", end_of_day=False)
        end = moment(params.get("end", "").strip(), "end")
        events: list[dict[str, Any]] = []
        while True:
            page = read.timeline(initiative=iid, order=order if order == "recorded"
                                 else "effective", types=types or None, start=start, end=end,
                                 limit=PAGE, offset=len(events))
            events += page
            if len(page) < PAGE:
                break
        hashes = leaf_hashes(read.db, (e["position"] for e in events))
        return "timeline", COLUMNS, rows(events, hashes)
    return _download(request, fmt, f"{iid}-timeline", build)
