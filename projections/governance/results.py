"""What judging rule files over the history gives: per scenario, its status and violations."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


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
