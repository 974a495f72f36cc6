"""The built-in governance rules, as readable scenarios (features/core/*.feature).

Each scenario runs three times: on the library's in-memory store (the domain alone), and on
SQLite and PostgreSQL with the read models.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from domain.errors import Conflict, DomainError, RuleViolation
from tests.support.databases import fresh_database
from tests.support.worlds import DatabaseWorld, MemoryWorld, World
from web.settings import Settings
from web.system import Tandem

scenarios("core")

ROLE_WORDS = {"Accountable": "A", "Responsible": "R", "Consulted": "C", "Informed": "I"}
OPENED = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)
IID = "portal"
PEOPLE = [("kathi", "it"), ("thomas", "it"), ("jonas", "it"), ("miriam", "ops"),
          ("lena", "ops"), ("petra", "ops"), ("fred", "finance")]
MEMBERS = ("thomas", "jonas", "miriam", "lena")  # kathi is the sponsor, petra on the path; fred is not


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


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def world(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[World]:
    """The scenario's world, with units 'it' and 'ops' and an admin 'ada'."""
    if request.param == "memory":
        found: World = MemoryWorld(IID)
        yield from _populated(found)
        return
    with fresh_database(request.param, tmp_path) as url:
        settings = Settings(database_url=url, signing_key=str(tmp_path / "signing.key"))
        yield from _populated(DatabaseWorld(Tandem(settings, create=True), IID))


@pytest.fixture(autouse=True)
def on_each_world(world: World) -> None:
    """Puts the parametrized `world` fixture in every scenario's closure."""


def _populated(world: World) -> Iterator[World]:
    app = world.app
    world.record(app.register_unit, actor="ada", unit="it", name="IT")
    world.record(app.register_unit, actor="ada", unit="ops", name="Operations")
    world.record(app.register_unit, actor="ada", unit="finance", name="Finance")
    world.record(app.register_person, actor="ada", person="ada", name="Ada", unit="it",
                 role="admin")
    yield world
    world.close()


def attempt(world: World, ctx: dict[str, Any], command: Callable[..., Any],
            **kwargs: Any) -> None:
    """A When step: remember the log size before, and the outcome."""
    ctx["before"] = world.log_size()
    ctx["error"] = None
    try:
        ctx["result"] = world.record(command, **kwargs)
    except DomainError as error:
        ctx["error"] = error


def done(world: World, command: Callable[..., Any], **kwargs: Any) -> None:
    """A Given step: it must succeed."""
    world.record(command, **kwargs)


# -- Given ---------------------------------------------------------------------------------------

@given("the customer portal initiative sponsored by kathi, with IT and Operations")
def portal(world: World) -> None:
    for person, unit in PEOPLE:
        world.record(world.app.register_person, actor="ada", person=person, name=person.title(),
                      unit=unit, role="member")
    world.record(world.app.open_initiative, actor="kathi", initiative=IID, title="Customer portal",
                 sponsor="kathi", units=["it", "ops"], escalation_path=["kathi", "petra"],
                 effective_at=OPENED)
    for person in MEMBERS:
        world.record(world.app.admit_member, actor="kathi", initiative=IID, person=person,
                     role="member", effective_at=OPENED)


@given(parsers.re(rf"(?P<person>\w+) is (?P<role>\w+) for {Q('area')}"))
def holds(world: World, person: str, role: str, area: str) -> None:
    done(world, world.app.assign, actor="kathi", initiative=IID, area=area, person=person,
         role=ROLE_WORDS[role])


@given(parsers.re(rf"(?P<actor>\w+) releases (?P<person>\w+) as (?P<role>\w+) for {Q('area')} because {Q('reason')}"))
def given_release(world: World, actor: str, person: str, role: str, area: str, reason: str) -> None:
    done(world, world.app.release, actor=actor, initiative=IID, area=area, person=person,
         role=ROLE_WORDS[role], reason=reason)


@given(parsers.re(r"(?P<person>\w+) has left the organisation"))
def left(world: World, person: str) -> None:
    done(world, world.app.deactivate_person, actor="ada", person=person, reason="left",
         effective_at=OPENED + timedelta(days=1))


@given(parsers.re(r"(?P<a>\w+) and (?P<b>\w+) lead as the tandem"))
def tandem_leads(world: World, a: str, b: str) -> None:
    done(world, world.app.form_tandem, actor="kathi", initiative=IID, people=[a, b],
         effective_at=OPENED + timedelta(days=2))


@given(parsers.re(rf"(?P<actor>\w+) dissolves the tandem because {Q('reason')}"))
def dissolve(world: World, actor: str, reason: str) -> None:
    done(world, world.app.dissolve_tandem, actor=actor, initiative=IID, reason=reason)


@given(parsers.re(rf"(?P<actor>\w+) proposed {Q('question')} with the options {Q('keys')} as {Q('key')}"))
def proposed(world: World, actor: str, question: str, keys: str, key: str) -> None:
    done(world, world.app.propose, actor=actor, initiative=IID, proposal=key, question=question,
         scope="technology", options=options(keys), proposed_by=[actor])


@given(parsers.re(rf"(?P<person>\w+) holds the mandate {Q('key')} for the scope {Q('scope')}"))
def mandate(world: World, person: str, key: str, scope: str) -> None:
    done(world, world.app.grant_mandate, actor="kathi", initiative=IID, mandate=key, person=person,
         scope=scope, limits="within budget", effective_at=OPENED + timedelta(days=1))


@given(parsers.re(rf"(?P<actor>\w+) revokes the mandate {Q('key')} because {Q('reason')}"))
def revoke_mandate(world: World, actor: str, key: str, reason: str) -> None:
    done(world, world.app.revoke_mandate, actor=actor, initiative=IID, mandate=key, reason=reason)


@given(parsers.re(rf"(?P<actor>\w+) escalated {Q('topic')} with the options {Q('keys')} as {Q('key')}"))
def escalated(world: World, actor: str, topic: str, keys: str, key: str) -> None:
    done(world, world.app.raise_escalation, actor=actor, initiative=IID, escalation=key, topic=topic,
         options=options(keys), raised_by=actor,
         due_at=(datetime.now(timezone.utc) + timedelta(days=7)).isoformat())


@given(parsers.re(rf"the shared goal is {Q('statement')}"))
def goal(world: World, statement: str) -> None:
    done(world, world.app.set_goal, actor="kathi", initiative=IID, statement=statement,
         agreed_by=["kathi"], effective_at=OPENED)


@given(parsers.re(rf"(?P<actor>\w+) decided {Q('option')} among {Q('keys')} in scope {Q('scope')} as {Q('key')}"))
def decided(world: World, actor: str, option: str, keys: str, scope: str, key: str) -> None:
    done(world, world.app.take_decision, actor=actor, initiative=IID, decision=key, scope=scope,
         title=f"Chose {option}", option=option, rationale="Because it is better",
         decided_by=[actor], options=options(keys))


@given(parsers.re(rf"(?P<actor>\w+) decided {Q('option')} among {Q('keys')} in scope {Q('scope')} superseding {Q('old')}"))
def decided_superseding(world: World, actor: str, option: str, keys: str, scope: str,
                        old: str) -> None:
    done(world, world.app.take_decision, actor=actor, initiative=IID, decision=f"{old}-next",
         scope=scope, title=f"Chose {option}", option=option, rationale="Changed course",
         decided_by=[actor], options=options(keys), supersedes=old)


@given(parsers.re(rf"(?P<actor>\w+) revoked the decision {Q('key')} because {Q('reason')}"))
def revoked(world: World, actor: str, key: str, reason: str) -> None:
    done(world, world.app.revoke_decision, actor=actor, initiative=IID, decision=key, reason=reason)


@given(parsers.re(rf"(?P<actor>\w+) forwarded the escalation {Q('key')} because {Q('reason')}"))
def forwarded(world: World, actor: str, key: str, reason: str) -> None:
    done(world, world.app.forward_escalation, actor=actor, initiative=IID, escalation=key, reason=reason)


@given(parsers.re(rf"(?P<actor>\w+) decided {Q('option')} resolving the escalation {Q('key')}"))
def decided_on_escalation(world: World, actor: str, option: str, key: str) -> None:
    done(world, world.app.take_decision, actor=actor, initiative=IID, decision=f"d-{key}",
         scope="planning", title=f"Chose {option}", option=option, rationale="Escalated",
         decided_by=[actor], escalation=key)


@given(parsers.re(rf"(?P<actor>\w+) closed the initiative with the outcome {Q('outcome')}"))
def closed(world: World, actor: str, outcome: str) -> None:
    done(world, world.app.close_initiative, actor=actor, initiative=IID, outcome=outcome)


# -- When ----------------------------------------------------------------------------------------

@when(parsers.re(rf"(?P<actor>\w+) makes (?P<person>\w+) (?P<role>\w+) for {Q('area')}( from {Q('when')})?"))
def assign(world: World, ctx: dict[str, Any], actor: str, person: str, role: str, area: str,
           when: str | None) -> None:
    attempt(world, ctx, world.app.assign, actor=actor, initiative=IID, area=area, person=person,
            role=ROLE_WORDS[role], effective_at=when_text(when) if when else None)


@when(parsers.re(rf"(?P<actor>\w+) releases (?P<person>\w+) as (?P<role>\w+) for {Q('area')} because {Q('reason')}"))
def release(world: World, ctx: dict[str, Any], actor: str, person: str, role: str, area: str,
            reason: str) -> None:
    attempt(world, ctx, world.app.release, actor=actor, initiative=IID, area=area, person=person,
            role=ROLE_WORDS[role], reason=reason)


@when(parsers.re(rf"(?P<actor>\w+) grants (?P<person>\w+) the mandate {Q('key')} for the scope {Q('scope')}"))
def grant(world: World, ctx: dict[str, Any], actor: str, person: str, key: str, scope: str) -> None:
    attempt(world, ctx, world.app.grant_mandate, actor=actor, initiative=IID, mandate=key, person=person,
            scope=scope, limits="within budget")


@when(parsers.re(r"(?P<actor>\w+) forms the tandem of (?P<a>\w+) and (?P<b>\w+)"))
def form(world: World, ctx: dict[str, Any], actor: str, a: str, b: str) -> None:
    attempt(world, ctx, world.app.form_tandem, actor=actor, initiative=IID, people=[a, b])


@when(parsers.re(rf"(?P<actor>\w+) proposes {Q('question')} with the options {Q('keys')}"))
def propose(world: World, ctx: dict[str, Any], actor: str, question: str, keys: str) -> None:
    attempt(world, ctx, world.app.propose, actor=actor, initiative=IID, proposal="p-new",
            question=question, scope="technology", options=options(keys), proposed_by=[actor])


@when(parsers.re(rf"(?P<actor>\w+) escalates {Q('topic')} with the options {Q('keys')}"))
def escalate(world: World, ctx: dict[str, Any], actor: str, topic: str, keys: str) -> None:
    attempt(world, ctx, world.app.raise_escalation, actor=actor, initiative=IID, escalation="e-new",
            topic=topic, options=options(keys), raised_by=actor,
            due_at=(datetime.now(timezone.utc) + timedelta(days=7)).isoformat())


@when(parsers.re(rf"(?P<actor>\w+) decides {Q('option')} among {Q('keys')} in scope {Q('scope')}( as {Q('key')})?( superseding {Q('old')})?( from {Q('when')})?( committing {Q('money')})?"))
def decide(world: World, ctx: dict[str, Any], actor: str, option: str, keys: str, scope: str,
           key: str | None, old: str | None, when: str | None, money: str | None) -> None:
    amount, currency = money.split() if money else (None, None)
    attempt(world, ctx, world.app.take_decision, actor=actor, initiative=IID,
            decision=key or "d-new", scope=scope, title=f"Chose {option}", option=option,
            rationale="Because it is better", decided_by=[actor], options=options(keys),
            supersedes=old, effective_at=when_text(when) if when else None, amount=amount,
            currency=currency)


@when(parsers.re(rf"(?P<actor>\w+) decides {Q('option')} answering the proposal {Q('key')}"))
def decide_proposal(world: World, ctx: dict[str, Any], actor: str, option: str, key: str) -> None:
    attempt(world, ctx, world.app.take_decision, actor=actor, initiative=IID, decision="d-new",
            scope="technology", title=f"Chose {option}", option=option, rationale="As proposed",
            decided_by=[actor], proposal=key)


@when(parsers.re(rf"(?P<actor>\w+) decides {Q('option')} resolving the escalation {Q('key')}"))
def decide_escalation(world: World, ctx: dict[str, Any], actor: str, option: str, key: str) -> None:
    attempt(world, ctx, world.app.take_decision, actor=actor, initiative=IID, decision="d-new",
            scope="planning", title=f"Chose {option}", option=option, rationale="Escalated",
            decided_by=[actor], escalation=key)


@when(parsers.re(rf"(?P<actor>\w+) revises the goal to {Q('statement')} because {Q('reason')}, agreed by {Q('agreed')}"))
def revise_goal(world: World, ctx: dict[str, Any], actor: str, statement: str, reason: str,
                agreed: str) -> None:
    attempt(world, ctx, world.app.set_goal, actor=actor, initiative=IID, statement=statement,
            reason=reason, agreed_by=people(agreed))


@when(parsers.re(rf"(?P<actor>\w+) revokes the decision {Q('key')} because {Q('reason')}"))
def revoke_decision(world: World, ctx: dict[str, Any], actor: str, key: str, reason: str) -> None:
    attempt(world, ctx, world.app.revoke_decision, actor=actor, initiative=IID, decision=key, reason=reason)


@when(parsers.re(rf"(?P<actor>\w+) forwards the escalation {Q('key')} because {Q('reason')}"))
def forward(world: World, ctx: dict[str, Any], actor: str, key: str, reason: str) -> None:
    attempt(world, ctx, world.app.forward_escalation, actor=actor, initiative=IID, escalation=key,
            reason=reason)


# -- membership and attestation -----------------------------------------------------------------

@given(parsers.re(r"(?P<actor>\w+) admits (?P<person>\w+) as (?P<role>\w+)"))
def given_admits(world: World, actor: str, person: str, role: str) -> None:
    done(world, world.app.admit_member, actor=actor, initiative=IID, person=person, role=role)


@given(parsers.re(rf"(?P<actor>\w+) dismisses (?P<person>\w+) because {Q('reason')}"))
def given_dismisses(world: World, actor: str, person: str, reason: str) -> None:
    done(world, world.app.dismiss_member, actor=actor, initiative=IID, person=person,
         reason=reason)


@given(parsers.re(rf"(?P<actor>\w+) recorded that (?P<decider>\w+) decided {Q('option')} among {Q('keys')} in scope {Q('scope')} as {Q('key')}"))
def given_claimed_decision(world: World, ctx: dict[str, Any], actor: str, decider: str,
                           option: str, keys: str, scope: str, key: str) -> None:
    [ctx["claim"], *_] = world.record(
        world.app.take_decision, actor=actor, initiative=IID, decision=key, scope=scope,
        title=f"Chose {option}", option=option, rationale="Decided in the meeting",
        decided_by=[decider], options=options(keys))


@given(parsers.re(rf"(?P<actor>\w+) reported the joint status {Q('summary')} with (?P<other>\w+)"))
def given_joint_status(world: World, ctx: dict[str, Any], actor: str, summary: str,
                       other: str) -> None:
    [ctx["claim"]] = world.record(world.app.report_status, actor=actor, initiative=IID,
                                  summary=summary, reported_by=[actor, other])


@given(parsers.re(r"(?P<person>\w+) confirmed that entry"))
def given_confirmed(world: World, ctx: dict[str, Any], person: str) -> None:
    world.answer(person, ctx["claim"]["position"], None)


@given(parsers.re(rf"(?P<giver>\w+) hands {Q('item')} to (?P<taker>\w+) as {Q('key')}"))
def given_handoff(world: World, giver: str, item: str, taker: str, key: str) -> None:
    done(world, world.app.start_handoff, actor=giver, initiative=IID, handoff=key, item=item,
         from_person=giver, to_person=taker)


@when(parsers.re(rf"(?P<actor>\w+) reports the joint status {Q('summary')}"))
def reports(world: World, ctx: dict[str, Any], actor: str, summary: str) -> None:
    attempt(world, ctx, world.app.report_status, actor=actor, initiative=IID, summary=summary,
            reported_by=[actor])


@when(parsers.re(r"(?P<actor>\w+) admits (?P<person>\w+) as (?P<role>\w+)"))
def admits(world: World, ctx: dict[str, Any], actor: str, person: str, role: str) -> None:
    attempt(world, ctx, world.app.admit_member, actor=actor, initiative=IID, person=person,
            role=role)


@when(parsers.re(rf"(?P<actor>\w+) dismisses (?P<person>\w+) because {Q('reason')}"))
def dismisses(world: World, ctx: dict[str, Any], actor: str, person: str, reason: str) -> None:
    attempt(world, ctx, world.app.dismiss_member, actor=actor, initiative=IID, person=person,
            reason=reason)


@when(parsers.re(rf"(?P<actor>\w+) closes the initiative with the outcome {Q('outcome')}"))
def closes(world: World, ctx: dict[str, Any], actor: str, outcome: str) -> None:
    attempt(world, ctx, world.app.close_initiative, actor=actor, initiative=IID, outcome=outcome)


@when(parsers.re(rf"(?P<actor>\w+) dissolves the tandem because {Q('reason')}"))
def dissolves(world: World, ctx: dict[str, Any], actor: str, reason: str) -> None:
    attempt(world, ctx, world.app.dissolve_tandem, actor=actor, initiative=IID, reason=reason)


@when(parsers.re(rf"(?P<actor>\w+) records that (?P<decider>\w+) decided {Q('option')} among {Q('keys')} in scope {Q('scope')} as {Q('key')}"))
def claims_decision(world: World, ctx: dict[str, Any], actor: str, decider: str, option: str,
                    keys: str, scope: str, key: str) -> None:
    attempt(world, ctx, world.app.take_decision, actor=actor, initiative=IID, decision=key,
            scope=scope, title=f"Chose {option}", option=option, rationale="Decided in the meeting",
            decided_by=[decider], options=options(keys))


@when(parsers.re(r"(?P<person>\w+) confirms that entry"))
def confirms(world: World, ctx: dict[str, Any], person: str) -> None:
    ctx["before"], ctx["error"] = world.log_size(), None
    try:
        ctx["result"] = world.answer(person, ctx["claim"]["position"], None)
    except DomainError as error:
        ctx["error"] = error


@when(parsers.re(rf"(?P<person>\w+) disputes that entry because {Q('reason')}"))
def disputes(world: World, ctx: dict[str, Any], person: str, reason: str) -> None:
    ctx["before"], ctx["error"] = world.log_size(), None
    try:
        ctx["result"] = world.answer(person, ctx["claim"]["position"], reason)
    except DomainError as error:
        ctx["error"] = error


@when(parsers.re(rf"(?P<actor>\w+) accepts the handoff {Q('key')}"))
def accepts(world: World, ctx: dict[str, Any], actor: str, key: str) -> None:
    attempt(world, ctx, world.app.accept_handoff, actor=actor, initiative=IID, handoff=key)


@then(parsers.re(rf"the decision {Q('key')} (?P<state>awaits confirmation|is in force|is disputed)"))
def decision_state(world: World, key: str, state: str) -> None:
    expected = {"awaits confirmation": "pending", "is in force": "in_force",
                "is disputed": "disputed"}[state]
    assert world.decision(key)["status"] == expected


# -- Then ----------------------------------------------------------------------------------------

@then("it is recorded")
def recorded(world: World, ctx: dict[str, Any]) -> None:
    assert ctx["error"] is None, f"refused: {ctx['error']}"
    assert ctx["result"], "no event was recorded"
    positions = [e["position"] for e in ctx["result"]]
    assert world.log_size() == max(positions)


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
def nothing_stored(world: World, ctx: dict[str, Any]) -> None:
    assert world.log_size() == ctx["before"]


@then(parsers.re(rf"the decision rests on the (?P<kind>mandate|escalation) {Q('key')}"))
def rests_on(world: World, ctx: dict[str, Any], kind: str, key: str) -> None:
    decision = next(e for e in ctx["result"] if e["type"] == "DecisionTaken")
    assert decision["data"]["basis"] == {"kind": kind, "id": key}


@then("the decision rests on the sponsor")
def rests_on_sponsor(ctx: dict[str, Any]) -> None:
    decision = next(e for e in ctx["result"] if e["type"] == "DecisionTaken")
    assert decision["data"]["basis"] == {"kind": "sponsor", "id": "kathi"}


@then(parsers.re(rf"the escalation {Q('key')} is resolved"))
def resolved(world: World, key: str) -> None:
    assert world.escalation(key)["status"] == "resolved"


@then(parsers.re(rf"the decision {Q('key')} is superseded"))
def superseded(world: World, key: str) -> None:
    decision = world.decision(key)
    assert decision["status"] == "superseded"
    assert decision["superseded_by"]


@then(parsers.re(rf"the escalation {Q('key')} is addressed to (?P<person>\w+) at level (?P<level>\d+)"))
def addressed(world: World, key: str, person: str, level: str) -> None:
    escalation = world.escalation(key)
    assert (escalation["addressed_to"], escalation["level"]) == (person, int(level))


# -- mandates with limits ------------------------------------------------------------------------

@given(parsers.re(rf"(?P<person>\w+) holds the (?P<delegable>delegable )?mandate {Q('key')} for the scope {Q('scope')}( valid until {Q('until')})?( with a cap of {Q('cap')})?"))
def limited_mandate(world: World, person: str, delegable: str | None, key: str, scope: str,
                    until: str | None, cap: str | None) -> None:
    amount, currency = cap.split() if cap else (None, None)
    done(world, world.app.grant_mandate, actor="kathi", initiative=IID, mandate=key,
         person=person, scope=scope, effective_at=OPENED + timedelta(days=1), valid_until=until,
         budget_amount=amount, budget_currency=currency, may_delegate=bool(delegable))


def _delegate(world: World, actor: str, parent: str, person: str, key: str, scope: str,
              cap: str) -> Callable[..., Any]:
    amount, currency = cap.split()
    return lambda run: run(world, world.app.delegate_mandate, actor=actor, initiative=IID,
                           mandate=key, delegated_from=parent, person=person, scope=scope,
                           budget_amount=amount, budget_currency=currency)


@given(parsers.re(rf"(?P<actor>\w+) delegated {Q('parent')} to (?P<person>\w+) as {Q('key')} for the scope {Q('scope')} with a cap of {Q('cap')}"))
def delegated(world: World, actor: str, parent: str, person: str, key: str, scope: str,
              cap: str) -> None:
    _delegate(world, actor, parent, person, key, scope, cap)(done)


@when(parsers.re(rf"(?P<actor>\w+) delegates {Q('parent')} to (?P<person>\w+) as {Q('key')} for the scope {Q('scope')} with a cap of {Q('cap')}"))
def delegates(world: World, ctx: dict[str, Any], actor: str, parent: str, person: str, key: str,
              scope: str, cap: str) -> None:
    _delegate(world, actor, parent, person, key, scope, cap)(
        lambda w, command, **kwargs: attempt(w, ctx, command, **kwargs))


@then(parsers.re(rf"the decision rests on the mandate chain {Q('chain')}"))
def rests_on_chain(ctx: dict[str, Any], chain: str) -> None:
    decision = next(e for e in ctx["result"] if e["type"] == "DecisionTaken")
    assert decision["data"]["basis"] == {"kind": "mandate", "id": chain.split(" > ")[-1],
                                         "chain": chain}


# -- handoffs refused, returned, with acceptance criteria ----------------------------------------

@when(parsers.re(rf"(?P<giver>\w+) hands {Q('item')} to (?P<taker>\w+) as {Q('key')} with the acceptance criteria {Q('criteria')}"))
def hands_with_criteria(world: World, ctx: dict[str, Any], giver: str, item: str, taker: str,
                        key: str, criteria: str) -> None:
    attempt(world, ctx, world.app.start_handoff, actor=giver, initiative=IID, handoff=key,
            item=item, from_person=giver, to_person=taker,
            acceptance_criteria=[c.strip() for c in criteria.split(",")])


@given(parsers.re(rf"(?P<actor>\w+) accepted the handoff {Q('key')}"))
def accepted(world: World, actor: str, key: str) -> None:
    done(world, world.app.accept_handoff, actor=actor, initiative=IID, handoff=key)


@given(parsers.re(rf"(?P<actor>\w+) (?P<answer>refused|returned) the handoff {Q('key')} because {Q('reason')}"))
def handoff_answered(world: World, actor: str, answer: str, key: str, reason: str) -> None:
    command = world.app.refuse_handoff if answer == "refused" else world.app.return_handoff
    done(world, command, actor=actor, initiative=IID, handoff=key, reason=reason)


@when(parsers.re(rf"(?P<actor>\w+) (?P<answer>refuses|returns) the handoff {Q('key')} because {Q('reason')}"))
def answers_handoff(world: World, ctx: dict[str, Any], actor: str, answer: str, key: str,
                    reason: str) -> None:
    command = world.app.refuse_handoff if answer == "refuses" else world.app.return_handoff
    attempt(world, ctx, command, actor=actor, initiative=IID, handoff=key, reason=reason)


@then(parsers.re(rf"the handoff carries the acceptance criteria {Q('criteria')}"))
def carries_criteria(ctx: dict[str, Any], criteria: str) -> None:
    [started] = [e for e in ctx["result"] if e["type"] == "HandoffStarted"]
    assert started["data"]["acceptance_criteria"] == [c.strip() for c in criteria.split(",")]


# -- measurable criteria ------------------------------------------------------------------------

def _criterion(world: World, actor: str, key: str, target: str, date: str,
               owners: str) -> Callable[..., Any]:
    comparison, value, unit = target.split(" ", 2)
    return lambda run: run(world, world.app.define_criterion, actor=actor, initiative=IID,
                           criterion=key, description=f"Criterion {key}", target=target,
                           comparison=comparison, target_value=value, target_unit=unit,
                           owners=people(owners.replace(" and ", ",")),
                           data_source="The monthly survey", evaluation_dates=[date],
                           effective_at=OPENED + timedelta(days=1))


@when(parsers.re(rf"(?P<actor>\w+) defines the criterion {Q('key')} as {Q('target')} evaluated on {Q('date')}, owned by (?P<owners>[\w ]+)"))
def defines_criterion(world: World, ctx: dict[str, Any], actor: str, key: str, target: str,
                      date: str, owners: str) -> None:
    _criterion(world, actor, key, target, date, owners)(
        lambda w, command, **kwargs: attempt(w, ctx, command, **kwargs))


@given(parsers.re(rf"the criterion {Q('key')} is {Q('target')} evaluated on {Q('date')}, owned by (?P<owners>[\w ]+)"))
def criterion_defined(world: World, key: str, target: str, date: str, owners: str) -> None:
    _criterion(world, "kathi", key, target, date, owners)(done)


@given(parsers.re(rf"{Q('key')} was measured at (?P<value>[\d.]+) on {Q('date')}"))
def measured(world: World, key: str, value: str, date: str) -> None:
    done(world, world.app.record_measurement, actor="jonas", initiative=IID, criterion=key,
         value=value, effective_at=date)


@given(parsers.re(rf"(?P<actor>\w+) retired the criterion {Q('key')} because {Q('reason')}"))
def retired(world: World, actor: str, key: str, reason: str) -> None:
    done(world, world.app.retire_criterion, actor=actor, initiative=IID, criterion=key,
         reason=reason)


@when(parsers.re(rf"(?P<actor>\w+) measures {Q('key')} at (?P<value>[\d.]+)"))
def measures(world: World, ctx: dict[str, Any], actor: str, key: str, value: str) -> None:
    attempt(world, ctx, world.app.record_measurement, actor=actor, initiative=IID, criterion=key,
            value=value)


@then(parsers.re(rf"the criterion {Q('key')} is (?P<state>met|missed|pending)"))
def criterion_state(world: World, key: str, state: str) -> None:
    assert world.criterion_state(key) == state


# -- meetings and demos ------------------------------------------------------------------------

def _schedule(world: World, actor: str, kind: str, key: str, at: str, moderator: str,
              invited: str) -> Callable[..., Any]:
    return lambda run: run(world, world.app.schedule_meeting, actor=actor, initiative=IID,
                           meeting=key, kind=kind, title=f"Meeting {key}", starts_at=when_text(at),
                           moderator=moderator, invited=people(invited),
                           agenda=["Status", "Decisions"], effective_at=OPENED + timedelta(days=1))


@when(parsers.re(rf"(?P<actor>\w+) schedules the {Q('kind')} meeting {Q('key')} for {Q('at')}, moderated by (?P<moderator>\w+), inviting (?P<invited>[\w, ]+)"))
def schedules(world: World, ctx: dict[str, Any], actor: str, kind: str, key: str, at: str,
              moderator: str, invited: str) -> None:
    _schedule(world, actor, kind, key, at, moderator, invited)(
        lambda w, command, **kwargs: attempt(w, ctx, command, **kwargs))


@given(parsers.re(rf"(?P<actor>\w+) scheduled the {Q('kind')} meeting {Q('key')} for {Q('at')}, moderated by (?P<moderator>\w+), inviting (?P<invited>[\w, ]+)"))
def scheduled(world: World, actor: str, kind: str, key: str, at: str, moderator: str,
              invited: str) -> None:
    _schedule(world, actor, kind, key, at, moderator, invited)(done)


@given(parsers.re(rf"(?P<actor>\w+) recorded that (?P<attended>[\w ]+) attended {Q('key')}"))
def held(world: World, ctx: dict[str, Any], actor: str, attended: str, key: str) -> None:
    [ctx["claim"]] = world.record(world.app.hold_meeting, actor=actor, initiative=IID,
                                  meeting=key, attended=people(attended.replace(" and ", ",")))


@when(parsers.re(rf"(?P<actor>\w+) records that (?P<attended>[\w ]+) attended {Q('key')}"))
def holds_meeting(world: World, ctx: dict[str, Any], actor: str, attended: str, key: str) -> None:
    attempt(world, ctx, world.app.hold_meeting, actor=actor, initiative=IID, meeting=key,
            attended=people(attended.replace(" and ", ",")))


@when(parsers.re(rf"(?P<actor>\w+) records the outcome of {Q('key')} linking the (?P<kind>\w+) {Q('target')}"))
def meeting_outcome(world: World, ctx: dict[str, Any], actor: str, key: str, kind: str,
                    target: str) -> None:
    attempt(world, ctx, world.app.record_meeting_outcome, actor=actor, initiative=IID,
            meeting=key, summary="Agreed in the meeting", links=[{"kind": kind, "id": target}])


@when(parsers.re(rf"(?P<actor>\w+) records the feedback of {Q('unit')} at {Q('key')} as {Q('text')}"))
def demo_feedback(world: World, ctx: dict[str, Any], actor: str, unit: str, key: str,
                  text: str) -> None:
    attempt(world, ctx, world.app.record_meeting_outcome, actor=actor, initiative=IID,
            meeting=key, summary="Demo of the ordering process",
            feedback=[{"unit": unit, "feedback": text}])


# -- imported decision records -------------------------------------------------------------------

IMPORTED = rf"(?P<actor>\w+) (?P<verb>imported|imports) the record {Q('source')} in which (?P<decider>\w+) decided {Q('option')} among {Q('keys')} in scope {Q('scope')} as {Q('key')}( superseding {Q('old')})?( from {Q('when')})?"


def _import(world: World, actor: str, source: str, decider: str, option: str, keys: str,
            scope: str, key: str, old: str | None, when: str | None) -> Callable[[], Any]:
    return lambda: world.record(
        world.app.import_decision, actor=actor, initiative=IID, decision=key, scope=scope,
        title=f"Chose {option}", option=option, rationale="As the record says",
        decided_by=[decider], options=options(keys), source=source, supersedes=old,
        effective_at=when_text(when) if when else None)


@given(parsers.re(IMPORTED))
def given_imported(world: World, ctx: dict[str, Any], actor: str, verb: str, source: str,
                   decider: str, option: str, keys: str, scope: str, key: str,
                   old: str | None, when: str | None) -> None:
    [ctx["claim"], *_] = _import(world, actor, source, decider, option, keys, scope, key, old,
                                 when)()


@when(parsers.re(IMPORTED))
def imports(world: World, ctx: dict[str, Any], actor: str, verb: str, source: str,
            decider: str, option: str, keys: str, scope: str, key: str, old: str | None,
            when: str | None) -> None:
    ctx["before"], ctx["error"] = world.log_size(), None
    try:
        ctx["result"] = _import(world, actor, source, decider, option, keys, scope, key, old,
                                when)()
    except DomainError as error:
        ctx["error"] = error


@then(parsers.re(rf"the decision rests on the imported record {Q('source')}"))
def rests_on_record(ctx: dict[str, Any], source: str) -> None:
    decision = next(e for e in ctx["result"] if e["type"] == "DecisionTaken")
    assert decision["data"]["basis"] == {"kind": "imported", "id": source}
