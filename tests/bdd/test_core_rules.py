"""The built-in governance rules, as readable scenarios (features/core/*.feature).

Each scenario runs on SQLite and on PostgreSQL (through the `tandem` fixture).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from domain.errors import Conflict, DomainError, RuleViolation
from web.system import Tandem

scenarios("core")

ROLE_WORDS = {"Accountable": "A", "Responsible": "R", "Consulted": "C", "Informed": "I"}
OPENED = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)
IID = "portal"
PEOPLE = [("kathi", "it"), ("thomas", "it"), ("jonas", "it"), ("miriam", "ops"),
          ("lena", "ops"), ("petra", "ops")]


def options(text: str) -> list[dict[str, str]]:
    return [{"key": key.strip(), "title": key.strip().title()} for key in text.split(",")]


def people(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


def when_text(text: str) -> str:
    if text == "tomorrow":
        return (datetime.now(timezone.utc) + timedelta(days=1)).isoformat()
    return text


def Q(name: str) -> str:
    """A quoted value in a step."""
    return rf'"(?P<{name}>[^"]*)"'


@pytest.fixture
def ctx() -> dict[str, Any]:
    return {}


@pytest.fixture(autouse=True)
def on_each_backend(tandem: Tandem) -> None:
    """Puts the backend-parametrized `tandem` fixture in every scenario's closure."""


def attempt(tandem: Tandem, ctx: dict[str, Any], command: str, **kwargs: Any) -> None:
    """A When step: remember the log size before, and the outcome."""
    ctx["before"] = tandem.app.recorder.max_notification_id()
    ctx["error"] = None
    try:
        ctx["result"] = tandem.record(command, **kwargs)
    except DomainError as error:
        ctx["error"] = error


def done(tandem: Tandem, command: str, **kwargs: Any) -> None:
    """A Given step: it must succeed."""
    tandem.record(command, **kwargs)


# -- Given ---------------------------------------------------------------------------------------

@given("the customer portal initiative sponsored by kathi, with IT and Operations")
def portal(tandem: Tandem) -> None:
    for person, unit in PEOPLE:
        tandem.record("register_person", actor="ada", person=person, name=person.title(),
                      unit=unit, role="member")
    tandem.record("open_initiative", actor="kathi", initiative=IID, title="Customer portal",
                  sponsor="kathi", units=["it", "ops"], escalation_path=["kathi", "petra"],
                  effective_at=OPENED)


@given(parsers.re(rf"(?P<person>\w+) is (?P<role>\w+) for {Q('area')}"))
def holds(tandem: Tandem, person: str, role: str, area: str) -> None:
    done(tandem, "assign", actor="kathi", initiative=IID, area=area, person=person,
         role=ROLE_WORDS[role])


@given(parsers.re(rf"(?P<actor>\w+) releases (?P<person>\w+) as (?P<role>\w+) for {Q('area')} because {Q('reason')}"))
def given_release(tandem: Tandem, actor: str, person: str, role: str, area: str, reason: str) -> None:
    done(tandem, "release", actor=actor, initiative=IID, area=area, person=person,
         role=ROLE_WORDS[role], reason=reason)


@given(parsers.re(r"(?P<person>\w+) has left the organisation"))
def left(tandem: Tandem, person: str) -> None:
    done(tandem, "deactivate_person", actor="ada", person=person, reason="left",
         effective_at=OPENED + timedelta(days=1))


@given(parsers.re(r"(?P<a>\w+) and (?P<b>\w+) lead as the tandem"))
def tandem_leads(tandem: Tandem, a: str, b: str) -> None:
    done(tandem, "form_tandem", actor="kathi", initiative=IID, people=[a, b],
         effective_at=OPENED + timedelta(days=2))


@given(parsers.re(rf"(?P<actor>\w+) dissolves the tandem because {Q('reason')}"))
def dissolve(tandem: Tandem, actor: str, reason: str) -> None:
    done(tandem, "dissolve_tandem", actor=actor, initiative=IID, reason=reason)


@given(parsers.re(rf"(?P<actor>\w+) proposed {Q('question')} with the options {Q('keys')} as {Q('key')}"))
def proposed(tandem: Tandem, actor: str, question: str, keys: str, key: str) -> None:
    done(tandem, "propose", actor=actor, initiative=IID, proposal=key, question=question,
         scope="technology", options=options(keys), proposed_by=[actor])


@given(parsers.re(rf"(?P<person>\w+) holds the mandate {Q('key')} for the scope {Q('scope')}"))
def mandate(tandem: Tandem, person: str, key: str, scope: str) -> None:
    done(tandem, "grant_mandate", actor="kathi", initiative=IID, mandate=key, person=person,
         scope=scope, limits="within budget", effective_at=OPENED + timedelta(days=1))


@given(parsers.re(rf"(?P<actor>\w+) revokes the mandate {Q('key')} because {Q('reason')}"))
def revoke_mandate(tandem: Tandem, actor: str, key: str, reason: str) -> None:
    done(tandem, "revoke_mandate", actor=actor, initiative=IID, mandate=key, reason=reason)


@given(parsers.re(rf"(?P<actor>\w+) escalated {Q('topic')} with the options {Q('keys')} as {Q('key')}"))
def escalated(tandem: Tandem, actor: str, topic: str, keys: str, key: str) -> None:
    done(tandem, "raise_escalation", actor=actor, initiative=IID, escalation=key, topic=topic,
         options=options(keys), raised_by=actor,
         due_at=(datetime.now(timezone.utc) + timedelta(days=7)).isoformat())


@given(parsers.re(rf"the shared goal is {Q('statement')}"))
def goal(tandem: Tandem, statement: str) -> None:
    done(tandem, "set_goal", actor="kathi", initiative=IID, statement=statement,
         agreed_by=["kathi"], effective_at=OPENED)


@given(parsers.re(rf"(?P<actor>\w+) decided {Q('option')} among {Q('keys')} in scope {Q('scope')} as {Q('key')}"))
def decided(tandem: Tandem, actor: str, option: str, keys: str, scope: str, key: str) -> None:
    done(tandem, "take_decision", actor=actor, initiative=IID, decision=key, scope=scope,
         title=f"Chose {option}", option=option, rationale="Because it is better",
         decided_by=[actor], options=options(keys))


@given(parsers.re(rf"(?P<actor>\w+) decided {Q('option')} among {Q('keys')} in scope {Q('scope')} superseding {Q('old')}"))
def decided_superseding(tandem: Tandem, actor: str, option: str, keys: str, scope: str,
                        old: str) -> None:
    done(tandem, "take_decision", actor=actor, initiative=IID, decision=f"{old}-next",
         scope=scope, title=f"Chose {option}", option=option, rationale="Changed course",
         decided_by=[actor], options=options(keys), supersedes=old)


@given(parsers.re(rf"(?P<actor>\w+) revoked the decision {Q('key')} because {Q('reason')}"))
def revoked(tandem: Tandem, actor: str, key: str, reason: str) -> None:
    done(tandem, "revoke_decision", actor=actor, initiative=IID, decision=key, reason=reason)


@given(parsers.re(rf"(?P<actor>\w+) forwarded the escalation {Q('key')} because {Q('reason')}"))
def forwarded(tandem: Tandem, actor: str, key: str, reason: str) -> None:
    done(tandem, "forward_escalation", actor=actor, initiative=IID, escalation=key, reason=reason)


@given(parsers.re(rf"(?P<actor>\w+) decided {Q('option')} resolving the escalation {Q('key')}"))
def decided_on_escalation(tandem: Tandem, actor: str, option: str, key: str) -> None:
    done(tandem, "take_decision", actor=actor, initiative=IID, decision=f"d-{key}",
         scope="planning", title=f"Chose {option}", option=option, rationale="Escalated",
         decided_by=[actor], escalation=key)


@given(parsers.re(rf"(?P<actor>\w+) closed the initiative with the outcome {Q('outcome')}"))
def closed(tandem: Tandem, actor: str, outcome: str) -> None:
    done(tandem, "close_initiative", actor=actor, initiative=IID, outcome=outcome)


# -- When ----------------------------------------------------------------------------------------

@when(parsers.re(rf"(?P<actor>\w+) makes (?P<person>\w+) (?P<role>\w+) for {Q('area')}( from {Q('when')})?"))
def assign(tandem: Tandem, ctx: dict[str, Any], actor: str, person: str, role: str, area: str,
           when: str | None) -> None:
    attempt(tandem, ctx, "assign", actor=actor, initiative=IID, area=area, person=person,
            role=ROLE_WORDS[role], effective_at=when_text(when) if when else None)


@when(parsers.re(rf"(?P<actor>\w+) releases (?P<person>\w+) as (?P<role>\w+) for {Q('area')} because {Q('reason')}"))
def release(tandem: Tandem, ctx: dict[str, Any], actor: str, person: str, role: str, area: str,
            reason: str) -> None:
    attempt(tandem, ctx, "release", actor=actor, initiative=IID, area=area, person=person,
            role=ROLE_WORDS[role], reason=reason)


@when(parsers.re(rf"(?P<actor>\w+) grants (?P<person>\w+) the mandate {Q('key')} for the scope {Q('scope')}"))
def grant(tandem: Tandem, ctx: dict[str, Any], actor: str, person: str, key: str, scope: str) -> None:
    attempt(tandem, ctx, "grant_mandate", actor=actor, initiative=IID, mandate=key, person=person,
            scope=scope, limits="within budget")


@when(parsers.re(r"(?P<actor>\w+) forms the tandem of (?P<a>\w+) and (?P<b>\w+)"))
def form(tandem: Tandem, ctx: dict[str, Any], actor: str, a: str, b: str) -> None:
    attempt(tandem, ctx, "form_tandem", actor=actor, initiative=IID, people=[a, b])


@when(parsers.re(rf"(?P<actor>\w+) proposes {Q('question')} with the options {Q('keys')}"))
def propose(tandem: Tandem, ctx: dict[str, Any], actor: str, question: str, keys: str) -> None:
    attempt(tandem, ctx, "propose", actor=actor, initiative=IID, proposal="p-new",
            question=question, scope="technology", options=options(keys), proposed_by=[actor])


@when(parsers.re(rf"(?P<actor>\w+) escalates {Q('topic')} with the options {Q('keys')}"))
def escalate(tandem: Tandem, ctx: dict[str, Any], actor: str, topic: str, keys: str) -> None:
    attempt(tandem, ctx, "raise_escalation", actor=actor, initiative=IID, escalation="e-new",
            topic=topic, options=options(keys), raised_by=actor,
            due_at=(datetime.now(timezone.utc) + timedelta(days=7)).isoformat())


@when(parsers.re(rf"(?P<actor>\w+) decides {Q('option')} among {Q('keys')} in scope {Q('scope')}( as {Q('key')})?( superseding {Q('old')})?( from {Q('when')})?"))
def decide(tandem: Tandem, ctx: dict[str, Any], actor: str, option: str, keys: str, scope: str,
           key: str | None, old: str | None, when: str | None) -> None:
    attempt(tandem, ctx, "take_decision", actor=actor, initiative=IID,
            decision=key or "d-new", scope=scope, title=f"Chose {option}", option=option,
            rationale="Because it is better", decided_by=[actor], options=options(keys),
            supersedes=old, effective_at=when_text(when) if when else None)


@when(parsers.re(rf"(?P<actor>\w+) decides {Q('option')} answering the proposal {Q('key')}"))
def decide_proposal(tandem: Tandem, ctx: dict[str, Any], actor: str, option: str, key: str) -> None:
    attempt(tandem, ctx, "take_decision", actor=actor, initiative=IID, decision="d-new",
            scope="technology", title=f"Chose {option}", option=option, rationale="As proposed",
            decided_by=[actor], proposal=key)


@when(parsers.re(rf"(?P<actor>\w+) decides {Q('option')} resolving the escalation {Q('key')}"))
def decide_escalation(tandem: Tandem, ctx: dict[str, Any], actor: str, option: str, key: str) -> None:
    attempt(tandem, ctx, "take_decision", actor=actor, initiative=IID, decision="d-new",
            scope="planning", title=f"Chose {option}", option=option, rationale="Escalated",
            decided_by=[actor], escalation=key)


@when(parsers.re(rf"(?P<actor>\w+) revises the goal to {Q('statement')} because {Q('reason')}, agreed by {Q('agreed')}"))
def revise_goal(tandem: Tandem, ctx: dict[str, Any], actor: str, statement: str, reason: str,
                agreed: str) -> None:
    attempt(tandem, ctx, "set_goal", actor=actor, initiative=IID, statement=statement,
            reason=reason, agreed_by=people(agreed))


@when(parsers.re(rf"(?P<actor>\w+) revokes the decision {Q('key')} because {Q('reason')}"))
def revoke_decision(tandem: Tandem, ctx: dict[str, Any], actor: str, key: str, reason: str) -> None:
    attempt(tandem, ctx, "revoke_decision", actor=actor, initiative=IID, decision=key, reason=reason)


@when(parsers.re(rf"(?P<actor>\w+) forwards the escalation {Q('key')} because {Q('reason')}"))
def forward(tandem: Tandem, ctx: dict[str, Any], actor: str, key: str, reason: str) -> None:
    attempt(tandem, ctx, "forward_escalation", actor=actor, initiative=IID, escalation=key,
            reason=reason)


# -- Then ----------------------------------------------------------------------------------------

@then("it is recorded")
def recorded(tandem: Tandem, ctx: dict[str, Any]) -> None:
    assert ctx["error"] is None, f"refused: {ctx['error']}"
    assert ctx["result"], "no event was recorded"
    positions = [e["position"] for e in ctx["result"]]
    assert tandem.app.recorder.max_notification_id() == max(positions)


@then(parsers.re(rf"it is refused by the rule {Q('rule')}"))
def refused(ctx: dict[str, Any], rule: str) -> None:
    error = ctx["error"]
    assert isinstance(error, DomainError), "the command was accepted"
    assert error.rule == rule, f"refused by {error.rule}: {error.detail}"
    if isinstance(error, RuleViolation):
        assert error.detail.startswith(error.sentence)


@then("it is refused as a conflict")
def conflict(ctx: dict[str, Any]) -> None:
    assert isinstance(ctx["error"], Conflict), f"expected a conflict, got {ctx['error']!r}"


@then("nothing was stored")
def nothing_stored(tandem: Tandem, ctx: dict[str, Any]) -> None:
    assert tandem.app.recorder.max_notification_id() == ctx["before"]


@then(parsers.re(rf"the decision rests on the (?P<kind>mandate|escalation) {Q('key')}"))
def rests_on(tandem: Tandem, ctx: dict[str, Any], kind: str, key: str) -> None:
    decision = next(e for e in ctx["result"] if e["type"] == "DecisionTaken")
    assert decision["data"]["basis"] == {"kind": kind, "id": key}


@then("the decision rests on the sponsor")
def rests_on_sponsor(ctx: dict[str, Any]) -> None:
    decision = next(e for e in ctx["result"] if e["type"] == "DecisionTaken")
    assert decision["data"]["basis"] == {"kind": "sponsor", "id": "kathi"}


@then(parsers.re(rf"the escalation {Q('key')} is resolved"))
def resolved(tandem: Tandem, key: str) -> None:
    [escalation] = [e for e in tandem.read.escalations() if e["id"] == key]
    assert escalation["status"] == "resolved"


@then(parsers.re(rf"the decision {Q('key')} is superseded"))
def superseded(tandem: Tandem, key: str) -> None:
    decision = tandem.read.decision(IID, key)
    assert decision["status"] == "superseded"
    assert decision["superseded_by"]


@then(parsers.re(rf"the escalation {Q('key')} is addressed to (?P<person>\w+) at level (?P<level>\d+)"))
def addressed(tandem: Tandem, key: str, person: str, level: str) -> None:
    [escalation] = [e for e in tandem.read.escalations() if e["id"] == key]
    assert (escalation["addressed_to"], escalation["level"]) == (person, int(level))
