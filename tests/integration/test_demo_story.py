"""The demo story, asked the questions its people and its auditors come with.

`load_demo` records twelve weeks ending TODAY; day n of the story is START + n days.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, time, timedelta, timezone

import pytest

from tests.support.clock import Clock
from web.system import Tandem

TODAY = datetime(2026, 11, 21, 9, tzinfo=timezone.utc)
START = date(2026, 8, 29)  # TODAY - 84 days
K = "kundenportal"


def day(n: int, hour: int = 9) -> datetime:
    return datetime.combine(START + timedelta(days=n), time(hour), timezone.utc)


@pytest.fixture
def clock() -> Clock:
    """The story's clock, pinned to its last day (tests move it on)."""
    return Clock(TODAY)


def accountable(tandem: Tandem, moment: datetime) -> dict[str, str | None]:
    return {a["area"]: a["accountable"] for a in tandem.read.matrix(K, as_of=moment)["areas"]}


def test_who_is_accountable_for_each_area_on_three_dates(story):
    assert story.read.matrix(K, as_of=day(10))["areas"] == []
    assert accountable(story, day(20)) == {
        "customer-guidance": "miriam", "data-model": "thomas", "go-live": "jonas",
        "operations/backoffice": "miriam", "technology": "jonas"}
    assert accountable(story, day(30)) == {
        "customer-guidance": "miriam", "data-model": "jonas", "go-live": "jonas",
        "operations/backoffice": "miriam", "technology": "jonas"}
    assert accountable(story, day(60)) == {
        "customer-guidance": "miriam", "data-model": "jonas", "go-live": "miriam",
        "operations/backoffice": "miriam", "technology": "jonas"}
    later = {a["area"]: a for a in story.read.matrix(K, as_of=day(60))["areas"]}
    assert later["go-live"]["responsible"] == ["jonas"]
    assert later["operations/backoffice"]["responsible"] == ["lena", "sabine"]
    assert story.read.matrix(K, as_of=day(60))["tandem"] == ["jonas", "miriam"]
    assert story.read.matrix(K, as_of=day(10))["tandem"] == []


def test_the_goal_on_two_dates_and_its_history(story):
    assert story.read.goal(K, as_of=day(10)) is None
    first = story.read.goal(K, as_of=day(20))
    assert first["version"] == 1 and first["statement"].startswith("Customer portal live in Q2")
    second = story.read.goal(K, as_of=day(60))
    assert second["version"] == 2
    assert second["statement"].startswith("Customer portal live in the pilot region in Q2")
    assert second["reason"] == "Pilot-first go-live decided on escalation e-go-live-date"
    history = story.read.goal_history(K)["versions"]
    assert [(v["version"], v["effective_at"]) for v in history] == [
        (1, day(14).isoformat()), (2, day(56).isoformat())]
    assert len(story.read.goal_history(K, known_at=day(30))["versions"]) == 1


def test_the_decisions_with_their_basis_and_status(story):
    decisions = story.read.decisions(initiative=K)
    assert [(d["id"], d["basis"], d["status"], d["superseded_by"]) for d in decisions] == [
        ("d-three-patterns", {"kind": "mandate", "id": "m-tech-design"}, "in_force", None),
        ("d-validation", {"kind": "mandate", "id": "m-tech-design"}, "superseded",
         "d-validation-typing"),
        ("d-backoffice-flow", {"kind": "mandate", "id": "m-backoffice"}, "in_force", None),
        ("d-go-live", {"kind": "escalation", "id": "e-go-live-date"}, "in_force", None),
        ("d-validation-typing", {"kind": "mandate", "id": "m-tech-design"}, "in_force", None),
        ("d-support-hours", {"kind": "mandate", "id": "m-backoffice"}, "in_force", None),
        ("d-survey-voucher", {"kind": "mandate", "id": "m-survey-incentives"}, "in_force", None),
    ]
    late = story.read.decision(K, "d-support-hours")
    assert late["backdated"] and late["effective_at"] == day(56, 15).isoformat()
    assert late["recorded_at"] == day(77).isoformat()
    assert [d["id"] for d in decisions if d["backdated"]] == ["d-support-hours"]
    # as the log stood on day 60, the late decision was not known yet
    assert "d-support-hours" not in story.read.state(K, as_of=day(60), known_at=day(60))["decisions"]
    assert "d-support-hours" in story.read.state(K, as_of=day(60), known_at=TODAY)["decisions"]


def test_the_escalation_path_and_the_board(story, clock):
    board = story.read.escalations()
    assert [(e["id"], e["status"]) for e in board] == [
        ("e-hotline-budget", "open"), ("e-go-live-date", "resolved")]
    hotline, go_live = board
    assert hotline["overdue"] and hotline["age_days"] == 9.0
    assert (hotline["level"], hotline["addressed_to"]) == (1, "kathi")
    assert go_live["resolved_by"] == "d-go-live" and go_live["resolved_at"] == day(38).isoformat()
    assert [(h["level"], h["addressed_to"]) for h in go_live["history"]] == [(1, "kathi")]

    story.record(story.app.forward_overdue, initiative=K)  # the sweep, as of TODAY
    hotline = story.read.escalations(status="open")[0]
    assert [(h["level"], h["addressed_to"], h["reason"], h["actor"]) for h in hotline["history"]] == [
        (1, "kathi", None, "miriam"), (2, "petra", "overdue", "tandem-sweep")]
    assert hotline["due_at"] == (TODAY + timedelta(days=5)).isoformat()  # the same interval again
    assert not hotline["overdue"]
    assert story.read.initiative_row(K)["escalation_path"] == ["kathi", "petra"]

    clock.now = TODAY + timedelta(hours=1)
    story.record(story.app.raise_escalation, actor="jonas", initiative=K, escalation="e-rollout",
                 topic="Rollout order", raised_by="jonas", due_at=TODAY + timedelta(days=3),
                 options=[{"key": "a", "title": "East first"}, {"key": "b", "title": "South first"}])
    board = story.read.escalations()
    assert [e["id"] for e in board] == ["e-hotline-budget", "e-rollout", "e-go-live-date"]
    assert [e["id"] for e in story.read.escalations(status="resolved")] == ["e-go-live-date"]


def test_timelines_in_effective_and_recording_order(story):
    effective = story.read.timeline(initiative=K)
    recorded = story.read.timeline(initiative=K, order="recorded")
    assert sorted(e["position"] for e in effective) == [e["position"] for e in recorded]
    assert [e["effective_at"] for e in effective] == sorted(e["effective_at"] for e in effective)
    late = next(i for i, e in enumerate(effective) if e["data"].get("decision") == "d-support-hours")
    assert effective[late - 1]["effective_at"] <= day(56, 15).isoformat() < effective[late + 1]["effective_at"]
    entries = [e for e in recorded if e["type"] not in ("EntryConfirmed", "EntryDisputed")
               and e["recorded_at"] < day(78, 0).isoformat()]  # before the last week's rhythm
    assert entries[-2]["data"]["decision"] == "d-support-hours"  # recorded near the end
    assert [e["data"].get("decision") for e in effective if e["backdated"]] == ["d-support-hours"]


def test_timeline_filters_by_type_and_time(story):
    decisions = story.read.timeline(initiative=K, types=["DecisionTaken", "DecisionRevoked"])
    assert len(decisions) == 7 and {e["type"] for e in decisions} == {"DecisionTaken"}
    week4 = story.read.timeline(initiative=K, types=["DecisionTaken"], start=day(23, 0),
                                end=day(30, 0))
    assert [e["data"]["decision"] for e in week4] == [
        "d-three-patterns", "d-validation", "d-backoffice-flow"]
    on_day_77 = story.read.timeline(initiative=K, order="recorded", start=day(77, 0),
                                    end=day(77, 23))
    assert [e["type"] for e in on_day_77] == ["DecisionTaken", "StatusReported", "EntryDisputed"]
    by_effect_on_day_56 = story.read.timeline(initiative=K, types=["DecisionTaken"],
                                              start=day(56, 0), end=day(56, 23))
    assert [e["data"]["decision"] for e in by_effect_on_day_56] == ["d-support-hours"]


def test_timelines_of_a_person_and_of_a_unit(story):
    assert [e["type"] for e in story.read.timeline(person="petra")] == [
        "PersonRegistered", "InitiativeOpened"]  # on the escalation path
    lena = story.read.timeline(person="lena")
    assert [e["type"] for e in lena] == [
        "PersonRegistered", "MemberAdmitted", "ResponsibilityAssigned", "MeasurementRecorded",
        "MeasurementRecorded"]
    initiative_events = len(story.read.timeline(initiative=K))
    it = story.read.timeline(unit="it", limit=1000)
    people_of_it = [e["data"]["person"] for e in it if e["type"] == "PersonRegistered"]
    assert sorted(people_of_it) == ["jonas", "ralf", "thomas"]
    assert len(it) == 1 + len(people_of_it) + initiative_events


def test_the_backdated_threshold_is_a_setting(story, settings, clock):
    relaxed = Tandem(dataclasses.replace(settings, backdated_days=30), clock=clock)
    try:
        assert not any(e["backdated"] for e in relaxed.read.timeline(initiative=K))
        assert not relaxed.read.decision(K, "d-support-hours")["backdated"]
    finally:
        relaxed.close()
    strict = Tandem(dataclasses.replace(settings, backdated_days=0.5), clock=clock)
    try:
        # the day-56 decision (21 days late) and the directory entries of day 0 recorded at 08:00
        assert "d-support-hours" in [e["data"].get("decision") for e in
                                     strict.read.timeline(initiative=K) if e["backdated"]]
    finally:
        strict.close()


def test_the_decision_register_filters(story):
    def ids(**filters: object) -> list[str]:
        return [d["id"] for d in story.read.decisions(**filters)]

    assert ids(person="jonas") == ["d-three-patterns", "d-validation", "d-validation-typing"]
    assert ids(person="kathi") == ["d-go-live"]
    assert ids(scope="technology") == ["d-three-patterns", "d-validation", "d-validation-typing"]
    assert ids(scope="technology/ordering/validation") == ["d-validation", "d-validation-typing"]
    assert ids(scope="operations") == ["d-backoffice-flow", "d-support-hours", "d-survey-voucher"]
    assert ids(scope="tech") == []  # a prefix of the path, not of the text
    assert ids(status="superseded") == ["d-validation"]
    assert ids(start=day(40, 0), end=day(60, 0)) == ["d-validation-typing", "d-support-hours"]
    assert ids(initiative="other") == []
    assert len(ids(status="in_force")) == 6


def test_a_revoked_decision_says_so_in_the_register(story, clock):
    clock.now = TODAY + timedelta(hours=2)
    story.record(story.app.revoke_decision, actor="kathi", initiative=K, decision="d-three-patterns",
                 reason="Seven patterns are back", effective_at=TODAY + timedelta(hours=1))
    revoked = story.read.decision(K, "d-three-patterns")
    assert revoked["status"] == "revoked"
    assert revoked["revoked"]["reason"] == "Seven patterns are back"
    assert revoked["revoked"]["actor"] == "kathi"
    assert [d["id"] for d in story.read.decisions(status="revoked")] == ["d-three-patterns"]


def test_a_scope_with_an_underscore_filters_as_a_path_on_both_backends(story):
    options = [{"key": "a", "title": "A"}, {"key": "b", "title": "B"}]
    for decision, scope in (("d-regions", "planning/go_live/regions"),
                            ("d-lookalike", "planning/goxlive/regions")):
        story.record(story.app.take_decision, actor="kathi", initiative=K, decision=decision,
                     scope=scope, title=decision, option="a", rationale="r",
                     decided_by=["kathi"], options=options)
    assert [d["id"] for d in story.read.decisions(scope="planning/go_live")] == ["d-regions"]


def test_the_rhythm_kept_meetings_a_demo_a_criterion_met_and_an_expired_mandate(story):
    state = story.read.state(K)
    meeting = state["meetings"]["js-week-12"]
    assert (meeting["kind"], meeting["held"], meeting["attended"]) == (
        "joint-status", True, ["miriam", "jonas"])
    assert meeting["attestation"]["status"] == "confirmed"
    assert state["escalations"]["e-hotline-budget"]["meetings"] == ["js-week-12"]
    demo = state["meetings"]["demo-ordering"]
    assert [f["unit"] for f in demo["outcomes"][0]["feedback"]] == ["it", "operations"]
    assert state["decisions"]["d-validation-typing"]["meetings"] == ["demo-ordering"]
    assert state["cadences"]["joint-status"]["every_days"] == 7
    criterion = state["criteria"]["customer-satisfaction"]
    assert criterion["state"] == "met"
    assert criterion["evaluations"] == [
        {"date": day(72, 12).isoformat(), "state": "met", "value": 4.2}]
    mandate = state["mandates"]["m-survey-incentives"]
    assert mandate["expired"] and mandate["budget"] == {"amount": 5000.0, "currency": "EUR"}
    assert state["decisions"]["d-survey-voucher"]["amount"] == 3000.0
    while_valid = story.read.state(K, as_of=day(80, 12))["mandates"]["m-survey-incentives"]
    assert not while_valid["expired"]
