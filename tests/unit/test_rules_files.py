"""Rule files: Gherkin structure, unusable files (exit 2), tags, reports and the docs."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from projections.governance import docs
from projections.governance.engine import UnusableRules, load
from projections.governance.report import as_html, as_text, render
from tests.support.rules_log import Log, run

ROOT = Path(__file__).resolve().parents[2]


def unusable(tmp_path: Path, text: str) -> list:
    path = tmp_path / "bad.feature"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UnusableRules) as caught:
        load([path])
    return caught.value.errors


def test_syntax_error_names_file_line_and_column(tmp_path):
    [error] = unusable(tmp_path, "Feature: F\n  Scenario: S\n    Given the initiative p\n"
                                 "    | a | b |\n    | c |\n")
    assert error.file.endswith("bad.feature") and (error.line, error.column) == (5, 5)
    assert "inconsistent cell count" in error.message
    assert error.describe().startswith(f"{error.file}:5:5: Gherkin syntax error")


def test_missing_feature_line_is_a_syntax_error(tmp_path):
    [error] = unusable(tmp_path, "Scenario: S\n  Then it had a shared goal\n")
    assert (error.line, error.column) == (1, 1)


def test_unknown_step_names_its_place_and_the_closest_known_steps(tmp_path):
    [error] = unusable(tmp_path, "Feature: F\n  Scenario: S\n    Given the decisions of all "
                                 "initiatives\n    Then each offered at least two options\n")
    assert (error.line, error.column) == (4, 5)
    assert "no step definition matches 'Then each offered at least two options'" in error.message
    assert error.suggestions[0] == "Then each offered at least {n} options"
    assert "closest known steps" in error.describe()


def test_a_when_step_is_unknown_and_a_then_needs_a_given(tmp_path):
    errors = unusable(tmp_path, "Feature: F\n  Scenario: S\n    When the decisions of all "
                                "initiatives\n    Then it had a shared goal before its first "
                                "decision\n")
    assert [e.line for e in errors] == [3, 4]
    assert "needs a Given" in errors[1].message


def test_a_then_over_another_kind_of_entry_is_refused(tmp_path):
    [error] = unusable(tmp_path, "Feature: F\n  Scenario: S\n    Given the mandates of all "
                                 "initiatives\n    Then each was recorded within 7 days of "
                                 "taking effect\n")
    assert "judges decisions, but the Given before it selects mandates" in error.message


def test_every_problem_in_every_file_is_reported_at_once(tmp_path):
    (tmp_path / "a.feature").write_text("Feature: A\n  Scenario: S\n    Given nonsense\n")
    (tmp_path / "b.feature").write_text("Scenario: no feature\n")
    with pytest.raises(UnusableRules) as caught:
        load([tmp_path])
    assert sorted(Path(e.file).name for e in caught.value.errors) == ["a.feature", "b.feature"]


def test_a_missing_path_is_unusable(tmp_path):
    with pytest.raises(UnusableRules):
        load([tmp_path / "nowhere.feature"])


GHERKIN = """@governance
Feature: Structure
  Background:
    Given the decisions of all initiatives

  Rule: Options

    Scenario Outline: At least <n> options
      Then each offered at least <n> options

      Examples:
        | n |
        | 2 |
        | 3 |

  Rule: Tags
    @warning
    Scenario: Rationale is a warning
      Then each states a rationale of at least 50 words

    @skip
    Scenario: Not run
      Then each offered at least 9 options

  Scenario: A scenario's own Given replaces the Background's
    Given the escalations of all initiatives
    * each offered at least 2 options
"""


def test_outlines_backgrounds_rules_and_tags(tmp_path):
    log = Log()
    log.decision("d", 1, options=2)
    results = run(tmp_path, GHERKIN, log)
    got = [(s.rule, s.scenario, s.line, s.status, s.tags) for s in results.scenarios]
    assert got == [
        ("Options", "At least 2 options", 13, "passed", ["@governance"]),
        ("Options", "At least 3 options", 14, "failed", ["@governance"]),
        ("Tags", "Rationale is a warning", 18, "warned", ["@governance", "@warning"]),
        ("Tags", "Not run", 22, "skipped", ["@governance", "@skip"]),
        # after a Rule, a scenario belongs to that Rule (as in every Gherkin tool)
        ("Tags", "A scenario's own Given replaces the Background's", 25, "passed",
         ["@governance"]),
    ]
    assert results.exit_code == 1


def test_warnings_alone_do_not_fail(tmp_path):
    log = Log()
    log.decision("d", 1, rationale="Short.")
    results = run(tmp_path, "Feature: F\n  @warning\n  Scenario: S\n    Given the decisions of "
                            "all initiatives\n    Then each states a rationale of at least 5 "
                            "words\n", log)
    assert results.scenarios[0].status == "warned" and results.exit_code == 0
    assert "WARN F › S" in as_text(results)


def failing_results(tmp_path: Path):
    log = Log()
    log.decision("d-late", 1, recorded=20)
    log.decision("d-short", 1, rationale="No.")
    return run(tmp_path, "Feature: Docs\n  Rule: Prompt\n    Scenario: Recorded in a week\n"
                         "      Given the decisions of all initiatives\n"
                         "      Then each was recorded within 7 days of taking effect\n"
                         "  @warning\n  Scenario: Rationale\n"
                         "    Given the decisions of all initiatives\n"
                         "    Then each states a rationale of at least 3 words\n"
                         "  Scenario: Options\n    Given the decisions of all initiatives\n"
                         "    Then each offered at least 2 options\n", log)


def test_json_report(tmp_path):
    data = json.loads(render(failing_results(tmp_path), "json"))
    assert data["exit_code"] == 1
    assert data["summary"] == {"passed": 1, "failed": 1, "warned": 1, "skipped": 0, "total": 3}
    assert data["files"][0]["name"].endswith("rule.feature")
    assert len(data["files"][0]["sha256"]) == 64
    failed = data["results"][0]
    assert (failed["feature"], failed["rule"], failed["scenario"], failed["line"]) == (
        "Docs", "Prompt", "Recorded in a week", 3)
    [violation] = failed["violations"]
    assert violation["step"] == "Then each was recorded within 7 days of taking effect"
    assert violation["step_line"] == 5
    event = violation["events"][0]
    assert set(event) >= {"position", "type", "effective_at", "recorded_at", "actor", "url"}


def test_junit_report(tmp_path):
    root = ET.fromstring(render(failing_results(tmp_path), "junit"))
    assert root.tag == "testsuites" and root.get("tests") == "3" and root.get("failures") == "1"
    [suite] = root.findall("testsuite")
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == ["Recorded in a week", "Rationale", "Options"]
    assert cases[0].get("classname") == "Docs.Prompt" and cases[0].get("line") == "3"
    failure = cases[0].find("failure")
    assert failure is not None and "d-late" in failure.get("message")
    assert "/initiatives/p/decisions/d-late" in failure.text
    assert cases[1].find("failure") is None and "WARNING" in cases[1].find("system-out").text
    assert cases[2].find("failure") is None


def test_html_report_escapes_and_links(tmp_path):
    page = as_html(failing_results(tmp_path))
    assert '<a href="http://t/initiatives/p/decisions/d-late">' in page
    assert "<script" not in page and "1 held, 1 violated, 1 warnings" in page


def test_docs_rules_md_is_generated_from_the_steps():
    """Regenerate with: python -m projections.governance.docs > docs/rules.md"""
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == docs.render()


def test_docs_cover_every_step_with_an_example():
    from projections.governance.registry import STEPS

    text = docs.render()
    for definition in STEPS:
        assert f"`{definition.keyword} {definition.template}`" in text
        assert definition.doc and definition.examples
        for example in definition.examples:
            assert definition.match(example) is not None, example


def test_the_default_rule_set_is_usable_and_covers_the_practices():
    files, resolved = load([ROOT / "features" / "governance"])
    names = {Path(f.name).name for f in files}
    assert names == {"shared-goal.feature", "decisions.feature", "escalations.feature",
                     "joint-status.feature", "responsibilities.feature", "attestation.feature"}
    texts = {step[2] for r in resolved for step in r.steps}
    for needed in ("Then it had a shared goal before its first decision",
                   "Then each offered at least 2 options",
                   "Then each was recorded within 7 days of taking effect",
                   "Then each was answered by its due date, or forwarded",
                   "Then status was reported at least every 14 days while open",
                   "Then every area had exactly one Accountable, or it was flagged within 7 days",
                   "Then each was confirmed by everyone it names within 7 days",
                   "Then no entry was disputed"):
        assert needed in texts
