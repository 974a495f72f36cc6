"""The recording forms: GET shows the form, POST runs one application command as the logged-in
person and lands on the page where the new entry shows; errors go next to their field."""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from domain.criteria import COMPARISONS
from domain.errors import DomainError, Forbidden, InvalidInput
from domain.rules import RULES
from domain.values import ROLES
from projections.queries import ReadModels
from web import requests
from web.errors import status_of
from web.i18n import gettext as _
from web.pages.forms import FORMS, Form, Submission, command_values, field_errors
from web.pages.render import failure, language, login_state, pages, render, to_login
from web.pages.session import csrf_ok
from web.pages.views import STATUS

router = APIRouter(include_in_schema=False)


def choices(read: ReadModels, iid: str) -> dict[str, list[tuple[str, str]]]:
    """The lists the selects offer, from the initiative's current state."""
    state = read.state(iid)
    return {
        "people": [(p["person"], f"{p['name']} ({p['person']})")
                   for p in read.people() if p["active"]],
        "roles": [(r, r) for r in ROLES],
        "criteria": [(k, c["description"]) for k, c in state["criteria"].items()
                     if c["status"] == "active"],
        "proposals": [(k, p["question"]) for k, p in state["proposals"].items()
                      if p["status"] == "open"],
        "escalations": [(k, e["topic"]) for k, e in state["escalations"].items()
                        if e["status"] == "open"],
        "open_escalations": [(k, e["topic"]) for k, e in state["escalations"].items()
                             if e["status"] == "open"],
        "mandates": [(k, f"{k}: {m['person']}, {m['scope']}") for k, m in state["mandates"].items()
                     if m["status"] == "active"],
        "decisions": [(k, d["title"]) for k, d in state["decisions"].items()
                      if d["status"] == "in_force"],
        "member_roles": [(r, _(STATUS[r])) for r in ("member", "observer", "lead")],
        "admitted": [(m["person"], m["person"]) for m in read.members(iid)["members"]
                     if m["by"] == "admission"],
        # meetings, handoffs answered, measurable criteria
        "meetings": [(k, f"{m['title']} ({m['starts_at'][:10]})")
                     for k, m in state["meetings"].items()],
        "waiting_handoffs": [(k, h["item"]) for k, h in state["handoffs"].items()
                             if h["status"] == "started"],
        "accepted_handoffs": [(k, h["item"]) for k, h in state["handoffs"].items()
                              if h["status"] == "accepted"],
        "comparisons": [(c, c) for c in COMPARISONS],
        "yes_no": [("yes", _("yes")), ("no", _("no"))],
    }


def _form_page(request: Request, iid: str, form: Form, values: dict[str, Any],
               errors: dict[str, str], general: list[str], rule: dict[str, str] | None,
               status: int, user: Any, session: Any, key: str = "") -> Response:
    read = pages(request).tandem.read
    state = read.state(iid)
    return render(request, "form.html", {
        "title": f"{_(form.title)} · {state['title']}", "iid": iid, "initiative": state,
        "form": form, "values": values, "errors": errors, "general": general, "rule": rule,
        "choices": choices(read, iid),
        # one key per rendered form: submitting it twice records it once
        "idempotency_key": key or secrets.token_urlsafe(18),
    }, status, user, session)


def _guard(request: Request, iid: str, kind: str) -> tuple[Any, Any, Form | None, Response | None]:
    language(request)
    user, session = login_state(request)
    if user is None:
        return None, None, None, to_login(request)
    form = FORMS.get(kind)
    if form is None:
        return user, session, None, render(request, "error.html", {
            "title": _("Not found"), "message": _("There is no such form.")}, 404, user, session)
    if not user.can_write:
        return user, session, form, render(request, "error.html", {
            "title": _("Not allowed"),
            "message": _("Your role lets you read the log but not record in it.")},
            403, user, session)
    read = pages(request).tandem.read
    try:
        read.visibility(user.person, user.role).require(iid)
        read.initiative_row(iid)
        writers = {m["person"] for m in read.members(iid)["members"]
                   if m["role"] in ("lead", "member")}
        if user.person not in writers:
            raise Forbidden("initiative-membership", f"{user.person} is not a member of '{iid}'.")
    except DomainError as error:
        return user, session, form, failure(request, error, user, session)
    return user, session, form, None


@router.get("/initiatives/{iid}/record/{kind}")
def record_form(request: Request, iid: str, kind: str) -> Response:
    user, session, form, refused = _guard(request, iid, kind)
    if refused is not None or form is None:
        return refused  # type: ignore[return-value]
    prefill = {f.name: request.query_params.get(f.name, "") for f in form.fields}
    return _form_page(request, iid, form, prefill, {}, [], None, 200, user, session)


@router.post("/initiatives/{iid}/record/{kind}")
async def record_submit(request: Request, iid: str, kind: str) -> Response:
    submitted = await request.form()

    def submit() -> Response:
        user, session, form, refused = _guard(request, iid, kind)
        if refused is not None or form is None:
            return refused  # type: ignore[return-value]
        values = {f.name: str(submitted.get(f.name, "")) for f in form.fields}
        if not csrf_ok(session, submitted.get("csrf")):
            return _form_page(request, iid, form, values, {},
                              [_("The form had expired. Please submit it again.")], None, 403,
                              user, session)
        kwargs = command_values(form, values)
        tandem = pages(request).tandem
        key = str(submitted.get(requests.FORM_FIELD, ""))
        write = requests.current()
        if write is not None:
            write.use_key(key)
            write.person = user.person
        try:
            tandem.record(form.submit, tandem.app, Submission(user.person, iid, kwargs))
        except InvalidInput as error:
            placed, general = field_errors(form, {k: _(m) for k, m in error.fields.items()})
            if not error.fields:
                general.append(_(error.detail))
            return _form_page(request, iid, form, values, placed, general, None, 422,
                              user, session, key)
        except requests.KeyReused:
            return _form_page(request, iid, form, values, {}, [_(
                "This form was already submitted with other values, and recorded. Submit "
                "it again to record one more entry.")], None, 409, user, session)
        except DomainError as error:  # a rule, a missing reference, a conflict
            rule = None
            if error.rule:
                sentence = RULES[error.rule].sentence
                detail = error.detail.removeprefix(sentence).strip()
                rule = {"id": error.rule, "sentence": _(sentence), "detail": detail}
            return _form_page(request, iid, form, values, {}, [] if rule else [_(error.detail)],
                              rule, status_of(error), user, session, key)
        return RedirectResponse(form.land(iid, kwargs), status_code=303)

    return await run_in_threadpool(submit)
