"""One-line summaries of events: stored in English with each event (`summarize`, for logs,
exports and search), and as a message template with parameters (`message`), which a page
renders through its language's catalogue, showing people and units by name (`render`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from domain import events as ev
from domain.directory import Person, Unit
from domain.event_types import EventClass
from domain.notices import Delivery, Recipient

Data = dict[str, Any]


def _people(values: Any) -> str:
    if isinstance(values, str):
        return str(values)
    names = [str(name) for name in values or []]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _short(text: Any, limit: int = 80) -> str:
    value = " ".join(str(text or "").split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


_SUMMARIES: dict[EventClass, Callable[[Data, str], str]] = {
    Unit.UnitRegistered: lambda d, a: f"Unit {d.get('unit')} ({_short(d.get('name'))}) registered",
    Person.PersonRegistered: lambda d, a: (
        f"{d.get('person')} ({_short(d.get('name'))}) registered in {d.get('unit')} as {d.get('role')}"
    ),
    Person.PersonMoved: lambda d, a: f"{d.get('person')} moved to unit {d.get('unit')}",
    Person.RoleChanged: lambda d, a: f"{d.get('person')} is now {d.get('role')}",
    Person.PersonDeactivated: lambda d, a: f"{d.get('person')} deactivated: {_short(d.get('reason'))}",
    Person.TokenIssued: lambda d, a: f"API token {d.get('token_id')} issued for {d.get('person')}",
    Person.TokenRevoked: lambda d, a: (
        f"API token {d.get('token_id')} of {d.get('person')} revoked: {_short(d.get('reason'))}"
    ),
    ev.InitiativeOpened: lambda d, a: (
        f"{a} opened '{_short(d.get('title'))}' for {_people(d.get('units'))}, "
        f"sponsor {d.get('sponsor')}"
    ),
    ev.GoalSet: lambda d, a: f"Shared goal set: {_short(d.get('statement'))}",
    ev.GoalRevised: lambda d, a: (
        f"Shared goal revised: {_short(d.get('statement'), 60)} (why: {_short(d.get('reason'), 40)})"
    ),
    ev.CriterionDefined: lambda d, a: (
        f"Success criterion {d.get('criterion')} defined: {_short(d.get('description'), 60)}"
    ),
    ev.CriterionRevised: lambda d, a: f"Success criterion {d.get('criterion')} revised",
    ev.CriterionRetired: lambda d, a: f"Success criterion {d.get('criterion')} retired",
    ev.MeasurementRecorded: lambda d, a: (
        f"Measured {d.get('criterion')}: {d.get('value'):g}" + (f" ({_short(d.get('note'), 40)})"
                                                               if d.get("note") else "")
    ),
    ev.ResponsibilityAssigned: lambda d, a: (
        f"{d.get('person')} assigned {d.get('role')} for {d.get('area')}"
    ),
    ev.ResponsibilityReleased: lambda d, a: (
        f"{d.get('person')} released from {d.get('role')} for {d.get('area')}"
    ),
    ev.TandemFormed: lambda d, a: f"Tandem formed: {_people(d.get('people'))} lead jointly",
    ev.TandemDissolved: lambda d, a: f"Tandem dissolved: {_short(d.get('reason'))}",
    ev.MandateGranted: lambda d, a: (
        f"Mandate {d.get('mandate')} granted to {d.get('person')} for {d.get('scope')} by "
        f"{d.get('granted_by')}"
    ),
    ev.MandateRevoked: lambda d, a: f"Mandate {d.get('mandate')} revoked",
    ev.DecisionProposed: lambda d, a: (
        f"Proposal {d.get('proposal')}: {_short(d.get('question'), 60)} "
        f"({len(d.get('options') or [])} options)"
    ),
    ev.DecisionTaken: lambda d, a: (
        f"Decision {d.get('decision')}: {_short(d.get('title'), 60)} — chose {d.get('option')}, "
        f"by {_people(d.get('decided_by'))}"
    ),
    ev.DecisionRevoked: lambda d, a: f"Decision {d.get('decision')} revoked",
    ev.EscalationRaised: lambda d, a: (
        f"Escalation {d.get('escalation')} raised by {d.get('raised_by')} to "
        f"{d.get('addressed_to')}: {_short(d.get('topic'), 60)}"
    ),
    ev.EscalationForwarded: lambda d, a: (
        f"Escalation {d.get('escalation')} forwarded to level {d.get('level')} "
        f"({d.get('addressed_to')}): {_short(d.get('reason'), 40)}"
    ),
    ev.EscalationResolved: lambda d, a: (
        f"Escalation {d.get('escalation')} resolved by decision {d.get('decision')}"
    ),
    ev.HandoffStarted: lambda d, a: (
        f"Handoff {d.get('handoff')}: {_short(d.get('item'), 60)} from {d.get('from_person')} to "
        f"{d.get('to_person')}"
    ),
    ev.HandoffAccepted: lambda d, a: f"Handoff {d.get('handoff')} accepted",
    ev.StatusReported: lambda d, a: (
        f"Status by {_people(d.get('reported_by'))}: {_short(d.get('summary'), 60)}"
    ),
    ev.RulesAdopted: lambda d, a: (
        f"Governance rules adopted: {', '.join(f['name'] for f in d.get('rule_files') or [])}"
    ),
    ev.InitiativeClosed: lambda d, a: f"Initiative closed: {_short(d.get('outcome'))}",
    ev.MemberAdmitted: lambda d, a: f"{d.get('person')} admitted as {d.get('role')} by {a}",
    ev.MemberDismissed: lambda d, a: (
        f"{d.get('person')} dismissed by {a}: {_short(d.get('reason'), 60)}"
    ),
    ev.VisibilityChanged: lambda d, a: (
        "Readable by its members and auditors only" if d.get("visibility") == "members"
        else "Readable by everyone signed in"
    ),
    ev.EntryConfirmed: lambda d, a: f"{a} confirmed entry #{d.get('position')}",
    ev.EntryDisputed: lambda d, a: (
        f"{a} disputed entry #{d.get('position')}: {_short(d.get('reason'), 60)}"
    ),
    ev.RecordImported: lambda d, a: (
        f"{a} imported {', '.join(d.get('entries') or [])} from {_short(d.get('source'), 60)} "
        f"({d.get('format')}, SHA-256 {str(d.get('sha256'))[:12]}…)"
    ),
    # notices: who was told what (never the notice's text, which may quote a hidden initiative)
    Delivery.NoticeClaimed: lambda d, a: (
        f"Notice {d.get('kind')} for {d.get('addressee')} by {d.get('channel')}: attempt 1"
    ),
    Delivery.RetryClaimed: lambda d, a: f"Notice delivery: attempt {d.get('attempt')}",
    Delivery.NoticeDelivered: lambda d, a: f"Notice delivered (attempt {d.get('attempt')})",
    Delivery.DeliveryFailed: lambda d, a: (
        f"Notice delivery failed (attempt {d.get('attempt')}): {_short(d.get('error'), 60)}"
        + ("; retried later" if d.get("retry_at") else "; given up and reported")
    ),
    Recipient.RecipientOpened: lambda d, a: f"Notice settings of {d.get('person')} opened",
    Recipient.ContactSet: lambda d, a: (
        f"{d.get('person')} gets notices in {d.get('language')}"
        + (" by email" if d.get("email") else " (no email)")
    ),
    Recipient.FeedTokenIssued: lambda d, a: (
        f"Feed token {d.get('token_id')} issued for {d.get('person')}"
    ),
    Recipient.FeedTokenRevoked: lambda d, a: (
        f"Feed token {d.get('token_id')} of {d.get('person')} revoked"
    ),
}


def summarize(kind: EventClass, data: Data, actor: str) -> str:
    describe = _SUMMARIES.get(kind)
    return describe(data, actor) if describe else kind.__name__


_SUMMARIES.update({
    ev.MandateDelegated: lambda d, a: (
        f"Mandate {d.get('mandate')} delegated from {d.get('delegated_from')} to "
        f"{d.get('person')} for {d.get('scope')} by {a}"
    ),
    ev.HandoffRefused: lambda d, a: (
        f"Handoff {d.get('handoff')} refused by {a}: {_short(d.get('reason'), 60)}"
    ),
    ev.HandoffReturned: lambda d, a: (
        f"Handoff {d.get('handoff')} returned by {a}: {_short(d.get('reason'), 60)}"
    ),
    ev.MeetingScheduled: lambda d, a: (
        f"Meeting {d.get('meeting')} ({d.get('kind')}): {_short(d.get('title'), 60)}, "
        f"moderated by {d.get('moderator')}"
    ),
    ev.MeetingHeld: lambda d, a: (
        f"Meeting {d.get('meeting')} held, attended by {_people(d.get('attended'))}"
    ),
    ev.MeetingOutcomeRecorded: lambda d, a: (
        f"Outcome of meeting {d.get('meeting')}: {_short(d.get('summary'), 60)}"
    ),
    ev.MeetingCadenceSet: lambda d, a: (
        f"Cadence of {d.get('kind')} meetings: every {d.get('every_days')} days"
    ),
})


@dataclass(frozen=True)
class Ref:
    """A value the reader shows its own way: a person or unit (by name), a RACI role,
    a directory or membership role, a number, a readers' setting."""

    kind: str  # person, unit, raci, role, number
    value: Any


Param = str | Ref | list[Ref]
Message = tuple[str, dict[str, Param]]
Show = Callable[[Ref], str]
Join = Callable[[Sequence[str]], str]


def _who(values: Any) -> list[Ref]:
    names = [values] if isinstance(values, str) else [str(v) for v in values or []]
    return [Ref("person", name) for name in names]


def _person(value: Any) -> Ref:
    return Ref("person", str(value or ""))


def _s(value: Any) -> str:
    return str(value if value is not None else "")


M = Callable[[Data, str], Message]

_MESSAGES: dict[EventClass, M] = {
    Unit.UnitRegistered: lambda d, a: (
        "Unit %(unit)s registered", {"unit": Ref("unit", _s(d.get("unit")))}),
    Person.PersonRegistered: lambda d, a: (
        "%(person)s registered in %(unit)s as %(role)s",
        {"person": _person(d.get("person")), "unit": Ref("unit", _s(d.get("unit"))),
         "role": Ref("role", _s(d.get("role")))}),
    Person.PersonMoved: lambda d, a: (
        "%(person)s moved to unit %(unit)s",
        {"person": _person(d.get("person")), "unit": Ref("unit", _s(d.get("unit")))}),
    Person.RoleChanged: lambda d, a: (
        "%(person)s is now %(role)s",
        {"person": _person(d.get("person")), "role": Ref("role", _s(d.get("role")))}),
    Person.PersonDeactivated: lambda d, a: (
        "%(person)s deactivated: %(reason)s",
        {"person": _person(d.get("person")), "reason": _short(d.get("reason"))}),
    Person.TokenIssued: lambda d, a: (
        "API token %(token)s issued for %(person)s",
        {"token": _s(d.get("token_id")), "person": _person(d.get("person"))}),
    Person.TokenRevoked: lambda d, a: (
        "API token %(token)s of %(person)s revoked: %(reason)s",
        {"token": _s(d.get("token_id")), "person": _person(d.get("person")),
         "reason": _short(d.get("reason"))}),
    ev.InitiativeOpened: lambda d, a: (
        "%(actor)s opened '%(title)s' for %(units)s, sponsor %(sponsor)s",
        {"actor": _person(a), "title": _short(d.get("title")),
         "units": [Ref("unit", str(u)) for u in d.get("units") or []],
         "sponsor": _person(d.get("sponsor"))}),
    ev.GoalSet: lambda d, a: ("Shared goal set: %(statement)s",
                              {"statement": _short(d.get("statement"))}),
    ev.GoalRevised: lambda d, a: (
        "Shared goal revised: %(statement)s (why: %(reason)s)",
        {"statement": _short(d.get("statement"), 60), "reason": _short(d.get("reason"), 40)}),
    ev.CriterionDefined: lambda d, a: (
        "Success criterion defined: %(description)s",
        {"description": _short(d.get("description"), 60)}),
    ev.CriterionRevised: lambda d, a: (
        "Success criterion %(criterion)s revised", {"criterion": _s(d.get("criterion"))}),
    ev.CriterionRetired: lambda d, a: (
        "Success criterion %(criterion)s retired", {"criterion": _s(d.get("criterion"))}),
    ev.MeasurementRecorded: lambda d, a: (
        ("Measured %(criterion)s: %(value)s (%(note)s)" if d.get("note")
         else "Measured %(criterion)s: %(value)s"),
        {"criterion": _s(d.get("criterion")), "value": Ref("number", d.get("value")),
         "note": _short(d.get("note"), 40)}),
    ev.ResponsibilityAssigned: lambda d, a: (
        "%(person)s assigned %(role)s for %(area)s",
        {"person": _person(d.get("person")), "role": Ref("raci", _s(d.get("role"))),
         "area": _s(d.get("area"))}),
    ev.ResponsibilityReleased: lambda d, a: (
        "%(person)s released from %(role)s for %(area)s",
        {"person": _person(d.get("person")), "role": Ref("raci", _s(d.get("role"))),
         "area": _s(d.get("area"))}),
    ev.TandemFormed: lambda d, a: ("Tandem formed: %(people)s lead jointly",
                                   {"people": _who(d.get("people"))}),
    ev.TandemDissolved: lambda d, a: ("Tandem dissolved: %(reason)s",
                                      {"reason": _short(d.get("reason"))}),
    ev.MandateGranted: lambda d, a: (
        "Mandate %(mandate)s granted to %(person)s for %(scope)s by %(grantor)s",
        {"mandate": _s(d.get("mandate")), "person": _person(d.get("person")),
         "scope": _s(d.get("scope")), "grantor": _person(d.get("granted_by"))}),
    ev.MandateRevoked: lambda d, a: ("Mandate %(mandate)s revoked",
                                     {"mandate": _s(d.get("mandate"))}),
    ev.DecisionProposed: lambda d, a: (
        "Proposal: %(question)s (%(count)s options)",
        {"question": _short(d.get("question"), 60),
         "count": Ref("number", len(d.get("options") or []))}),
    ev.DecisionTaken: lambda d, a: (
        "Decision: %(title)s — chose %(option)s, by %(people)s",
        {"title": _short(d.get("title"), 60), "option": _option(d),
         "people": _who(d.get("decided_by"))}),
    ev.DecisionRevoked: lambda d, a: ("Decision %(decision)s revoked",
                                      {"decision": _s(d.get("decision"))}),
    ev.EscalationRaised: lambda d, a: (
        "Escalation raised by %(raiser)s to %(addressee)s: %(topic)s",
        {"raiser": _person(d.get("raised_by")), "addressee": _person(d.get("addressed_to")),
         "topic": _short(d.get("topic"), 60)}),
    ev.EscalationForwarded: lambda d, a: (
        "Escalation %(escalation)s forwarded to level %(level)s (%(addressee)s): %(reason)s",
        {"escalation": _s(d.get("escalation")), "level": _s(d.get("level")),
         "addressee": _person(d.get("addressed_to")), "reason": _short(d.get("reason"), 40)}),
    ev.EscalationResolved: lambda d, a: (
        "Escalation %(escalation)s resolved by decision %(decision)s",
        {"escalation": _s(d.get("escalation")), "decision": _s(d.get("decision"))}),
    ev.HandoffStarted: lambda d, a: (
        "Handoff: %(item)s from %(giver)s to %(receiver)s",
        {"item": _short(d.get("item"), 60), "giver": _person(d.get("from_person")),
         "receiver": _person(d.get("to_person"))}),
    ev.HandoffAccepted: lambda d, a: ("Handoff %(handoff)s accepted",
                                      {"handoff": _s(d.get("handoff"))}),
    ev.StatusReported: lambda d, a: (
        "Status by %(people)s: %(summary)s",
        {"people": _who(d.get("reported_by")), "summary": _short(d.get("summary"), 60)}),
    ev.RulesAdopted: lambda d, a: (
        "Governance rules adopted: %(files)s",
        {"files": ", ".join(str(f.get("name")) for f in d.get("rule_files") or [])}),
    ev.InitiativeClosed: lambda d, a: ("Initiative closed: %(outcome)s",
                                       {"outcome": _short(d.get("outcome"))}),
    ev.MemberAdmitted: lambda d, a: (
        "%(person)s admitted as %(role)s by %(actor)s",
        {"person": _person(d.get("person")), "role": Ref("role", _s(d.get("role"))),
         "actor": _person(a)}),
    ev.MemberDismissed: lambda d, a: (
        "%(person)s dismissed by %(actor)s: %(reason)s",
        {"person": _person(d.get("person")), "actor": _person(a),
         "reason": _short(d.get("reason"), 60)}),
    ev.VisibilityChanged: lambda d, a: (
        ("Readable by its members and auditors only" if d.get("visibility") == "members"
         else "Readable by everyone signed in"), {}),
    ev.EntryConfirmed: lambda d, a: ("%(actor)s confirmed entry #%(position)s",
                                     {"actor": _person(a), "position": _s(d.get("position"))}),
    ev.EntryDisputed: lambda d, a: (
        "%(actor)s disputed entry #%(position)s: %(reason)s",
        {"actor": _person(a), "position": _s(d.get("position")),
         "reason": _short(d.get("reason"), 60)}),
}

# events added with imports, mandates with limits, handoff answers and notices
_MESSAGES.update({
    ev.MeetingScheduled: lambda d, a: (
        "Meeting %(meeting)s (%(kind)s): %(title)s, moderated by %(moderator)s",
        {"meeting": _s(d.get("meeting")), "kind": _s(d.get("kind")),
         "title": _short(d.get("title"), 60), "moderator": _person(d.get("moderator"))}),
    ev.MeetingHeld: lambda d, a: (
        "Meeting %(meeting)s held, attended by %(people)s",
        {"meeting": _s(d.get("meeting")), "people": _who(d.get("attended"))}),
    ev.MeetingOutcomeRecorded: lambda d, a: (
        "Outcome of meeting %(meeting)s: %(summary)s",
        {"meeting": _s(d.get("meeting")), "summary": _short(d.get("summary"), 60)}),
    ev.MeetingCadenceSet: lambda d, a: (
        "Cadence of %(kind)s meetings: every %(days)s days",
        {"kind": _s(d.get("kind")), "days": _s(d.get("every_days"))}),
    ev.RecordImported: lambda d, a: (
        "%(actor)s imported %(entries)s from %(source)s (%(format)s, SHA-256 %(sha)s…)",
        {"actor": _person(a), "entries": ", ".join(d.get("entries") or []),
         "source": _short(d.get("source"), 60), "format": _s(d.get("format")),
         "sha": _s(d.get("sha256"))[:12]}),
    ev.MandateDelegated: lambda d, a: (
        "Mandate %(mandate)s delegated from %(parent)s to %(person)s for %(scope)s by %(actor)s",
        {"mandate": _s(d.get("mandate")), "parent": _s(d.get("delegated_from")),
         "person": _person(d.get("person")), "scope": _s(d.get("scope")), "actor": _person(a)}),
    ev.HandoffRefused: lambda d, a: (
        "Handoff %(handoff)s refused by %(actor)s: %(reason)s",
        {"handoff": _s(d.get("handoff")), "actor": _person(a),
         "reason": _short(d.get("reason"), 60)}),
    ev.HandoffReturned: lambda d, a: (
        "Handoff %(handoff)s returned by %(actor)s: %(reason)s",
        {"handoff": _s(d.get("handoff")), "actor": _person(a),
         "reason": _short(d.get("reason"), 60)}),
    Delivery.NoticeClaimed: lambda d, a: (
        "Notice %(kind)s for %(person)s by %(channel)s: attempt 1",
        {"kind": _s(d.get("kind")), "person": _person(d.get("addressee")),
         "channel": _s(d.get("channel"))}),
    Delivery.RetryClaimed: lambda d, a: ("Notice delivery: attempt %(attempt)s",
                                         {"attempt": _s(d.get("attempt"))}),
    Delivery.NoticeDelivered: lambda d, a: ("Notice delivered (attempt %(attempt)s)",
                                            {"attempt": _s(d.get("attempt"))}),
    Delivery.DeliveryFailed: lambda d, a: (
        ("Notice delivery failed (attempt %(attempt)s): %(error)s; retried later"
         if d.get("retry_at") else
         "Notice delivery failed (attempt %(attempt)s): %(error)s; given up and reported"),
        {"attempt": _s(d.get("attempt")), "error": _short(d.get("error"), 60)}),
    Recipient.RecipientOpened: lambda d, a: ("Notice settings of %(person)s opened",
                                             {"person": _person(d.get("person"))}),
    Recipient.ContactSet: lambda d, a: (
        ("%(person)s gets notices in %(language)s by email" if d.get("email") else
         "%(person)s gets notices in %(language)s (no email)"),
        {"person": _person(d.get("person")), "language": _s(d.get("language"))}),
    Recipient.FeedTokenIssued: lambda d, a: (
        "Feed token %(token)s issued for %(person)s",
        {"token": _s(d.get("token_id")), "person": _person(d.get("person"))}),
    Recipient.FeedTokenRevoked: lambda d, a: (
        "Feed token %(token)s of %(person)s revoked",
        {"token": _s(d.get("token_id")), "person": _person(d.get("person"))}),
})


def _option(d: Data) -> str:
    """The chosen option by its title when the decision lists it, else by its key."""
    chosen = d.get("option")
    for option in d.get("options") or []:
        if isinstance(option, dict) and option.get("key") == chosen:
            return _short(option.get("title") or chosen, 60)
    return _s(chosen)


def message(kind: EventClass, data: Data, actor: str) -> Message:
    """The summary of an event as a template (a catalogue msgid) and its parameters."""
    describe = _MESSAGES.get(kind)
    return describe(data, actor) if describe else (kind.__name__, {})


def templates() -> set[str]:
    """Every summary template, for the catalogue check."""
    found = {"Readable by its members and auditors only", "Readable by everyone signed in",
             "Measured %(criterion)s: %(value)s (%(note)s)"}
    for describe in _MESSAGES.values():
        for data in ({"visibility": "open"}, {"visibility": "members", "retry_at": "x",
                                              "email": "x"}):
            found.add(describe(data, "")[0])
    return found


def english_join(items: Sequence[str]) -> str:
    names = list(items)
    return "".join(names) if len(names) <= 1 else ", ".join(names[:-1]) + " and " + names[-1]


def plain(ref: Ref) -> str:
    if ref.kind == "number" and isinstance(ref.value, (int, float)):
        return f"{ref.value:g}"
    return str(ref.value)


def render(found: Message, translate: Callable[[str], str] = str, show: Show = plain,
           join: Join = english_join) -> str:
    """A message in words: the template translated, each `Ref` shown, lists joined."""
    template, params = found
    words: dict[str, str] = {}
    for key, value in params.items():
        if isinstance(value, Ref):
            words[key] = show(value)
        elif isinstance(value, list):
            words[key] = join([show(v) for v in value])
        else:
            words[key] = value
    try:
        return translate(template) % words if params else translate(template)
    except (KeyError, ValueError, TypeError):
        return template % words if params else template
