"""Governance rules over a real log (SQLite and PostgreSQL): the demo story against the default
rule set, the command line's outputs and exit codes, adopted rule sets."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone
from pathlib import Path

from projections.governance.engine import adopted_rules, check, check_adopted
from projections.governance.report import audit_report
from web.cli import main
from web.links import absolute

ROOT = Path(__file__).resolve().parents[2]
GOVERNANCE = ROOT / "features" / "governance"
TODAY = datetime.now(timezone.utc)


def failures(results):
    return {(s.scenario, v.message.split(" ")[1], e["type"])
            for s in results.scenarios if s.status == "failed"
            for v in s.violations for e in v.events}


def test_the_demo_passes_the_default_rules_except_where_it_breaks_them(story):
    results = check(story.read, [GOVERNANCE], link=absolute(story.settings.base_url))
    assert failures(results) == {
        ("Each decision is recorded within 7 days of taking effect", "d-support-hours",
         "DecisionTaken"),
        ("Each level answers by its due date or forwards", "e-hotline-budget",
         "EscalationRaised"),
        ("No escalation waits 7 days at one level", "e-hotline-budget", "EscalationRaised"),
        # jonas confirms the day-75 joint status report only after eight days
        ("Each joint status report is confirmed by its reporters within 7 days", "report",
         "StatusReported"),
        ("Each joint status report is confirmed by its reporters within 7 days", "report",
         "EntryConfirmed"),
        # miriam disputes the last report, so it is neither undisputed nor joint
        ("No entry is disputed", "disputes", "StatusReported"),
        ("No entry is disputed", "disputes", "EntryDisputed"),
        ("Status is reported jointly by the tandem", "report", "StatusReported"),
    }
    assert results.count("warned") == 0 and results.exit_code == 1
    late = next(v for s in results.scenarios for v in s.violations if "d-support-hours" in
                v.message)
    [event] = late.events
    assert event["actor"] == "miriam"
    assert datetime.fromisoformat(event["recorded_at"]) - datetime.fromisoformat(
        event["effective_at"]) > timedelta(days=20)
    assert event["url"] == (f"{story.settings.base_url}/initiatives/kundenportal/decisions/"
                            "d-support-hours")


def test_as_of_before_the_late_record_and_the_due_date_finds_nothing(story):
    before = TODAY - timedelta(days=10)  # before d-support-hours was recorded; hotline not due
    results = check(story.read, [GOVERNANCE], initiative="kundenportal", as_of=before)
    assert results.exit_code == 0, failures(results)


def test_cli_exit_codes_and_reports(story, settings, tmp_path, capsys):
    db = ["--db", settings.database_url]
    assert main([*db, "check-rules", str(GOVERNANCE)]) == 1
    text = capsys.readouterr().out
    assert "FAIL Decisions are taken with options and documented promptly" in text
    assert "d-support-hours" in text and "e-hotline-budget" in text

    assert main([*db, "check-rules", str(GOVERNANCE / "shared-goal.feature"),
                 "--initiative", "kundenportal", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["exit_code"] == 0 and data["summary"]["passed"] == 3

    out = tmp_path / "rules.xml"
    assert main([*db, "check-rules", str(GOVERNANCE), "--format", "junit",
                 "--out", str(out)]) == 1
    suites = ET.parse(out).getroot()
    assert suites.get("failures") == "6" and suites.get("tests") == "21"

    html = tmp_path / "rules.html"
    assert main([*db, "check-rules", str(GOVERNANCE), "--format", "html", "--out",
                 str(html)]) == 1
    assert "/escalations" in html.read_text()

    bad = tmp_path / "bad.feature"
    bad.write_text("Feature: Bad\n  Scenario: S\n    Given the decisions of all initiatives\n"
                   "    Then every decision was documented quickly\n")
    assert main([*db, "check-rules", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "bad.feature:4:5: no step definition matches" in err
    assert "closest known steps" in err

    bad.write_text("Feature: Bad\n  Scenario: S\n    Given the decisions of all initiatives\n"
                   "    | a | b |\n    | c |\n")
    assert main([*db, "check-rules", str(bad)]) == 2
    assert "bad.feature:5:5: Gherkin syntax error" in capsys.readouterr().err

    assert main([*db, "check-rules", str(GOVERNANCE), "--initiative", "ghost"]) == 2


def test_adopted_rules_are_recorded_and_checked_by_digest(story, settings, tmp_path, capsys,
                                                          monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copytree(GOVERNANCE, tmp_path / "governance")
    db = ["--db", settings.database_url]
    assert main([*db, "check-rules", "--adopted"]) == 0  # nothing adopted: nothing to judge
    assert audit_report(story.read, root=tmp_path) is None

    assert main([*db, "rules", "adopt", "governance", "--initiative", "kundenportal"]) == 0
    story.catch_up()
    adopted = adopted_rules(story.read, "kundenportal")
    assert adopted is not None and adopted["actor"] == "tandem-cli"
    assert sorted(f["name"] for f in adopted["files"]) == [
        "governance/attestation.feature", "governance/decisions.feature",
        "governance/escalations.feature",
        "governance/joint-status.feature", "governance/responsibilities.feature",
        "governance/shared-goal.feature"]

    capsys.readouterr()
    assert main([*db, "check-rules", "--adopted", "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["adopted"][0]["initiative"] == "kundenportal"
    assert data["summary"]["failed"] == 6
    results = check_adopted(story.read, root=tmp_path)
    assert {s.initiatives[0] for s in results.scenarios} == {"kundenportal"}
    report = audit_report(story.read, root=tmp_path)
    assert report is not None and report["exit_code"] == 1

    decisions = tmp_path / "governance" / "decisions.feature"
    decisions.write_text(decisions.read_text().replace("7 days", "30 days"))
    assert main([*db, "check-rules", "--adopted"]) == 2
    assert "changed since it was adopted for kundenportal" in capsys.readouterr().err
    assert audit_report(story.read, root=tmp_path)["exit_code"] == 2


def test_adopting_an_unusable_file_is_refused(story, settings, tmp_path, capsys):
    bad = tmp_path / "bad.feature"
    bad.write_text("Feature: Bad\n  Scenario: S\n    Given whatever\n")
    assert main(["--db", settings.database_url, "rules", "adopt", str(bad), "--all"]) == 2
    story.catch_up()
    assert adopted_rules(story.read, "kundenportal") is None
