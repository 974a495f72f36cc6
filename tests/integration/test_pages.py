"""The server-rendered pages, asserted on their template context, on SQLite and PostgreSQL.

One demo story per backend and module; tests that record use ids of their own.
"""

from __future__ import annotations

import re
import uuid
import warnings
from typing import Any

import pytest

from web.app import create_app
from web.system import Tandem

DE = {"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"}
EN = {"Accept-Language": "en-GB,en;q=0.9"}
K = "kundenportal"


def client_class() -> Any:
    with warnings.catch_warnings():  # starlette warns about httpx when the client is imported
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    return TestClient


class Demo:
    def __init__(self, tandem: Tandem):
        self.tandem = tandem
        self.app = create_app(tandem.settings, tandem)
        self.tokens: dict[str, str] = {}

    def token(self, person: str) -> str:
        if person not in self.tokens:
            self.tokens[person], _ = self.tandem.app.issue_token(actor="test", person=person)
            self.tandem.catch_up()
        return self.tokens[person]

    def client(self, person: str | None = "kathi", headers: dict[str, str] | None = None) -> Any:
        client = client_class()(self.app, headers=headers or EN)
        if person:
            csrf = csrf_of(client, "/login")
            response = client.post("/login", data={"token": self.token(person), "csrf": csrf},
                                   follow_redirects=False)
            assert response.status_code == 303
        return client


@pytest.fixture(scope="module")
def demo(shared_story: Tandem) -> Demo:
    """The shared demo story, with the pages on it."""
    return Demo(shared_story)


def csrf_of(client: Any, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.text
    token: str = response.context["csrf"]
    assert token
    return token


# -- login -----------------------------------------------------------------------------------

def test_every_page_needs_a_login(demo: Demo) -> None:
    client = demo.client(None)
    for url in ("/", f"/initiatives/{K}", "/escalations", "/people/jonas", "/units/it/timeline"):
        response = client.get(url, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login?next=")


def test_login_form_sets_a_signed_httponly_lax_session_cookie(demo: Demo) -> None:
    client = demo.client(None)
    page = client.get("/login?next=/escalations")
    assert page.template.name == "login.html"
    assert page.context["next"] == "/escalations"
    response = client.post("/login", data={"token": demo.token("jonas"), "csrf": page.context["csrf"],
                                           "next": "/escalations"}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/escalations"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert client.get("/").context["user"].person == "jonas"


def test_a_wrong_token_or_a_missing_csrf_token_does_not_log_in(demo: Demo) -> None:
    client = demo.client(None)
    csrf = csrf_of(client, "/login")
    wrong = client.post("/login", data={"token": "tdm_nope", "csrf": csrf})
    assert wrong.status_code == 401
    assert wrong.context["error"]
    forged = client.post("/login", data={"token": demo.token("jonas"), "csrf": "forged"})
    assert forged.status_code == 403
    assert client.get("/", follow_redirects=False).status_code == 303


def use_link(client: Any, path: str) -> Any:
    """Open a login link, then press its button (the GET alone signs no one in)."""
    page = client.get(path, follow_redirects=False)
    assert page.status_code == 200 and page.context["link"]
    assert client.get("/", follow_redirects=False).status_code == 303  # not yet signed in
    return client.post("/login", data={"link": page.context["link"], "next": page.context["next"],
                                       "csrf": page.context["csrf"]}, follow_redirects=False)


def test_a_login_link_logs_in_and_goes_only_to_a_local_page(demo: Demo) -> None:
    from web.auth import login_link

    link = login_link(demo.tandem, "miriam", "//evil.example")
    client = demo.client(None)
    response = use_link(client, link.removeprefix(demo.tandem.settings.base_url))
    assert response.headers["location"] == "/"
    assert client.get("/").context["user"].person == "miriam"


def test_an_api_token_in_the_url_signs_no_one_in(demo: Demo) -> None:
    client = demo.client(None)
    page = client.get("/login", params={"token": demo.token("miriam")}, follow_redirects=False)
    assert page.status_code == 200 and page.template.name == "login.html"
    assert client.get("/", follow_redirects=False).status_code == 303


def test_login_link_helper_issues_a_fresh_token(demo: Demo) -> None:
    from web.auth import login_link

    url = login_link(demo.tandem, "lena", "/escalations")
    assert url.startswith(demo.tandem.settings.base_url + "/login?link=tdm_")
    client = demo.client(None)
    response = use_link(client, url.removeprefix(demo.tandem.settings.base_url))
    assert response.headers["location"] == "/escalations"
    other = demo.client(None)
    page = other.get(url.removeprefix(demo.tandem.settings.base_url))
    again = other.post("/login", data={"link": page.context["link"], "csrf": page.context["csrf"]},
                       follow_redirects=False)
    assert again.status_code == 401  # a login link works once


def test_logout_needs_the_csrf_token_and_ends_the_session(demo: Demo) -> None:
    client = demo.client("jonas")
    csrf = csrf_of(client, "/")
    client.post("/logout", data={"csrf": "forged"})
    assert client.get("/", follow_redirects=False).status_code == 200
    client.post("/logout", data={"csrf": csrf})
    assert client.get("/", follow_redirects=False).status_code == 303


# -- languages -------------------------------------------------------------------------------

@pytest.mark.parametrize(("headers", "lang", "title"), [(EN, "en", "Initiatives"),
                                                        (DE, "de", "Vorhaben")])
def test_the_language_follows_accept_language(demo: Demo, headers: dict[str, str], lang: str,
                                              title: str) -> None:
    response = demo.client("kathi", headers).get("/")
    assert response.context["lang"] == lang
    assert response.context["title"] == title
    assert f'<html lang="{lang}">' in response.text


def test_the_header_switch_overrides_accept_language(demo: Demo) -> None:
    client = demo.client("kathi", DE)
    switched = client.get("/language/en?next=/escalations", follow_redirects=False)
    assert switched.headers["location"] == "/escalations"
    assert client.get("/escalations").context["lang"] == "en"
    client.get("/language/de?next=/")
    assert client.get("/escalations").context["title"] == "Eskalationen"


@pytest.mark.parametrize(("headers", "expected"), [(EN, "Version 2"), (DE, "Fassung 2")])
def test_dates_and_words_follow_the_language_on_the_goal_history(
        demo: Demo, headers: dict[str, str], expected: str) -> None:
    response = demo.client("kathi", headers).get(f"/initiatives/{K}/goal")
    assert expected in response.text
    first = response.context["versions"][-1]["effective_at"][:10]
    year, month, day = first.split("-")
    if headers is DE:
        assert f"{int(day)}.{int(month):02d}.{year}" in response.text
    else:
        assert re.search(rf"\b{int(day)}, {year}\b", response.text)


# -- reading pages ---------------------------------------------------------------------------

@pytest.mark.parametrize("headers", [EN, DE])
def test_overview_shows_goal_tandem_counts_and_status_freshness(
        demo: Demo, headers: dict[str, str]) -> None:
    response = demo.client("kathi", headers).get("/")
    assert response.template.name == "overview.html"
    row = next(i for i in response.context["initiatives"] if i["initiative"] == K)
    assert row["tandem"] == ["jonas", "miriam"]
    assert row["goal"]["statement"].startswith("Customer portal live in the pilot region")
    assert row["open_escalations"] >= 1 and row["overdue_escalations"] >= 1
    assert row["status_stale"] is False


@pytest.mark.parametrize("headers", [EN, DE])
def test_initiative_page_shows_goal_criteria_charts_matrix_and_open_items(
        demo: Demo, headers: dict[str, str]) -> None:
    response = demo.client("kathi", headers).get(f"/initiatives/{K}")
    c = response.context
    assert response.template.name == "initiative.html"
    assert c["state"]["goal"]["version"] == 2
    stability = next(x for x in c["criteria"] if x["id"] == "ordering-stability")
    assert [p["value"] for p in stability["chart"]["points"]] == [3, 1, 0]
    assert stability["chart"]["path"].startswith("M")
    assert c["matrix"]["tandem"] == ["jonas", "miriam"]
    assert {e["id"] for e in c["escalations"]} >= {"e-hotline-budget"}
    assert len(c["latest"]) == 8 and c["latest"][0]["link"]
    assert c["can_write"] is True
    assert "<svg" in response.text


def test_the_as_of_date_changes_the_matrix(demo: Demo) -> None:
    client = demo.client("kathi")
    now = client.get(f"/initiatives/{K}").context["matrix"]
    opened = demo.tandem.read.state(K)["opened_at"][:10]
    week_3 = demo.tandem.read.timeline(initiative=K, types=["DecisionProposed"])[0]["effective_at"][:10]
    then = client.get(f"/initiatives/{K}", params={"as_of": week_3}).context
    go_live = {a["area"]: a["accountable"] for a in then["matrix"]["areas"]}["go-live"]
    assert go_live == "jonas"
    assert {a["area"]: a["accountable"] for a in now["areas"]}["go-live"] == "miriam"
    assert then["raw"]["as_of"] == week_3
    before = client.get(f"/initiatives/{K}", params={"as_of": opened}).context["matrix"]
    assert before["areas"] == [] and before["tandem"] == []


def test_the_known_at_date_hides_what_was_recorded_later(demo: Demo) -> None:
    client = demo.client("kathi")
    late = demo.tandem.read.decision(K, "d-support-hours")
    day_before = late["recorded_at"][:10]
    from datetime import date, timedelta

    earlier = (date.fromisoformat(day_before) - timedelta(days=1)).isoformat()
    context = client.get(f"/initiatives/{K}", params={"known_at": earlier}).context
    assert "d-support-hours" not in context["state"]["decisions"]
    assert "d-support-hours" in client.get(f"/initiatives/{K}").context["state"]["decisions"]


@pytest.mark.parametrize("headers", [EN, DE])
def test_initiative_timeline_groups_by_day_and_badges_backdated_entries(
        demo: Demo, headers: dict[str, str]) -> None:
    response = demo.client("kathi", headers).get(f"/initiatives/{K}/timeline")
    c = response.context
    assert c["order"] == "effective"
    days = [g["day"] for g in c["days"]]
    assert days == sorted(days) and len(days) == len(set(days))
    entries = [e for g in c["days"] for e in g["entries"]]
    late = next(e for e in entries if e["data"].get("decision") == "d-support-hours"
                and e["type"] == "DecisionTaken")
    assert late["backdated"] is True
    assert late["link"] == f"/initiatives/{K}/decisions/d-support-hours"
    assert "order=recorded" in c["toggle"]
    badge = "Rückdatiert" if headers is DE else "Backdated"
    assert badge in response.text


def test_timeline_filters_by_type_range_and_recording_order(demo: Demo) -> None:
    client = demo.client("kathi")
    c = client.get(f"/initiatives/{K}/timeline",
                   params={"type": "DecisionTaken", "order": "recorded"}).context
    entries = [e for g in c["days"] for e in g["entries"]]
    assert {e["type"] for e in entries} == {"DecisionTaken"}
    assert [e["position"] for e in entries] == sorted(e["position"] for e in entries)
    assert entries[-1]["data"]["decision"] in ("d-support-hours",) or demo.tandem.read.decision(
        K, entries[-1]["data"]["decision"])["recorded_at"] >= late_recorded(demo)
    start = entries[2]["recorded_at"][:10]
    ranged = client.get(f"/initiatives/{K}/timeline",
                        params={"type": "DecisionTaken", "order": "recorded", "start": start}).context
    assert all(e["recorded_at"][:10] >= start for g in ranged["days"] for e in g["entries"])
    assert ranged["count"] < len(entries)


def late_recorded(demo: Demo) -> str:
    recorded: str = demo.tandem.read.decision(K, "d-support-hours")["recorded_at"]
    return recorded


def test_person_and_unit_timelines(demo: Demo) -> None:
    client = demo.client("kathi")
    person = client.get("/people/miriam/timeline").context
    assert person["count"] > 0 and person["person"]["person"] == "miriam"
    unit = client.get("/units/operations/timeline").context
    assert unit["count"] > 0 and unit["unit"]["name"] == "Operations"
    assert client.get("/units/nowhere/timeline").status_code == 404


def test_decision_page_shows_options_basis_and_the_chain_both_ways(demo: Demo) -> None:
    client = demo.client("kathi")
    old = client.get(f"/initiatives/{K}/decisions/d-validation").context
    assert old["decision"]["status"] == "superseded"
    assert [d["id"] for d in old["chain"]["later"]] == ["d-validation-typing"]
    new = client.get(f"/initiatives/{K}/decisions/d-validation-typing").context
    assert [d["id"] for d in new["chain"]["earlier"]] == ["d-validation"]
    assert new["basis"]["kind"] == "mandate"
    assert new["basis"]["mandate"]["scope"] == "technology"
    assert new["basis"]["mandate"]["granted_by"] == "kathi"
    answered = client.get(f"/initiatives/{K}/decisions/d-three-patterns").context
    assert answered["question"] == "How many data patterns does the ordering process use?"
    assert answered["decision"]["option"] == "three"
    assert len(answered["decision"]["options"]) == 3
    escalated = client.get(f"/initiatives/{K}/decisions/d-go-live").context
    assert escalated["basis"]["kind"] == "escalation"
    assert client.get(f"/initiatives/{K}/decisions/nope").status_code == 404


@pytest.mark.parametrize("headers", [EN, DE])
def test_escalation_board_lists_open_ones_by_age_with_level_path_and_overdue(
        demo: Demo, headers: dict[str, str]) -> None:
    c = demo.client("kathi", headers).get("/escalations").context
    hotline = next(e for e in c["open"] if e["id"] == "e-hotline-budget")
    assert hotline["overdue"] is True and hotline["level"] == 1
    assert hotline["addressed_to"] == "kathi"
    assert c["paths"][K] == ["kathi", "petra"]
    ages = [e["age_days"] for e in c["open"]]
    assert ages == sorted(ages, reverse=True)
    assert any(e["id"] == "e-go-live-date" for e in c["resolved"])


@pytest.mark.parametrize("headers", [EN, DE])
def test_person_page_shows_roles_now_and_then_mandates_and_decisions(
        demo: Demo, headers: dict[str, str]) -> None:
    client = demo.client("kathi", headers)
    week_3 = demo.tandem.read.timeline(initiative=K, types=["DecisionProposed"])[0]["effective_at"][:10]
    c = client.get("/people/jonas", params={"as_of": week_3}).context
    now = {(r["area"], r["role"]) for r in c["roles_now"]}
    then = {(r["area"], r["role"]) for r in c["roles_then"]}
    assert ("go-live", "R") in now and ("go-live", "A") not in now
    assert ("go-live", "A") in then
    assert ("*", "tandem") in now
    assert [m["id"] for m in c["mandates"]] == ["m-tech-design"]
    assert {d["id"] for d in c["decisions"]} >= {"d-three-patterns", "d-validation-typing"}


def test_bad_dates_and_unknown_ids_give_pages_not_crashes(demo: Demo) -> None:
    client = demo.client("kathi")
    bad = client.get(f"/initiatives/{K}", params={"as_of": "yesterday"})
    assert bad.status_code == 422 and bad.template.name == "error.html"
    assert client.get("/initiatives/nope").status_code == 404
    assert client.get("/people/nobody").status_code == 404


PAGES_WITH_TIMES = [
    (f"/initiatives/{K}", "as_of"), (f"/initiatives/{K}", "known_at"),
    (f"/initiatives/{K}/timeline", "start"), (f"/initiatives/{K}/timeline", "end"),
    ("/people/jonas/timeline", "start"), ("/people/jonas/timeline", "end"),
    ("/units/it/timeline", "start"), ("/units/it/timeline", "end"),
    ("/people/jonas", "as_of"), ("/rules", "as_of"),
]


@pytest.mark.parametrize("path, field", PAGES_WITH_TIMES)
@pytest.mark.parametrize("value", ["yesterday", "2026-13-01", "0001-01-01T00:00:00+01:00"])
def test_a_bad_time_on_a_page_is_the_same_clear_422_as_on_the_api(
        demo: Demo, path: str, field: str, value: str) -> None:
    page = demo.client("kathi").get(path, params={field: value})
    assert page.status_code == 422 and page.template.name == "error.html"
    api = demo.client(None).get(f"/api/initiatives/{K}", params={"as_of": value},
                                headers={"Authorization": f"Bearer {demo.token('kathi')}"})
    assert api.status_code == 422
    assert page.context["message"] == api.json()["detail"]
    assert value in page.context["message"] and "ISO 8601" in page.context["message"]


# -- forms -----------------------------------------------------------------------------------

def test_every_form_renders_with_labels_and_a_csrf_token(demo: Demo) -> None:
    from web.pages.forms import FORMS

    client = demo.client("kathi", DE)
    for kind, form in FORMS.items():
        response = client.get(f"/initiatives/{K}/record/{kind}")
        assert response.status_code == 200, kind
        assert response.context["form"] is form and response.context["csrf"]
        for field in form.fields:
            if field.kind in ("choice", "people"):  # a group of radios or checkboxes
                assert f'<fieldset class="field group" id="{field.name}">' in response.text
            else:
                assert f'<label for="{field.name}">' in response.text


def test_viewers_and_auditors_see_no_forms_and_cannot_post(demo: Demo) -> None:
    client = demo.client("ralf")
    page = client.get(f"/initiatives/{K}")
    assert page.context["can_write"] is False
    assert "/record/" not in page.text
    assert client.get(f"/initiatives/{K}/record/decision").status_code == 403
    csrf = page.context["csrf"]
    response = client.post(f"/initiatives/{K}/record/status",
                           data={"csrf": csrf, "summary": "x", "reported_by": "ralf"})
    assert response.status_code == 403


def without_flag(location: str) -> str:
    """A landing page's address without the confirmation's `recorded=POSITION` (which it has)."""
    flagged = re.sub(r"[?&]recorded=\d+", "", location, count=1)
    assert flagged != location, location
    return flagged


def decision_form(csrf: str, key: str, **changes: str) -> dict[str, str]:
    return {"csrf": csrf, "decision": key, "title": "Orders show a delivery estimate",
            "scope": "technology/ordering", "choice": "new",
            "choice_new": "Show an estimate\nShow nothing",
            "rationale": "Customers asked for it in the pilot.", "decided_by": "jonas", **changes}


def test_recording_a_decision_lands_on_its_page_and_shows_on_the_timeline(demo: Demo) -> None:
    client = demo.client("jonas")
    key = f"d-{uuid.uuid4().hex[:8]}"
    csrf = csrf_of(client, f"/initiatives/{K}/record/decision")
    response = client.post(f"/initiatives/{K}/record/decision", data=decision_form(csrf, key),
                           follow_redirects=False)
    assert response.status_code == 303
    assert without_flag(response.headers["location"]) == f"/initiatives/{K}/decisions/{key}"
    page = client.get(response.headers["location"]).context
    assert page["decision"]["option"] == "show-an-estimate"
    assert page["decision"]["actor"] == "jonas"
    assert page["basis"]["kind"] == "mandate"
    timeline = client.get(f"/initiatives/{K}/timeline", params={"type": "DecisionTaken"}).context
    assert any(e["data"]["decision"] == key for g in timeline["days"] for e in g["entries"])


@pytest.mark.parametrize(("headers", "sentence"), [
    (EN, "A decision rests on a basis valid when it takes effect"),
    (DE, "Eine Entscheidung beruht auf einer Grundlage"),
])
def test_a_rule_violation_shows_the_rules_sentence(demo: Demo, headers: dict[str, str],
                                                   sentence: str) -> None:
    client = demo.client("lena", headers)  # lena holds no mandate for technology
    csrf = csrf_of(client, f"/initiatives/{K}/record/decision")
    response = client.post(f"/initiatives/{K}/record/decision",
                           data=decision_form(csrf, "d-lena-tries", decided_by="lena"))
    assert response.status_code == 422
    assert response.context["rule"]["id"] == "decision-basis"
    assert response.context["rule"]["sentence"].startswith(sentence)
    assert response.context["values"]["rationale"] == "Customers asked for it in the pilot."


def test_invalid_input_appears_next_to_its_field(demo: Demo) -> None:
    client = demo.client("jonas", DE)
    csrf = csrf_of(client, f"/initiatives/{K}/record/decision")
    response = client.post(f"/initiatives/{K}/record/decision",
                           data=decision_form(csrf, "Not A Slug", rationale=""))
    assert response.status_code == 422
    assert "decision" in response.context["errors"]
    assert 'aria-invalid="true"' in response.text
    empty = client.post(f"/initiatives/{K}/record/status",
                        data={"csrf": csrf, "summary": "", "reported_by": "jonas, miriam"})
    assert empty.context["errors"]["summary"] == "Dieses Feld darf nicht leer sein."


def test_a_form_without_the_csrf_token_is_refused(demo: Demo) -> None:
    client = demo.client("jonas")
    response = client.post(f"/initiatives/{K}/record/decision",
                           data=decision_form("", "d-no-csrf"))
    assert response.status_code == 403
    with pytest.raises(Exception, match="no decision"):
        demo.tandem.read.decision(K, "d-no-csrf")


@pytest.mark.parametrize(("kind", "data", "lands"), [
    ("goal", {"statement": "Portal live everywhere in Q3", "reason": "Rollout on track",
              "agreed_by": "jonas, miriam"}, f"/initiatives/{K}/goal"),
    ("criterion", {"criterion": "c-{u}", "description": "Hotline answer time", "target": "< 2 min"},
     f"/initiatives/{K}"),
    ("measurement", {"criterion": "customer-satisfaction", "value": "4.4"}, f"/initiatives/{K}"),
    ("assign", {"area_new": "area-{u}", "person": "lena", "role": "A"}, f"/initiatives/{K}#matrix"),
    ("mandate", {"mandate": "m-{u}", "person": "lena", "scope_new": "operations/support"},
     f"/initiatives/{K}"),
    ("proposal", {"proposal": "p-{u}", "question": "Hotline hours?", "scope_new": "operations/support",
                  "options": "Until 18:00\nUntil 20:00", "proposed_by": "miriam"},
     f"/initiatives/{K}"),
    ("escalation", {"escalation": "e-{u}", "topic": "Budget", "options": "Yes\nNo",
                    "raised_by": "miriam", "due_at": "2099-01-01T12:00"},
     "/escalations#kundenportal-e-{u}"),
    ("handoff", {"handoff": "h-{u}", "item": "Hotline scripts", "from_person": "miriam",
                 "to_person": "lena"}, f"/initiatives/{K}/timeline"),
    ("status", {"summary": "All regions live", "running": "Hotline\nSurvey",
                "reported_by": "jonas, miriam"}, f"/initiatives/{K}"),
])
def test_each_form_records_and_lands_where_the_entry_shows(
        demo: Demo, kind: str, data: dict[str, str], lands: str) -> None:
    u = uuid.uuid4().hex[:8]
    client = demo.client("kathi")
    csrf = csrf_of(client, f"/initiatives/{K}/record/{kind}")
    before = demo.tandem.read.state(K)["events"]
    filled = {k: v.replace("{u}", u) for k, v in data.items()}
    response = client.post(f"/initiatives/{K}/record/{kind}", data={"csrf": csrf, **filled},
                           follow_redirects=False)
    assert response.status_code == 303, response.context and (
        response.context["errors"], response.context["general"], response.context["rule"])
    assert without_flag(response.headers["location"]) == lands.replace("{u}", u)
    assert demo.tandem.read.state(K)["events"] == before + 1
    assert client.get(response.headers["location"]).status_code == 200


def test_user_text_is_escaped(demo: Demo) -> None:
    client = demo.client("jonas")
    key = f"d-xss-{uuid.uuid4().hex[:6]}"
    csrf = csrf_of(client, f"/initiatives/{K}/record/decision")
    client.post(f"/initiatives/{K}/record/decision",
                data=decision_form(csrf, key, rationale="<script>alert(1)</script>",
                                   title="<b>bold</b>"))
    page = client.get(f"/initiatives/{K}/decisions/{key}")
    assert page.context["decision"]["rationale"] == "<script>alert(1)</script>"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "<script>alert(1)</script>" not in page.text
    assert "<b>bold</b>" not in page.text


# -- catalogues ------------------------------------------------------------------------------

def test_every_visible_string_and_rule_has_a_german_translation() -> None:
    from pathlib import Path

    from babel.messages.extract import extract_from_dir

    from domain.rules import RULES
    from web.i18n import translations

    root = Path(__file__).resolve().parents[2]
    method_map = [("web/pages/templates/**.html", "jinja2"), ("web/**.py", "python")]
    options = {"web/pages/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        found = {message for _, _, message, _, _ in extract_from_dir(
            str(root), method_map, options_map=options, keywords={"_": None, "N_": None,
                                                                  "gettext": None})}
    german = translations("de")
    ids = {m if isinstance(m, str) else m[0] for m in found} | {r.sentence for r in RULES.values()}
    untranslated = sorted(m for m in ids if german.gettext(m) == m and m not in ("Tandem", "optional", "Person"))
    assert len(ids) > 200
    assert untranslated == []


def test_the_rules_page_shows_the_demo_story_breaking_the_default_rules_where_it_does(
        story: Tandem) -> None:
    token, _ = story.app.issue_token(actor="kathi", person="kathi")
    story.catch_up()
    client = client_class()(create_app(story.settings, story))
    assert client.get("/rules", follow_redirects=False).status_code == 303  # login first
    client.post("/login", data={"token": token, "csrf": csrf_of(client, "/login")})
    response = client.get("/rules?initiative=kundenportal")
    assert response.status_code == 200
    [result] = response.context["results"]
    assert result["source"] == "default" and result["counts"]["failed"] >= 1
    faulted = {e["url"] for s in result["scenarios"] for v in s.violations for e in v.events}
    assert "/initiatives/kundenportal/decisions/d-support-hours" in faulted
    german = client.get("/rules?initiative=kundenportal&lang=de")
    assert german.context["title"] == "Governance-Regeln"
