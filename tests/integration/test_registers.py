"""The registers: decisions across initiatives at /decisions (filters, who may read), each
joint status report on its page, the timeline newest first and paged to its end, and the
initiative's latest entries as of the chosen date."""

from __future__ import annotations

import re
import warnings
from typing import Any

import pytest

from web.app import create_app
from web.system import Tandem

EN = {"Accept-Language": "en-GB,en;q=0.9"}
K = "kundenportal"


def client_for(tandem: Tandem, person: str) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    token, _ = tandem.app.issue_token(actor="test", person=person)
    tandem.catch_up()
    client = TestClient(create_app(tandem.settings, tandem), headers=EN)
    login = client.get("/login")
    client.post("/login", data={"token": token, "csrf": login.context["csrf"]},
                follow_redirects=False)
    return client


@pytest.fixture(scope="module")
def kathi(shared_story: Tandem) -> Any:
    return client_for(shared_story, "kathi")


def test_the_register_lists_every_decision_latest_first(kathi: Any, shared_story: Tandem) -> None:
    page = kathi.get("/decisions")
    assert page.status_code == 200
    shown = page.context["decisions"]
    assert {d["id"] for d in shown} == {d["id"] for d in shared_story.read.decisions()}
    keys = [(d["effective_at"], d["position"]) for d in shown]
    assert keys == sorted(keys, reverse=True)
    assert "Jonas Keller" in page.text


def test_the_register_filters_by_status_scope_person_dates_and_confirmation(
        kathi: Any, shared_story: Tandem) -> None:
    every = shared_story.read.decisions()
    superseded = kathi.get("/decisions", params={"status": "superseded"}).context["decisions"]
    assert superseded and all(d["status"] == "superseded" for d in superseded)
    scope = every[0]["scope"]
    scoped = kathi.get("/decisions", params={"scope": scope}).context["decisions"]
    assert scoped and all(d["scope"] == scope or d["scope"].startswith(scope + "/")
                          for d in scoped)
    by_jonas = kathi.get("/decisions", params={"person": "jonas"}).context["decisions"]
    assert by_jonas and all("jonas" in d["decided_by"] for d in by_jonas)
    assert len(by_jonas) < len(every)
    day = sorted(d["effective_at"] for d in every)[len(every) // 2][:10]
    later = kathi.get("/decisions", params={"start": day}).context["decisions"]
    assert later and len(later) < len(every)
    confirmed = kathi.get("/decisions", params={"attestation": "confirmed"}).context
    assert all(d["attestation"]["status"] == "confirmed" for d in confirmed["decisions"])
    nothing = kathi.get("/decisions", params={"end": "2000-01-01"})
    assert nothing.context["decisions"] == [] and "No decisions match." in nothing.text


def test_the_register_shows_only_what_the_reader_may_read(story: Tandem) -> None:
    story.record(story.app.register_person, actor="kathi", person="nora", name="Nora Nagel",
                 unit="it", role="member")
    story.record(story.app.change_visibility, actor="kathi", initiative=K, visibility="members")
    nora = client_for(story, "nora")
    assert nora.get("/decisions").context["decisions"] == []
    assert nora.get("/decisions", params={"initiative": K}).status_code == 403
    assert client_for(story, "ralf").get("/decisions").context["decisions"]  # an auditor reads


def test_each_status_report_has_its_page(kathi: Any, shared_story: Tandem) -> None:
    reports = shared_story.read.timeline(initiative=K, types=["StatusReported"], limit=100)
    first = reports[0]
    page = kathi.get(f"/initiatives/{K}/status/{first['position']}")
    assert page.status_code == 200
    text = page.text
    for item in first["data"]["running"] + first["data"]["blocked"] + first["data"]["options"]:
        assert item in text
    assert "What runs" in text and "What blocks" in text
    initiative = kathi.get(f"/initiatives/{K}")
    assert f"/initiatives/{K}/status/" in initiative.text
    other = shared_story.read.timeline(initiative=K, types=["GoalSet"], limit=1)[0]
    assert kathi.get(f"/initiatives/{K}/status/{other['position']}").status_code == 404


def test_the_timeline_is_newest_first_and_pages_to_its_end(kathi: Any,
                                                          shared_story: Tandem) -> None:
    total = shared_story.read.state(K)["events"]
    seen: list[int] = []
    url: str | None = f"/initiatives/{K}/timeline"
    pages = 0
    while url:
        c = kathi.get(url).context
        assert c["count"] == total
        seen += [e["position"] for g in c["days"] for e in g["entries"]]
        url = c["older"]
        pages += 1
    assert len(seen) == total == len(set(seen))  # every entry once, none silently left out
    assert pages == -(-total // 100)
    newest = shared_story.read.timeline(initiative=K, limit=500)[-1]
    first = kathi.get(f"/initiatives/{K}/timeline").context["days"][0]["entries"][0]
    assert first["effective_at"] == newest["effective_at"]


def test_the_timeline_filters_backdated_entries_and_by_person(kathi: Any) -> None:
    late = kathi.get(f"/initiatives/{K}/timeline", params={"backdated": "1"}).context
    entries = [e for g in late["days"] for e in g["entries"]]
    assert entries and all(e["backdated"] for e in entries)
    everything = kathi.get(f"/initiatives/{K}/timeline").context
    assert late["count"] < everything["count"]
    lena = kathi.get(f"/initiatives/{K}/timeline", params={"person": "lena"}).context
    assert 0 < lena["count"] < everything["count"]
    assert 'name="backdated"' in kathi.get(f"/initiatives/{K}/timeline").text


def test_latest_entries_honour_the_chosen_date(kathi: Any, shared_story: Tandem) -> None:
    entries = shared_story.read.timeline(initiative=K, limit=500)
    middle = entries[len(entries) // 2]["effective_at"][:10]
    c = kathi.get(f"/initiatives/{K}", params={"as_of": middle}).context
    assert c["latest"] and all(e["effective_at"][:10] <= middle for e in c["latest"])
    now = kathi.get(f"/initiatives/{K}").context["latest"]
    assert now[0]["position"] != c["latest"][0]["position"]


def test_the_initiative_page_lists_its_decisions_with_confirmation(kathi: Any) -> None:
    page = kathi.get(f"/initiatives/{K}")
    section = re.search(r'<section aria-labelledby="decisions-h".*?</section>', page.text, re.S)
    assert section is not None
    assert "Confirmation" in section.group(0) and "/decisions?initiative=" in section.group(0)
    ids = [d["id"] for d in page.context["decisions"]]
    assert ids and all(f"/decisions/{i}" in section.group(0) for i in ids)
