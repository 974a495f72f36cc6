"""The recording forms: GET shows the form, POST runs one application command as the logged-in
person and lands on the page where the new entry shows; errors go next to their field."""

from __future__ import annotations

import re
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
from web import i18n, requests
from web.errors import status_of
from web.i18n import gettext as _
from web.i18n import rule_detail
from web.pages.fields import Context, command_values, shown
from web.pages.forms import FORMS, Form, Submission, field_errors, rule_field
from web.pages.render import failure, language, login_state, pages, render, to_login
from web.pages.session import csrf_ok
from web.pages.views import RACI, STATUS

router = APIRouter(include_in_schema=False)
# what a datetime-local input can show again (anything else was not typed into one)
LOCAL_TIME = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,3})?)?)?$")


def choices(read: ReadModels, iid: str, actor: str) -> dict[str, list[tuple[str, str]]]:
    """The lists the form offers, from the initiative's current state, people by name."""
    state = read.state(iid)
    people = read.people()
    names = {p["person"]: p["name"] for p in people}
    members = read.members(iid)["members"]
    used = {p["scope"] for p in state["proposals"].values()} | {
        d["scope"] for d in state["decisions"].values()} | {
        m["scope"] for m in state["mandates"].values()}
    areas = {a["area"] for a in read.matrix(iid)["areas"]}
    return {
        "people": [(p["person"], p["name"]) for p in people if p["active"]],
        "members": [(m["person"], names.get(m["person"], m["person"])) for m in members],
        "roles": [(r, _(RACI[r])) for r in ROLES],
        "criteria": [(k, c["description"]) for k, c in state["criteria"].items()
                     if c["status"] == "active"],
        "open_escalations": [(k, e["topic"]) for k, e in state["escalations"].items()
                             if e["status"] == "open"],
        "mandates": [(k, f"{names.get(m['person'], m['person'])}: {m['scope']}")
                     for k, m in state["mandates"].items() if m["status"] == "active"],
        "decisions": [(k, d["title"]) for k, d in state["decisions"].items()
                      if d["status"] == "in_force"],
        "my_handoffs": [(k, f"{h['item']} ({names.get(h['from'], h['from'])})")
                        for k, h in state["handoffs"].items()
                        if h["status"] == "started" and h["to"] == actor],
        "member_roles": [(r, _(STATUS[r])) for r in ("member", "observer", "lead")],
        "admitted": [(m["person"], names.get(m["person"], m["person"])) for m in members
                     if m["by"] == "admission"],
        "scopes": sorted((s, s) for s in used | areas),
        "areas": sorted((a, a) for a in areas),
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


def context(read: ReadModels, iid: str, actor: str, lang: str) -> Context:
    """What reading a form needs: the ids in use and the open proposals and escalations."""
    state = read.state(iid)
    answers: dict[str, dict[str, Any]] = {}
    for k, p in state["proposals"].items():
        if p["status"] == "open":
            answers[f"proposal:{k}"] = {"kind": "proposal", "id": k, "question": p["question"],
                                        "scope": p["scope"], "options": p["options"]}
    for k, e in state["escalations"].items():
        if e["status"] == "open":
            answers[f"escalation:{k}"] = {"kind": "escalation", "id": k, "question": e["topic"],
                                          "scope": "", "options": e["options"]}
    taken = {name: set(state[name]) for name in
             ("decisions", "proposals", "criteria", "mandates", "escalations", "handoffs")}
    return Context(actor=actor, language=lang, taken=taken, answers=answers)


def _form_page(request: Request, iid: str, form: Form, values: dict[str, Any],
               errors: dict[str, str], general: list[str], rule: dict[str, str] | None,
               status: int, user: Any, session: Any, key: str = "") -> Response:
    read = pages(request).tandem.read
    state = read.state(iid)
    ctx = context(read, iid, user.person, i18n.current())
    answering = values.get("answering", "")
    answers = {k: a for k, a in ctx.answers.items() if not answering or k == answering}
    labels = {f.name: _(f.label) for f in form.fields}
    values = {**values, **{f.name: "" for f in form.fields if f.kind == "datetime"
                           and not LOCAL_TIME.match(str(values.get(f.name, "")))}}
    return render(request, "form.html", {
        "title": f"{_(form.title)} · {state['title']}", "iid": iid, "initiative": state,
        "form": form, "values": values, "errors": errors, "general": general, "rule": rule,
        "choices": choices(read, iid, user.person), "answers": answers, "labels": labels,
        "answering": answering if answering in ctx.answers else "",
        "more_open": any(f.more and (values.get(f.name) or f.name in errors)
                         for f in form.fields),
        # one key per rendered form: submitting it twice records it once
        "idempotency_key": key or secrets.token_urlsafe(18),
    }, status, user, session)


def confirmed(url: str, recorded: list[dict[str, Any]]) -> str:
    """The landing page, with the position of what was recorded for its confirmation."""
    if not recorded:
        return url
    path, hash_, fragment = url.partition("#")
    flag = f"recorded={recorded[0]['position']}"
    return f"{path}{'&' if '?' in path else '?'}{flag}{hash_}{fragment}"


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
            raise Forbidden("initiative-membership", "%(person)s is not a member of '%(initiative)s'.",
                            person=user.person, initiative=iid)
    except DomainError as error:
        return user, session, form, failure(request, error, user, session)
    return user, session, form, None


@router.get("/initiatives/{iid}/record/{kind}")
def record_form(request: Request, iid: str, kind: str) -> Response:
    user, session, form, refused = _guard(request, iid, kind)
    if refused is not None or form is None:
        return refused  # type: ignore[return-value]
    read = pages(request).tandem.read
    prefill = shown(form.fields, request.query_params)
    for f in form.fields:
        if f.me and not prefill.get(f.name):
            prefill[f.name] = [user.person] if f.kind == "people" else user.person
    answering = prefill["answering"] = _answering(request.query_params)
    if answering and not prefill.get("scope"):
        answer = context(read, iid, user.person, "en").answers.get(answering)
        prefill["scope"] = answer["scope"] if answer else ""
    state = read.state(iid)
    if form.kind == "goal" and not prefill.get("agreed_by") and state["tandem"]:
        prefill["agreed_by"] = list(state["tandem"]["people"])  # the tandem agrees the goal
    criterion = state["criteria"].get(prefill.get("criterion") or "")
    if form.kind == "revise-criterion" and criterion:  # revised from what it says now
        for name in ("description", "target"):
            prefill[name] = prefill.get(name) or criterion[name]
    return _form_page(request, iid, form, prefill, {}, [], None, 200, user, session)


def _answering(source: Any) -> str:
    """What a decision form answers when opened from a proposal or an escalation."""
    for kind in ("proposal", "escalation"):
        if source.get(kind):
            return f"{kind}:{source.get(kind)}"
    return str(source.get("answering", "") or "")


@router.post("/initiatives/{iid}/record/{kind}")
async def record_submit(request: Request, iid: str, kind: str) -> Response:
    submitted = await request.form()

    def submit() -> Response:
        user, session, form, refused = _guard(request, iid, kind)
        if refused is not None or form is None:
            return refused  # type: ignore[return-value]
        values = shown(form.fields, submitted)
        values["answering"] = _answering(submitted)
        if not csrf_ok(session, submitted.get("csrf")):
            return _form_page(request, iid, form, values, {},
                              [_("The form had expired. Please submit it again.")], None, 403,
                              user, session)
        tandem = pages(request).tandem
        ctx = context(tandem.read, iid, user.person, i18n.current())
        kwargs, problems = command_values(form.fields, values, ctx, form.kind)
        key = str(submitted.get(requests.FORM_FIELD, ""))
        if problems:
            return _form_page(request, iid, form, values, {k: _(m) for k, m in problems.items()},
                              [], None, 422, user, session, key)
        write = requests.current()
        if write is not None:
            write.use_key(key)
            write.person = user.person
        try:
            recorded = tandem.record(form.submit, tandem.app, Submission(user.person, iid, kwargs))
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
            placed = {}
            if error.rule:
                sentence = RULES[error.rule].sentence
                detail = rule_detail(error.detail, sentence)
                rule = {"id": error.rule, "sentence": _(sentence), "detail": detail}
                concerned = rule_field(form, error.rule)
                if concerned:
                    placed[concerned] = _(sentence)
                    rule["field"] = concerned
            return _form_page(request, iid, form, values, placed,
                              [] if rule else [_(error.detail)], rule, status_of(error), user,
                              session, key)
        return RedirectResponse(confirmed(form.land(iid, kwargs), recorded), status_code=303)

    return await run_in_threadpool(submit)
