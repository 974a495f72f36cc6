"""The step vocabulary of governance rules. Each definition's docstring is its documentation
(rendered into docs/rules.md by `python -m projections.governance.docs`).

Givens say what a scenario looks at; Thens judge it and return the findings (violations).
Days are counted exactly (a day is 24 hours) and compared with "at most".
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from domain import events as ev
from domain.values import covers
from projections.governance.history import History, Subject, days, is_a, order, when
from projections.governance.registry import Finding, given, then

# -- Given: what a scenario looks at -----------------------------------------------------------


@given("the {kind} of initiative {initiative}[ between {start} and {end}][ in scope {scope}]",
       examples=("the decisions of initiative kundenportal",
                 "the escalations of initiative kundenportal between 2026-01-01 and 2026-06-30",
                 "the mandates of initiative kundenportal in scope technology"))
def entries_of(kind: str, initiative: str, start: datetime | None = None,
               end: datetime | None = None, scope: str | None = None) -> Subject:
    """The decisions, escalations, goal changes, responsibilities, status reports, mandates or
    handoffs of one initiative; optionally only those taking effect between two dates
    (inclusive) and only those whose scope (or area) lies within a scope."""
    return Subject(kind, initiative, start, end, scope)


@given("the {kind} of all initiatives[ between {start} and {end}][ in scope {scope}]",
       examples=("the decisions of all initiatives",
                 "the status reports of all initiatives between 2026-01-01 and 2026-12-31"))
def entries_of_all(kind: str, start: datetime | None = None, end: datetime | None = None,
                   scope: str | None = None) -> Subject:
    """The same, for every initiative in the log (or the one `--initiative` names)."""
    return Subject(kind, None, start, end, scope)


@given("the initiative {initiative}[ between {start} and {end}]",
       examples=("the initiative kundenportal",))
def initiative_subject(initiative: str, start: datetime | None = None,
                       end: datetime | None = None) -> Subject:
    """One initiative as a whole, for the rules over the initiative; optionally a window."""
    return Subject("initiative", initiative, start, end)


@given("every initiative[ between {start} and {end}]", examples=("every initiative",))
def every_initiative(start: datetime | None = None, end: datetime | None = None) -> Subject:
    """Every initiative as a whole (or the one `--initiative` names)."""
    return Subject("initiative", None, start, end)


# -- Then, over decisions and escalations ------------------------------------------------------


@then("each offered at least {n} options", over=("decisions", "escalations"),
      examples=("each offered at least 2 options",))
def offered_options(h: History, s: Subject, n: int) -> Iterator[Finding]:
    """Each decision (options considered) or escalation (options brought) lists at least n
    options."""
    for e in h.items(s):
        count = len(e["data"].get("options") or [])
        if count < n:
            yield Finding(f"{_name(e)} offered {count} option(s), fewer than {n}.", [e])


@then("each was taken on a basis valid at its effective time", over=("decisions",),
      examples=("each was taken on a basis valid at its effective time",))
def valid_basis(h: History, s: Subject) -> Iterator[Finding]:
    """Re-checks each decision's recorded basis against the history at the time it took effect:
    a mandate granted before then, not yet revoked, held by one of the deciders and covering the
    decision's scope; or an escalation open then, addressed to one of the deciders; or the
    sponsor among the deciders."""
    for e in h.items(s):
        problem = _basis_problem(h, e)
        if problem:
            yield Finding(f"{_name(e)}: {problem}", [e, *problem_events(h, e)])
            continue
        unconfirmed = [p for p in h.named(e) if p not in h.confirmed_by(e)]
        if unconfirmed:
            yield Finding(f"{_name(e)}: its basis rests on {', '.join(unconfirmed)} deciding, "
                          "who did not confirm it.", [e])


@then("each was recorded within {n} days of taking effect", over=("decisions",),
      examples=("each was recorded within 7 days of taking effect",))
def recorded_promptly(h: History, s: Subject, n: int) -> Iterator[Finding]:
    """Each decision was written down at most n days after it took effect."""
    for e in h.items(s):
        late = days(when(e), when(e, "recorded_at"))
        if late > n:
            yield Finding(f"{_name(e)} was recorded {late:.1f} days after it took effect "
                          f"(at most {n}).", [e])


@then("each states a rationale of at least {n} words", over=("decisions",),
      examples=("each states a rationale of at least 12 words",))
def rationale_words(h: History, s: Subject, n: int) -> Iterator[Finding]:
    """Each decision's rationale has at least n words."""
    for e in h.items(s):
        words = len(str(e["data"].get("rationale") or "").split())
        if words < n:
            yield Finding(f"{_name(e)} states a rationale of {words} word(s) (at least {n}).", [e])


@then("none was superseded within {n} days of being taken", over=("decisions",),
      examples=("none was superseded within 14 days of being taken",))
def not_superseded_soon(h: History, s: Subject, n: int) -> Iterator[Finding]:
    """No decision was superseded by a later decision taking effect n days or less after it."""
    for e in h.items(s):
        for later in h.by_id("supersedes", e["data"]["decision"], ev.DecisionTaken):
            gap = days(when(e), when(later))
            if gap <= n:
                yield Finding(f"{_name(e)} was superseded by {_name(later)} after {gap:.1f} "
                              f"days (within {n}).", [e, later])


# -- Then, over escalations --------------------------------------------------------------------


@then("each was answered within {n} days at its level, or forwarded", over=("escalations",),
      examples=("each was answered within 7 days at its level, or forwarded",))
def answered_at_level(h: History, s: Subject, n: int) -> Iterator[Finding]:
    """At every level it reached, each escalation was answered (resolved by a decision) or
    forwarded to the next level within n days; one still waiting counts until the check's
    moment."""
    for e in h.items(s):
        for start, end, holder, level, last, ended in _levels(h, e):
            waited = days(start, end)
            if waited > n:
                state = "before it was answered" if ended else "without an answer so far"
                yield Finding(f"{_name(e)} waited {waited:.1f} days at level {level} "
                              f"({holder}) {state} (at most {n}).", _distinct(e, last))


@then("each was answered by its due date, or forwarded", over=("escalations",),
      examples=("each was answered by its due date, or forwarded",))
def answered_by_due_date(h: History, s: Subject) -> Iterator[Finding]:
    """At every level it reached, each escalation was answered or forwarded by that level's due
    date; one still waiting past its due date at the check's moment counts too."""
    for e in h.items(s):
        for _start, end, holder, level, last, _ended in _levels(h, e):
            due = datetime.fromisoformat(last["data"]["due_at"])
            if end > due:
                yield Finding(f"{_name(e)} was not answered at level {level} ({holder}) by its "
                              f"due date {due:%Y-%m-%d %H:%M}.", _distinct(e, last))


@then("none stayed open longer than {n} days", over=("escalations",),
      examples=("none stayed open longer than 21 days",))
def not_open_long(h: History, s: Subject, n: int) -> Iterator[Finding]:
    """No escalation stayed open more than n days from being raised to being resolved (or, if
    still open, to the check's moment)."""
    for e in h.items(s):
        resolved = h.by_id("escalation", e["data"]["escalation"], ev.EscalationResolved)
        end = when(resolved[0]) if resolved else h.end
        age = days(when(e), end)
        if age > n:
            state = "was open" if resolved else "has been open"
            yield Finding(f"{_name(e)} {state} {age:.1f} days (at most {n}).", [e, *resolved])


# -- Then, over status reports, mandates and handoffs ------------------------------------------


@then("each was confirmed by everyone it names within {n} days",
      over=("decisions", "goal changes", "status reports", "escalations", "handoffs"),
      examples=("each was confirmed by everyone it names within 7 days",))
def confirmed_promptly(h: History, s: Subject, n: int) -> Iterator[Finding]:
    """Each entry naming people other than its recorder (as deciding, agreeing, reporting,
    raising or handing over) was confirmed by each of them, under their own login, at most n
    days after it was recorded; one still unconfirmed counts until the check's moment."""
    for e in h.items(s):
        recorded = when(e, "recorded_at")
        confirmed = h.confirmations(e)
        for person in h.named(e):
            answer = confirmed.get(person)
            waited = days(recorded, when(answer, "recorded_at") if answer else h.now)
            if waited > n:
                state = "confirmed it after" if answer else "has not confirmed it after"
                yield Finding(f"{_name(e)} names {person}, who {state} {waited:.1f} days "
                              f"(at most {n}).", [e, *([answer] if answer else [])])


@then("each was reported jointly by the tandem", over=("status reports",),
      examples=("each was reported jointly by the tandem",))
def reported_jointly(h: History, s: Subject) -> Iterator[Finding]:
    """Each status report names both partners of the lead tandem in place when it took effect
    among those reporting, and each of them stands behind it: recorded it, or confirmed it under
    their own login (a report with no tandem in place is not joint)."""
    for e in h.items(s):
        tandem = h.tandem_before(e)
        missing = [p for p in tandem if p not in e["data"]["reported_by"]] if tandem else []
        unconfirmed = [p for p in tandem if p not in missing and p not in h.confirmed_by(e)]
        if not tandem or missing:
            why = f"without {', '.join(missing)}" if tandem else "with no tandem in place"
            yield Finding(f"Status report at {when(e):%Y-%m-%d} was reported {why}.", [e])
        elif unconfirmed:
            yield Finding(f"Status report at {when(e):%Y-%m-%d} names {', '.join(unconfirmed)} "
                          "as reporting, who did not confirm it.", [e])


@then("each was accepted within {n} days", over=("handoffs",),
      examples=("each was accepted within 5 days",))
def handoff_accepted(h: History, s: Subject, n: int) -> Iterator[Finding]:
    """Each handoff was accepted at most n days after it started (one still waiting counts
    until the check's moment)."""
    for e in h.items(s):
        accepted = h.by_id("handoff", e["data"]["handoff"], ev.HandoffAccepted)
        waited = days(when(e), when(accepted[0]) if accepted else h.end)
        if waited > n:
            yield Finding(f"Handoff {e['data']['handoff']} waited {waited:.1f} days for "
                          f"acceptance (at most {n}).", [e, *accepted])


@then("none covered every scope", over=("mandates",),
      examples=("none covered every scope",))
def no_blanket_mandate(h: History, s: Subject) -> Iterator[Finding]:
    """No mandate was granted for the scope `*` (everything)."""
    for e in h.items(s):
        if e["data"]["scope"] == "*":
            yield Finding(f"Mandate {e['data']['mandate']} covers every scope.", [e])


def _distinct(*events: dict[str, Any]) -> list[dict[str, Any]]:
    return list({e["position"]: e for e in events}.values())


def _name(e: dict[str, Any]) -> str:
    d = e["data"]
    if "decision" in d and is_a(e, ev.DecisionTaken):
        return f"Decision {d['decision']}"
    if "escalation" in d:
        return f"Escalation {d['escalation']}"
    if "handoff" in d:
        return f"Handoff {d['handoff']}"
    if is_a(e, ev.StatusReported):
        return f"Status report of {when(e):%Y-%m-%d}"
    if is_a(e, ev.GoalSet) or is_a(e, ev.GoalRevised):
        return f"Goal change of {when(e):%Y-%m-%d}"
    return str(e["type"])


def _basis_problem(h: History, e: dict[str, Any]) -> str | None:
    d, at = e["data"], when(e)
    basis, deciders = d.get("basis") or {}, d["decided_by"]
    kind, key = basis.get("kind"), basis.get("id", "")
    if kind == "mandate":
        granted = [g for g in h.before(e, ev.MandateGranted) if g["data"]["mandate"] == key]
        if not granted:
            return f"mandate {key} was not granted before {at:%Y-%m-%d %H:%M}."
        m = granted[-1]["data"]
        if any(r["data"]["mandate"] == key for r in h.before(e, ev.MandateRevoked)):
            return f"mandate {key} was revoked before {at:%Y-%m-%d %H:%M}."
        if m["person"] not in deciders:
            return f"mandate {key} is held by {m['person']}, who is not among the deciders."
        if not covers(m["scope"], d["scope"]):
            return f"mandate {key} (scope {m['scope']}) does not cover {d['scope']}."
        return None
    if kind == "escalation":
        raised = h.by_id("escalation", key, ev.EscalationRaised)
        if not raised or order(raised[0]) > order(e):
            return f"escalation {key} was not raised before {at:%Y-%m-%d %H:%M}."
        earlier = [x for x in h.before(e, ev.EscalationResolved) if x["data"]["escalation"] == key
                   and x["data"]["decision"] != d["decision"]]
        if earlier:
            return f"escalation {key} was already resolved by {earlier[0]['data']['decision']}."
        holder = raised[0]["data"]["addressed_to"]
        for f in h.before(e, ev.EscalationForwarded):
            if f["data"]["escalation"] == key:
                holder = f["data"]["addressed_to"]
        if holder not in deciders:
            return f"escalation {key} was addressed to {holder}, who is not among the deciders."
        return None
    if kind == "sponsor":
        if h.sponsor not in deciders:
            return f"the sponsor {h.sponsor} is not among the deciders."
        return None
    if kind == "imported":
        return (f"it was imported from the record {key}, which shows no mandate or sponsor "
                "behind it.")
    return f"no basis was recorded (basis {basis or 'missing'})."


def problem_events(h: History, e: dict[str, Any]) -> list[dict[str, Any]]:
    """The mandate revocation a basis problem points to, if any."""
    key = (e["data"].get("basis") or {}).get("id")
    return [r for r in h.before(e, ev.MandateRevoked) if r["data"]["mandate"] == key]


def _levels(h: History, e: dict[str, Any]) -> Iterator[tuple[datetime, datetime, str, int,
                                                            dict[str, Any], bool]]:
    """(start, end, addressee, level, the entry that opened the level, answered or forwarded)."""
    key = e["data"]["escalation"]
    steps = [e, *h.by_id("escalation", key, ev.EscalationForwarded)]
    resolved = h.by_id("escalation", key, ev.EscalationResolved)
    for i, opened in enumerate(steps):
        if i + 1 < len(steps):
            end, ended = when(steps[i + 1]), True
        elif resolved:
            end, ended = when(resolved[0]), True
        else:
            end, ended = h.end, False
        yield (when(opened), end, opened["data"]["addressed_to"], opened["data"]["level"],
               opened, ended)

