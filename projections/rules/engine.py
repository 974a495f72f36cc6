"""Running rule files over the recorded history: load, resolve steps, judge, collect results.

`check` judges the history against rule files; `check_adopted` judges each initiative
against the rule files adopted for it (RulesAdopted), after confirming their SHA-256.
Both return `Results`; a file that cannot be used raises `UnusableRules` before anything runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from projections.rules import steps as _steps  # noqa: F401 - registers the vocabulary
from projections.rules.history import History, Subject, when
from projections.rules.parser import (
    RuleFile,
    RuleFileError,
    Scenario,
    feature_files,
    file_digest,
    parse_file,
)
from projections.rules.registry import StepDefinition, closest, find

KEYWORDS = {"Context": "Given", "Action": "When", "Outcome": "Then", "Unknown": "*"}
WARNING_TAG, SKIP_TAGS = "@warning", ("@skip", "@ignore")
PAGE = 1000


class UnusableRules(Exception):
    """One or more rule files cannot be used; `errors` says where and why."""

    def __init__(self, errors: list[RuleFileError]):
        self.errors = errors
        super().__init__("\n".join(e.describe() for e in errors))


@dataclass
class Violation:
    initiative: str
    message: str
    step: str
    step_line: int
    events: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ScenarioResult:
    file: str
    feature: str
    rule: str | None
    scenario: str
    line: int
    tags: list[str]
    severity: str  # "error" or "warning" (@warning)
    status: str = "passed"  # passed, failed, warned, skipped
    initiatives: list[str] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)


@dataclass
class Results:
    checked_at: str
    as_of: str | None
    initiative: str | None
    files: list[dict[str, str]]
    scenarios: list[ScenarioResult]
    adopted: list[dict[str, Any]] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if any(s.status == "failed" for s in self.scenarios) else 0

    def count(self, status: str) -> int:
        return sum(s.status == status for s in self.scenarios)


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
    for path in found:
        try:
            rule_file = parse_file(path)
        except RuleFileError as error:
            errors.append(error)
            continue
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


def _read(source: Any) -> Any:
    return getattr(source, "read", source)


def _base_url(source: Any, base_url: str | None) -> str:
    if base_url is not None:
        return base_url.rstrip("/")
    settings = getattr(source, "settings", None)
    return str(getattr(settings, "base_url", "")).rstrip("/")


def history(source: Any, initiative: str, as_of: datetime | None = None) -> History:
    """One initiative's entries as known at `as_of` (recorded and effective by then)."""
    read = _read(source)
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


def check(source: Any, paths: list[str] | list[Path], initiative: str | None = None,
          as_of: datetime | None = None, base_url: str | None = None) -> Results:
    """Judge the recorded history against the rule files (folders are searched for
    *.feature). `source` is a `Tandem` or its `ReadModels`; `initiative` limits the check to
    one initiative; `as_of` judges the history as it was known then."""
    files, resolved = load(paths)
    read = _read(source)
    ids = [initiative] if initiative else [i["initiative"] for i in read.initiatives()]
    histories = {i: history(source, i, as_of) for i in ids}
    results = Results(
        checked_at=(as_of or read.now()).astimezone(timezone.utc).isoformat(),
        as_of=as_of.isoformat() if as_of else None, initiative=initiative,
        files=[{"name": f.name, "sha256": f.sha256} for f in files], scenarios=[])
    url = _base_url(source, base_url)
    for item in resolved:
        results.scenarios.append(_run(item, histories, initiative, url))
    return results


def _run(item: Resolved, histories: dict[str, History], only: str | None,
         base_url: str) -> ScenarioResult:
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
                    [_event(e, base_url) for e in finding.events]))
    if result.violations:
        result.status = "warned" if result.severity == "warning" else "failed"
    return result


def _event(e: dict[str, Any], base_url: str) -> dict[str, Any]:
    return {"position": e["position"], "type": e["type"], "initiative": e["initiative"],
            "effective_at": e["effective_at"], "recorded_at": e["recorded_at"],
            "actor": e["actor"], "summary": e.get("summary", ""), "url": page_url(e, base_url)}


def page_url(e: dict[str, Any], base_url: str) -> str:
    """The web page to open for an entry."""
    iid, t, d = e["initiative"], e["type"], e["data"]
    if t.startswith("Decision") and "decision" in d and t != "DecisionProposed":
        return f"{base_url}/initiatives/{iid}/decisions/{d['decision']}"
    if t.startswith("Escalation"):
        return f"{base_url}/escalations"
    if t in ("GoalSet", "GoalRevised"):
        return f"{base_url}/initiatives/{iid}/goal"
    return f"{base_url}/initiatives/{iid}/timeline"


# -- adopted rule sets -------------------------------------------------------------------------


def adopted_rules(source: Any, initiative: str, as_of: datetime | None = None
                  ) -> dict[str, Any] | None:
    """The rule set last adopted for an initiative (by `as_of`): files, when, by whom."""
    adoptions = _read(source).timeline(initiative=initiative, types=["RulesAdopted"],
                                       order="recorded", end=as_of, limit=1000)
    if as_of is not None:
        adoptions = [a for a in adoptions if when(a) <= as_of]
    if not adoptions:
        return None
    last = adoptions[-1]
    return {"initiative": initiative, "files": last["data"]["rule_files"],
            "adopted_at": last["effective_at"], "recorded_at": last["recorded_at"],
            "actor": last["actor"], "position": last["position"]}


def check_adopted(source: Any, initiative: str | None = None, as_of: datetime | None = None,
                  root: str | Path = ".", base_url: str | None = None) -> Results:
    """Judge each initiative (or one) against the rule files adopted for it. Files are found
    by their adopted name under `root`; a missing file or a changed SHA-256 is UnusableRules."""
    read = _read(source)
    ids = [initiative] if initiative else [i["initiative"] for i in read.initiatives()]
    combined = Results(checked_at=(as_of or read.now()).astimezone(timezone.utc).isoformat(),
                       as_of=as_of.isoformat() if as_of else None, initiative=initiative,
                       files=[], scenarios=[])
    errors: list[RuleFileError] = []
    for iid in ids:
        adopted = adopted_rules(source, iid, as_of)
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
        part = check(source, paths, iid, as_of, base_url)
        combined.scenarios += part.scenarios
        combined.files += [f for f in part.files if f not in combined.files]
    if errors:
        raise UnusableRules(errors)
    return combined


def audit_report(source: Any, as_of: datetime | None = None, root: str | Path = ".",
                 base_url: str | None = None) -> dict[str, Any] | None:
    """For the audit export: the adopted-rules check as JSON-ready data, or None when no
    initiative has adopted rules. Unusable rule files are reported, not raised."""
    from projections.rules.report import as_json

    try:
        results = check_adopted(source, None, as_of, root, base_url)
    except UnusableRules as error:
        return {"exit_code": 2, "errors": [e.as_dict() for e in error.errors]}
    if not results.adopted:
        return None
    return as_json(results)
