"""Hand-built timeline envelopes and an in-memory stand-in for the read models (no I/O)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from projections.governance.engine import check
from projections.governance.results import Results
from web.links import absolute

T0 = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)


def day(n: float) -> datetime:
    return T0 + timedelta(days=n)


class Log:
    """Builds one initiative's envelopes in recording order."""

    def __init__(self, initiative: str = "p", sponsor: str = "kathi"):
        self.initiative = initiative
        self.envelopes: list[dict[str, Any]] = []
        self.add("InitiativeOpened", 0, initiative=initiative, title="P", sponsor=sponsor,
                 units=["it", "ops"], escalation_path=[sponsor, "petra"])

    def add(self, type_: str, effective: float, recorded: float | None = None,
            actor: str = "kathi", **data: Any) -> dict[str, Any]:
        e = {"position": len(self.envelopes) + 1, "type": type_, "initiative": self.initiative,
             "actor": actor, "effective_at": day(effective).isoformat(),
             "recorded_at": day(effective if recorded is None else recorded).isoformat(),
             "summary": type_, "data": data}
        self.envelopes.append(e)
        return e

    def confirm(self, entry: dict[str, Any], *people: str, after: float = 0) -> None:
        """The named people confirm an entry, `after` days after it was recorded."""
        recorded = (datetime.fromisoformat(entry["recorded_at"]) - T0).total_seconds() / 86400
        for person in people:
            self.add("EntryConfirmed", recorded + after, actor=person,
                     entry=entry["position"], position=entry["position"])

    def claim(self, entry: dict[str, Any], named: list[str], confirmed: bool) -> None:
        """An entry naming others; unless told otherwise, they confirm it at once."""
        if confirmed:
            self.confirm(entry, *[p for p in named if p != entry["actor"]])

    def tandem(self, at: float, people: tuple[str, str] = ("jonas", "miriam")) -> None:
        self.add("TandemFormed", at, people=list(people))

    def goal(self, at: float, agreed_by: list[str], revised: bool = False,
             confirmed: bool = True) -> dict[str, Any]:
        entry = self.add("GoalRevised" if revised else "GoalSet", at, statement="Portal live",
                         reason="why", agreed_by=agreed_by)
        self.claim(entry, agreed_by, confirmed)
        return entry

    def decision(self, key: str, at: float, recorded: float | None = None, options: int = 2,
                 rationale: str = "a b c d e f g h", basis: dict[str, str] | None = None,
                 decided_by: list[str] | None = None, scope: str = "technology",
                 supersedes: str | None = None, confirmed: bool = True) -> dict[str, Any]:
        entry = self.add("DecisionTaken", at, recorded, decision=key, scope=scope, title=key,
                         options=[{"key": f"o{i}", "title": "O"} for i in range(options)],
                         option="o0", rationale=rationale, decided_by=decided_by or ["kathi"],
                         basis=basis or {"kind": "sponsor", "id": "kathi"}, proposal=None,
                         escalation=None, supersedes=supersedes)
        self.claim(entry, decided_by or ["kathi"], confirmed)
        return entry

    def escalation(self, key: str, at: float, due: float, options: int = 2,
                   to: str = "kathi") -> None:
        self.add("EscalationRaised", at, escalation=key, topic="T",
                 options=[{"key": f"o{i}", "title": "O"} for i in range(options)],
                 raised_by="jonas", addressed_to=to, level=1, due_at=day(due).isoformat())

    def status(self, at: float, by: list[str] | None = None, blocked: list[str] | None = None,
               confirmed: bool = True) -> dict[str, Any]:
        entry = self.add("StatusReported", at, summary="s", running=[], blocked=blocked or [],
                         options=[], reported_by=by or ["jonas", "miriam"])
        self.claim(entry, by or ["jonas", "miriam"], confirmed)
        return entry

    def role(self, area: str, person: str, role: str, at: float, release: bool = False) -> None:
        self.add("ResponsibilityReleased" if release else "ResponsibilityAssigned", at,
                 area=area, person=person, role=role, **({"reason": "r"} if release else {}))


class FakeRead:
    """What the rules engine asks of ReadModels, over in-memory logs."""

    def __init__(self, logs: list[Log], now: datetime):
        self.logs = {log.initiative: log for log in logs}
        self._now = now

    def now(self) -> datetime:
        return self._now

    def initiatives(self) -> list[dict[str, Any]]:
        return [{"initiative": key, "status": "open"} for key in self.logs]

    def timeline(self, *, initiative: str, order: str, end: datetime | None, limit: int,
                 offset: int) -> list[dict[str, Any]]:
        found = [e for e in self.logs[initiative].envelopes
                 if end is None or datetime.fromisoformat(e["recorded_at"]) <= end]
        return found[offset:offset + limit]


def run(tmp_path: Path, feature: str, *logs: Log, now: float = 100, **kwargs: Any) -> Results:
    path = tmp_path / "rule.feature"
    path.write_text(feature, encoding="utf-8")
    return check(FakeRead(list(logs), day(now)), [path], link=absolute("http://t"), **kwargs)


def scenario(given: str, *thens: str) -> str:
    body = "\n".join(f"    Then {t}" for t in thens)
    return f"Feature: F\n  Scenario: S\n    Given {given}\n{body}\n"


def messages(results: Results) -> list[str]:
    return [v.message for s in results.scenarios for v in s.violations]
