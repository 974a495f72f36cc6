"""Regenerate the screenshots of the main pages from the demo story.

    .venv/bin/python docs/screenshots.py

Serves a fresh demo database in-process, drives Debian's headless Chromium (never a downloaded
browser) and writes PNGs to docs/screenshots/.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.support.browser import chromium_missing, demo_server, launch  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
K = "kundenportal"
LAPTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def main() -> int:
    missing = chromium_missing()
    if missing:
        print(missing, file=sys.stderr)
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder, demo_server(Path(folder)) as served, \
            sync_playwright() as p:
        browser = launch(p)
        as_of = served.tandem.read.timeline(initiative=K, types=["DecisionProposed"])[0][
            "effective_at"][:10]
        shots = [
            ("en", LAPTOP, "/", "overview.png"),
            ("en", LAPTOP, f"/initiatives/{K}", "initiative.png"),
            ("en", LAPTOP, f"/initiatives/{K}?as_of={as_of}#matrix", "initiative-as-of.png"),
            ("en", LAPTOP, f"/initiatives/{K}/timeline", "timeline.png"),
            ("en", LAPTOP, f"/initiatives/{K}/goal", "goal-history.png"),
            ("en", LAPTOP, f"/initiatives/{K}/decisions/d-validation-typing", "decision.png"),
            ("en", LAPTOP, "/escalations", "escalations.png"),
            ("en", LAPTOP, "/people/jonas", "person.png"),
            ("en", LAPTOP, "/rules", "rules.png"),
            ("en", LAPTOP, f"/initiatives/{K}/record/decision?escalation=e-hotline-budget",
             "form-decision.png"),
            ("de", LAPTOP, f"/initiatives/{K}/record/decision?escalation=e-hotline-budget",
             "form-decision-de.png"),
            ("en", LAPTOP, f"/initiatives/{K}/record/proposal", "form-proposal.png"),
            ("de", LAPTOP, f"/initiatives/{K}/record/decision", "form-errors-de.png"),
            ("de", LAPTOP, f"/initiatives/{K}", "initiative-de.png"),
            ("de", PHONE, "/", "overview-phone-de.png"),
            ("de", PHONE, f"/initiatives/{K}", "initiative-phone-de.png"),
        ]
        for lang, viewport, path, name in shots:
            context = browser.new_context(locale="de-DE" if lang == "de" else "en-GB",
                                          viewport=viewport)
            page = context.new_page()
            page.goto(served.login_link("kathi", path))
            page.locator("form button[type=submit]").first.click()  # the link's "Continue"
            page.wait_for_load_state("networkidle")
            if name == "form-errors-de.png":  # submitted empty: every error at once
                page.get_by_role("button", name="Erfassen").click()
                page.locator("#error-summary").wait_for()
            page.screenshot(path=str(OUT / name), full_page=name != "initiative-as-of.png")
            context.close()
            print(OUT / name)
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
