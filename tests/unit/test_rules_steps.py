"""Every step of the vocabulary, holding and violated, over hand-built histories."""

from __future__ import annotations

import pytest

from tests.support.rules_log import Log, day, messages, run, scenario

DECISIONS = "the decisions of initiative p"
ESCALATIONS = "the escalations of initiative p"


def test_decisions_offer_at_least_n_options(tmp_path):
    log = Log()
    log.decision("d-two", 1)
    log.decision("d-one", 2, options=1)
    found = messages(run(tmp_path, scenario(DECISIONS, "each offered at least 2 options"), log))
    assert found == ["Decision d-one offered 1 option(s), fewer than 2."]


def test_escalations_offer_at_least_n_options(tmp_path):
    log = Log()
    log.escalation("e-one", 1, due=5, options=1)
    log.escalation("e-three", 1, due=5, options=3)
    found = messages(run(tmp_path, scenario(ESCALATIONS, "each offered at least 3 options"), log))
    assert found == ["Escalation e-one offered 1 option(s), fewer than 3."]


def test_decision_recorded_late_is_found_with_its_event(tmp_path):
    log = Log()
    log.decision("d-prompt", 1, recorded=8)
    log.decision("d-late", 2, recorded=23)
    results = run(tmp_path, scenario(DECISIONS, "each was recorded within 7 days of taking "
                                     "effect"), log)
    [violation] = results.scenarios[0].violations
    assert violation.message.startswith("Decision d-late was recorded 21.0 days after")
    [event] = violation.events
    assert event["position"] == 3 and event["type"] == "DecisionTaken"
    assert event["effective_at"] == day(2).isoformat()
    assert event["recorded_at"] == day(23).isoformat() and event["actor"] == "kathi"
    assert event["url"] == "http://t/initiatives/p/decisions/d-late"


def test_rationale_has_at_least_n_words(tmp_path):
    log = Log()
    log.decision("d-short", 1, rationale="Because.")
    log.decision("d-long", 1, rationale="one two three four five")
    found = messages(run(tmp_path, scenario(DECISIONS, "each states a rationale of at least 5 "
                                            "words"), log))
    assert found == ["Decision d-short states a rationale of 1 word(s) (at least 5)."]


def test_superseded_within_n_days(tmp_path):
    log = Log()
    log.decision("d-a", 1)
    log.decision("d-b", 3, supersedes="d-a")
    log.decision("d-c", 20, supersedes="d-b")
    found = messages(run(tmp_path, scenario(DECISIONS, "none was superseded within 7 days of "
                                            "being taken"), log))
    assert found == ["Decision d-a was superseded by Decision d-b after 2.0 days (within 7)."]


def mandate_log() -> Log:
    log = Log()
    log.add("MandateGranted", 1, mandate="m-tech", person="jonas", scope="technology",
            limits="", granted_by="kathi")
    return log


@pytest.mark.parametrize(("setup", "expected"), [
    (lambda log: log.decision("d", 2, decided_by=["jonas"], scope="technology/ordering",
                              basis={"kind": "mandate", "id": "m-tech"}), None),
    (lambda log: (log.add("MandateRevoked", 2, mandate="m-tech", reason="r"),
                  log.decision("d", 3, recorded=1, decided_by=["jonas"],
                               basis={"kind": "mandate", "id": "m-tech"})),
     "Decision d: mandate m-tech was revoked before"),
    (lambda log: log.decision("d", 0.5, decided_by=["jonas"],
                              basis={"kind": "mandate", "id": "m-tech"}),
     "Decision d: mandate m-tech was not granted before"),
    (lambda log: log.decision("d", 2, decided_by=["miriam"],
                              basis={"kind": "mandate", "id": "m-tech"}),
     "Decision d: mandate m-tech is held by jonas"),
    (lambda log: log.decision("d", 2, decided_by=["jonas"], scope="budget",
                              basis={"kind": "mandate", "id": "m-tech"}),
     "Decision d: mandate m-tech (scope technology) does not cover budget"),
    (lambda log: log.decision("d", 2, decided_by=["jonas"]),
     "Decision d: the sponsor kathi is not among the deciders."),
    (lambda log: (log.escalation("e", 1, due=5, to="kathi"),
                  log.decision("d", 2, basis={"kind": "escalation", "id": "e"})), None),
    (lambda log: (log.escalation("e", 1, due=5, to="petra"),
                  log.decision("d", 2, basis={"kind": "escalation", "id": "e"})),
     "Decision d: escalation e was addressed to petra"),
    (lambda log: log.decision("d", 2, basis={"kind": "gut-feeling", "id": "x"}),
     "Decision d: no basis was recorded"),
])
def test_basis_valid_at_effective_time(tmp_path, setup, expected):
    log = mandate_log()
    setup(log)
    found = messages(run(tmp_path, scenario(DECISIONS, "each was taken on a basis valid at its "
                                            "effective time"), log))
    if expected is None:
        assert found == []
    else:
        assert len(found) == 1 and found[0].startswith(expected), found


def escalation_log() -> Log:
    log = Log()
    log.escalation("e-fast", 1, due=4)
    log.add("EscalationResolved", 3, escalation="e-fast", decision="d")
    log.escalation("e-forwarded", 1, due=4)
    log.add("EscalationForwarded", 4, escalation="e-forwarded", level=2, addressed_to="petra",
            due_at=day(8).isoformat(), reason="overdue")
    log.add("EscalationResolved", 6, escalation="e-forwarded", decision="d2")
    log.escalation("e-waiting", 10, due=14)
    return log


def test_answered_within_n_days_at_each_level_or_forwarded(tmp_path):
    found = messages(run(tmp_path, scenario(ESCALATIONS, "each was answered within 4 days at its "
                                            "level, or forwarded"), escalation_log(), now=20))
    assert found == ["Escalation e-waiting waited 10.0 days at level 1 (kathi) without an "
                     "answer so far (at most 4)."]


def test_answered_by_due_date_or_forwarded(tmp_path):
    found = messages(run(tmp_path, scenario(ESCALATIONS, "each was answered by its due date, or "
                                            "forwarded"), escalation_log(), now=12))
    assert found == []  # e-waiting is not due yet at day 12
    found = messages(run(tmp_path, scenario(ESCALATIONS, "each was answered by its due date, or "
                                            "forwarded"), escalation_log(), now=15))
    assert len(found) == 1 and found[0].startswith("Escalation e-waiting was not answered at "
                                                   "level 1 (kathi) by its due date")


def test_none_stayed_open_longer_than_n_days(tmp_path):
    found = messages(run(tmp_path, scenario(ESCALATIONS, "none stayed open longer than 4 days"),
                         escalation_log(), now=12))
    assert found == ["Escalation e-forwarded was open 5.0 days (at most 4)."]
    found = messages(run(tmp_path, scenario(ESCALATIONS, "none stayed open longer than 4 days"),
                         escalation_log(), now=15))
    assert found[-1] == "Escalation e-waiting has been open 5.0 days (at most 4)."


def test_goal_before_first_decision(tmp_path):
    early, late = Log(), Log()
    early.goal(1, ["kathi"])
    early.decision("d", 2)
    late.decision("d", 1)
    late.goal(2, ["kathi"])
    text = scenario("the initiative p", "it had a shared goal before its first decision")
    assert messages(run(tmp_path, text, early)) == []
    [found] = messages(run(tmp_path, text, late))
    assert found.startswith("Decision d was taken at 2026-01-06 09:00, before any shared goal")


def test_goal_changed_at_most_n_times(tmp_path):
    log = Log()
    log.goal(1, ["kathi"])
    log.goal(2, ["kathi"], revised=True)
    log.goal(3, ["kathi"], revised=True)
    assert messages(run(tmp_path, scenario("the goal changes of initiative p",
                                           "the goal changed at most 2 times"), log)) == []
    assert messages(run(tmp_path, scenario("the goal changes of initiative p",
                                           "the goal changed at most 1 times"), log)) == [
        "The goal changed 2 times (at most 1)."]


def test_goal_change_agreed_by_both_tandem_partners(tmp_path):
    log = Log()
    log.goal(1, ["kathi"])  # before the tandem: not its agreement to give
    log.tandem(1)
    log.goal(2, ["kathi", "jonas", "miriam"], revised=True)
    log.goal(3, ["kathi", "jonas"], revised=True)
    found = messages(run(tmp_path, scenario("the goal changes of initiative p",
                                            "every goal change was agreed by both tandem "
                                            "partners"), log))
    assert found == ["The goal change at 2026-01-08 was not agreed by miriam."]


def test_status_reported_at_least_every_n_days_from_the_tandem(tmp_path):
    log = Log()
    log.tandem(10)
    log.status(20)
    log.status(35)
    text = scenario("the status reports of initiative p",
                    "status was reported at least every 14 days while open")
    assert messages(run(tmp_path, text, log, now=40)) == [
        "No status report for 15.0 days, from 2026-01-25 to 2026-02-09 (at most 14)."]
    assert messages(run(tmp_path, text, log, now=50))[-1].endswith("(none since)")


def test_status_cadence_within_a_window(tmp_path):
    log = Log()
    log.tandem(0)
    log.status(30)
    text = scenario("the initiative p between 2026-02-01 and 2026-02-10",
                    "status was reported at least every 14 days while open")
    assert messages(run(tmp_path, text, log, now=40)) == []


def test_status_reported_jointly(tmp_path):
    log = Log()
    log.status(1)
    log.tandem(2)
    log.status(3)
    log.status(4, by=["jonas"])
    found = messages(run(tmp_path, scenario("the status reports of initiative p",
                                            "each was reported jointly by the tandem"), log))
    assert found == ["Status report at 2026-01-06 was reported with no tandem in place.",
                     "Status report at 2026-01-09 was reported without miriam."]


def test_every_area_has_one_accountable_or_is_flagged(tmp_path):
    log = Log()
    log.role("tech", "jonas", "A", 1)
    log.role("tech", "thomas", "R", 1)  # same moment: never without an Accountable
    log.role("ops", "sabine", "R", 1)  # no Accountable from day 1 to day 3: short enough
    log.role("ops", "miriam", "A", 3)
    log.role("data", "lena", "R", 1)  # none for 20 days, never flagged
    log.role("data", "jonas", "A", 21)
    log.role("go-live", "petra", "R", 1)  # none until now, but flagged on day 5
    log.status(5, blocked=["Nobody owns go-live"])
    text = scenario("the responsibilities of initiative p",
                    "every area had exactly one Accountable, or it was flagged within 7 days")
    found = messages(run(tmp_path, text, log, now=30))
    assert found == ["Area data had no single Accountable for 20.0 days from 2026-01-06, and "
                     "it was not flagged within 7 days."]


def test_no_person_accountable_for_more_than_n_areas(tmp_path):
    log = Log()
    for n, area in enumerate(("a", "b", "c")):
        log.role(area, "jonas", "A", n)
    log.role("a", "jonas", "A", 5, release=True)
    log.role("d", "jonas", "A", 6)
    text = scenario("the responsibilities of initiative p",
                    "no person was Accountable for more than {n} areas at once")
    assert messages(run(tmp_path, text.format(n=3), log)) == []
    assert messages(run(tmp_path, text.format(n=2), log)) == [
        "jonas was Accountable for 3 areas at once (a, b, c; at most 2)."]


def test_handoffs_accepted_within_n_days(tmp_path):
    log = Log()
    log.add("HandoffStarted", 1, handoff="h-ok", item="x", from_person="a", to_person="b")
    log.add("HandoffAccepted", 2, handoff="h-ok")
    log.add("HandoffStarted", 1, handoff="h-slow", item="x", from_person="a", to_person="b")
    found = messages(run(tmp_path, scenario("the handoffs of initiative p",
                                            "each was accepted within 5 days"), log, now=10))
    assert found == ["Handoff h-slow waited 9.0 days for acceptance (at most 5)."]


def test_no_mandate_covers_every_scope(tmp_path):
    log = Log()
    log.add("MandateGranted", 1, mandate="m-all", person="jonas", scope="*", limits="",
            granted_by="kathi")
    log.add("MandateGranted", 1, mandate="m-tech", person="jonas", scope="technology",
            limits="", granted_by="kathi")
    found = messages(run(tmp_path, scenario("the mandates of initiative p",
                                            "none covered every scope"), log))
    assert found == ["Mandate m-all covers every scope."]


def test_given_window_and_scope_select_entries(tmp_path):
    log = Log()
    log.decision("d-jan-tech", 3, options=1, scope="technology/ordering")
    log.decision("d-jan-ops", 3, options=1, scope="operations")
    log.decision("d-mar-tech", 60, options=1, scope="technology")
    text = scenario('the decisions of initiative "p" between 2026-01-01 and 2026-01-31 '
                    "in scope technology", "each offered at least 2 options")
    assert messages(run(tmp_path, text, log)) == ["Decision d-jan-tech offered 1 option(s), "
                                                  "fewer than 2."]


def test_all_initiatives_and_the_initiative_option(tmp_path):
    a, b = Log("a"), Log("b")
    a.decision("d-a", 1, options=1)
    b.decision("d-b", 1, options=1)
    text = scenario("the decisions of all initiatives", "each offered at least 2 options")
    assert len(messages(run(tmp_path, text, a, b))) == 2
    only_b = run(tmp_path, text, a, b, initiative="b")
    assert messages(only_b) == ["Decision d-b offered 1 option(s), fewer than 2."]
    named = run(tmp_path, scenario("the decisions of initiative a",
                                   "each offered at least 2 options"), a, b, initiative="b")
    assert named.scenarios[0].status == "skipped"


def test_a_rule_naming_an_unknown_initiative_is_violated(tmp_path):
    results = run(tmp_path, scenario("the decisions of initiative ghost",
                                     "each offered at least 2 options"), Log())
    assert messages(results) == ["There is no initiative 'ghost' in the log."]
    assert results.exit_code == 1


def test_as_of_judges_the_history_as_known_then(tmp_path):
    log = Log()
    log.decision("d-late", 2, recorded=30)
    text = scenario(DECISIONS, "each was recorded within 7 days of taking effect")
    assert messages(run(tmp_path, text, log, as_of=day(20))) == []  # not yet recorded then
    assert len(messages(run(tmp_path, text, log))) == 1


# -- claims about others satisfy no rule ---------------------------------------------------------


def test_a_goal_change_named_but_not_confirmed_by_a_partner_is_not_agreed(tmp_path):
    log = Log()
    log.tandem(1)
    log.goal(2, ["jonas", "miriam"], confirmed=False)  # kathi records that both agreed
    results = run(tmp_path, scenario("every initiative",
                                     "every goal change was agreed by both tandem partners"), log)
    assert messages(results) == [
        "The goal change at 2026-01-07 names jonas, miriam as agreeing, who did not confirm it."]


def test_a_joint_status_not_confirmed_by_a_partner_is_not_joint(tmp_path):
    log = Log()
    log.tandem(1)
    log.status(2, by=["jonas", "miriam"], confirmed=False)  # kathi records it for both
    results = run(tmp_path, scenario("the status reports of all initiatives",
                                     "each was reported jointly by the tandem"), log)
    assert messages(results) == [
        "Status report at 2026-01-07 names jonas, miriam as reporting, who did not confirm it."]


def test_a_decision_its_deciders_did_not_confirm_rests_on_no_confirmed_basis(tmp_path):
    log = Log()
    log.decision("d", 1, decided_by=["kathi", "jonas"], confirmed=False)
    results = run(tmp_path, scenario("the decisions of all initiatives",
                                     "each was taken on a basis valid at its effective time"), log)
    assert messages(results) == [
        "Decision d: its basis rests on jonas deciding, who did not confirm it."]


def test_confirmations_are_timed_and_disputes_are_found(tmp_path):
    log = Log()
    late = log.status(1, by=["jonas", "miriam"], confirmed=False)
    log.confirm(late, "jonas", "miriam", after=9)
    never = log.status(20, by=["jonas", "miriam"], confirmed=False)
    log.add("EntryDisputed", 21, actor="miriam", entry=never["position"],
            position=never["position"], reason="Not what we said")
    confirmed = run(tmp_path, scenario("the status reports of all initiatives",
                                       "each was confirmed by everyone it names within 7 days"),
                    log, now=25)
    assert messages(confirmed) == [  # kathi recorded both reports for jonas and miriam
        "Status report of 2026-01-06 names jonas, who confirmed it after 9.0 days (at most 7).",
        "Status report of 2026-01-06 names miriam, who confirmed it after 9.0 days (at most 7).",
    ]  # the later one waits only 5 days for jonas, which the rule still allows
    disputed = run(tmp_path, scenario("every initiative", "no entry was disputed"), log, now=25)
    assert messages(disputed) == [f"miriam disputes entry #{never['position']}: "
                                  "Not what we said"]


def meeting(log: Log, key: str, at: float, attended: list[str], kind: str = "joint-status",
            confirmed: bool = True) -> None:
    log.add("MeetingScheduled", at - 1, meeting=key, kind=kind, title=key,
            starts_at=day(at).isoformat(), moderator="jonas", invited=["miriam"], agenda=[])
    entry = log.add("MeetingHeld", at, actor="jonas", meeting=key, attended=attended, notes="")
    log.claim(entry, attended, confirmed)


def test_joint_status_meetings_with_both_partners_at_least_every_n_days(tmp_path):
    log = Log()
    log.tandem(1)
    meeting(log, "js-1", 6, ["jonas", "miriam"])
    meeting(log, "js-2", 13, ["jonas"])  # miriam missing: does not count
    meeting(log, "st-1", 14, ["jonas", "miriam"], kind="steering")  # not a joint status
    meeting(log, "js-3", 17, ["jonas", "miriam"], confirmed=False)  # miriam never confirmed
    meeting(log, "js-4", 20, ["jonas", "miriam"])
    text = scenario("the initiative p", "a joint status meeting was held at least every 7 days "
                    "with both partners attending")
    assert messages(run(tmp_path, text, log, now=24)) == [
        "No joint status meeting with both partners for 14.0 days, from 2026-01-11 to "
        "2026-01-25 (at most 7)."]
    assert messages(run(tmp_path, text, log, now=30))[-1].endswith("(none since)")


def test_measurable_criteria_met_at_each_evaluation_date(tmp_path):
    log = Log()
    log.add("CriterionDefined", 1, criterion="feedback", description="Feedback", target="4",
            comparison=">=", target_value=4.0, target_unit="points", owners=[],
            data_source="", evaluation_dates=[day(10).isoformat(), day(20).isoformat(),
                                              day(40).isoformat()])
    log.add("CriterionDefined", 1, criterion="free", description="Free text", target="good")
    log.add("MeasurementRecorded", 8, criterion="feedback", value=4.5, note="")
    log.add("MeasurementRecorded", 15, criterion="feedback", value=3.0, note="")
    text = scenario("the initiative p", "every measurable criterion was met at each evaluation "
                    "date")
    assert messages(run(tmp_path, text, log, now=30)) == [
        "Criterion feedback missed its target (>= 4 points) on 2026-01-25: 3."]
