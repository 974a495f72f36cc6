"""Full-text search, the same tests on SQLite and PostgreSQL: German and English words are found
by their stem (and a compound by its first part), an initiative open to its members only stays
hidden from others, `as_known_at` returns only what had been recorded by then, filters and
facets narrow, bad query syntax is a clear 422 (never a 500), and the page escapes what people
wrote while it marks what matched."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.clock import Clock, utc
from tests.support.world import auth, signed_in
from web.app import create_app
from web.system import Tandem

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

OPTIONS = [{"key": "a", "title": "Rückrufservice zuerst"}, {"key": "b", "title": "Später"}]
DE = {"Accept-Language": "de-DE,de;q=0.9"}


@pytest.fixture
def clock() -> Clock:
    return Clock(utc(2026, 3, 1, 9))


@pytest.fixture
def world(tandem: Tandem, clock: Clock) -> dict[str, str]:
    """'portal' open to everyone, 'geheim' open to its members only; tokens by person."""
    app = tandem.app
    people = {"kathi": "admin", "jonas": "member", "miriam": "member", "nora": "member",
              "audrey": "auditor"}
    for person, role in people.items():
        tandem.record(app.register_person, actor="ada", person=person, name=person.title(),
                      unit="ops" if person == "miriam" else "it", role=role)
    tandem.record(app.open_initiative, actor="ada", initiative="portal", title="Kundenportal",
                  sponsor="kathi", units=["it", "ops"], escalation_path=["kathi"])
    tandem.record(app.form_tandem, actor="kathi", initiative="portal", people=["jonas", "miriam"])
    tandem.record(app.report_status, actor="jonas", initiative="portal",
                  summary="Die Datenstrukturen wurden auf drei Muster reduziert",
                  reported_by=["jonas", "miriam"])
    tandem.record(app.raise_escalation, actor="jonas", initiative="portal", escalation="e-rueckruf",
                  topic="Wer betreibt den Rückrufservice?", options=OPTIONS, raised_by="jonas",
                  due_at="2026-04-01")
    tandem.record(app.take_decision, actor="kathi", initiative="portal", decision="d-validate",
                  scope="tech", title="Validation of orders",
                  rationale="We decided to validate orders <script>alert(1)</script> on submit",
                  option="a", decided_by=["kathi"], options=OPTIONS)
    clock.now = utc(2026, 3, 10, 9)
    tandem.record(app.open_initiative, actor="ada", initiative="geheim", title="Geheimprojekt",
                  sponsor="kathi", units=["it"], escalation_path=["kathi"],
                  visibility="members")
    tandem.record(app.take_decision, actor="kathi", initiative="geheim", decision="d-geheim",
                  scope="tech", title="Geheime Datenstruktur", rationale="Nur für Mitglieder",
                  option="a", decided_by=["kathi"], options=OPTIONS)
    clock.now = utc(2026, 3, 20, 9)
    tandem.record(app.report_status, actor="miriam", initiative="portal",
                  summary="Rückrufe laufen jetzt im Pilot", reported_by=["jonas", "miriam"],
                  effective_at="2026-03-02T09:00:00+00:00")
    tokens = {p: app.issue_token(actor="ada", person=p)[0] for p in people}
    tandem.catch_up()
    return tokens


@pytest.fixture
def client(tandem: Tandem, world: dict[str, str]) -> Iterator[TestClient]:
    with TestClient(create_app(tandem.settings, tandem)) as client:
        yield client


def found(tandem: Tandem, q: str, **filters: Any) -> list[tuple[str, str]]:
    return [(r["initiative"], r["type"]) for r in tandem.read.search(q, **filters)["results"]]


def positions(client: TestClient, token: str, **query: str) -> list[dict[str, Any]]:
    answer = client.get("/api/search", params=query, headers=auth(token))
    assert answer.status_code == 200, answer.text
    results: list[dict[str, Any]] = answer.json()["results"]
    return results


def test_german_words_are_found_by_stem_and_compounds_by_their_first_part(
        tandem: Tandem, world: dict[str, str]) -> None:
    assert ("portal", "StatusReported") in found(tandem, "Datenstruktur")
    assert ("geheim", "DecisionTaken") in found(tandem, "Datenstrukturen")
    rueckruf = found(tandem, "Rückruf")
    assert ("portal", "EscalationRaised") in rueckruf  # "Rückrufservice" in the topic
    assert rueckruf.count(("portal", "StatusReported")) == 1  # "Rückrufe"
    assert ("portal", "EscalationRaised") in found(tandem, "ruckruf")  # without the umlaut
    assert found(tandem, "Datenbank") == []


def test_english_words_are_found_by_stem(tandem: Tandem, world: dict[str, str]) -> None:
    assert found(tandem, "deciding") == [("portal", "DecisionTaken")]  # "decided"
    assert found(tandem, "validating order") == [("portal", "DecisionTaken")]
    assert found(tandem, '"validate orders"') == [("portal", "DecisionTaken")]
    assert found(tandem, '"orders validate"') == []
    assert found(tandem, "Datenbank OR submitted") == [("portal", "DecisionTaken")]
    assert ("portal", "DecisionTaken") not in found(tandem, "Rückruf -validate")


def test_filters_and_facets(tandem: Tandem, world: dict[str, str]) -> None:
    answer = tandem.read.search("Rückruf")
    assert answer["total"] == 4
    assert answer["facets"]["type"] == {"DecisionTaken": 2, "EscalationRaised": 1,
                                        "StatusReported": 1}
    assert answer["facets"]["initiative"] == {"portal": 3, "geheim": 1}
    assert found(tandem, "Rückruf", initiative="geheim") == [("geheim", "DecisionTaken")]
    assert found(tandem, "Rückruf", types=["EscalationRaised"]) == [("portal",
                                                                       "EscalationRaised")]
    assert found(tandem, "Rückruf", person="miriam") == [("portal", "StatusReported")]
    assert sorted(found(tandem, "Rückruf", start=utc(2026, 3, 5), end=utc(2026, 3, 31))) == [
        ("geheim", "DecisionTaken")]


def test_as_known_at_returns_only_what_was_recorded_by_then(
        client: TestClient, world: dict[str, str]) -> None:
    now = positions(client, world["kathi"], q="Rückruf")
    then = positions(client, world["kathi"], q="Rückruf", as_known_at="2026-03-15")
    assert {r["type"] for r in now} - {r["type"] for r in then} == {"StatusReported"}
    assert len(now) == len(then) + 1
    assert positions(client, world["kathi"], q="Rückruf", as_known_at="2026-02-28") == []


def test_search_honours_visibility(client: TestClient, world: dict[str, str]) -> None:
    for reader in ("nora", "jonas"):
        assert {r["initiative"] for r in positions(client, world[reader], q="Datenstruktur")} \
            == {"portal"}
    for reader in ("kathi", "audrey"):
        assert {r["initiative"] for r in positions(client, world[reader], q="Datenstruktur")} \
            == {"portal", "geheim"}
    answer = client.get("/api/search", params={"q": "Datenstruktur"},
                        headers=auth(world["nora"])).json()
    assert "geheim" not in answer["facets"]["initiative"] and answer["total"] == 1


def test_results_link_to_their_entries(client: TestClient, world: dict[str, str]) -> None:
    links = {r["type"]: r["link"] for r in positions(client, world["kathi"], q="Rückruf")}
    assert links["EscalationRaised"] == "/escalations#portal-e-rueckruf"
    assert links["DecisionTaken"] in ("/initiatives/portal/decisions/d-validate",
                                      "/initiatives/geheim/decisions/d-geheim")
    assert links["StatusReported"].startswith("/initiatives/portal/status/")  # its own page


BAD = ['"Rückruf', "OR", "Rückruf OR", "OR Rückruf", "-Rückruf", "NOT", "***", "", "   ",
       "x" * 201, " ".join(["w"] * 17), "a NOT", "Rückruf OR -x"]
ONLY_WORDS = ["NEAR(a b)", "body:x", "^x", "a AND", "a*b", "(x", "x)", "{body}: x", "'x'",
              "x + y", "x:*", "!x", "a & | b", "\\x00", "ü-ö", "Rückruf*", "–Rückruf", "a\x00b"]


def test_bad_queries_are_a_clear_422(client: TestClient, world: dict[str, str]) -> None:
    for q in BAD:
        answer = client.get("/api/search", params={"q": q}, headers=auth(world["kathi"]))
        assert answer.status_code == 422, (q, answer.text)
        assert answer.json()["error"] == "invalid_input"
        assert "q" in answer.json()["fields"], q


def test_database_syntax_in_a_query_is_only_words(client: TestClient,
                                                  world: dict[str, str]) -> None:
    for q in ONLY_WORDS:
        answer = client.get("/api/search", params={"q": q}, headers=auth(world["kathi"]))
        assert answer.status_code == 200, (q, answer.text)
    assert [r["type"] for r in positions(client, world["kathi"], q="(Rückruf*")] != []


def test_bad_filters_are_refused(client: TestClient, world: dict[str, str]) -> None:
    for query in ({"q": "x", "type": "NoSuchEvent"}, {"q": "x", "as_known_at": "yesterday"},
                  {"q": "x", "from": "2026-13-01"}, {"q": "x", "initiative": "Not A Slug"},
                  {"q": "x", "limit": "0"}):
        answer = client.get("/api/search", params=query, headers=auth(world["kathi"]))
        assert answer.status_code == 422, (query, answer.text)


def test_the_page_marks_matches_and_escapes_what_people_wrote(
        tandem: Tandem, world: dict[str, str]) -> None:
    app = create_app(tandem.settings, tandem)
    page = signed_in(app, world["kathi"]).get("/search", params={"q": "validate"})
    assert page.status_code == 200
    assert "<mark>validate</mark>" in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "<script>alert" not in page.text
    assert 'href="/initiatives/portal/decisions/d-validate"' in page.text
    assert 'action="/search"' in page.text  # the box in the header
    narrowed = signed_in(app, world["nora"]).get(
        "/search", params={"q": "Datenstruktur", "initiative": "portal"})
    assert narrowed.status_code == 200 and "Geheime" not in narrowed.text


def test_the_page_answers_a_bad_query_in_the_readers_language(
        tandem: Tandem, world: dict[str, str]) -> None:
    client = signed_in(create_app(tandem.settings, tandem), world["kathi"])
    answer = client.get("/search", params={"q": '"offen'}, headers=DE)
    assert answer.status_code == 422
    assert "Ein Anführungszeichen in der Suchanfrage ist nicht geschlossen." in answer.text


def test_counting_stops_at_the_cap_and_says_there_are_more(
        tandem: Tandem, world: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("projections.search.MAX_COUNTED", 2)
    everything = tandem.read.search("Rückruf", limit=4)  # a page beyond the cap counts on
    assert (everything["total"], everything["more"]) == (4, False)
    newest = [r["position"] for r in everything["results"]]
    answer = tandem.read.search("Rückruf", limit=1)
    assert (answer["total"], answer["more"]) == (2, True)  # of 4: the newest two counted
    assert sum(answer["facets"]["type"].values()) == 2
    assert [r["position"] for r in answer["results"]] == newest[:1]
    paged = tandem.read.search("Rückruf", limit=1, offset=2)
    assert (paged["total"], paged["more"]) == (3, True)
    assert [r["position"] for r in paged["results"]] == newest[2:3]
    assert tandem.read.search("Rückruf", initiative="geheim", limit=1)["more"] is False
    client = signed_in(create_app(tandem.settings, tandem), world["kathi"])
    monkeypatch.setattr("projections.search.MAX_COUNTED", 1)  # the page asks for 50
    assert "Entries found: 4" in client.get("/search", params={"q": "Rückruf"}).text


def test_meeting_minutes_are_found_with_a_link_to_them(story: Tandem) -> None:
    from web.links import link_for

    found = story.read.search("hotline script")["results"]  # a unit's feedback at the demo
    outcome = next(r for r in found if r["type"] == "MeetingOutcomeRecorded")
    assert link_for(outcome) == "/initiatives/kundenportal/meetings/demo-ordering"
    agenda = story.read.search("validation typing")["results"]  # the demo's agenda
    assert "MeetingScheduled" in {r["type"] for r in agenda}
