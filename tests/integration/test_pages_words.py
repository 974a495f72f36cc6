"""The pages speak the reader's language and name people by name: every entry summary of the
demo story in German, no English summary text on a German page, names instead of ids."""

from __future__ import annotations

import re
import warnings
from typing import Any

import pytest

from projections.summary import render
from web.app import create_app
from web.system import Tandem

DE = {"Accept-Language": "de-DE,de;q=0.9"}
EN = {"Accept-Language": "en-GB,en;q=0.9"}
K = "kundenportal"


class Pages:
    def __init__(self, tandem: Tandem):
        self.tandem = tandem
        self.app = create_app(tandem.settings, tandem)
        self.token, _ = tandem.app.issue_token(actor="test", person="kathi")
        tandem.catch_up()

    def client(self, headers: dict[str, str]) -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from fastapi.testclient import TestClient
        client = TestClient(self.app, headers=headers)
        login = client.get("/login")
        client.post("/login", data={"token": self.token, "csrf": login.context["csrf"]},
                    follow_redirects=False)
        return client


@pytest.fixture(scope="module")
def pages(shared_story: Tandem) -> Pages:
    return Pages(shared_story)


def english_summaries(read: Any) -> set[str]:
    """The English words of every summary template, without its parameters."""
    from domain.event_types import named
    from projections.summary import message

    found = set()
    for e in read.timeline(initiative=K, limit=1000):
        template, _params = message(named(e["type"]), e["data"], e["actor"])
        for fixed in re.split(r"%\(\w+\)s", template):
            if " " in fixed.strip(" :,()—'#"):
                found.add(fixed.strip())
    return found


def visible(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


PAGES = [f"/initiatives/{K}", f"/initiatives/{K}/timeline", "/people/kathi/timeline",
         "/units/it/timeline", "/confirmations", "/rules", "/people/jonas", "/escalations", "/"]


@pytest.mark.parametrize("url", PAGES)
def test_a_german_page_shows_no_english_summary(pages: Pages, url: str) -> None:
    page = pages.client(DE).get(url)
    assert page.status_code == 200
    text = visible(page.text)
    leaked = sorted(w for w in english_summaries(pages.tandem.read) if w in text)
    assert leaked == []


def test_the_german_timeline_summarises_every_entry_in_german(pages: Pages) -> None:
    page = pages.client(DE).get(f"/initiatives/{K}/timeline")
    text = visible(page.text)
    assert "Tandem gebildet: Jonas Keller und Miriam Yilmaz führen gemeinsam" in text
    assert "Entscheidung: " in text and "Decision: " not in text
    english = visible(pages.client(EN).get(f"/initiatives/{K}/timeline").text)
    assert "Tandem formed: Jonas Keller and Miriam Yilmaz lead jointly" in english


def test_pages_name_people_and_units_not_ids(pages: Pages) -> None:
    page = pages.client(EN).get(f"/initiatives/{K}")
    text = visible(page.text)
    assert "Kathi Berger" in text and "Jonas Keller" in text
    assert not re.search(r"\b(kathi|jonas|miriam)\b", text)


def test_the_stored_english_summary_is_unchanged_by_the_page_words(pages: Pages) -> None:
    from domain.event_types import named
    from projections.summary import message

    entry = pages.tandem.read.timeline(initiative=K, types=["TandemFormed"], limit=1)[0]
    assert "jonas" in entry["summary"]
    assert render(message(named(entry["type"]), entry["data"], entry["actor"])) \
        .startswith("Tandem formed: jonas and miriam")



def test_an_error_page_speaks_german(pages: Pages) -> None:
    page = pages.client(DE).get("/initiatives/gibt-es-nicht")
    assert page.status_code == 404
    assert page.context["message"] == "Das Vorhaben „gibt-es-nicht“ gibt es nicht."
    english = pages.client(EN).get("/initiatives/gibt-es-nicht")
    assert english.context["message"] == "There is no initiative 'gibt-es-nicht'."
    bad = pages.client(DE).get(f"/initiatives/{K}?as_of=gestern")
    assert bad.status_code == 422
    assert bad.context["message"].startswith("„gestern“ ist kein Datum und keine Uhrzeit")


def test_a_german_form_reads_a_decimal_comma_and_a_berlin_time(pages: Pages) -> None:
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    berlin = ZoneInfo("Europe/Berlin")
    typed = (pages.tandem.read.now() - timedelta(days=1)).astimezone(berlin).replace(
        second=0, microsecond=0)
    client = pages.client(DE)
    form = client.get(f"/initiatives/{K}/record/measurement")
    response = client.post(f"/initiatives/{K}/record/measurement", data={
        "csrf": form.context["csrf"], "criterion": "ordering-stability", "value": "4,3",
        "note": "zeitzone", "effective_at": typed.strftime("%Y-%m-%dT%H:%M")},
        follow_redirects=False)
    assert response.status_code == 303, response.text
    found = [e for e in pages.tandem.read.timeline(initiative=K, types=["MeasurementRecorded"],
                                                   limit=1000) if e["data"]["note"] == "zeitzone"]
    assert found[0]["data"]["value"] == 4.3
    assert found[0]["effective_at"].startswith(
        typed.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M"))
    timeline = client.get(f"/initiatives/{K}/timeline")
    shown = typed.strftime("%d.%m.%Y %H:%M")
    assert f"{shown} {'MESZ' if typed.dst() else 'MEZ'}" in timeline.text
    assert 'datetime="' + typed.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:00Z") \
        in timeline.text


def test_no_time_attribute_carries_microseconds(pages: Pages) -> None:
    for url in (f"/initiatives/{K}", f"/initiatives/{K}/timeline", "/people/kathi/timeline"):
        text = pages.client(EN).get(url).text
        values = re.findall(r'datetime="([^"]+)"', text)
        assert values
        assert all(re.fullmatch(r"\d{4}-\d\d-\d\d(T\d\d:\d\d:\d\dZ)?", v) for v in values), values
