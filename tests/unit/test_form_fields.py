"""How a recording form's text becomes a command's values: ids from titles, options picked from
what a decision answers, decimal commas, and every error of a form found at once."""

from __future__ import annotations

from web.pages.fields import Context, command_values, decimal, key_of, options_of
from web.pages.forms import FORMS, rule_field

PROPOSAL = {"kind": "proposal", "id": "p-hours", "question": "Hotline hours?",
            "scope": "operations/support",
            "options": [{"key": "until-18", "title": "Until 18:00"},
                        {"key": "until-20", "title": "Until 20:00"}]}


def test_ids_are_made_from_titles_with_umlauts_transliterated() -> None:
    assert key_of("Rückruf für Großkunden über Öffnungszeiten") == \
        "rueckruf-fuer-grosskunden-ueber-oeffnungszeiten"
    assert key_of("Ärger & Übergabe: café") == "aerger-uebergabe-cafe"


def test_ids_are_unique_within_the_initiative_and_never_empty() -> None:
    assert key_of("Data patterns", {"data-patterns", "data-patterns-2"}) == "data-patterns-3"
    assert key_of("???", (), "decision") == "decision"
    assert len(key_of("x" * 200)) <= 64


def test_new_options_get_keys_from_their_titles() -> None:
    assert options_of(["Ja", "Nein", "Ja"]) == [
        {"key": "ja", "title": "Ja"}, {"key": "nein", "title": "Nein"},
        {"key": "ja-2", "title": "Ja"}]


def test_a_german_decimal_comma_is_a_decimal_point() -> None:
    assert decimal("4,3", "de") == "4.3"
    assert decimal("1.234,5", "de") == "1234.5"
    assert decimal("4.3", "de") == "4.3"
    assert decimal("4,3", "en") == "4,3"


def test_a_decision_answering_a_proposal_takes_its_option_scope_and_title() -> None:
    ctx = Context(actor="jonas", answers={"proposal:p-hours": PROPOSAL},
                  taken={"decisions": {"until-20-00"}})
    kwargs, errors = command_values(FORMS["decision"].fields, {
        "choice": "proposal:p-hours:until-20", "rationale": "Callers ask after work.",
        "decided_by": ["jonas"]}, ctx, "decision")
    assert errors == {}
    assert kwargs["proposal"] == "p-hours" and kwargs["option"] == "until-20"
    assert kwargs["scope"] == "operations/support" and kwargs["title"] == "Until 20:00"
    assert kwargs["decision"] == "until-20-00-2"
    assert "options" not in kwargs and "escalation" not in kwargs


def test_a_decision_between_new_options_chooses_the_first_line() -> None:
    kwargs, errors = command_values(FORMS["decision"].fields, {
        "choice": "new", "choice_new": "Show an estimate\nShow nothing", "rationale": "Pilot.",
        "decided_by": ["jonas"], "scope_new": "technology/ordering"}, Context(), "decision")
    assert errors == {}
    assert kwargs["option"] == "show-an-estimate"
    assert [o["key"] for o in kwargs["options"]] == ["show-an-estimate", "show-nothing"]


def test_every_wrong_field_is_reported_at_once() -> None:
    _, errors = command_values(FORMS["decision"].fields, {
        "choice": "", "rationale": "", "decided_by": [], "scope_new": "Not A Scope",
        "effective_at": "yesterday"}, Context(), "decision")
    assert set(errors) == {"choice", "rationale", "decided_by", "scope", "effective_at"}
    _, errors = command_values(FORMS["measurement"].fields, {
        "criterion": "", "value": "viel"}, Context(language="de"), "measurement")
    assert set(errors) == {"criterion", "value"}


def test_a_rule_violation_belongs_to_the_field_it_concerns() -> None:
    assert rule_field(FORMS["decision"], "decision-basis") == "decided_by"
    assert rule_field(FORMS["decision"], "decision-options") == "choice"
    assert rule_field(FORMS["tandem"], "tandem-two-units") == "people"
    assert rule_field(FORMS["status"], "initiative-open") is None
