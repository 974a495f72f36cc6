"""A person in real headless Chromium reads the rhythm of the demo story: the minutes of the
demo in German, the criterion met with its target line, the expired mandate."""

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
    with demo_server(tmp_path_factory.mktemp("browser-rhythm")) as served:
        yield served


def test_the_minutes_of_the_demo_and_the_rhythm_on_the_initiative_page_in_german(
        browser: Any, served: Served, tmp_path: Path) -> None:
    context = browser.new_context(locale="de-DE")
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(served.login_link("kathi", f"/initiatives/{K}/meetings/demo-ordering"))
        page.get_by_role("button", name="Fortfahren").click()
        page.wait_for_url(served.url + f"/initiatives/{K}/meetings/demo-ordering")
        assert page.get_by_role("heading", level=1).inner_text() == (
            "Protokoll: Demo: ordering in the pilot region")
        assert page.get_by_role("heading", name="Rückmeldung je Einheit").is_visible()
        assert page.locator(".outcome li", has_text="operations").count() == 1
        assert page.locator(".claim .badge.ok", has_text="Bestätigt").count() == 1
        page.get_by_role("link", name="Orders are validated while typing").click()
        page.wait_for_url("**/decisions/d-validation-typing")
        assert page.get_by_text("in der Sitzung Demo: ordering in the pilot region").is_visible()
        page.goto(served.url + f"/initiatives/{K}")
        assert page.locator(".badge.state-met", has_text="erreicht").count() == 1
        assert page.locator("svg.chart line.target").count() == 1
        assert page.locator("#mandates-h + ul li", has_text="m-survey-incentives").locator(
            ".badge.warn", has_text="abgelaufen").count() == 1
    finally:
        context.close()
