"""Notices: webhook subscriptions, the delivery log and the outbox (admins); a person's contact
and feed tokens (the person or an admin); the Atom feeds (opened with a feed token)."""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response
from fastapi.responses import JSONResponse

from domain.notifying import Notifying
from web.api import models as m
from web.api.deps import Admin, ApiError, Id, Reader, System, created, errors
from web.auth import ADMIN_ROLES
from web.notices.dispatch import Notifier, deliveries
from web.notices.feeds import RedactTokens, atom, situations
from web.notices.hooks import Hooks
from web.system import Tandem

router = APIRouter(prefix="/api/notices")
people = APIRouter(prefix="/api/people")
feeds = APIRouter(prefix="/feeds")
logging.getLogger("uvicorn.access").addFilter(RedactTokens())  # feed tokens stay out of logs
ATOM = "application/atom+xml; charset=utf-8"
TokenParam = Annotated[str, Query(max_length=200, description="the person's feed token")]
State = Annotated[str | None, Query(pattern="^(sending|delivered|failed|given_up)$")]


@router.post("/webhooks", status_code=201, summary="Subscribe a webhook receiver (admin)",
             tags=["notices"], responses=errors())
def subscribe(body: m.NewWebhook, who: Admin, tandem: System) -> JSONResponse:
    hook = Hooks(tandem.db).subscribe(actor=who.person, url=body.url, kinds=body.kinds,
                                      secret=body.secret, base_url=tandem.settings.base_url,
                                      now=tandem.read.now())
    return JSONResponse(hook, status_code=201)


@router.get("/webhooks", summary="The webhook subscriptions, without secrets (admin)",
            tags=["notices"], responses=errors())
def webhooks(who: Admin, tandem: System) -> dict[str, Any]:
    return {"webhooks": Hooks(tandem.db).all()}


@router.delete("/webhooks/{hook}", status_code=204, summary="End a subscription (admin)",
               tags=["notices"], responses=errors(404))
def unsubscribe(hook: Annotated[str, Path(pattern="^wh-[0-9a-f]{12}$")], who: Admin,
                tandem: System) -> Response:
    Hooks(tandem.db).remove(hook, tandem.read.now())
    return Response(status_code=204)


@router.get("/deliveries", summary="The delivery log, newest first (admin)", tags=["notices"],
            responses=errors())
def delivery_log(who: Admin, tandem: System, state: State = None,
                 limit: Annotated[int, Query(ge=1, le=1000)] = 200) -> dict[str, Any]:
    return {"deliveries": deliveries(tandem, state, limit)}


@router.get("/outbox", summary="The notices due now (admin)", tags=["notices"],
            responses=errors())
def outbox(who: Admin, tandem: System) -> dict[str, Any]:
    return {"notices": [n.as_dict() for n in Notifier(tandem).due()]}


def _self_or_admin(who: Any, pid: str) -> None:
    if who.person != pid and who.role not in ADMIN_ROLES:
        raise ApiError(403, "forbidden", "Only the person themselves or an admin may do this.")


@people.put("/{pid}/contact", status_code=201, summary="Where and in which language a person "
            "gets notices (the person or an admin)", tags=["notices"], responses=errors(404))
def set_contact(pid: Id, body: m.Contact, who: Reader, tandem: System) -> JSONResponse:
    _self_or_admin(who, pid)
    return created(tandem.record(Notifying(tandem.app).set_contact, actor=who.person,
                                 person=pid, email=body.email, language=body.language))


@people.post("/{pid}/feed-tokens", status_code=201, summary="Issue a feed token (the person "
             "or an admin); answered once, only its digest is stored", tags=["notices"],
             responses=errors(404))
def issue_feed_token(pid: Id, who: Reader, tandem: System) -> JSONResponse:
    _self_or_admin(who, pid)
    token, _ = Notifying(tandem.app).issue_feed_token(actor=who.person, person=pid)
    tandem.catch_up()
    base = tandem.settings.base_url.rstrip("/")
    return JSONResponse({"token": token, "token_id": token.split("_")[2],
                         "feed": f"{base}/feeds/people/{pid}.atom?token={token}"},
                        status_code=201)


@people.delete("/{pid}/feed-tokens/{token_id}", status_code=204,
               summary="Revoke a feed token (the person or an admin)", tags=["notices"],
               responses=errors(404))
def revoke_feed_token(pid: Id, token_id: Id, who: Reader, tandem: System) -> Response:
    _self_or_admin(who, pid)
    tandem.record(Notifying(tandem.app).revoke_feed_token, actor=who.person, person=pid,
                  token_id=token_id)
    return Response(status_code=204)


def _reader(tandem: Tandem, token: str) -> tuple[str, str]:
    """The feed token's person and their language, or 401."""
    notifying = Notifying(tandem.app)
    person = notifying.feed_reader(token)
    found = tandem.read.people()
    row = next((p for p in found if p["person"] == person and p["active"]), None)
    if person is None or row is None:
        raise ApiError(401, "unauthorized", "The feed token is unknown or revoked.")
    recipient = notifying.recipient(person)
    language = (recipient.language if recipient and recipient.language
                else tandem.settings.notice_language)
    return person, language


@feeds.get("/people/{pid}.atom", summary="A person's notices as an Atom feed",
           tags=["notices"], responses=errors(), response_class=Response)
def person_feed(pid: Id, token: TokenParam, tandem: System) -> Response:
    person, language = _reader(tandem, token)
    if person != pid:
        raise ApiError(403, "forbidden", "A feed token opens its own person's feed only.")
    role = next(p["role"] for p in tandem.read.people() if p["person"] == person)
    seen = tandem.read.visibility(person, role)
    mine = [n for n in Notifier(tandem).due() if n.addressee == person
            and seen.allows(n.initiative)]
    base = tandem.settings.base_url.rstrip("/")
    return Response(atom(f"notices/{pid}", f"{base}/feeds/people/{pid}.atom", mine, language,
                         base, tandem.read.now()), media_type=ATOM)


@feeds.get("/initiatives/{iid}.atom", summary="An initiative's notices as an Atom feed",
           tags=["notices"], responses=errors(404), response_class=Response)
def initiative_feed(iid: Id, token: TokenParam, tandem: System) -> Response:
    person, language = _reader(tandem, token)
    tandem.read.initiative_row(iid)  # 404 for an unknown initiative
    role = next(p["role"] for p in tandem.read.people() if p["person"] == person)
    tandem.read.visibility(person, role).require(iid)
    found = situations([n for n in Notifier(tandem).due() if n.initiative == iid])
    base = tandem.settings.base_url.rstrip("/")
    return Response(atom(f"notices/initiatives/{iid}", f"{base}/feeds/initiatives/{iid}.atom",
                         found, language, base, tandem.read.now()), media_type=ATOM)
