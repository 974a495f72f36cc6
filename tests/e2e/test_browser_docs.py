"""The API's documentation pages on an intranet: in real Chromium, with every request to another
host refused, /docs shows the API's operations and /redoc its reference, and neither asks
another host for a script, a style sheet or data (ReDoc's own footer logo is an image from its
maker's site; it is refused here and the page works without it)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlparse

import pytest

from tests.support.browser import IN_CI, Served, chromium_missing, demo_server, launch

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with demo_server(tmp_path_factory.mktemp("docs")) as served:
        yield served


@pytest.fixture
def offline_page(served: Served) -> Iterator[tuple[Any, list[str]]]:
    reason = chromium_missing()
    if reason:
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    refused: list[str] = []

    def only_this_server(route: Any) -> None:
        if urlparse(route.request.url).netloc == urlparse(served.url).netloc:
            route.continue_()
        else:
            refused.append(f"{route.request.resource_type} {route.request.url}")
            route.abort()

    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page()
        page.set_default_timeout(15_000)
        page.route("**/*", only_this_server)
        yield page, refused
        browser.close()


def test_the_api_docs_work_without_the_internet(offline_page: tuple[Any, list[str]],
                                                 served: Served) -> None:
    page, refused = offline_page
    page.goto(served.url + "/docs")
    page.locator(".opblock-summary-path", has_text="/api/initiatives/{iid}/decisions").first.wait_for()
    assert page.locator(".opblock").count() > 20
    page.goto(served.url + "/redoc")
    page.get_by_role("heading", name="Record a decision").first.wait_for()
    assert [r for r in refused if not r.startswith("image ")] == []
