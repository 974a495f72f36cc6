"""How existing decision records map onto an initiative: a proposal for each, a decision for
each one that says it was decided, the supersede chain between them, and every line that
cannot be mapped, named by file and line (`tandem import`, docs/import.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from domain import events as ev
from web.cli.records import DATE, DECIDED, STATUSES, Problem, Record, slug
from web.system import Tandem

PAGE = 1000
NOT_ADOPTED = {"key": "not-adopted",
               "title": "Not to adopt it (the record names no other option)", "description": ""}


@dataclass
class Step:
    """What one record becomes: a proposal, and a decision when the record says it was taken."""

    record: Record
    proposal: str
    question: str
    options: list[dict[str, str]]
    proposed_by: list[str]
    effective_at: datetime
    decision: str | None = None
    option: str = ""
    deciders: list[str] = field(default_factory=list)
    supersedes: str | None = None

    def describe(self) -> str:
        r = self.record
        text = f"{r.source} ({r.format}, {r.status}, {self.effective_at:%Y-%m-%d}): proposal " \
               f"{self.proposal}"
        if self.decision:
            text += f", decision {self.decision} choosing '{self.option}', decided by " \
                    f"{', '.join(self.deciders)}"
            if self.supersedes:
                text += f", superseding {self.supersedes}"
        return text


@dataclass
class Plan:
    steps: list[Step] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _ids(record: Record) -> tuple[str, str]:
    return f"p-{record.key}"[:64], f"d-{record.key}"[:64]


def _when(record: Record) -> datetime | None:
    found = DATE.match(record.date)
    if not found:
        return None
    try:
        if len(record.date) == 10:
            year, month, day = (int(g) for g in found.groups())
            return datetime(year, month, day, tzinfo=timezone.utc)
        moment = datetime.fromisoformat(record.date.replace("Z", "+00:00"))
        return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    except ValueError:
        return None


def _options(record: Record) -> tuple[list[dict[str, str]], str, str | None]:
    """The considered options as Tandem options, the chosen key, and a problem if any."""
    titles = list(dict.fromkeys(record.options))
    if len(titles) < 2:
        adopted = titles[0] if titles else (record.chosen or record.title)
        return ([{"key": slug(adopted, 40), "title": adopted, "description": ""}, NOT_ADOPTED],
                slug(adopted, 40), None)
    options, keys = [], set()
    for number, title in enumerate(titles, start=1):
        key = slug(title, 40)
        while key in keys:
            key = f"{key[:36]}-{number}"
        keys.add(key)
        options.append({"key": key, "title": title, "description": ""})
    wanted = record.chosen.lower().strip()
    for number, option in enumerate(options, start=1):
        if wanted in (option["title"].lower(), option["key"], f"option {number}"):
            return options, option["key"], None
    if not wanted:
        return options, "", "no 'Chosen option:' line names what was decided"
    return options, "", (f"the chosen option '{record.chosen}' is not among the considered "
                         f"options ({'; '.join(titles)})")


def plan(records: list[Record], tandem: Tandem, initiative: str, actor: str, scope: str,
         fallback: list[str]) -> Plan:
    """Map the records onto the initiative, reporting every line that cannot be mapped."""
    result = Plan()
    state = tandem.read.state(initiative)
    opened = datetime.fromisoformat(str(state["opened_at"]))
    marks: list[dict[str, Any]] = []
    while True:
        page = tandem.read.timeline(initiative=initiative, types=[ev.RecordImported.__name__],
                                    limit=PAGE, offset=len(marks))
        marks += page
        if len(page) < PAGE:
            break
    imported = {e["data"]["sha256"] for e in marks}
    existing = set(state["proposals"]) | set(state["decisions"])
    people = tandem.read.people()
    by_id = {p["person"]: p["person"] for p in people}
    by_name = {str(p["name"]).lower(): p["person"] for p in people}
    fresh = [r for r in records if r.sha256 not in imported]
    result.skipped = [r.source for r in records if r.sha256 in imported]
    by_source = {Path(r.source).name: r for r in records} | {r.key: r for r in records}
    steps: dict[str, Step] = {}
    first: dict[str, str] = {}
    for r in fresh:
        problem = len(result.problems)

        def report(name: str, message: str, r: Record = r) -> None:
            result.problems.append(Problem(r.where, r.line(name), message))

        proposal, decision = _ids(r)
        if proposal in first:
            report("title", f"gives the same ids as {first[proposal]} ({proposal}); rename one")
        first.setdefault(proposal, r.source)
        for key in (proposal, decision):
            if key in existing:
                report("title", f"'{key}' already exists in '{initiative}' (imported from an "
                                "earlier version of this record?); rename the file or leave it "
                                "out")
        if r.status not in STATUSES:
            report("status", f"status '{r.status or '(none)'}' is not one of "
                             f"{', '.join(STATUSES)}")
        moment = _when(r)
        if moment is None:
            report("date", f"date '{r.date or '(none)'}' is not a date (YYYY-MM-DD)")
        elif moment < opened:
            report("date", f"dated {moment:%Y-%m-%d}, before '{initiative}' was opened "
                           f"({opened:%Y-%m-%d}); open the initiative with an earlier "
                           "effective date first")
        deciders = []
        for name in r.deciders or fallback:
            person = by_id.get(name) or by_id.get(slug(name)) or by_name.get(name.lower())
            if person is None:
                report("deciders", f"'{name}' is not a registered person (by id or name)")
            else:
                deciders.append(person)
        if not r.title:
            report("title", "no title")
        options, option, trouble = _options(r)
        taken = r.status in DECIDED
        if taken and trouble:
            report("chosen", trouble)
        if taken and not deciders and not r.deciders:
            report("deciders", "names no deciders: list them in the record, or give "
                               "--decided-by PEOPLE")
        if taken and not r.rationale:
            report("chosen", "gives no justification for the chosen option")
        if len(result.problems) > problem or moment is None:
            continue
        steps[r.source] = Step(r, proposal, r.title, options, deciders or [actor], moment,
                               decision if taken else None, option, deciders)
        if r.status in ("deprecated", "rejected"):
            result.notes.append(f"{r.source}: status {r.status}: recorded as "
                                f"{'a decision' if taken else 'an open proposal'}; "
                                + ("revoke it in Tandem once its deciders confirmed it"
                                   if taken else "nothing was decided"))
    _chain(fresh, steps, by_source, result, state, scope)
    result.steps = sorted(steps.values(), key=_order(steps))
    return result


def _chain(fresh: list[Record], steps: dict[str, Step], by_source: dict[str, Record],
           result: Plan, state: dict[str, Any], scope: str) -> None:
    """The supersede links, both ways, as each decision's one predecessor."""
    unresolved = object()

    def resolve(target: str) -> Step | str | object | None:
        """The step a link names, the id of a decision imported before, None for a record
        with problems of its own, or `unresolved`."""
        other = by_source.get(Path(target).name) or by_source.get(slug(Path(target).stem))
        if other is not None and other.source in steps:
            return steps[other.source]
        known = _ids(other)[1] if other else f"d-{slug(Path(target).stem)}"[:64]
        if known in state["decisions"]:
            return known
        return None if other is not None else unresolved

    def link(later: Step, earlier: Step | str, r: Record, kind: str) -> None:
        key = earlier.decision if isinstance(earlier, Step) else earlier
        if later.decision is None or key is None:
            result.problems.append(Problem(r.where, r.line(kind), "a supersede link between "
                                                                   "records that are not both "
                                                                   "decisions"))
        elif later.supersedes not in (None, key):
            result.problems.append(Problem(r.where, r.line(kind), f"{later.decision} would "
                                   f"supersede both {later.supersedes} and {key}; a decision "
                                   "supersedes one other"))
        else:
            later.supersedes = key
            if isinstance(earlier, Step) and earlier.effective_at > later.effective_at:
                result.problems.append(Problem(later.record.where, later.record.line("date"),
                                       f"dated before {earlier.record.source}, which it "
                                       "supersedes"))

    for r in fresh:
        own = steps.get(r.source)
        if own is None:
            continue  # its own problems are reported
        for kind, targets in (("supersedes", r.supersedes), ("superseded_by", r.superseded_by)):
            for target in targets:
                found = resolve(target)
                if found is unresolved:
                    result.problems.append(Problem(r.where, r.line(kind), f"links to "
                                           f"'{target}', which is neither in this import nor "
                                           "imported before"))
                elif kind == "supersedes" and isinstance(found, Step | str):
                    link(own, found, r, kind)
                elif kind == "superseded_by" and isinstance(found, Step):
                    link(found, own, r, kind)
                elif kind == "superseded_by" and isinstance(found, str):
                    result.problems.append(Problem(r.where, r.line(kind), f"superseded by "
                                           f"{found}, which was imported before without this "
                                           "link"))
    for step in steps.values():
        step.record.scope = step.record.scope or scope


def _order(steps: dict[str, Step]) -> Any:
    """Predecessors first, then by date and source."""
    by_decision = {s.decision: s for s in steps.values() if s.decision}

    def depth(step: Step) -> int:
        seen, count = set(), 0
        while step.supersedes in by_decision and step.supersedes not in seen:
            seen.add(step.supersedes)
            step = by_decision[step.supersedes]
            count += 1
        return count

    return lambda s: (s.effective_at, depth(s), s.record.source)
