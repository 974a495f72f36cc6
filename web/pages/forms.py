"""The recording forms: which fields each shows (in the person's words: titles, names, options to
pick), which command each records with, and where the person lands afterwards. How text becomes
values is in `fields.py`; the command itself checks everything."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from eventsourcing.persistence import Recording

from domain.application import TandemApplication
from web.i18n import N_

Values = Mapping[str, str]


@dataclass(frozen=True)
class Submission:
    """A submitted form as plain values: who submits it, for which initiative, and its fields
    (an optional field left empty is absent)."""

    actor: str
    initiative: str
    values: dict[str, Any]

    def text(self, name: str) -> str:
        return str(self.values.get(name, ""))

    def get(self, name: str) -> Any:
        return self.values.get(name)

    def items(self, name: str) -> list[Any]:
        found = self.values.get(name)
        return list(found) if isinstance(found, list) else []


Submit = Callable[[TandemApplication, Submission], list[Recording[Any]]]


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    # text, textarea, datetime, number, select (from `choices`), person (a member, by name),
    # people (members to tick), scope (one the initiative uses, or a new one), key (an id made
    # from `source`), titles (options, one title a line), lines, choice (a decision's option)
    kind: str = "text"
    required: bool = True
    help: str = ""
    choices: str = ""  # the name of a choice list the page supplies: members, criteria, ...
    more: bool = False  # shown under "More", closed unless it holds a value or an error
    me: bool = False  # the person recording is preselected
    source: str = ""  # a key's id is made from these fields' values (names separated by spaces)
    taken: str = ""  # a key is unique among the initiative's ids of this kind

    @property
    def extras(self) -> tuple[str, ...]:
        """Further inputs the field shows: a scope to add, a decision's new options."""
        return (self.name + "_new",) if self.kind in ("scope", "choice") else ()


@dataclass(frozen=True)
class Form:
    kind: str
    title: str
    submit: Submit  # the one application command the form records with
    fields: tuple[Field, ...]
    land: Callable[[str, dict[str, Any]], str]
    # error field names used by the command -> the form field they belong to
    aliases: dict[str, str] = field(default_factory=dict)


EFFECTIVE = Field("effective_at", N_("Takes effect"), "datetime", required=False, more=True,
                  help=N_("Leave empty for now. Earlier dates record a backdated entry."))
MORE_ID = N_("Made from the title; change it only if you need another one.")


def key(name: str, label: str, source: str, taken: str) -> Field:
    return Field(name, label, "key", required=False, more=True, help=MORE_ID, source=source,
                 taken=taken)


def _initiative(iid: str, _: dict[str, Any]) -> str:
    return f"/initiatives/{quote(iid, safe='')}"


def _matrix(iid: str, kwargs: dict[str, Any]) -> str:
    when = str(kwargs.get("effective_at") or "")[:10]
    return _initiative(iid, kwargs) + (f"?as_of={when}" if when else "") + "#matrix"


MANDATE_LIMITS = (
    Field("valid_until", N_("Valid until"), "datetime", required=False,
          help=N_("Leave empty for a mandate without an end.")),
    Field("budget_amount", N_("Budget cap"), "number", required=False),
    Field("budget_currency", N_("Currency"), required=False, help=N_("Three letters, e.g. EUR.")),
)
MEASURABLE = (
    Field("comparison", N_("Measured value must be"), "select", required=False,
          choices="comparisons", help=N_("Leave empty for a target in words only.")),
    Field("target_value", N_("Target value"), "number", required=False),
    Field("target_unit", N_("Unit of the value"), required=False),
    Field("owners", N_("Owners"), "people", required=False, choices="members",
          help=N_("One person from each unit, separated by commas.")),
    Field("data_source", N_("Data source"), required=False),
    Field("evaluation_dates", N_("Evaluation dates"), "lines", required=False,
          help=N_("One date a line, e.g. 2026-03-01.")),
)


def measurable(s: Submission) -> dict[str, Any]:
    return {"comparison": s.get("comparison"), "target_value": s.get("target_value"),
            "target_unit": s.text("target_unit"), "owners": s.items("owners"),
            "data_source": s.text("data_source"),
            "evaluation_dates": s.items("evaluation_dates")}


def _decision(iid: str, kwargs: dict[str, Any]) -> str:
    return f"{_initiative(iid, kwargs)}/decisions/{quote(kwargs['decision'], safe='')}"


def _escalation(iid: str, kwargs: dict[str, Any]) -> str:
    return f"/escalations#{quote(iid, safe='')}-{quote(kwargs['escalation'], safe='')}"


def _members(iid: str, _: dict[str, Any]) -> str:
    return f"{_initiative(iid, _)}#members"


REASON = Field("reason", N_("Reason"), "textarea")

FORMS: dict[str, Form] = {f.kind: f for f in [
    Form("decision", N_("Record a decision"), lambda app, s: app.take_decision(
        actor=s.actor, initiative=s.initiative, decision=s.text("decision"),
        title=s.text("title"), scope=s.text("scope"), proposal=s.get("proposal"),
        escalation=s.get("escalation"), options=s.get("options"), option=s.text("option"),
        rationale=s.text("rationale"), decided_by=s.items("decided_by"),
        mandate=s.get("mandate"), supersedes=s.get("supersedes"),
        effective_at=s.get("effective_at"), amount=s.get("amount"),
        currency=s.get("currency")), (
        Field("choice", N_("What was decided"), "choice"),
        Field("amount", N_("Amount committed"), "number", required=False, more=True,
              help=N_("Checked against the mandate's budget cap.")),
        Field("currency", N_("Currency"), required=False, more=True,
              help=N_("Three letters, e.g. EUR.")),
        Field("rationale", N_("Rationale"), "textarea"),
        Field("decided_by", N_("Decided by"), "people", choices="members", me=True),
        Field("title", N_("Title"), required=False,
              help=N_("Leave empty to use the chosen option's title.")),
        Field("scope", N_("Scope"), "scope", choices="scopes",
              help=N_("The scope of the proposal it answers, unless you pick or add another.")),
        key("decision", N_("Decision id"), "title", "decisions"),
        Field("mandate", N_("On mandate"), "select", required=False, choices="mandates",
              more=True, help=N_("Leave empty: the mandate that covers the deciders is found.")),
        Field("supersedes", N_("Supersedes decision"), "select", required=False,
              choices="decisions", more=True),
        EFFECTIVE,
    ), _decision, {"id": "decision", "option": "choice", "options": "choice",
                   "proposal": "choice", "escalation": "choice"}),
    Form("status", N_("Report the joint status"), lambda app, s: app.report_status(
        actor=s.actor, initiative=s.initiative, summary=s.text("summary"),
        running=s.items("running"), blocked=s.items("blocked"), options=s.items("options"),
        reported_by=s.items("reported_by"), effective_at=s.get("effective_at")), (
        Field("summary", N_("Summary"), "textarea"),
        Field("running", N_("What runs"), "lines", required=False, help=N_("One item a line.")),
        Field("blocked", N_("What blocks"), "lines", required=False, help=N_("One item a line.")),
        Field("options", N_("Options"), "lines", required=False, help=N_("One item a line.")),
        Field("reported_by", N_("Reported by"), "people", choices="members", me=True),
        EFFECTIVE,
    ), _initiative),
    Form("proposal", N_("Propose a decision"), lambda app, s: app.propose(
        actor=s.actor, initiative=s.initiative, proposal=s.text("proposal"),
        question=s.text("question"), scope=s.text("scope"), options=s.get("options"),
        proposed_by=s.items("proposed_by"), effective_at=s.get("effective_at")), (
        Field("question", N_("Question"), "textarea"),
        Field("options", N_("Options"), "titles", help=N_("One option a line.")),
        Field("scope", N_("Scope"), "scope", choices="scopes"),
        Field("proposed_by", N_("Proposed by"), "people", choices="members", me=True),
        key("proposal", N_("Proposal id"), "question", "proposals"),
        EFFECTIVE,
    ), _initiative, {"id": "proposal"}),
    Form("goal", N_("Revise the shared goal"), lambda app, s: app.set_goal(
        actor=s.actor, initiative=s.initiative, statement=s.text("statement"),
        reason=s.text("reason"), agreed_by=s.items("agreed_by"),
        effective_at=s.get("effective_at")), (
        Field("statement", N_("Goal statement"), "textarea"),
        Field("reason", N_("Reason for the change"), "textarea", required=False),
        Field("agreed_by", N_("Agreed by"), "people", required=False, choices="members"),
        EFFECTIVE,
    ), lambda iid, kw: f"/initiatives/{quote(iid, safe='')}/goal"),
    Form("criterion", N_("Define a success criterion"), lambda app, s: app.define_criterion(
        actor=s.actor, initiative=s.initiative, criterion=s.text("criterion"),
        description=s.text("description"), target=s.text("target"),
        effective_at=s.get("effective_at"), **measurable(s)), (
        Field("description", N_("Description"), "textarea"),
        Field("target", N_("Target")),
        key("criterion", N_("Criterion id"), "description", "criteria"),
        *MEASURABLE,
        EFFECTIVE,
    ), _initiative, {"id": "criterion"}),
    Form("revise-criterion", N_("Revise a success criterion"), lambda app, s: app.revise_criterion(
        actor=s.actor, initiative=s.initiative, criterion=s.text("criterion"),
        description=s.text("description"), target=s.text("target"), reason=s.text("reason"),
        effective_at=s.get("effective_at")), (
        Field("criterion", N_("Criterion"), "select", choices="criteria"),
        Field("description", N_("Description"), "textarea"),
        Field("target", N_("Target")),
        REASON,
        EFFECTIVE,
    ), _initiative),
    Form("retire-criterion", N_("Retire a success criterion"), lambda app, s: app.retire_criterion(
        actor=s.actor, initiative=s.initiative, criterion=s.text("criterion"),
        reason=s.text("reason"), effective_at=s.get("effective_at")), (
        Field("criterion", N_("Criterion"), "select", choices="criteria"),
        REASON,
        EFFECTIVE,
    ), _initiative),
    Form("measurement", N_("Record a measurement"), lambda app, s: app.record_measurement(
        actor=s.actor, initiative=s.initiative, criterion=s.text("criterion"),
        value=s.text("value"), note=s.text("note"), effective_at=s.get("effective_at")), (
        Field("criterion", N_("Criterion"), "select", choices="criteria"),
        Field("value", N_("Value"), "number"),
        Field("note", N_("Note"), required=False),
        EFFECTIVE,
    ), _initiative),
    Form("assign", N_("Assign a responsibility"), lambda app, s: app.assign(
        actor=s.actor, initiative=s.initiative, area=s.text("area"), person=s.text("person"),
        role=s.text("role"), effective_at=s.get("effective_at")), (
        Field("area", N_("Area"), "scope", choices="areas"),
        Field("person", N_("Person"), "person", choices="members"),
        Field("role", N_("Role"), "select", choices="roles"),
        EFFECTIVE,
    ), _matrix),
    Form("release", N_("Release a responsibility"), lambda app, s: app.release(
        actor=s.actor, initiative=s.initiative, area=s.text("area"), person=s.text("person"),
        role=s.text("role"), reason=s.text("reason"), effective_at=s.get("effective_at")), (
        Field("area", N_("Area"), "scope", choices="areas"),
        Field("person", N_("Person"), "person", choices="members"),
        Field("role", N_("Role"), "select", choices="roles"),
        REASON,
        EFFECTIVE,
    ), _matrix),
    Form("tandem", N_("Form the lead tandem"), lambda app, s: app.form_tandem(
        actor=s.actor, initiative=s.initiative, people=s.items("people"),
        effective_at=s.get("effective_at")), (
        Field("people", N_("Tandem partners"), "people", choices="members",
              help=N_("Two people from two units.")),
        EFFECTIVE,
    ), _matrix),
    Form("dissolve", N_("Dissolve the lead tandem"), lambda app, s: app.dissolve_tandem(
        actor=s.actor, initiative=s.initiative, reason=s.text("reason"),
        effective_at=s.get("effective_at")), (REASON, EFFECTIVE), _matrix),
    Form("mandate", N_("Grant a mandate"), lambda app, s: app.grant_mandate(
        actor=s.actor, initiative=s.initiative, mandate=s.text("mandate"),
        person=s.text("person"), scope=s.text("scope"), limits=s.text("limits"),
        effective_at=s.get("effective_at"), valid_until=s.get("valid_until"),
        budget_amount=s.get("budget_amount"), budget_currency=s.get("budget_currency"),
        may_delegate=s.get("may_delegate") == "yes"), (
        Field("person", N_("Person"), "person", choices="members"),
        Field("scope", N_("Scope"), "scope", choices="scopes",
              help=N_("A path such as technology, or * for everything.")),
        Field("limits", N_("Limits"), "textarea", required=False),
        key("mandate", N_("Mandate id"), "person scope", "mandates"),
        *MANDATE_LIMITS,
        Field("may_delegate", N_("May delegate narrower mandates"), "select", required=False,
              choices="yes_no"),
        EFFECTIVE,
    ), _initiative, {"id": "mandate"}),
    Form("revoke", N_("Revoke a decision"), lambda app, s: app.revoke_decision(
        actor=s.actor, initiative=s.initiative, decision=s.text("decision"),
        reason=s.text("reason"), effective_at=s.get("effective_at")), (
        Field("decision", N_("Decision"), "select", choices="decisions"),
        REASON,
        EFFECTIVE,
    ), _decision),
    Form("escalation", N_("Raise an escalation"), lambda app, s: app.raise_escalation(
        actor=s.actor, initiative=s.initiative, escalation=s.text("escalation"),
        topic=s.text("topic"), options=s.get("options"), raised_by=s.text("raised_by"),
        due_at=s.text("due_at"), effective_at=s.get("effective_at")), (
        Field("topic", N_("Topic"), "textarea"),
        Field("options", N_("Options"), "titles", help=N_("One option a line.")),
        Field("raised_by", N_("Raised by"), "person", choices="members", me=True),
        Field("due_at", N_("Answer due"), "datetime"),
        key("escalation", N_("Escalation id"), "topic", "escalations"),
        EFFECTIVE,
    ), _escalation, {"id": "escalation"}),
    Form("forward", N_("Forward an escalation"), lambda app, s: app.forward_escalation(
        actor=s.actor, initiative=s.initiative, escalation=s.text("escalation"),
        reason=s.text("reason"), effective_at=s.get("effective_at")), (
        Field("escalation", N_("Escalation"), "select", choices="open_escalations"),
        REASON,
        EFFECTIVE,
    ), _escalation),
    Form("handoff", N_("Start a handoff"), lambda app, s: app.start_handoff(
        actor=s.actor, initiative=s.initiative, handoff=s.text("handoff"),
        item=s.text("item"), from_person=s.text("from_person"), to_person=s.text("to_person"),
        effective_at=s.get("effective_at"),
        acceptance_criteria=s.items("acceptance_criteria")), (
        Field("item", N_("What is handed over"), "textarea"),
        Field("acceptance_criteria", N_("Acceptance criteria"), "lines", required=False,
              help=N_("One item a line.")),
        Field("from_person", N_("Handed over by"), "person", choices="members", me=True),
        Field("to_person", N_("Taken over by"), "person", choices="members"),
        key("handoff", N_("Handoff id"), "item", "handoffs"),
        EFFECTIVE,
    ), lambda iid, kw: f"/initiatives/{quote(iid, safe='')}/timeline",
        {"id": "handoff", "from": "from_person", "to": "to_person"}),
    Form("accept", N_("Accept a handoff"), lambda app, s: app.accept_handoff(
        actor=s.actor, initiative=s.initiative, handoff=s.text("handoff"),
        effective_at=s.get("effective_at")), (
        Field("handoff", N_("Handoff"), "select", choices="my_handoffs",
              help=N_("The open handoffs you take over.")),
        EFFECTIVE,
    ), lambda iid, kw: f"/initiatives/{quote(iid, safe='')}/timeline"),
    Form("member", N_("Admit a member"), lambda app, s: app.admit_member(
        actor=s.actor, initiative=s.initiative, person=s.text("person"), role=s.text("role"),
        reason=s.text("reason"), effective_at=s.get("effective_at")), (
        Field("person", N_("Person"), "person", choices="people"),
        Field("role", N_("Role in the initiative"), "select", choices="member_roles",
              help=N_("Leads admit and dismiss members; members record; observers read.")),
        Field("reason", N_("Reason"), "textarea", required=False),
        EFFECTIVE,
    ), _members),
    Form("dismiss", N_("Dismiss a member"), lambda app, s: app.dismiss_member(
        actor=s.actor, initiative=s.initiative, person=s.text("person"),
        reason=s.text("reason"), effective_at=s.get("effective_at")), (
        Field("person", N_("Member"), "person", choices="admitted"),
        REASON,
        EFFECTIVE,
    ), _members),
]}

FORMS.update({f.kind: f for f in [
    Form("delegate", N_("Delegate a narrower mandate"), lambda app, s: app.delegate_mandate(
        actor=s.actor, initiative=s.initiative, mandate=s.text("mandate"),
        delegated_from=s.text("delegated_from"), person=s.text("person"),
        scope=s.text("scope"), limits=s.text("limits"), valid_until=s.get("valid_until"),
        budget_amount=s.get("budget_amount"), budget_currency=s.get("budget_currency"),
        effective_at=s.get("effective_at")), (
        Field("delegated_from", N_("Your mandate"), "select", choices="mandates"),
        Field("mandate", N_("Mandate id"), help=N_("Lowercase letters, digits and dashes.")),
        Field("person", N_("Person"), "select", choices="people"),
        Field("scope", N_("Scope"), help=N_("Inside the scope of your mandate.")),
        Field("limits", N_("Limits"), "textarea", required=False),
        *MANDATE_LIMITS,
        EFFECTIVE,
    ), _initiative, {"id": "mandate"}),
    Form("refuse-handoff", N_("Refuse a handoff"), lambda app, s: app.refuse_handoff(
        actor=s.actor, initiative=s.initiative, handoff=s.text("handoff"),
        reason=s.text("reason"), effective_at=s.get("effective_at")), (
        Field("handoff", N_("Handoff"), "select", choices="waiting_handoffs"),
        Field("reason", N_("Reason"), "textarea"),
        EFFECTIVE,
    ), lambda iid, kw: f"/initiatives/{quote(iid, safe='')}/timeline"),
    Form("return-handoff", N_("Return a handoff"), lambda app, s: app.return_handoff(
        actor=s.actor, initiative=s.initiative, handoff=s.text("handoff"),
        reason=s.text("reason"), effective_at=s.get("effective_at")), (
        Field("handoff", N_("Handoff"), "select", choices="accepted_handoffs"),
        Field("reason", N_("Reason"), "textarea"),
        EFFECTIVE,
    ), lambda iid, kw: f"/initiatives/{quote(iid, safe='')}/timeline"),
    Form("meeting", N_("Schedule a meeting"), lambda app, s: app.schedule_meeting(
        actor=s.actor, initiative=s.initiative, meeting=s.text("meeting"), kind=s.text("kind"),
        title=s.text("title"), starts_at=s.text("starts_at"), moderator=s.text("moderator"),
        invited=s.items("invited"), agenda=s.items("agenda"),
        effective_at=s.get("effective_at")), (
        Field("meeting", N_("Meeting id"), help=N_("Lowercase letters, digits and dashes.")),
        Field("kind", N_("Kind"), help=N_("joint-status, steering, demo, review, or your own.")),
        Field("title", N_("Title")),
        Field("starts_at", N_("Starts at"), "datetime"),
        Field("moderator", N_("Moderated by"), "select", choices="people"),
        Field("invited", N_("Invited"), "people", required=False, choices="members",
              help=N_("Person ids, separated by commas.")),
        Field("agenda", N_("Agenda"), "lines", required=False, help=N_("One item a line.")),
        EFFECTIVE,
    ), lambda iid, kw: _meeting(iid, kw), {"id": "meeting"}),
    Form("attendance", N_("Record who attended"), lambda app, s: app.hold_meeting(
        actor=s.actor, initiative=s.initiative, meeting=s.text("meeting"),
        attended=s.items("attended"), notes=s.text("notes"),
        effective_at=s.get("effective_at")), (
        Field("meeting", N_("Meeting"), "select", choices="meetings"),
        Field("attended", N_("Attended"), "people", choices="members",
              help=N_("Person ids, separated by commas. Each confirms it under their own login.")),
        Field("notes", N_("Notes"), "textarea", required=False),
        EFFECTIVE,
    ), lambda iid, kw: _meeting(iid, kw)),
    Form("outcome", N_("Record a meeting's outcome"), lambda app, s: app.record_meeting_outcome(
        actor=s.actor, initiative=s.initiative, meeting=s.text("meeting"),
        summary=s.text("summary"), links=[_pair(line, "kind", "id") for line in s.items("links")],
        feedback=[_pair(line, "unit", "feedback") for line in s.items("feedback")],
        effective_at=s.get("effective_at")), (
        Field("meeting", N_("Meeting"), "select", choices="meetings"),
        Field("summary", N_("Summary"), "textarea"),
        Field("links", N_("Entries it produced"), "lines", required=False,
              help=N_("One a line: decision: id, proposal: id, escalation: id, handoff: id, "
                      "or status: log position.")),
        Field("feedback", N_("Demo feedback per unit"), "lines", required=False,
              help=N_("One a line: unit: feedback.")),
        EFFECTIVE,
    ), lambda iid, kw: _meeting(iid, kw)),
]})


def _meeting(iid: str, kwargs: dict[str, Any]) -> str:
    return f"/initiatives/{quote(iid, safe='')}/meetings/{quote(kwargs['meeting'], safe='')}"


def _pair(line: str, first: str, second: str) -> dict[str, str]:
    """`kind: id` as {kind, id} (a line without a colon leaves the first part empty)."""
    head, colon, tail = line.partition(":")
    return {first: head.strip() if colon else "", second: (tail if colon else head).strip()}


# where a rule violation shows: the first of these fields the form has
RULE_FIELDS: dict[str, tuple[str, ...]] = {
    "one-accountable-per-area": ("person",), "release-held-role": ("role",),
    "single-assignment": ("role",), "tandem-two-units": ("people",), "one-tandem": ("people",),
    "dissolve-existing-tandem": ("reason",), "options-offered": ("options",),
    "decision-options": ("choice",), "decision-basis": ("decided_by",),
    "goal-revision-reason": ("reason",), "goal-agreed-by-tandem": ("agreed_by",),
    "decision-in-force": ("supersedes", "decision"), "proposal-open": ("choice",),
    "registered-people": ("decided_by", "reported_by", "proposed_by", "agreed_by", "people",
                          "person", "to_person", "raised_by"),
    "mandate-grantor": ("person",), "mandate-in-force": ("mandate",),
    "criterion-active": ("criterion",), "handoff-open": ("handoff",),
    "escalation-open": ("choice", "escalation"), "effective-order": ("effective_at",),
    "effective-time": ("effective_at",), "handoff-receiver": ("handoff",),
    "member-admission": ("person",), "member-dismissal": ("person",),
    "escalation-path": ("raised_by",),
}


def rule_field(form: Form, rule: str) -> str | None:
    """The field a rule violation concerns on this form (None: the form as a whole)."""
    names = {f.name for f in form.fields}
    return next((name for name in RULE_FIELDS.get(rule, ()) if name in names), None)


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
