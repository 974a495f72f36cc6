"""A person in real headless Chromium downloads the decision register and the timeline, and the
files hold each row's log position and leaf hash."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from projections.ledger.proofs import inclusion_document
from tests.support.browser import IN_CI, Served, chromium_missing, demo_server, launch

K = "kundenportal"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with demo_server(tmp_path_factory.mktemp("downloads")) as served:
        yield served


@pytest.fixture
def page(served: Served) -> Iterator[Any]:
    reason = chromium_missing()
    if reason:
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p)
        context = browser.new_context(locale="en-GB", accept_downloads=True)
        page = context.new_page()
        page.set_default_timeout(10_000)
        token, _ = served.tandem.app.issue_token(actor="test", person="kathi")
        served.tandem.catch_up()
        page.goto(served.url + "/")
        page.get_by_label("API token").fill(token)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(served.url + "/")
        yield page
        context.close()
        browser.close()


def test_download_the_register_and_the_filtered_timeline(page: Any, served: Served,
                                                         tmp_path: Path) -> None:
    page.goto(f"{served.url}/initiatives/{K}")
    with page.expect_download() as started:
        page.locator("#decisions").get_by_role("link", name="CSV").click()
    download = started.value
    assert download.suggested_filename == f"{K}-decisions.csv"
    download.save_as(tmp_path / "decisions.csv")
    with (tmp_path / "decisions.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["id"] for r in rows] == [d["id"] for d in served.tandem.read.decisions(
        initiative=K)]
    for row in rows:
        assert row["leaf_hash"] == inclusion_document(served.tandem.db,
                                                      int(row["position"]))["leaf_hash"]
    page.goto(f"{served.url}/initiatives/{K}/timeline?type=EscalationRaised")
    with page.expect_download() as started:
        page.get_by_role("link", name="XLSX").click()
    started.value.save_as(tmp_path / "timeline.xlsx")
    sheet = list(openpyxl.load_workbook(tmp_path / "timeline.xlsx").active
                 .iter_rows(values_only=True))
    assert sheet[0][:2] == ("position", "leaf_hash")
    assert {row[2] for row in sheet[1:]} == {"EscalationRaised"}
    assert len(sheet) - 1 == len(served.tandem.read.escalations(initiative=K))
