"""What the page routes share: templates, language, the login state, rendering, and the one way
a page answers a failure (its status from `web.errors`, its message in the reader's language)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape

from domain.errors import DomainError, InvalidInput, NotFound
from domain.event_types import UnknownEventType, named
from projections.members import Visibility
from projections.queries import ReadModels
from web import i18n, params
from web.auth import Principal
from web.errors import status_of
from web.i18n import gettext as _
from web.links import link_for
from web.pages import kept
from web.pages.session import Session, Sessions, principal_of, session_secret
from web.pages.views import BASIS, EVENT_LABELS, RACI, STATUS, entry_name
from web.pages.words import FILTERS, Names
from web.security import over_https
from web.system import Tandem

HERE = Path(__file__).parent
Build = Callable[[ReadModels, Principal, Visibility], dict[str, Any]]


def environment(auto_reload: bool = False) -> Environment:
    """The templates; checked for changes on every render only in development."""
    env = Environment(loader=FileSystemLoader(HERE / "templates"), auto_reload=auto_reload,
                      autoescape=select_autoescape(["html", "svg"]),
                      extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True)
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(
        day=i18n.day, day_long=i18n.day_long, when=i18n.when, num=i18n.number, iso=i18n.iso,
        event_label=event_label,
        raci=lambda r: label(RACI, r), status=lambda s: label(STATUS, s),
        basis=lambda k: label(BASIS, k), q=lambda s: quote(str(s), safe=""),
    )
    env.filters.update(FILTERS)
    return env


def moment(value: object, field: str, *, end_of_day: bool = True) -> datetime | None:
    """A time a page is asked for (`as_of=2026-10-01`), read in the site's time zone."""
    return params.moment(value, field, end_of_day=end_of_day, zone=i18n.zone())


def label(labels: dict[str, str], key: object) -> str:
    """A code's label in the current language (the code itself when it has none)."""
    text = str(key)
    return _(labels.get(text, text))


def event_label(type_name: str) -> str:
    """An entry's type for people, in the current language."""
    try:
        return _(EVENT_LABELS[named(type_name)])
    except (UnknownEventType, KeyError):
        return type_name


class Pages:
    """What the page routes share: the system, the templates and the sessions."""

    def __init__(self, tandem: Tandem):
        settings = tandem.settings
        self.tandem = tandem
        self.templates = Jinja2Templates(env=environment(settings.development))
        self.kept = kept.Keeper(tandem.runner.positions)
        self.sessions = Sessions(session_secret(settings), tandem.db, settings.session_idle,
                                 tandem.read.now, lambda request: over_https(settings, request))


def pages(request: Request) -> Pages:
    found: Pages = request.app.state.pages
    return found


def language(request: Request) -> str:
    """Choose and activate the request's language: ?lang=, the header switch's cookie, or
    Accept-Language."""
    chosen = request.query_params.get("lang") or request.cookies.get(i18n.LANG_COOKIE)
    lang = i18n.negotiate(chosen, request.headers.get("accept-language"))
    i18n.use(lang)
    i18n.use_zone(pages(request).tandem.settings.timezone)
    request.state.lang = lang
    return lang


def login_state(request: Request) -> tuple[Principal | None, Session | None]:
    p = pages(request)
    session = p.sessions.load(request)
    return principal_of(p.tandem, session), session


def here(request: Request) -> str:
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def render(request: Request, template: str, context: dict[str, Any], status: int = 200,
           user: Principal | None = None, session: Session | None = None) -> Response:
    lang = getattr(request.state, "lang", None) or language(request)
    base = base_context(request, lang, user, session.csrf if session else "",
                        waiting_count(request, user))
    return pages(request).templates.TemplateResponse(
        request, template, {**base, **context}, status_code=status)


def base_context(request: Request, lang: str, user: Principal | None, csrf: str,
                 waiting: int | str) -> dict[str, Any]:
    """What every page's frame shows: language, the signed-in person and their own parts."""
    return {
        "user": user, "csrf": csrf, "lang": lang,
        "languages": [(code, i18n.language_name(code)) for code in i18n.LOCALES],
        "here": here(request), "can_write": bool(user and user.can_write), "waiting": waiting,
        "names": Names(pages(request).tandem.read if user else None),
        "recorded": recorded_entry(request, user),
    }


def waiting_count(request: Request, user: Principal | None) -> int:
    """How many entries wait for the signed-in person's answer (shown in the header)."""
    if user is None:
        return 0
    read = pages(request).tandem.read
    return len(read.waiting_for(user.person, read.visibility(user.person, user.role)))


def recorded_entry(request: Request, user: Principal | None) -> dict[str, str] | None:
    """The entry a form just recorded (`?recorded=POSITION`), for the confirmation shown on
    the page it lands on: its kind, its name and its page (nothing the reader may not read)."""
    position = request.query_params.get("recorded", "")
    if user is None or not position.isdigit() or len(position) > 18:
        return None
    read = pages(request).tandem.read
    try:
        entry = read.event(int(position))
        if entry["initiative"] is not None:
            read.visibility(user.person, user.role).require(entry["initiative"])
    except DomainError:
        return None
    return {"label": event_label(entry["type"]), "name": entry_name(entry["data"]),
            "link": link_for(entry) or ""}


def to_login(request: Request) -> Response:
    return RedirectResponse(f"/login?next={quote(here(request), safe='')}", status_code=303)


def show(request: Request, template: str, build: Build) -> Response:
    """A page that needs a login: build its context from the read models and render it."""
    language(request)
    user, session = login_state(request)
    if user is None:
        return to_login(request)
    if template in kept.SHARED_PAGES:
        return show_kept(request, template, build, user, session)
    read = pages(request).tandem.read
    try:
        context = build(read, user, read.visibility(user.person, user.role))
    except DomainError as error:
        return failure(request, error, user, session)
    return render(request, template, context, 200, user, session)


def show_kept(request: Request, template: str, build: Build, user: Principal,
              session: Session | None) -> Response:
    """A page shared by everyone who may see the same: answered 304 when the reader holds it
    already, from this worker's kept pages when the log has not moved, else built, rendered
    and kept (see `web.pages.kept`)."""
    p = pages(request)
    read, keeper = p.tandem.read, p.kept
    at = keeper.head()
    seen: Visibility = keeper.fact(at, ("seen", user.person, user.role),
                                   lambda: read.visibility(user.person, user.role))
    waiting: int = keeper.fact(at, ("waiting", user.person, seen.hidden),
                               lambda: len(read.waiting_for(user.person, seen)))
    lang: str = request.state.lang
    key = kept.page_key(template, here(request), lang, seen, user.can_write,
                        read.now().strftime("%Y-%m-%dT%H:%M"))
    csrf = session.csrf if session else ""
    tag = kept.etag(at, key, user, csrf, waiting)
    headers = {"etag": tag, "cache-control": kept.CACHE_CONTROL, "vary": kept.VARY}
    if kept.still_fresh(request.headers.get("if-none-match"), tag):
        return Response(status_code=304, headers=headers)
    jinja = p.templates.get_template(template)
    page = keeper.page(at, key)
    if page is None:
        try:
            context = build(read, user, seen)
        except DomainError as error:
            return failure(request, error, user, session)
        stand = keeper.stand
        blocks = kept.render_blocks(jinja, {
            **base_context(request, lang, stand.user(user), stand.csrf, stand.waiting),
            **context, "request": request})
        if any(stand.shown_in(text) for text in blocks.values()):
            return render(request, template, context, 200, user, session)  # never kept
        page = kept.KeptPage(blocks, context)
        keeper.keep(at, key, page)
    full = {**base_context(request, lang, user, csrf, waiting), **page.context,
            "request": request}
    return kept.PageResponse(kept.assemble(jinja, full, page.blocks), jinja, full, headers)


def failure(request: Request, error: DomainError, user: Principal | None,
            session: Session | None) -> Response:
    """The error page for a refused request, with the status the API gives for it."""
    if isinstance(error, NotFound):
        title = _("Not found")
    elif isinstance(error, InvalidInput):
        title = _("Invalid request")
    else:
        title = _("Not allowed")
    return render(request, "error.html", {"title": title, "message": _(error.detail)},
                  status_of(error), user, session)


def install(app: FastAPI) -> None:
    """Mount the shared plumbing (the routes are added by `web.pages.install`)."""
    app.state.pages = Pages(app.state.tandem)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
