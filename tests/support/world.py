"""A small world for API tests: people in every directory role, one initiative, their tokens."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from web.system import Tandem

PEOPLE = {  # person: (unit, directory role)
    "kathi": ("it", "admin"), "jonas": ("it", "member"), "miriam": ("ops", "member"),
    "audrey": ("ops", "auditor"), "victor": ("it", "viewer"),
}
OPTIONS = [{"key": "a", "title": "Pilot first"}, {"key": "b", "title": "Big bang"}]
# kathi sponsors 'portal'; jonas and miriam lead it as its tandem; the others are admitted
MEMBERS = {"jonas": "member", "miriam": "member", "audrey": "observer", "victor": "observer"}


def build_world(tandem: Tandem) -> dict[str, str]:
    """Registers the people, opens 'portal' with a criterion and a tandem; tokens by person."""
    for person, (unit, role) in PEOPLE.items():
        tandem.record(tandem.app.register_person, actor="ada", person=person, name=person.title(),
                      unit=unit, role=role)
    tandem.record(tandem.app.open_initiative, actor="ada", initiative="portal", title="Customer portal",
                  sponsor="kathi", units=["it", "ops"], escalation_path=["kathi", "ada"], effective_at=days_ago(30))
    tandem.record(tandem.app.define_criterion, actor="kathi", initiative="portal", criterion="crashes",
                  description="Ordering without crashes", target="0 per week")
    tandem.record(tandem.app.form_tandem, actor="kathi", initiative="portal", people=["jonas", "miriam"])
    for person, role in MEMBERS.items():
        tandem.record(tandem.app.admit_member, actor="kathi", initiative="portal", person=person,
                      role=role)
    tokens = {person: tandem.app.issue_token(actor="ada", person=person)[0] for person in PEOPLE}
    tandem.catch_up()
    return tokens


def with_mandates(tandem: Tandem) -> dict[str, str]:
    """The world, where the tandem partners may also decide on planning by mandate."""
    tokens = build_world(tandem)
    for person in ("jonas", "miriam"):
        tandem.record(tandem.app.grant_mandate, actor="kathi", initiative="portal",
                      mandate=f"m-{person}", person=person, scope="planning")
    return tokens


def days_ago(days: int) -> str:
    return (datetime.now(timezone.utc) - timedelta(days=days)).isoformat()


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def decision(did: str, by: str = "kathi") -> dict[str, Any]:
    return {"id": did, "scope": "planning", "title": f"Decision {did}", "option": "a",
            "rationale": "Less risk", "decided_by": [by], "options": OPTIONS}


def sign_in(client: Any, token: str) -> Any:
    """Signs a page client (a starlette TestClient) in with the login form; the answer (a 303)."""
    page = client.get("/login")
    return client.post("/login", data={"token": token, "csrf": page.context["csrf"]},
                       follow_redirects=False)


def signed_in(app: Any, token: str) -> Any:
    """A page client for the app, signed in with the token."""
    from fastapi.testclient import TestClient

    client = TestClient(app)
    answer = sign_in(client, token)
    assert answer.status_code == 303, answer.text
    return client
