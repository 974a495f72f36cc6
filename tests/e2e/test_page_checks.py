"""Every page, in English and German, in real Chromium: axe-core (from the npm registry,
injected into the page) finds no accessibility violation, and the W3C Nu HTML validator
(vnu-jar from the npm registry, on the machine's Java) finds no error in its HTML, including
pages that show entries recorded live (times with microseconds)."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.browser import IN_CI, Served, chromium_missing, demo_server, launch
from web.pages.forms import FORMS

K = "kundenportal"
NODE = Path(__file__).parent / "node" / "node_modules"
AXE = NODE / "axe-core" / "axe.min.js"
VNU = NODE / "vnu-jar" / "build" / "dist" / "vnu.jar"
pytestmark = pytest.mark.slow

RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
}"""


def missing_tools() -> str | None:
    if not AXE.exists() or not VNU.exists():
        return f"{NODE} is not installed: run `make install` (npm ci)"
    if shutil.which("java") is None:
        return "java is not installed (apt-get install default-jre-headless)"
    return chromium_missing()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    reason = missing_tools()
    if reason:
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)
    with demo_server(tmp_path_factory.mktemp("checks")) as served:
        live(served)
        yield served


def live(served: Served) -> None:
    """Entries recorded now, by the real clock: their times carry microseconds."""
    tandem, app = served.tandem, served.tandem.app
    tandem.record(app.report_status, actor="jonas", initiative=K, summary="Live status",
                  running=["Pilot"], blocked=["Nothing"], options=["Go on"],
                  reported_by=["jonas", "miriam"])
    tandem.record(app.propose, actor="miriam", initiative=K, proposal="p-live",
                  question="Open the portal on Sundays?", scope="operations/hotline",
                  options=[{"key": "yes", "title": "Yes"}, {"key": "no", "title": "No"}],
                  proposed_by=["miriam"])
    tandem.catch_up()


def pages(served: Served) -> list[str]:
    read = served.tandem.read
    decision = read.decisions(initiative=K)[-1]["id"]
    status = read.timeline(initiative=K, types=["StatusReported"], limit=500)[-1]["position"]
    return [
        "/", f"/initiatives/{K}", f"/initiatives/{K}?as_of=2026-10-01",
        f"/initiatives/{K}/timeline", f"/initiatives/{K}/timeline?backdated=1",
        f"/initiatives/{K}/goal", f"/initiatives/{K}/decisions/{decision}",
        f"/initiatives/{K}/status/{status}", "/decisions", "/decisions?status=superseded",
        "/escalations", "/rules", "/people/jonas", "/people/jonas/timeline",
        "/units/it/timeline", "/confirmations", "/initiatives/no-such-initiative",
        *[f"/initiatives/{K}/record/{kind}" for kind in FORMS],
    ]


@pytest.fixture(scope="module")
def browser(served: Served) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p)
        yield browser
        browser.close()


def visit_all(browser: Any, served: Served, language: str) -> dict[str, tuple[str, list[Any]]]:
    """Each page's HTML as served and axe-core's violations on it, for a signed-in lead."""
    context = browser.new_context(locale=language, bypass_csp=True)  # to inject axe-core
    page = context.new_page()
    page.set_default_timeout(15_000)
    found: dict[str, tuple[str, list[Any]]] = {}
    try:
        login = page.goto(served.url + "/login")
        found["/login"] = (login.text(), check(page))
        page.goto(served.login_link("jonas", "/"))
        page.locator("main button[type=submit]").click()
        page.wait_for_url(served.url + "/")
        for url in pages(served):
            response = page.goto(served.url + url)
            found[url] = (response.text(), check(page))
    finally:
        context.close()
    return found


def check(page: Any) -> list[Any]:
    page.add_script_tag(path=str(AXE))
    violations: list[Any] = page.evaluate(RUN_AXE)
    return violations


@pytest.fixture(scope="module")
def visited(browser: Any, served: Served) -> dict[str, dict[str, tuple[str, list[Any]]]]:
    return {language: visit_all(browser, served, language) for language in ("en-GB", "de-DE")}


@pytest.mark.parametrize("language", ["en-GB", "de-DE"])
def test_axe_core_finds_no_violation_on_any_page(
        visited: dict[str, dict[str, tuple[str, list[Any]]]], language: str) -> None:
    pages_seen = visited[language]
    assert len(pages_seen) >= 30
    violations = {url: found for url, (_html, found) in pages_seen.items() if found}
    assert violations == {}


def test_the_nu_validator_finds_no_error_in_any_page(
        visited: dict[str, dict[str, tuple[str, list[Any]]]], tmp_path: Path) -> None:
    names: dict[str, str] = {}
    for language, pages_seen in visited.items():
        for n, (url, (html, _found)) in enumerate(pages_seen.items()):
            path = tmp_path / f"{language}-{n:02d}.html"
            path.write_text(html, encoding="utf-8")
            names[f"file:{path.resolve()}"] = f"{language} {url}"
    assert any("Live status" in html for pages_seen in visited.values()
               for html, _found in pages_seen.values())
    run = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "json",
                          *sorted(str(p) for p in tmp_path.glob("*.html"))],
                         capture_output=True, text=True, timeout=300, check=False)
    messages = json.loads(run.stderr or run.stdout or '{"messages": []}')["messages"]
    errors = [f"{names.get(m.get('url', ''), m.get('url'))}:{m.get('lastLine')}: {m['message']}"
              for m in messages if m.get("type") == "error"]
    assert errors == []
    assert run.returncode == 0


def test_on_a_phone_the_matrix_scrolls_inside_its_card_with_a_visible_hint(
        browser: Any, served: Served) -> None:
    context = browser.new_context(locale="de-DE", viewport={"width": 360, "height": 780},
                                  bypass_csp=True)
    page = context.new_page()
    try:
        page.goto(served.login_link("jonas", f"/initiatives/{K}"))
        page.locator("main button[type=submit]").click()
        page.wait_for_url(served.url + f"/initiatives/{K}")
        hint = page.locator("#matrix-hint")
        assert hint.is_visible()
        assert "seitlich wischen" in hint.inner_text()
        sizes = page.evaluate("""() => {
          const box = document.querySelector('#matrix .scroll');
          return {inner: box.scrollWidth, shown: box.clientWidth,
                  page: document.documentElement.scrollWidth, screen: window.innerWidth};
        }""")
        assert sizes["inner"] > sizes["shown"]  # the matrix scrolls inside its card
        assert sizes["page"] <= sizes["screen"]  # and the page does not scroll sideways
        assert check(page) == []
        page.set_viewport_size({"width": 1280, "height": 900})
        assert not hint.is_visible()
    finally:
        context.close()
