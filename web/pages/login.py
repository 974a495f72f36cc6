"""Signing in with an API token (the form) or a one-time login link, signing out, and the
language switch. A login link's GET shows a button; only the POST signs in, so a link opened by
a mail scanner is not used up, and nothing signs anyone in without the form's CSRF token."""

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
MAX_TOKEN = 200


def _signed_in(request: Request, person: str, token_id: str | None,
               target: str) -> Response:
    response = RedirectResponse(safe_next(target), status_code=303)
    pages(request).sessions.begin(request, response, person, token_id)
    return response


def _login_form(request: Request, session: Session, error: str = "", status: int = 200,
                target: str = "/", link: str = "") -> Response:
    response = render(request, "login.html", {"title": _("Log in"), "error": error,
                                              "next": safe_next(target), "link": link},
                      status, None, session)
    pages(request).sessions.anonymous(request, response, session)
    return response


@router.get("/login")
def login_page(request: Request) -> Response:
    language(request)
    target = request.query_params.get("next", "/")
    link = request.query_params.get("link", "")[:MAX_TOKEN]
    user, session = login_state(request)
    if user is not None and not link:
        return RedirectResponse(safe_next(target), status_code=303)
    return _login_form(request, Session.anonymous() if session is None or session.person
                       else session, target=target, link=link)


@router.post("/login")
async def login_submit(request: Request) -> Response:
    form = await request.form()

    def submit() -> Response:
        language(request)
        _user, session = login_state(request)
        target = str(form.get("next") or "/")
        link = str(form.get("link") or "")[:MAX_TOKEN]
        if not csrf_ok(session, form.get("csrf")):
            return _login_form(request, Session.anonymous(),
                               _("The form had expired. Please try again."), 403, target, link)
        tandem = pages(request).tandem
        token = link or str(form.get("token") or "")
        principal = authenticate(tandem, token)
        if principal is None:
            return _login_form(request, Session.anonymous(),
                               _("This token is not valid or its person is deactivated."), 401,
                               target)
        if link:  # a one-time link: its token stops working now; the session holds no token
            tandem.record(tandem.app.revoke_token, actor=principal.person,
                          person=principal.person, token_id=token_id_of(link),
                          reason="one-time login link used")
            return _signed_in(request, principal.person, None, target)
        return _signed_in(request, principal.person, token_id_of(token), target)

    return await run_in_threadpool(submit)


@router.post("/logout")
async def logout(request: Request) -> Response:
    form = await request.form()
    _user, session = login_state(request)
    if not csrf_ok(session, form.get("csrf")):
        return RedirectResponse("/", status_code=303)
    response = RedirectResponse("/login", status_code=303)
    pages(request).sessions.end(request, response, session)
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
