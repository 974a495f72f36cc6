"""The "Waiting for my confirmation" page: the entries that name the signed-in person and wait for their
answer, each confirmed with one click or disputed with a reason."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from domain.errors import DomainError
from projections.members import Visibility
from projections.queries import ReadModels
from web.auth import Principal
from web.i18n import gettext as _
from web.links import link_for
from web.pages.render import failure, language, login_state, pages, show, to_login
from web.pages.session import csrf_ok

router = APIRouter(include_in_schema=False)


@router.get("/confirmations")
def waiting(request: Request) -> Response:
    def build(read: ReadModels, user: Principal, seen: Visibility) -> dict[str, Any]:
        entries = read.waiting_for(user.person, seen)
        return {"title": _("Waiting for my confirmation"),
                "entries": [{**e, "link": link_for(e)} for e in reversed(entries)],
                "answered": request.query_params.get("answered", "")}
    return show(request, "confirmations.html", build)


@router.post("/confirmations/{position}")
async def answer(request: Request, position: int) -> Response:
    form = await request.form()

    def submit() -> Response:
        language(request)
        user, session = login_state(request)
        if user is None:
            return to_login(request)
        if not csrf_ok(session, form.get("csrf")):
            return RedirectResponse("/confirmations", status_code=303)
        dispute = form.get("answer") == "dispute"
        reason = str(form.get("reason") or "") if dispute else None
        try:
            pages(request).tandem.answer(user.person, position, reason)
        except DomainError as error:
            return failure(request, error, user, session)
        return RedirectResponse(f"/confirmations?answered={position}", status_code=303)

    return await run_in_threadpool(submit)
