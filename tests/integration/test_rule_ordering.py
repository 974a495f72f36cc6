"""Backdated entries are checked against the history they land in (effective time)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from domain.errors import RuleViolation
from web.system import Tandem

OPENED = datetime(2026, 1, 1, 9, tzinfo=timezone.utc)
OPTIONS = [{"key": "a", "title": "A"}, {"key": "b", "title": "B"}]


def day(n: int) -> str:
    return (OPENED + timedelta(days=n)).isoformat()


@pytest.fixture
def portal(tandem: Tandem) -> Tandem:
    for person, unit in (("kathi", "it"), ("jonas", "it"), ("miriam", "ops"), ("board", "ops"),
                         ("eve", "ops")):
        tandem.record(tandem.app.register_person, actor="ada", person=person, name=person, unit=unit,
                      role="member")
    tandem.record(tandem.app.open_initiative, actor="kathi", initiative="p", title="Portal",
                  sponsor="kathi", units=["it", "ops"], escalation_path=["kathi", "board"],
                  effective_at=day(0))
    for person in ("jonas", "miriam", "eve"):
        tandem.record(tandem.app.admit_member, actor="kathi", initiative="p", person=person,
                      role="member", effective_at=day(0))
    return tandem


def refused(call, rule: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RuleViolation) as error:
        call()
    assert error.value.rule == rule


def test_a_decision_cannot_supersede_or_revoke_one_that_took_effect_after_it(portal):
    portal.record(portal.app.take_decision, actor="kathi", initiative="p", decision="d1", scope="x",
                  title="T", option="a", rationale="r", decided_by=["kathi"], options=OPTIONS,
                  effective_at=day(50))
    refused(lambda: portal.record(portal.app.take_decision, actor="kathi", initiative="p", decision="d2", scope="x", title="T",
        option="b", rationale="r", decided_by=["kathi"], options=OPTIONS, supersedes="d1",
        effective_at=day(10)), "effective-order")
    refused(lambda: portal.record(portal.app.revoke_decision, actor="kathi", initiative="p",
                                  decision="d1", reason="r", effective_at=day(10)),
            "effective-order")
    portal.record(portal.app.revoke_decision, actor="kathi", initiative="p", decision="d1", reason="r",
                  effective_at=day(51))
    assert portal.read.state("p")["decisions"]["d1"]["status"] == "revoked"


def test_an_escalation_is_not_resolved_before_it_was_raised(portal):
    portal.record(portal.app.raise_escalation, actor="jonas", initiative="p", escalation="e1", topic="T",
                  options=OPTIONS, raised_by="jonas", due_at=day(70), effective_at=day(60))
    refused(lambda: portal.record(portal.app.take_decision, actor="kathi", initiative="p", decision="d1", scope="x", title="T",
        option="a", rationale="r", decided_by=["kathi"], escalation="e1", effective_at=day(20)),
        "effective-order")
    portal.record(portal.app.take_decision, actor="kathi", initiative="p", decision="d1", scope="x",
                  title="T", option="a", rationale="r", decided_by=["kathi"], escalation="e1",
                  effective_at=day(61))
    assert portal.read.state("p")["escalations"]["e1"]["status"] == "resolved"


def test_the_escalation_basis_is_its_addressee_when_the_decision_takes_effect(portal):
    portal.record(portal.app.raise_escalation, actor="jonas", initiative="p", escalation="e1", topic="T",
                  options=OPTIONS, raised_by="jonas", due_at=day(60), effective_at=day(55))
    portal.record(portal.app.forward_escalation, actor="jonas", initiative="p", escalation="e1",
                  reason="no answer", effective_at=day(58))
    refused(lambda: portal.record(portal.app.take_decision, actor="board", initiative="p", decision="d1", scope="x", title="T",
        option="a", rationale="r", decided_by=["board"], escalation="e1", effective_at=day(56)),
        "decision-basis")
    [decision, resolved] = portal.record(portal.app.take_decision, actor="board", initiative="p", decision="d1", scope="x", title="T",
        option="a", rationale="r", decided_by=["board"], escalation="e1", effective_at=day(59))
    assert decision["data"]["basis"] == {"kind": "escalation", "id": "e1"}
    assert resolved["type"] == "EscalationResolved"


def test_a_backdated_goal_revision_cannot_slip_in_before_the_current_goal(portal):
    portal.record(portal.app.set_goal, actor="kathi", initiative="p", statement="G1",
                  agreed_by=["kathi"], effective_at=day(0))
    portal.record(portal.app.form_tandem, actor="kathi", initiative="p", people=["jonas", "miriam"],
                  effective_at=day(30))
    [g2] = portal.record(portal.app.set_goal, actor="kathi", initiative="p", statement="G2",
                         reason="why", agreed_by=["jonas", "miriam"], effective_at=day(40))
    for partner in ("jonas", "miriam"):  # the goal changes once both partners confirmed
        portal.answer(partner, g2["position"], None)
    refused(lambda: portal.record(portal.app.set_goal, actor="eve", initiative="p", statement="G-eve",
                                  reason="mine", agreed_by=["eve"], effective_at=day(29)),
            "effective-order")
    assert portal.read.state("p")["goal"]["statement"] == "G2"


def test_a_move_recorded_late_does_not_override_a_later_move(tandem):
    tandem.record(tandem.app.register_person, actor="ada", person="lena", name="Lena", unit="it",
                  role="member")
    tandem.record(tandem.app.move_person, actor="ada", person="lena", unit="ops")
    tandem.record(tandem.app.move_person, actor="ada", person="lena", unit="it",
                  effective_at=(datetime.now(timezone.utc) - timedelta(days=30)).isoformat())
    assert tandem.read.person("lena")["unit"] == "ops"


def test_a_runner_advances_only_its_own_projections(tandem):
    from projections.ledger.projection import LedgerProjection
    from projections.runner import Runner

    before = tandem.runner.positions()
    tandem.app.register_unit(actor="ada", unit="sales", name="Sales")  # not caught up yet
    Runner(tandem.db, tandem.app.mapper.to_domain_event, [LedgerProjection()]).catch_up()
    after = tandem.runner.positions()
    assert after["ledger"] > before["ledger"]
    assert after["directory"] == before["directory"] and after["timeline"] == before["timeline"]
    tandem.catch_up()
    assert {u["unit"] for u in tandem.read.units()} >= {"sales"}
