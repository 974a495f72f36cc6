"""The recording forms: which fields each shows, how its text becomes a command's plain values,
and where the person lands afterwards. The command itself checks everything."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from web.i18n import N_

Values = Mapping[str, str]


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str = "text"  # text, textarea, datetime, number, select, ids, options, lines
    required: bool = True
    help: str = ""
    choices: str = ""  # the name of a choice list the page supplies: people, criteria, ...


@dataclass(frozen=True)
class Form:
    kind: str
    title: str
    command: str
    fields: tuple[Field, ...]
    land: Callable[[str, dict[str, Any]], str]
    # error field names used by the command -> the form field they belong to
    aliases: dict[str, str] = field(default_factory=dict)


def ids(text: str) -> list[str]:
    return [part for part in re.split(r"[\s,;]+", text.strip()) if part]


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def options(text: str) -> list[dict[str, str]]:
    """One option a line: `key: title` (a line without a colon is its own key and title)."""
    result = []
    for line in lines(text):
        key, colon, title = line.partition(":")
        result.append({"key": key.strip(), "title": (title if colon else key).strip()})
    return result


EFFECTIVE = Field("effective_at", N_("Takes effect"), "datetime", required=False,
                  help=N_("Leave empty for now. Earlier dates record a backdated entry."))


def _initiative(iid: str, _: dict[str, Any]) -> str:
    return f"/initiatives/{quote(iid, safe='')}"


def _matrix(iid: str, kwargs: dict[str, Any]) -> str:
    when = str(kwargs.get("effective_at") or "")[:10]
    return _initiative(iid, kwargs) + (f"?as_of={when}" if when else "") + "#matrix"


FORMS: dict[str, Form] = {f.kind: f for f in [
    Form("goal", N_("Revise the shared goal"), "set_goal", (
        Field("statement", N_("Goal statement"), "textarea"),
        Field("reason", N_("Reason for the change"), "textarea", required=False),
        Field("agreed_by", N_("Agreed by"), "ids", required=False,
              help=N_("Person ids, separated by commas."), choices="people"),
        EFFECTIVE,
    ), lambda iid, kw: f"/initiatives/{quote(iid, safe='')}/goal"),
    Form("criterion", N_("Define a success criterion"), "define_criterion", (
        Field("criterion", N_("Criterion id"), help=N_("Lowercase letters, digits and dashes.")),
        Field("description", N_("Description"), "textarea"),
        Field("target", N_("Target")),
        EFFECTIVE,
    ), _initiative, {"id": "criterion"}),
    Form("measurement", N_("Record a measurement"), "record_measurement", (
        Field("criterion", N_("Criterion"), "select", choices="criteria"),
        Field("value", N_("Value"), "number"),
        Field("note", N_("Note"), required=False),
        EFFECTIVE,
    ), _initiative),
    Form("assign", N_("Assign a responsibility"), "assign", (
        Field("area", N_("Area"), help=N_("A path such as technology/ordering.")),
        Field("person", N_("Person"), "select", choices="people"),
        Field("role", N_("Role"), "select", choices="roles"),
        EFFECTIVE,
    ), _matrix),
    Form("release", N_("Release a responsibility"), "release", (
        Field("area", N_("Area")),
        Field("person", N_("Person"), "select", choices="people"),
        Field("role", N_("Role"), "select", choices="roles"),
        Field("reason", N_("Reason"), "textarea"),
        EFFECTIVE,
    ), _matrix),
    Form("tandem", N_("Form the lead tandem"), "form_tandem", (
        Field("people", N_("Tandem partners"), "ids",
              help=N_("Two person ids from two units, separated by commas."), choices="people"),
        EFFECTIVE,
    ), _matrix),
    Form("mandate", N_("Grant a mandate"), "grant_mandate", (
        Field("mandate", N_("Mandate id"), help=N_("Lowercase letters, digits and dashes.")),
        Field("person", N_("Person"), "select", choices="people"),
        Field("scope", N_("Scope"), help=N_("A path such as technology, or * for everything.")),
        Field("limits", N_("Limits"), "textarea", required=False),
        EFFECTIVE,
    ), _initiative, {"id": "mandate"}),
    Form("proposal", N_("Propose a decision"), "propose", (
        Field("proposal", N_("Proposal id"), help=N_("Lowercase letters, digits and dashes.")),
        Field("question", N_("Question"), "textarea"),
        Field("scope", N_("Scope"), help=N_("A path such as technology/ordering.")),
        Field("options", N_("Options"), "options",
              help=N_("One option a line: key: title.")),
        Field("proposed_by", N_("Proposed by"), "ids", choices="people",
              help=N_("Person ids, separated by commas.")),
        EFFECTIVE,
    ), _initiative, {"id": "proposal"}),
    Form("decision", N_("Record a decision"), "take_decision", (
        Field("decision", N_("Decision id"), help=N_("Lowercase letters, digits and dashes.")),
        Field("title", N_("Title")),
        Field("scope", N_("Scope"), help=N_("A path such as technology/ordering.")),
        Field("proposal", N_("Answers proposal"), "select", required=False, choices="proposals"),
        Field("escalation", N_("Resolves escalation"), "select", required=False,
              choices="escalations"),
        Field("options", N_("Options considered"), "options", required=False,
              help=N_("One option a line: key: title. Leave empty to take the proposal's.")),
        Field("option", N_("Chosen option (key)")),
        Field("rationale", N_("Rationale"), "textarea"),
        Field("decided_by", N_("Decided by"), "ids", choices="people",
              help=N_("Person ids, separated by commas.")),
        Field("mandate", N_("On mandate"), "select", required=False, choices="mandates"),
        Field("supersedes", N_("Supersedes decision"), "select", required=False,
              choices="decisions"),
        EFFECTIVE,
    ), lambda iid, kw: f"/initiatives/{quote(iid, safe='')}/decisions/{quote(kw['decision'], safe='')}",
        {"id": "decision"}),
    Form("escalation", N_("Raise an escalation"), "raise_escalation", (
        Field("escalation", N_("Escalation id"), help=N_("Lowercase letters, digits and dashes.")),
        Field("topic", N_("Topic"), "textarea"),
        Field("options", N_("Options"), "options", help=N_("One option a line: key: title.")),
        Field("raised_by", N_("Raised by"), "select", choices="people"),
        Field("due_at", N_("Answer due"), "datetime"),
        EFFECTIVE,
    ), lambda iid, kw: f"/escalations#{quote(iid, safe='')}-{quote(kw['escalation'], safe='')}",
        {"id": "escalation"}),
    Form("forward", N_("Forward an escalation"), "forward_escalation", (
        Field("escalation", N_("Escalation"), "select", choices="open_escalations"),
        Field("reason", N_("Reason"), "textarea"),
        EFFECTIVE,
    ), lambda iid, kw: f"/escalations#{quote(iid, safe='')}-{quote(kw['escalation'], safe='')}"),
    Form("handoff", N_("Start a handoff"), "start_handoff", (
        Field("handoff", N_("Handoff id"), help=N_("Lowercase letters, digits and dashes.")),
        Field("item", N_("What is handed over"), "textarea"),
        Field("from_person", N_("Handed over by"), "select", choices="people"),
        Field("to_person", N_("Taken over by"), "select", choices="people"),
        EFFECTIVE,
    ), lambda iid, kw: f"/initiatives/{quote(iid, safe='')}/timeline",
        {"id": "handoff", "from": "from_person", "to": "to_person"}),
    Form("status", N_("Report the joint status"), "report_status", (
        Field("summary", N_("Summary"), "textarea"),
        Field("running", N_("What runs"), "lines", required=False, help=N_("One item a line.")),
        Field("blocked", N_("What blocks"), "lines", required=False, help=N_("One item a line.")),
        Field("options", N_("Options"), "lines", required=False, help=N_("One item a line.")),
        Field("reported_by", N_("Reported by"), "ids", choices="people",
              help=N_("Person ids, separated by commas.")),
        EFFECTIVE,
    ), _initiative),
]}


def command_values(form: Form, submitted: Values) -> dict[str, Any]:
    """The command's keyword arguments from the submitted text (absent optional ones omitted)."""
    values: dict[str, Any] = {}
    for f in form.fields:
        raw = str(submitted.get(f.name, "") or "").strip()
        if f.kind == "ids":
            values[f.name] = ids(raw)
        elif f.kind == "options":
            if raw or f.required:
                values[f.name] = options(raw)
        elif f.kind == "lines":
            values[f.name] = lines(raw)
        elif raw or f.required:
            values[f.name] = raw
    return values


def field_errors(form: Form, errors: Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
    """Errors placed next to their form field; those without a field go on top."""
    names = {f.name for f in form.fields}
    placed: dict[str, str] = {}
    general = []
    for name, message in errors.items():
        target = form.aliases.get(name, name)
        if target in names:
            placed[target] = message
        else:
            general.append(message)
    return placed, general
