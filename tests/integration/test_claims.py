"""A member records what others decided, agreed and reported: every such entry stays their
claim until each person named confirms it, no governance rule is satisfied by it meanwhile, the
pages say so, and the bitemporal views know when it was confirmed. On both backends.
"""

from __future__ import annotations

import warnings
from typing import Any

import pytest

from domain.errors import Forbidden
from projections.governance.engine import check
from tests.support.world import auth
from web.app import create_app
from web.system import Tandem

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

K = "kundenportal"
GOVERNANCE = "features/governance"


@pytest.fixture
def fred(story: Tandem) -> dict[str, Any]:
    """fred, of the finance unit, admitted as a member, records claims about the leads."""
    app = story.app
    story.record(app.register_unit, actor="kathi", unit="finance", name="Finance")
    story.record(app.register_person, actor="kathi", person="fred", name="Fred Fink",
                 unit="finance", role="member")
    story.record(app.admit_member, actor="kathi", initiative=K, person="fred", role="member",
                 reason="Controls the portal budget")
    claims = {
        "decision": story.record(
            app.take_decision, actor="fred", initiative=K, decision="d-fred",
            scope="planning/budget", title="The portal budget doubles", option="double",
            rationale="Decided in the steering meeting", decided_by=["kathi"],
            options=[{"key": "double", "title": "Double"}, {"key": "keep", "title": "Keep"}]),
        "goal": story.record(
            app.set_goal, actor="fred", initiative=K, statement="Portal live by Christmas",
            reason="Agreed in the corridor", agreed_by=["jonas", "miriam"]),
        "status": story.record(
            app.report_status, actor="fred", initiative=K, summary="All green",
            reported_by=["jonas", "miriam"]),
        "proposal": story.record(
            app.propose, actor="fred", initiative=K, proposal="p-fred", question="More budget?",
            scope="planning/budget", proposed_by=["jonas", "miriam"],
            options=[{"key": "yes", "title": "Yes"}, {"key": "no", "title": "No"}]),
    }
    return {name: envelopes[0] for name, envelopes in claims.items()}


def test_every_claim_fred_records_about_others_waits_for_them(story: Tandem, fred: dict) -> None:
    for name, entry in fred.items():
        assert entry["attestation"]["status"] == "pending", name
        assert entry["attestation"]["confirmed"] == [], name  # fred named only others
    waiting = {e["position"] for e in story.read.waiting_for("miriam")}
    assert {fred["goal"]["position"], fred["status"]["position"],
            fred["proposal"]["position"]} <= waiting
    state = story.read.state(K)
    assert state["decisions"]["d-fred"]["status"] == "pending"
    assert story.read.decision(K, "d-fred")["status"] == "pending"
    assert state["goal"]["statement"] != "Portal live by Christmas"
    assert state["goal_unconfirmed"]["statement"] == "Portal live by Christmas"
    assert "Portal live by Christmas" not in [
        v["statement"] for v in story.read.goal_history(K)["versions"]]


def test_fred_cannot_act_for_the_leads(story: Tandem, fred: dict) -> None:
    app = story.app
    before = app.recorder.max_notification_id()
    story.record(app.start_handoff, actor="jonas", initiative=K, handoff="h-fred",
                 item="Budget sheet", from_person="jonas", to_person="miriam")
    after_handoff = app.recorder.max_notification_id()
    attempts = [
        (lambda: story.record(app.revoke_decision, actor="fred", initiative=K,
                              decision="d-go-live", reason="too slow"), "lead-action"),
        (lambda: story.record(app.dissolve_tandem, actor="fred", initiative=K,
                              reason="new leads"), "lead-action"),
        (lambda: story.record(app.accept_handoff, actor="fred", initiative=K,
                              handoff="h-fred"), "handoff-receiver"),
        (lambda: story.record(app.close_initiative, actor="fred", initiative=K,
                              outcome="done"), "lead-action"),
        (lambda: story.answer("fred", fred["goal"]["position"], None), "confirmation-by-named"),
    ]
    for attempt, rule in attempts:
        with pytest.raises(Forbidden) as refused:
            attempt()
        assert refused.value.rule == rule
    assert app.recorder.max_notification_id() == after_handoff > before


def test_no_rule_is_satisfied_by_an_unconfirmed_claim(story: Tandem, fred: dict) -> None:
    results = check(story.read, [GOVERNANCE], initiative=K)
    faulted = {(s.scenario, e["position"]) for s in results.scenarios for v in s.violations
               for e in v.events}
    assert ("Both tandem partners agree every goal change",
            fred["goal"]["position"]) in faulted
    assert ("Status is reported jointly by the tandem", fred["status"]["position"]) in faulted
    assert ("Each decision rests on a basis valid when it took effect",
            fred["decision"]["position"]) in faulted


def test_the_named_answer_and_the_views_know_when(story: Tandem, fred: dict) -> None:
    before = story.read.now()
    decision, status = fred["decision"]["position"], fred["status"]["position"]
    [confirmed] = story.answer("kathi", decision, None)
    assert confirmed["type"] == "EntryConfirmed" and confirmed["actor"] == "kathi"
    story.answer("miriam", status, "Not green: the hotline budget is open")
    assert story.read.decision(K, "d-fred")["status"] == "in_force"
    assert story.read.state(K)["decisions"]["d-fred"]["status"] == "in_force"
    assert story.read.state(K, known_at=before)["decisions"]["d-fred"]["status"] == "pending"
    [report] = [e for e in story.read.timeline(initiative=K) if e["position"] == status]
    assert report["attestation"]["status"] == "disputed"
    assert report["attestation"]["reasons"] == {"miriam": "Not green: the hotline budget is open"}
    assert report["attestation"]["pending"] == ["jonas"]
    with pytest.raises(Exception) as twice:
        story.answer("kathi", decision, None)
    assert getattr(twice.value, "rule", None) == "confirmation-by-named"


def test_a_named_person_deactivated_before_answering_leaves_the_entry_pending_and_flagged(
        story: Tandem, fred: dict) -> None:
    story.record(story.app.deactivate_person, actor="kathi", person="miriam", reason="left")
    [entry] = [e for e in story.read.timeline(initiative=K)
               if e["position"] == fred["proposal"]["position"]]
    assert entry["attestation"]["status"] == "pending"
    assert entry["attestation"]["cannot_answer"] == ["miriam"]


def test_the_pages_show_a_claim_as_a_claim(story: Tandem, fred: dict) -> None:
    token, _ = story.app.issue_token(actor="kathi", person="jonas")
    story.catch_up()
    client = TestClient(create_app(story.settings, story))
    page = client.get("/login")
    client.post("/login", data={"token": token, "csrf": page.context["csrf"]})
    decision = client.get(f"/initiatives/{K}/decisions/d-fred")
    assert decision.status_code == 200
    assert "Recorded by Fred Fink, naming Kathi Berger; Kathi Berger has not confirmed." in decision.text
    assert "Awaiting confirmation" in decision.text
    assert "Not confirmed by its deciders" in decision.text
    initiative = client.get(f"/initiatives/{K}")
    assert initiative.context["state"]["goal_unconfirmed"]["statement"] == "Portal live by Christmas"
    assert "A change of the goal waits for the agreement of everyone it names" in initiative.text
    waiting = client.get("/confirmations")
    assert {e["position"] for e in waiting.context["entries"]} >= {
        fred["goal"]["position"], fred["status"]["position"]}
    assert initiative.context["waiting"] == len(waiting.context["entries"])


def test_confirming_through_the_api(story: Tandem, fred: dict) -> None:
    tokens = {p: story.app.issue_token(actor="kathi", person=p)[0] for p in ("jonas", "fred")}
    story.catch_up()
    client = TestClient(create_app(story.settings, story))
    mine = client.get("/api/me/confirmations", headers=auth(tokens["jonas"])).json()
    assert fred["status"]["position"] in [e["position"] for e in mine["confirmations"]]
    position = fred["status"]["position"]
    no_reason = client.post(f"/api/confirmations/{position}", json={"answer": "dispute"},
                            headers=auth(tokens["jonas"]))
    assert no_reason.status_code == 422 and "reason" in no_reason.json()["fields"]
    not_named = client.post(f"/api/confirmations/{position}", json={"answer": "confirm"},
                            headers=auth(tokens["fred"]))
    assert not_named.status_code == 403
    assert not_named.json()["rule"] == "confirmation-by-named"
    yes = client.post(f"/api/confirmations/{position}", json={"answer": "confirm"},
                      headers=auth(tokens["jonas"]))
    assert yes.status_code == 201 and yes.json()["type"] == "EntryConfirmed"
    again = client.post(f"/api/confirmations/{position}", json={"answer": "confirm"},
                        headers=auth(tokens["jonas"]))
    assert again.status_code == 422 and again.json()["rule"] == "confirmation-by-named"
    nowhere = client.post("/api/confirmations/999999", json={"answer": "confirm"},
                          headers=auth(tokens["jonas"]))
    assert nowhere.status_code == 404
