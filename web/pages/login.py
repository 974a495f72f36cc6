"""Login with an API token or a one-time login link, logout, and the language switch."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from domain.application import token_id_of
from web import i18n
from web.auth import authenticate
from web.i18n import gettext as _
from web.pages.render import language, login_state, pages, render
from web.pages.session import Session, csrf_ok, safe_next

router = APIRouter(include_in_schema=False)
def _logged_in(request: Request, person: str, target: str) -> Response:
    response = RedirectResponse(safe_next(target), status_code=303)
    pages(request).sessions.save(response, Session.fresh(person), pages(request).secure_cookies)
    return response


def _login_form(request: Request, session: Session, error: str = "", status: int = 200,
                target: str = "/") -> Response:
    response = render(request, "login.html", {"title": _("Log in"), "error": error,
                                              "next": safe_next(target)},
                      status, None, session)
    pages(request).sessions.save(response, session, pages(request).secure_cookies)
    return response


@router.get("/login")
def login_page(request: Request) -> Response:
    language(request)
    target = request.query_params.get("next", "/")
    link = request.query_params.get("link")
    token = link or request.query_params.get("token")
    user, session = login_state(request)
    if token:  # a one-time login link, or an API token in the URL
        tandem = pages(request).tandem
        principal = authenticate(tandem, token)
        if principal is not None:
            if link:
                tandem.record(tandem.app.revoke_token, actor=principal.person,
                              person=principal.person,
                              token_id=token_id_of(link), reason="one-time login link used")
            return _logged_in(request, principal.person, target)
        return _login_form(request, session or Session.fresh(),
                           _("This token is not valid or its person is deactivated."), 401,
                           target)
    if user is not None:
        return RedirectResponse(safe_next(target), status_code=303)
    return _login_form(request, session or Session.fresh(), target=target)


@router.post("/login")
async def login_submit(request: Request) -> Response:
    form = await request.form()

    def submit() -> Response:
        language(request)
        _user, session = login_state(request)
        target = str(form.get("next") or "/")
        if not csrf_ok(session, form.get("csrf")):
            return _login_form(request, Session.fresh(),
                               _("The form had expired. Please try again."), 403, target)
        principal = authenticate(pages(request).tandem, str(form.get("token") or ""))
        if principal is None:
            return _login_form(request, session or Session.fresh(),
                               _("This token is not valid or its person is deactivated."), 401,
                               target)
        return _logged_in(request, principal.person, target)

    return await run_in_threadpool(submit)


@router.post("/logout")
async def logout(request: Request) -> Response:
    form = await request.form()
    _user, session = login_state(request)
    if not csrf_ok(session, form.get("csrf")):
        return RedirectResponse("/", status_code=303)
    response = RedirectResponse("/login", status_code=303)
    pages(request).sessions.clear(response)
    return response


@router.get("/language/{code}")
def switch_language(request: Request, code: str) -> Response:
    """The header's language switch: remembers the choice in a cookie, returns to the page."""
    target = safe_next(request.query_params.get("next", "/"))
    response = RedirectResponse(target, status_code=303)
    if code in i18n.LOCALES:
        response.set_cookie(i18n.LANG_COOKIE, code, max_age=365 * 86400, samesite="lax",
                            httponly=True)
    return response

