"""A person in real headless Chromium (Debian's, driven by Playwright) uses the pages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.browser import Served, demo_server

K = "kundenportal"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with demo_server(tmp_path_factory.mktemp("browser")) as served:
        yield served


@pytest.fixture
def page(browser: Any, served: Served) -> Iterator[Any]:
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def log_in(page: Any, served: Served, person: str) -> None:
    token, _ = served.tandem.app.issue_token(actor="test", person=person)
    served.tandem.catch_up()
    page.goto(served.url + "/")
    assert "/login" in page.url
    page.get_by_label("API token").fill(token)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(served.url + "/")


def fill_decision(page: Any, key: str, decided_by: str, rationale: str) -> None:
    """A decision between new options (the person recording is preselected as decider)."""
    page.get_by_label("New options").check()
    page.get_by_label("Options considered, one a line, the chosen one first").fill(
        "Show an estimate\nShow nothing")
    page.get_by_label("Rationale").fill(rationale)
    assert page.get_by_label(NAMES[decided_by]).is_checked()
    page.get_by_label("Title", exact=False).first.fill("Orders show a delivery estimate")
    page.locator("#scope_new").fill("technology/ordering")
    page.locator("summary", has_text="More").click()
    page.get_by_label("Decision id").fill(key)
    page.get_by_role("button", name="Record").click()


NAMES = {"jonas": "Jonas Keller", "lena": "Lena Hoffmann", "miriam": "Miriam Yilmaz"}


def test_record_a_decision_and_see_it_on_the_timeline_and_its_page(page: Any, served: Served) -> None:
    log_in(page, served, "jonas")
    page.get_by_role("link", name="Customer portal").click()
    page.get_by_role("link", name="Record a decision").click()
    fill_decision(page, "d-browser", "jonas", "Customers asked for it in the pilot.")
    page.wait_for_url(f"{served.url}/initiatives/{K}/decisions/d-browser?recorded=*")
    assert page.get_by_role("heading", level=1).inner_text() == "Orders show a delivery estimate"
    assert page.locator(".options .chosen").inner_text().startswith("Chosen:")
    page.goto(f"{served.url}/initiatives/{K}/timeline?order=recorded")
    entry = page.locator(".entry", has_text="Orders show a delivery estimate").last
    entry.get_by_role("link").first.click()
    page.wait_for_url(f"{served.url}/initiatives/{K}/decisions/d-browser")


class Counted:
    """The interactions a person makes on a page (clicks, checks, fills), counted."""

    def __init__(self, page: Any):
        self.page = page
        self.count = 0

    def click(self, locator: Any) -> None:
        self.count += 1
        locator.click()

    def check(self, locator: Any) -> None:
        self.count += 1
        locator.check()

    def fill(self, locator: Any, text: str) -> None:
        self.count += 1
        locator.fill(text)


JOURNEY = {
    "en": {"locale": "en-GB", "decide": "Decide", "rationale": "Rationale", "submit": "Record",
           "recorded": "Recorded: Decision taken “Until 20:00”.", "decisions": "Decisions"},
    "de": {"locale": "de-DE", "decide": "Entscheiden", "rationale": "Begründung",
           "submit": "Erfassen", "recorded": "Erfasst: Entscheidung getroffen „Until 20:00“.",
           "decisions": "Entscheidungen"},
}


@pytest.mark.parametrize("lang", ["en", "de"])
def test_a_lead_answers_an_open_proposal_in_four_interactions_and_a_submit(
        browser: Any, served: Served, lang: str) -> None:
    words = JOURNEY[lang]
    question = f"How long is the hotline open ({lang})?"
    served.tandem.record(served.tandem.app.propose, actor="miriam", initiative=K,
                         proposal=f"p-hotline-{lang}", question=question,
                         scope="operations/support",
                         options=[{"key": "until-18", "title": "Until 18:00"},
                                  {"key": "until-20", "title": "Until 20:00"}],
                         proposed_by=["miriam"])  # her own claim: nobody waits to confirm
    context = browser.new_context(locale=words["locale"])
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(served.login_link("miriam", f"/initiatives/{K}"))
        page.locator("form[action^='/login'] button").click()
        page.wait_for_url(f"{served.url}/initiatives/{K}")
        person = Counted(page)
        person.click(page.locator("li", has_text=question).get_by_role("link", name=words["decide"]))
        person.check(page.get_by_label("Until 20:00"))
        person.fill(page.get_by_label(words["rationale"]), "Callers ask after work.")
        assert person.count == 3  # open the form, pick the option, write the rationale (at most 4)
        page.get_by_role("button", name=words["submit"]).click()
        page.wait_for_url(f"{served.url}/initiatives/{K}/decisions/**")
        assert page.locator("#recorded").inner_text().startswith(words["recorded"])
        page.goto(f"{served.url}/initiatives/{K}")
        decisions = page.locator("#decisions")
        assert decisions.get_by_role("heading", name=words["decisions"]).is_visible()
        assert decisions.locator("tr", has_text="Until 20:00").count() >= 1
    finally:
        context.close()


@pytest.mark.parametrize(("locale", "submit", "empty"), [
    ("en-GB", "Record", "This field must not be empty."),
    ("de-DE", "Erfassen", "Dieses Feld darf nicht leer sein.")])
def test_three_wrong_fields_show_three_errors_at_once_with_focus_on_the_summary(
        browser: Any, served: Served, locale: str, submit: str, empty: str) -> None:
    context = browser.new_context(locale=locale)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(served.login_link("jonas", f"/initiatives/{K}/record/status"))
        page.locator("form[action^='/login'] button").click()
        page.wait_for_url(f"{served.url}/initiatives/{K}/record/status")
        page.locator("#reported_by-jonas").uncheck()  # no reporter, no summary, a bad date
        page.locator("summary").click()
        page.locator("#effective_at").evaluate("e => { e.type = 'text'; e.value = 'soon'; }")
        page.get_by_role("button", name=submit).click()
        summary = page.locator("#error-summary")
        summary.wait_for()
        assert summary.locator("li").count() == 3
        assert page.locator("[aria-invalid=true]").count() >= 3
        assert page.locator("#summary-error").inner_text() == empty
        assert page.evaluate("document.activeElement.id") == "error-summary"
    finally:
        context.close()


def test_moving_the_as_of_picker_changes_the_matrix(page: Any, served: Served) -> None:
    log_in(page, served, "kathi")
    page.goto(f"{served.url}/initiatives/{K}")
    row = page.locator("#matrix-table tr", has_text="go-live")
    assert "Miriam Yilmaz" in row.locator("td").first.inner_text()
    proposed = served.tandem.read.timeline(initiative=K, types=["DecisionProposed"])[0]
    page.get_by_label("As of", exact=True).fill(proposed["effective_at"][:10])
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(f"**as_of={proposed['effective_at'][:10]}**")
    assert "Jonas Keller" in page.locator("#matrix-table tr", has_text="go-live").locator("td").first.inner_text()


def test_a_violating_decision_shows_the_rules_sentence(page: Any, served: Served) -> None:
    log_in(page, served, "lena")
    page.goto(f"{served.url}/initiatives/{K}/record/decision")
    fill_decision(page, "d-lena", "lena", "I decide this.")
    alert = page.locator("#rule-violation")
    alert.wait_for()
    assert "A decision rests on a basis valid when it takes effect" in alert.inner_text()
    assert page.get_by_label("Rationale").input_value() == "I decide this."


def test_a_script_in_a_rationale_shows_as_text(page: Any, served: Served) -> None:
    log_in(page, served, "jonas")
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{served.url}/initiatives/{K}/record/decision")
    fill_decision(page, "d-script", "jonas", "<script>alert(1)</script>")
    page.wait_for_url(f"{served.url}/initiatives/{K}/decisions/d-script?recorded=*")
    assert page.locator(".rationale").inner_text() == "<script>alert(1)</script>"
    page.reload()
    assert dialogs == []


def test_german_pages_in_the_browser(browser: Any, served: Served, tmp_path: Path) -> None:
    context = browser.new_context(locale="de-DE")
    page = context.new_page()
    try:
        page.goto(served.login_link("kathi", "/escalations"))
        page.get_by_role("button", name="Fortfahren").click()
        page.wait_for_url(served.url + "/escalations")
        assert page.get_by_role("heading", level=1).inner_text() == "Eskalationen"
        assert page.locator(".badge.danger", has_text="überfällig").count() >= 1
        page.get_by_role("link", name="English").click()
        assert page.get_by_role("heading", level=1).inner_text() == "Escalations"
    finally:
        context.close()


def test_confirm_and_dispute_on_the_waiting_for_my_confirmation_page(
        page: Any, served: Served) -> None:
    app = served.tandem.app
    for summary in ("Pilot region three prepared", "Region West is live"):
        served.tandem.record(app.report_status, actor="jonas", initiative=K, summary=summary,
                             reported_by=["jonas", "miriam"])
    log_in(page, served, "miriam")
    page.get_by_role("link", name="Waiting for my confirmation (2)").click()
    first = page.locator(".entry", has_text="Pilot region three prepared")
    first.get_by_role("button", name="Confirm").click()
    page.get_by_role("status").wait_for()
    assert "is recorded" in page.get_by_role("status").inner_text()
    second = page.locator(".entry", has_text="Region West is live")
    second.get_by_label("What is not true?").fill("West goes live next week, not now.")
    second.get_by_role("button", name="Dispute").click()
    page.get_by_role("status").wait_for()
    assert page.locator(".entry", has_text="Region West").count() == 0
    assert page.get_by_role("link", name="Waiting for my confirmation").inner_text().strip() == \
        "Waiting for my confirmation"
    page.goto(f"{served.url}/initiatives/{K}/timeline?order=recorded")
    disputed = page.locator(".entry", has_text="Region West is live").first
    assert "Disputed" in disputed.inner_text()
    assert "West goes live next week" in disputed.inner_text()
    confirmed = page.locator(".entry", has_text="Pilot region three prepared").first
    assert "Confirmed" in confirmed.inner_text()
