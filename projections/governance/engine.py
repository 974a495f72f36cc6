"""Running rule files over the recorded history: load, resolve steps, judge, collect results.

`check` judges the history against rule files; `check_adopted` judges each initiative
against the rule files adopted for it (RulesAdopted), after confirming their SHA-256.
Both return `Results`; a file that cannot be used raises `UnusableRules` before anything runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from domain import events as ev
from domain.event_types import names
from projections.governance import initiative_steps as _initiative_steps  # noqa: F401 - registers
from projections.governance import steps as _steps  # noqa: F401 - registers the vocabulary
from projections.governance.history import History, Subject, when
from projections.governance.parser import (
    MAX_STEPS,
    RuleFile,
    RuleFileError,
    Scenario,
    feature_files,
    file_digest,
    parse_file,
)
from projections.governance.registry import StepDefinition, closest, find
from projections.governance.results import Results, ScenarioResult, Violation
from projections.governance.source import Link, RuleSource, no_link

KEYWORDS = {"Context": "Given", "Action": "When", "Outcome": "Then", "Unknown": "*"}
WARNING_TAG, SKIP_TAGS = "@warning", ("@skip", "@ignore")
PAGE = 1000


class UnusableRules(Exception):
    """One or more rule files cannot be used; `errors` says where and why."""

    def __init__(self, errors: list[RuleFileError]):
        self.errors = errors
        super().__init__("\n".join(e.describe() for e in errors))


@dataclass(frozen=True)
class Resolved:
    scenario: Scenario
    steps: list[tuple[StepDefinition, dict[str, Any], str, int]]


def load(paths: list[str] | list[Path]) -> tuple[list[RuleFile], list[Resolved]]:
    """Parse every file and match every step; all problems at once, as UnusableRules."""
    errors: list[RuleFileError] = []
    files: list[RuleFile] = []
    resolved: list[Resolved] = []
    try:
        found = feature_files([str(p) for p in paths])
    except RuleFileError as error:
        raise UnusableRules([error]) from None
    budget = MAX_STEPS  # over all files of one check
    for path in found:
        try:
            rule_file = parse_file(path, max_steps=budget)
        except RuleFileError as error:
            errors.append(error)
            continue
        budget -= sum(len(scenario.steps) for scenario in rule_file.scenarios)
        files.append(rule_file)
        for scenario in rule_file.scenarios:
            matched, subject_kind = [], None
            for s in scenario.steps:
                keyword = KEYWORDS.get(s.kind, "*")
                hit = find(keyword, s.text)
                where = (scenario.file, s.line, s.column)
                if hit is None:
                    errors.append(RuleFileError(*where, f"no step definition matches "
                                                f"'{s.keyword} {s.text}'", closest(s.text)))
                    continue
                definition, params = hit
                if definition.keyword == "Given":
                    subject_kind = definition.function(**params).kind
                elif subject_kind is None:
                    errors.append(RuleFileError(*where, f"'{s.keyword} {s.text}' needs a Given "
                                                "before it saying what it judges"))
                elif "*" not in definition.over and subject_kind not in definition.over:
                    errors.append(RuleFileError(*where, f"'{s.text}' judges "
                                                f"{' or '.join(definition.over)}, but the Given "
                                                f"before it selects {subject_kind}"))
                matched.append((definition, params, f"{s.keyword} {s.text}", s.line))
            resolved.append(Resolved(scenario, matched))
    if errors:
        raise UnusableRules(errors)
    return files, resolved


def history(read: RuleSource, initiative: str, as_of: datetime | None = None) -> History:
    """One initiative's entries as known at `as_of` (recorded and effective by then)."""
    envelopes: list[dict[str, Any]] = []
    while True:
        page = read.timeline(initiative=initiative, order="recorded", end=as_of, limit=PAGE,
                             offset=len(envelopes))
        envelopes += page
        if len(page) < PAGE:
            break
    if as_of is not None:
        envelopes = [e for e in envelopes if when(e) <= as_of]
    now = as_of or read.now()
    return History(initiative, envelopes, now)


def check(read: RuleSource, paths: list[str] | list[Path], initiative: str | None = None,
          as_of: datetime | None = None, link: Link = no_link) -> Results:
    """Judge the recorded history against the rule files (folders are searched for
    *.feature). `initiative` limits the check to one initiative; `as_of` judges the history
    as it was known then; `link` names the page of each entry at fault."""
    files, resolved = load(paths)
    ids = [initiative] if initiative else [i["initiative"] for i in read.initiatives()]
    histories = {i: history(read, i, as_of) for i in ids}
    results = Results(
        checked_at=(as_of or read.now()).astimezone(timezone.utc).isoformat(),
        as_of=as_of.isoformat() if as_of else None, initiative=initiative,
        files=[{"name": f.name, "sha256": f.sha256} for f in files], scenarios=[])
    for item in resolved:
        results.scenarios.append(_run(item, histories, initiative, link))
    return results


def _run(item: Resolved, histories: dict[str, History], only: str | None,
         link: Link) -> ScenarioResult:
    sc = item.scenario
    result = ScenarioResult(sc.file, sc.feature, sc.rule, sc.name, sc.line, list(sc.tags),
                            "warning" if WARNING_TAG in sc.tags else "error")
    if any(t in sc.tags for t in SKIP_TAGS):
        result.status = "skipped"
        return result
    subject: Subject | None = None
    for definition, params, text, line in item.steps:
        if definition.keyword == "Given":
            subject = definition.function(**params)
            continue
        assert subject is not None  # load() refuses a Then before any Given
        if subject.initiative and only and subject.initiative != only:
            result.status = "skipped"
            return result
        targets = [subject.initiative] if subject.initiative else list(histories)
        for iid in targets:
            if iid not in result.initiatives:
                result.initiatives.append(iid)
            h = histories.get(iid)
            if h is None or h.opened_at is None:
                result.violations.append(Violation(iid, f"There is no initiative '{iid}' in "
                                                   "the log.", text, line))
                continue
            for finding in definition.function(h, subject, **params):
                result.violations.append(Violation(
                    iid, finding.message, text, line,
                    [_event(e, link) for e in finding.events]))
    if result.violations:
        result.status = "warned" if result.severity == "warning" else "failed"
    return result


def _event(e: dict[str, Any], link: Link) -> dict[str, Any]:
    return {"position": e["position"], "type": e["type"], "initiative": e["initiative"],
            "effective_at": e["effective_at"], "recorded_at": e["recorded_at"],
            "actor": e["actor"], "summary": e.get("summary", ""), "url": link(e)}


# -- adopted rule sets -------------------------------------------------------------------------


def adopted_rules(read: RuleSource, initiative: str, as_of: datetime | None = None
                  ) -> dict[str, Any] | None:
    """The rule set last adopted for an initiative (by `as_of`): files, when, by whom."""
    adoptions = read.timeline(initiative=initiative, types=sorted(names(ev.RulesAdopted)),
                              order="recorded", end=as_of, limit=PAGE)
    if as_of is not None:
        adoptions = [a for a in adoptions if when(a) <= as_of]
    if not adoptions:
        return None
    last = adoptions[-1]
    return {"initiative": initiative, "files": last["data"]["rule_files"],
            "adopted_at": last["effective_at"], "recorded_at": last["recorded_at"],
            "actor": last["actor"], "position": last["position"]}


def check_adopted(read: RuleSource, initiative: str | None = None,
                  as_of: datetime | None = None, root: str | Path = ".",
                  link: Link = no_link) -> Results:
    """Judge each initiative (or one) against the rule files adopted for it. Files are found
    by their adopted name under `root`; a missing file or a changed SHA-256 is UnusableRules."""
    ids = [initiative] if initiative else [i["initiative"] for i in read.initiatives()]
    combined = Results(checked_at=(as_of or read.now()).astimezone(timezone.utc).isoformat(),
                       as_of=as_of.isoformat() if as_of else None, initiative=initiative,
                       files=[], scenarios=[])
    errors: list[RuleFileError] = []
    for iid in ids:
        adopted = adopted_rules(read, iid, as_of)
        if adopted is None:
            continue
        combined.adopted.append(adopted)
        paths = []
        for f in adopted["files"]:
            path = Path(root) / f["name"]
            if not path.is_file():
                errors.append(RuleFileError(f["name"], 0, 0, f"adopted for {iid} but not found"))
            elif file_digest(path) != f["sha256"]:
                errors.append(RuleFileError(f["name"], 0, 0, f"changed since it was adopted for "
                                            f"{iid} (adopted SHA-256 {f['sha256'][:12]}…)"))
            else:
                paths.append(path)
        if errors or not paths:
            continue
        part = check(read, paths, iid, as_of, link)
        combined.scenarios += part.scenarios
        combined.files += [f for f in part.files if f not in combined.files]
    if errors:
        raise UnusableRules(errors)
    return combined

