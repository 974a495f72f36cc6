"""A person in real headless Chromium searches from the header and reads the heatmap: the
matches are marked, a result leads to its entry, a heatmap cell opens its evidence, and a
dimension's name leads to its definition."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.browser import IN_CI, Served, chromium_missing, demo_server, launch

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with demo_server(tmp_path_factory.mktemp("browser-search")) as served:
        yield served


@pytest.fixture(scope="module")
def page(served: Served) -> Iterator[Any]:
    reason = chromium_missing()
    if reason:
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p)
        context = browser.new_context(locale="en-GB")
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(served.login_link("jonas", "/"))
        page.get_by_role("button", name="Continue").click()
        page.wait_for_url(served.url + "/")
        yield page
        browser.close()


def test_search_from_the_header_and_open_a_result(page: Any, served: Served) -> None:
    box = page.locator("header").get_by_role("searchbox", name="Search")
    box.fill("patterns")
    box.press("Enter")
    page.wait_for_url(served.url + "/search?q=patterns")
    assert page.locator(".results mark").first.inner_text().lower().startswith("pattern")
    page.locator(".results a[href$='/decisions/d-three-patterns']").first.click()
    page.wait_for_url(served.url + "/initiatives/kundenportal/decisions/d-three-patterns")


def test_the_heatmap_opens_evidence_and_definitions(page: Any, served: Served) -> None:
    page.goto(served.url + "/portfolio")
    cell = page.locator("table.heatmap tbody tr").first.locator("td").nth(5)  # decisions
    assert "of 4" in cell.inner_text()
    cell.locator("summary").click()
    assert cell.locator("a[href$='/decisions/d-support-hours']").is_visible()
    page.locator("thead a[href='/portfolio/definitions#cadence']").click()
    page.wait_for_url(served.url + "/portfolio/definitions#cadence")
    assert page.locator("#cadence").is_visible()
