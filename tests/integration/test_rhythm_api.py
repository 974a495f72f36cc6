"""The rhythm of working together through the JSON API, on SQLite and PostgreSQL: mandates
that expire, cap a budget and are delegated narrower (and what the initiative shows of them)."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest
from fastapi import FastAPI

from tests.support.world import OPTIONS, auth, build_world, days_ago
from web import api
from web.system import Tandem

with warnings.catch_warnings():  # starlette asks for httpx2, which is not installed here
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

P = "/api/initiatives/portal"


@pytest.fixture
def http(tandem: Tandem) -> Iterator[TestClient]:
    tokens = build_world(tandem)
    app = FastAPI()
    app.state.tandem = tandem
    api.install(app)
    with TestClient(app, headers=auth(tokens["kathi"])) as client:
        client.tokens = tokens  # type: ignore[attr-defined]
        yield client


def as_(http: TestClient, person: str) -> dict[str, str]:
    return auth(http.tokens[person])  # type: ignore[attr-defined]


def decision(did: str, **more: object) -> dict[str, object]:
    return {"id": did, "scope": "technology/ordering", "title": f"Decision {did}", "option": "a",
            "rationale": "Less risk", "decided_by": ["jonas"], "options": OPTIONS, **more}


def log_size(http: TestClient) -> int:
    return len(http.get("/api/events", params={"limit": 1000}).json()["events"])


def test_a_mandate_with_a_cap_and_a_validity_bounds_the_decisions_on_it(http: TestClient) -> None:
    granted = http.post(P + "/mandates", json={
        "id": "m-tech", "person": "jonas", "scope": "technology", "valid_until": days_ago(-30),
        "budget_amount": 50000, "budget_currency": "eur", "may_delegate": True,
        "effective_at": days_ago(20)})
    assert granted.status_code == 201, granted.text
    jonas = as_(http, "jonas")
    within = http.post(P + "/decisions", headers=jonas,
                       json=decision("d-ok", amount=42000, currency="EUR"))
    assert within.status_code == 201, within.text
    assert within.json()["data"]["basis"] == {"kind": "mandate", "id": "m-tech"}
    before = log_size(http)
    above = http.post(P + "/decisions", headers=jonas,
                      json=decision("d-above", amount=65000, currency="EUR"))
    assert above.status_code == 422
    assert above.json()["rule"] == "mandate-budget"
    assert "50,000.00 EUR" in above.json()["detail"]
    dollars = http.post(P + "/decisions", headers=jonas,
                        json=decision("d-usd", amount=10, currency="USD"))
    assert dollars.json()["rule"] == "mandate-budget"
    no_currency = http.post(P + "/decisions", headers=jonas, json=decision("d-x", amount=10))
    assert no_currency.status_code == 422 and "currency" in no_currency.json()["fields"]
    assert log_size(http) == before
    state = http.get(P).json()["mandates"]["m-tech"]
    assert state["budget"] == {"amount": 50000.0, "currency": "EUR"}
    assert state["may_delegate"] is True and state["expired"] is False


def test_an_expired_mandate_is_no_basis_and_shows_as_expired(http: TestClient) -> None:
    granted = http.post(P + "/mandates", json={
        "id": "m-pilot", "person": "jonas", "scope": "technology", "valid_until": days_ago(5),
        "effective_at": days_ago(20)})
    assert granted.status_code == 201, granted.text
    jonas = as_(http, "jonas")
    late = http.post(P + "/decisions", headers=jonas, json=decision("d-late"))
    assert late.status_code == 422 and late.json()["rule"] == "mandate-validity"
    in_time = http.post(P + "/decisions", headers=jonas,
                        json=decision("d-in-time", effective_at=days_ago(10)))
    assert in_time.status_code == 201, in_time.text
    assert http.get(P).json()["mandates"]["m-pilot"]["expired"] is True
    ended = http.post(P + "/mandates", json={"id": "m-x", "person": "jonas", "scope": "x",
                                             "valid_until": days_ago(40)})
    assert ended.status_code == 422 and "valid_until" in ended.json()["fields"]


def test_the_holder_delegates_a_narrower_mandate_and_the_basis_shows_the_chain(
        http: TestClient) -> None:
    http.post(P + "/mandates", json={
        "id": "m-tech", "person": "jonas", "scope": "technology", "budget_amount": 50000,
        "budget_currency": "EUR", "may_delegate": True, "effective_at": days_ago(20)})
    jonas, miriam = as_(http, "jonas"), as_(http, "miriam")
    wider = http.post(P + "/mandates/m-tech/delegate", headers=jonas, json={
        "id": "m-ops", "person": "miriam", "scope": "operations"})
    assert wider.status_code == 422 and wider.json()["rule"] == "mandate-delegation"
    not_holder = http.post(P + "/mandates/m-tech/delegate", headers=miriam, json={
        "id": "m-own", "person": "miriam", "scope": "technology/ordering"})
    assert not_holder.status_code == 422 and not_holder.json()["rule"] == "mandate-delegation"
    delegated = http.post(P + "/mandates/m-tech/delegate", headers=jonas, json={
        "id": "m-ordering", "person": "miriam", "scope": "technology/ordering",
        "budget_amount": 10000, "budget_currency": "EUR", "effective_at": days_ago(10)})
    assert delegated.status_code == 201, delegated.text
    taken = http.post(P + "/decisions", headers=miriam, json=decision(
        "d-miriam", decided_by=["miriam"], amount=8000, currency="EUR"))
    assert taken.status_code == 201, taken.text
    assert taken.json()["data"]["basis"] == {
        "kind": "mandate", "id": "m-ordering", "chain": "m-tech > m-ordering"}
    over = http.post(P + "/decisions", headers=miriam, json=decision(
        "d-over", decided_by=["miriam"], amount=20000, currency="EUR"))
    assert over.status_code == 422 and over.json()["rule"] == "mandate-budget"
    mandates = http.get(P).json()["mandates"]
    assert mandates["m-ordering"]["delegated_from"] == "m-tech"
    assert mandates["m-ordering"]["granted_by"] == "jonas"


def test_the_receiver_refuses_or_returns_a_handoff_saying_why(http: TestClient) -> None:
    jonas, miriam = as_(http, "jonas"), as_(http, "miriam")
    started = http.post(P + "/handoffs", headers=jonas, json={
        "id": "h1", "item": "Data model", "from": "jonas", "to": "miriam",
        "acceptance_criteria": ["three patterns documented", "reviewed by operations"]})
    assert started.status_code == 201, started.text
    assert started.json()["data"]["acceptance_criteria"] == [
        "three patterns documented", "reviewed by operations"]
    before = log_size(http)
    by_giver = http.post(P + "/handoffs/h1/refuse", headers=jonas, json={"reason": "no"})
    assert by_giver.status_code == 403 and by_giver.json()["rule"] == "handoff-receiver"
    no_reason = http.post(P + "/handoffs/h1/refuse", headers=miriam, json={"reason": " "})
    assert no_reason.status_code == 422 and "reason" in no_reason.json()["fields"]
    not_accepted = http.post(P + "/handoffs/h1/return", headers=miriam, json={"reason": "x"})
    assert not_accepted.status_code == 422 and not_accepted.json()["rule"] == "handoff-answer"
    assert log_size(http) == before
    refused = http.post(P + "/handoffs/h1/refuse", headers=miriam,
                        json={"reason": "The patterns are not documented"})
    assert refused.status_code == 201, refused.text
    late = http.post(P + "/handoffs/h1/accept", headers=miriam, json={})
    assert late.status_code == 422 and late.json()["rule"] == "handoff-open"
    handoff = http.get(P).json()["handoffs"]["h1"]
    assert handoff["status"] == "refused"
    assert handoff["reason"] == "The patterns are not documented"
    assert handoff["acceptance_criteria"] == ["three patterns documented", "reviewed by operations"]

    http.post(P + "/handoffs", headers=jonas, json={
        "id": "h2", "item": "Data model, documented", "from": "jonas", "to": "miriam"})
    assert http.post(P + "/handoffs/h2/accept", headers=miriam, json={}).status_code == 201
    returned = http.post(P + "/handoffs/h2/return", headers=miriam,
                         json={"reason": "The review found two more patterns"})
    assert returned.status_code == 201, returned.text
    assert http.get(P).json()["handoffs"]["h2"]["status"] == "returned"


def test_a_measurable_criterion_is_pending_met_or_missed_at_its_evaluation_dates(
        http: TestClient) -> None:
    defined = http.post(P + "/criteria", json={
        "id": "feedback", "description": "Customer feedback after four weeks",
        "target": "at least satisfied (4 of 5)", "comparison": ">=", "target_value": 4,
        "target_unit": "points", "owners": ["jonas", "miriam"],
        "data_source": "The monthly customer survey",
        "evaluation_dates": [days_ago(10)[:10], days_ago(-20)[:10]], "effective_at": days_ago(25)})
    assert defined.status_code == 201, defined.text
    criterion = http.get(P).json()["criteria"]["feedback"]
    assert criterion["state"] == "missed"  # not measured by the first date
    assert [e["state"] for e in criterion["evaluations"]] == ["missed", "pending"]
    http.post(P + "/criteria/feedback/measurements", json={"value": 4.4,
                                                          "effective_at": days_ago(12)})
    criterion = http.get(P).json()["criteria"]["feedback"]
    assert criterion["state"] == "met"
    assert criterion["evaluations"][0]["value"] == 4.4
    assert criterion["owners"] == ["jonas", "miriam"]
    assert criterion["data_source"] == "The monthly customer survey"
    earlier = http.get(P, params={"as_of": days_ago(20)}).json()["criteria"]["feedback"]
    assert earlier["state"] == "pending"


def test_a_measurable_criterion_refuses_bad_targets_and_one_sided_owners(
        http: TestClient) -> None:
    before = log_size(http)
    base = {"id": "c2", "description": "d", "target": "t", "target_value": 1}
    bad = http.post(P + "/criteria", json={**base, "comparison": "about"})
    assert bad.status_code == 422 and "comparison" in bad.json()["fields"]
    no_value = http.post(P + "/criteria", json={**base, "comparison": ">=", "target_value": None})
    assert no_value.status_code == 422 and "target_value" in no_value.json()["fields"]
    bad_date = http.post(P + "/criteria", json={**base, "comparison": ">=",
                                                "evaluation_dates": ["soon"]})
    assert bad_date.status_code == 422 and "evaluation_dates" in bad_date.json()["fields"]
    one_side = http.post(P + "/criteria", json={**base, "comparison": ">=",
                                                "owners": ["jonas", "victor"]})
    assert one_side.status_code == 422 and one_side.json()["rule"] == "criterion-owners"
    loose = http.post(P + "/criteria", json={"id": "c3", "description": "d", "target": "t",
                                             "owners": ["jonas"]})
    assert loose.status_code == 422 and "comparison" in loose.json()["fields"]
    assert log_size(http) == before


def test_the_initiative_page_shows_a_criterion_state_and_draws_its_target_line(
        tandem: Tandem) -> None:
    from tests.support.world import signed_in
    from web.app import create_app

    tokens = build_world(tandem)
    tandem.record(tandem.app.define_criterion, actor="kathi", initiative="portal",
                  criterion="feedback", description="Customer feedback", target="satisfied",
                  comparison=">=", target_value=4, target_unit="points",
                  owners=["jonas", "miriam"], evaluation_dates=[days_ago(5)],
                  effective_at=days_ago(20))
    tandem.record(tandem.app.record_measurement, actor="jonas", initiative="portal",
                  criterion="feedback", value=4.5, effective_at=days_ago(8))
    tandem.catch_up()
    client = signed_in(create_app(tandem.settings, tandem), tokens["kathi"])
    page = client.get("/initiatives/portal", headers={"Accept-Language": "de"})
    assert page.status_code == 200
    assert "erreicht" in page.text and "Verantwortliche" in page.text
    assert 'class="target"' in page.text


def test_a_meeting_is_an_invitation_until_it_starts_then_its_minutes_come_from_the_log(
        http: TestClient, tandem: Tandem) -> None:
    from tests.support.world import signed_in
    from web.app import create_app

    jonas, miriam = as_(http, "jonas"), as_(http, "miriam")
    ahead = http.post(P + "/meetings", headers=jonas, json={
        "id": "js-next", "kind": "joint-status", "title": "Weekly joint status",
        "starts_at": days_ago(-2), "moderator": "jonas", "invited": ["miriam"]})
    assert ahead.status_code == 201, ahead.text
    early = http.post(P + "/meetings/js-next/attendance", headers=jonas,
                      json={"attended": ["jonas", "miriam"]})
    assert early.status_code == 422 and early.json()["rule"] == "meeting-started"

    http.post(P + "/meetings", headers=jonas, json={
        "id": "demo-1", "kind": "demo", "title": "Demo of the ordering process",
        "starts_at": days_ago(3), "moderator": "jonas", "invited": ["miriam", "kathi"],
        "agenda": ["Ordering in the pilot region", "Back office without special roles"],
        "effective_at": days_ago(10)})
    held = http.post(P + "/meetings/demo-1/attendance", headers=jonas,
                     json={"attended": ["jonas", "miriam"], "effective_at": days_ago(3)})
    assert held.status_code == 201, held.text
    assert held.json()["attestation"]["pending"] == ["miriam"]
    http.post(P + "/decisions", json={
        "id": "d-three", "scope": "technology", "title": "Three data patterns", "option": "a",
        "rationale": "Stable ordering", "decided_by": ["kathi"], "options": OPTIONS,
        "effective_at": days_ago(3)})
    unknown = http.post(P + "/meetings/demo-1/outcomes", headers=jonas, json={
        "summary": "s", "links": [{"kind": "decision", "id": "d-nowhere"}]})
    assert unknown.status_code == 404 and unknown.json()["rule"] == "known-references"
    bad_kind = http.post(P + "/meetings/demo-1/outcomes", headers=jonas, json={
        "summary": "s", "links": [{"kind": "rumour", "id": "x"}]})
    assert bad_kind.status_code == 422 and "links" in bad_kind.json()["fields"]
    outcome = http.post(P + "/meetings/demo-1/outcomes", headers=jonas, json={
        "summary": "The ordering process runs stable in the pilot region",
        "links": [{"kind": "decision", "id": "d-three"}],
        "feedback": [{"unit": "ops", "feedback": "Back office needs no special roles"},
                     {"unit": "it", "feedback": "No crashes in two weeks"}],
        "effective_at": days_ago(3)})
    assert outcome.status_code == 201, outcome.text
    confirmed = http.post(f"/api/confirmations/{held.json()['position']}", headers=miriam,
                          json={"answer": "confirm"})
    assert confirmed.status_code == 201, confirmed.text

    minutes = http.get(P + "/meetings/demo-1").json()
    assert minutes["held"] and minutes["attended"] == ["jonas", "miriam"]
    assert minutes["attestation"]["status"] == "confirmed"
    assert minutes["outcomes"][0]["feedback"][0]["unit"] == "ops"
    state = http.get(P).json()
    assert state["decisions"]["d-three"]["meetings"] == ["demo-1"]
    assert state["meetings"]["js-next"]["held"] is False

    cadence = http.post(P + "/meeting-cadence", headers=jonas,
                        json={"kind": "joint-status", "every_days": 7})
    assert cadence.status_code == 201, cadence.text
    assert http.post(P + "/meeting-cadence", headers=jonas,
                     json={"kind": "joint-status", "every_days": -1}).status_code == 422

    client = signed_in(create_app(tandem.settings, tandem), http.tokens["kathi"])  # type: ignore[attr-defined]
    german = client.get("/initiatives/portal/meetings/demo-1", headers={"Accept-Language": "de"})
    assert german.status_code == 200
    assert "Rückmeldung je Einheit" in german.text and "Back office needs no special roles" in german.text
    jonas_name = tandem.read.person("jonas")["name"]
    assert f"erfasst von {jonas_name}" in german.text  # people by name, linked entries by title
    assert ">d-three<" not in german.text
    invitation = client.get("/initiatives/portal/meetings/js-next",
                            headers={"Accept-Language": "en"})
    assert "this is an invitation, not a record of attendance" in invitation.text
    decision_page = client.get("/initiatives/portal/decisions/d-three",
                               headers={"Accept-Language": "en"})
    assert "in meeting Demo of the ordering process" in decision_page.text
    listing = client.get("/initiatives/portal/meetings", headers={"Accept-Language": "en"})
    assert "Weekly joint status" in listing.text and "Invitation" in listing.text
    assert client.get("/initiatives/portal/meetings/nope").status_code == 404


def test_the_forms_schedule_a_meeting_record_its_attendance_and_refuse_a_handoff(
        tandem: Tandem) -> None:
    from tests.support.world import signed_in
    from web.app import create_app

    tokens = build_world(tandem)
    app = create_app(tandem.settings, tandem)
    jonas = signed_in(app, tokens["jonas"])

    def submit(client: TestClient, form: str, **data: str) -> object:
        page = client.get(f"/initiatives/portal/record/{form}")
        assert page.status_code == 200, page.text
        return client.post(f"/initiatives/portal/record/{form}", follow_redirects=False,
                           data={"csrf": page.context["csrf"], **data})

    scheduled = submit(jonas, "meeting", meeting="js-1", kind="joint-status",
                       title="Weekly joint status", starts_at=days_ago(1), moderator="jonas",
                       invited="miriam", agenda="Status\nDecisions", effective_at=days_ago(2))
    assert scheduled.status_code == 303  # type: ignore[attr-defined]
    assert scheduled.headers["location"].startswith(  # type: ignore[attr-defined]
        "/initiatives/portal/meetings/js-1")
    held = submit(jonas, "attendance", meeting="js-1", attended="jonas, miriam")
    assert held.status_code == 303  # type: ignore[attr-defined]
    early = submit(jonas, "meeting", meeting="js-2", kind="joint-status", title="Next week",
                   starts_at=days_ago(-7), moderator="jonas")
    assert early.status_code == 303  # type: ignore[attr-defined]
    refused = submit(jonas, "attendance", meeting="js-2", attended="jonas")
    assert refused.status_code == 422  # type: ignore[attr-defined]
    assert refused.context["rule"]["id"] == "meeting-started"  # type: ignore[attr-defined]
    assert tandem.read.state("portal")["meetings"]["js-1"]["attended"] == ["jonas", "miriam"]

    submit(jonas, "handoff", handoff="h1", item="Data model", from_person="jonas",
           to_person="miriam", acceptance_criteria="Documented\nReviewed")
    miriam = signed_in(app, tokens["miriam"])
    answered = submit(miriam, "refuse-handoff", handoff="h1", reason="Not documented yet")
    assert answered.status_code == 303  # type: ignore[attr-defined]
    handoff = tandem.read.state("portal")["handoffs"]["h1"]
    assert handoff["status"] == "refused"
    assert handoff["acceptance_criteria"] == ["Documented", "Reviewed"]
    page = miriam.get("/initiatives/portal", headers={"Accept-Language": "de"})
    assert "Übergaben" in page.text and "abgelehnt" in page.text and "Not documented yet" in page.text
    german = miriam.get("/initiatives/portal/record/attendance", headers={"Accept-Language": "de"})
    refused_de = miriam.post("/initiatives/portal/record/attendance", headers={
        "Accept-Language": "de"}, data={"csrf": german.context["csrf"], "meeting": "js-2",
                                        "attended": "miriam"})
    assert refused_de.status_code == 422
    assert "Eine künftige Sitzung ist eine Einladung" in refused_de.text


def test_tandem_rhythm_lists_what_asks_for_attention(
        tandem: Tandem, database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from web.cli import main

    build_world(tandem)
    record = tandem.record
    record(tandem.app.set_meeting_cadence, actor="kathi", initiative="portal",
           kind="joint-status", every_days=7, effective_at=days_ago(20))
    record(tandem.app.grant_mandate, actor="kathi", initiative="portal", mandate="m-soon",
           person="jonas", scope="technology", valid_until=days_ago(-3))
    record(tandem.app.define_criterion, actor="kathi", initiative="portal", criterion="feedback",
           description="Feedback", target="4", comparison=">=", target_value=4,
           evaluation_dates=[days_ago(-2)])
    record(tandem.app.start_handoff, actor="jonas", initiative="portal", handoff="h1",
           item="Data model", from_person="jonas", to_person="miriam")
    tandem.catch_up()
    assert main(["--db", database_url, "rhythm", "--json"]) == 0
    items = {(i["kind"], i["id"]) for i in json.loads(capsys.readouterr().out)}
    assert items == {("cadence-missed", "joint-status"), ("mandate-expiring", "m-soon"),
                     ("evaluation-due", "feedback"), ("handoff-waiting", "h1")}
    assert main(["--db", database_url, "rhythm", "--within", "1"]) == 0
    text = capsys.readouterr()
    assert "mandate-expiring" not in text.out and "handoff-waiting" in text.out


def test_an_escalation_linked_from_a_meeting_says_so_on_the_initiative_page(
        tandem: Tandem) -> None:
    from tests.support.world import signed_in
    from web.app import create_app

    tokens = build_world(tandem)
    record = tandem.record
    record(tandem.app.raise_escalation, actor="jonas", initiative="portal", escalation="e1",
           topic="Go-live date", options=OPTIONS, raised_by="jonas", due_at=days_ago(-7),
           effective_at=days_ago(3))
    record(tandem.app.schedule_meeting, actor="jonas", initiative="portal", meeting="js-1",
           kind="joint-status", title="Weekly joint status", starts_at=days_ago(2),
           moderator="jonas", effective_at=days_ago(3))
    record(tandem.app.record_meeting_outcome, actor="jonas", initiative="portal",
           meeting="js-1", summary="Escalated", links=[{"kind": "escalation", "id": "e1"}])
    tandem.catch_up()
    client = signed_in(create_app(tandem.settings, tandem), tokens["kathi"])
    page = client.get("/initiatives/portal", headers={"Accept-Language": "de"})
    assert "in der Sitzung Weekly joint status" in page.text
