"""The recording forms in the person's words, on SQLite and PostgreSQL: a decision answering a
proposal by picking one of its options, every error at once next to its field, a rule violation
on the field it concerns, a confirmation after the save, and the forms that were missing."""

from __future__ import annotations

import re
import uuid
import warnings
from typing import Any

import pytest

from web.app import create_app
from web.system import Tandem

DE = {"Accept-Language": "de-DE,de;q=0.9"}
EN = {"Accept-Language": "en-GB,en;q=0.9"}
K = "kundenportal"


class Pages:
    def __init__(self, tandem: Tandem):
        self.tandem = tandem
        self.app = create_app(tandem.settings, tandem)

    def client(self, person: str, headers: dict[str, str] = EN) -> Any:
        with warnings.catch_warnings():  # starlette warns about httpx when the client is imported
            warnings.simplefilter("ignore")
            from fastapi.testclient import TestClient
        client = TestClient(self.app, headers=headers)
        token, _ = self.tandem.app.issue_token(actor="test", person=person)
        self.tandem.catch_up()
        csrf = client.get("/login").context["csrf"]
        assert client.post("/login", data={"token": token, "csrf": csrf},
                           follow_redirects=False).status_code == 303
        return client


@pytest.fixture(scope="module")
def pages(shared_story: Tandem) -> Pages:
    return Pages(shared_story)


def propose(tandem: Tandem, question: str = "How long is the hotline open?") -> str:
    key = f"p-{uuid.uuid4().hex[:8]}"
    tandem.record(tandem.app.propose, actor="miriam", initiative=K, proposal=key,
                  question=question, scope="operations/support",
                  options=[{"key": "until-18", "title": "Until 18:00"},
                           {"key": "until-20", "title": "Until 20:00"}],
                  proposed_by=["miriam", "jonas"])
    return key


def test_a_decision_answering_a_proposal_needs_only_an_option_and_a_rationale(
        pages: Pages) -> None:
    proposal = propose(pages.tandem)
    client = pages.client("miriam")
    form = client.get(f"/initiatives/{K}/record/decision", params={"proposal": proposal})
    assert form.status_code == 200
    assert list(form.context["answers"]) == [f"proposal:{proposal}"]
    assert form.context["values"]["decided_by"] == ["miriam"]  # the person recording
    assert form.context["values"]["scope"] == "operations/support"
    assert 'type="radio"' in form.text and "Until 20:00" in form.text
    response = client.post(f"/initiatives/{K}/record/decision", data={
        "csrf": form.context["csrf"], "idempotency_key": form.context["idempotency_key"],
        "answering": f"proposal:{proposal}", "choice": f"proposal:{proposal}:until-20",
        "rationale": "Callers ask after work.", "decided_by": "miriam",
        "scope": "operations/support"}, follow_redirects=False)
    assert response.status_code == 303, response.context and response.context["errors"]
    location = response.headers["location"]
    assert re.fullmatch(rf"/initiatives/{K}/decisions/until-20-00(-\d+)?\?recorded=\d+", location)
    landed = client.get(location)
    assert landed.context["recorded"]["name"] == "Until 20:00"
    assert "Recorded: Decision taken “Until 20:00”." in landed.text
    decision = landed.context["decision"]
    assert decision["proposal"] == proposal and decision["option"] == "until-20"
    assert pages.tandem.read.state(K)["proposals"][proposal]["status"] == "decided"


@pytest.mark.parametrize(("headers", "empty"), [
    (EN, "This field must not be empty."), (DE, "Dieses Feld darf nicht leer sein.")])
def test_three_wrong_fields_show_three_errors_at_once(pages: Pages, headers: dict[str, str],
                                                      empty: str) -> None:
    client = pages.client("jonas", headers)
    csrf = client.get(f"/initiatives/{K}/record/decision").context["csrf"]
    before = pages.tandem.read.state(K)["events"]
    response = client.post(f"/initiatives/{K}/record/decision", data={
        "csrf": csrf, "choice": "", "rationale": "", "decided_by": "jonas",
        "scope": "technology", "effective_at": "next week"})
    assert response.status_code == 422
    errors = response.context["errors"]
    assert set(errors) == {"choice", "rationale", "effective_at"}
    assert errors["rationale"] == empty
    assert response.text.count('aria-invalid="true"') >= 3
    assert 'id="error-summary" tabindex="-1" autofocus' in response.text
    for name in errors:
        assert f'href="#{name}"' in response.text and f'id="{name}-error"' in response.text
    assert pages.tandem.read.state(K)["events"] == before


def test_a_german_decimal_comma_records_the_number(pages: Pages) -> None:
    client = pages.client("jonas", DE)
    csrf = client.get(f"/initiatives/{K}/record/measurement").context["csrf"]
    response = client.post(f"/initiatives/{K}/record/measurement", data={
        "csrf": csrf, "criterion": "customer-satisfaction", "value": "4,3"},
        follow_redirects=False)
    assert response.status_code == 303
    criteria = pages.tandem.read.state(K)["criteria"]
    assert criteria["customer-satisfaction"]["latest"]["value"] == 4.3
    assert "Erfasst: Messwert erfasst" in client.get(response.headers["location"]).text


def test_a_rule_violation_marks_its_field_and_is_summarised_on_top(pages: Pages) -> None:
    client = pages.client("lena", DE)  # lena holds no mandate for technology
    csrf = client.get(f"/initiatives/{K}/record/decision").context["csrf"]
    response = client.post(f"/initiatives/{K}/record/decision", data={
        "csrf": csrf, "choice": "new", "choice_new": "Ja\nNein", "rationale": "Weil.",
        "decided_by": "lena", "scope": "technology/ordering"})
    assert response.status_code == 422
    assert response.context["rule"]["field"] == "decided_by"
    sentence = response.context["rule"]["sentence"]
    assert sentence.startswith("Eine Entscheidung beruht auf einer Grundlage")
    assert response.context["errors"]["decided_by"] == sentence
    assert 'id="decided_by-error"' in response.text and 'id="rule-violation"' in response.text


def test_the_missing_forms_record_with_the_existing_commands(pages: Pages) -> None:
    tandem = pages.tandem
    u = uuid.uuid4().hex[:6]
    client = pages.client("kathi")

    def post(kind: str, **data: str) -> Any:
        return post_as(client, kind, **data)

    def post_as(client: Any, kind: str, **data: str) -> Any:
        csrf = client.get(f"/initiatives/{K}/record/{kind}").context["csrf"]
        return client.post(f"/initiatives/{K}/record/{kind}", data={"csrf": csrf, **data},
                           follow_redirects=False)

    assert post("criterion", description=f"Hotline answer time {u}", target="< 2 min",
                ).status_code == 303
    key = f"hotline-answer-time-{u}"
    assert tandem.read.state(K)["criteria"][key]["status"] == "active"
    assert post("revise-criterion", criterion=key, description="Hotline answer time",
                target="< 90 s", reason="Pilot shows it is possible").status_code == 303
    assert tandem.read.state(K)["criteria"][key]["target"] == "< 90 s"
    assert post("retire-criterion", criterion=key, reason="Measured by the survey").status_code == 303
    assert tandem.read.state(K)["criteria"][key]["status"] == "retired"

    decision = f"d-{u}"
    jonas = pages.client("jonas")  # decides on his own mandate: in force at once
    assert post_as(jonas, "decision", decision=decision, title="Show an estimate", choice="new",
                   choice_new="Show an estimate\nShow nothing", rationale="Pilot",
                   decided_by="jonas", scope="technology/ordering").status_code == 303
    revoked = post_as(jonas, "revoke", decision=decision, reason="Superseded by events")
    assert revoked.status_code == 303, revoked.context["rule"] or revoked.context["errors"]
    assert tandem.read.state(K)["decisions"][decision]["status"] == "revoked"

    assert post("handoff", item=f"Hotline scripts {u}", from_person="miriam",
                to_person="lena").status_code == 303
    handoff = f"hotline-scripts-{u}"
    refused = post("accept", handoff=handoff)  # kathi does not take it over
    assert refused.status_code == 403 and refused.context["rule"]["id"] == "handoff-receiver"
    lena = pages.client("lena")
    form = lena.get(f"/initiatives/{K}/record/accept")
    assert [k for k, _ in form.context["choices"]["my_handoffs"]] == [handoff]
    accepted = lena.post(f"/initiatives/{K}/record/accept",
                         data={"csrf": form.context["csrf"], "handoff": handoff},
                         follow_redirects=False)
    assert accepted.status_code == 303
    assert tandem.read.state(K)["handoffs"][handoff]["status"] == "accepted"


def test_dissolving_the_tandem_records_with_a_reason(story: Tandem) -> None:
    pages = Pages(story)
    client = pages.client("kathi")
    csrf = client.get(f"/initiatives/{K}/record/dissolve").context["csrf"]
    empty = client.post(f"/initiatives/{K}/record/dissolve", data={"csrf": csrf, "reason": ""})
    assert empty.status_code == 422 and set(empty.context["errors"]) == {"reason"}
    response = client.post(f"/initiatives/{K}/record/dissolve",
                           data={"csrf": csrf, "reason": "Jonas moves to another project"},
                           follow_redirects=False)
    assert response.status_code == 303
    assert story.read.state(K)["tandem"] is None
