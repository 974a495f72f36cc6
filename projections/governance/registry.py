"""The step registry: each step a sentence template bound to a function, with its docs.

A template reads like the step it matches: `{n}` a whole number, `{initiative}` an initiative
id, `{start}`/`{end}` ISO dates or times, `{scope}` a scope path, `{kind}` the kind of entries;
`[...]` is optional. Values may be written in double quotes.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from typing import Any

from projections.governance.history import KINDS, Envelope

PLACEHOLDERS = {
    "n": r"\d+",
    "initiative": r"[a-z0-9][a-z0-9-]*",
    "start": r"\d{4}-\d{2}-\d{2}(?:T[0-9:.+Z-]+)?",
    "end": r"\d{4}-\d{2}-\d{2}(?:T[0-9:.+Z-]+)?",
    "scope": r"\*|[a-z0-9][a-z0-9_/-]*",
    "kind": "|".join(re.escape(k) for k in KINDS),
}


@dataclass(frozen=True)
class Finding:
    """One violation a Then step found: a sentence and the entries at fault."""

    message: str
    events: list[Envelope] = field(default_factory=list)


@dataclass(frozen=True)
class StepDefinition:
    keyword: str  # Given or Then
    template: str
    over: tuple[str, ...]  # the subjects a Then applies to; ("*",) for any
    function: Callable[..., Any]
    examples: tuple[str, ...]
    pattern: re.Pattern[str]

    @property
    def doc(self) -> str:
        return (self.function.__doc__ or "").strip()

    def match(self, text: str) -> dict[str, Any] | None:
        found = self.pattern.fullmatch(text.strip())
        if found is None:
            return None
        return {k: convert(k, v) for k, v in found.groupdict().items() if v is not None}


STEPS: list[StepDefinition] = []


def compile_template(template: str) -> re.Pattern[str]:
    out, i = [], 0
    while i < len(template):
        char = template[i]
        if char == "{":
            name = template[i + 1:template.index("}", i)]
            out.append(f'"?(?P<{name}>{PLACEHOLDERS[name]})"?')
            i += len(name) + 2
            continue
        out.append({"[": "(?:", "]": ")?"}.get(char, re.escape(char)))
        i += 1
    return re.compile("".join(out), re.IGNORECASE)


def convert(name: str, value: str) -> Any:
    if name == "n":
        return int(value)
    if name in ("start", "end"):
        if len(value) == 10:
            day = date.fromisoformat(value)
            return datetime.combine(day, time.min if name == "start" else time.max, timezone.utc)
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    if name == "kind":
        return value.lower()
    return value


def step(keyword: str, template: str, *, over: Iterable[str] = ("*",),
         examples: Iterable[str] = ()) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a step; its docstring and examples go into docs/rules.md."""
    def register(function: Callable[..., Any]) -> Callable[..., Any]:
        STEPS.append(StepDefinition(keyword, template, tuple(over), function, tuple(examples),
                                    compile_template(template)))
        return function
    return register


def given(template: str, *, examples: Iterable[str] = ()) -> Callable[..., Any]:
    return step("Given", template, examples=examples)


def then(template: str, *, over: Iterable[str] = ("*",),
         examples: Iterable[str] = ()) -> Callable[..., Any]:
    return step("Then", template, over=over, examples=examples)


def find(keyword: str, text: str) -> tuple[StepDefinition, dict[str, Any]] | None:
    """The definition matching a step: Given for context steps, Then for outcomes, either for `*`."""
    for definition in STEPS:
        if keyword not in ("*", definition.keyword):
            continue
        params = definition.match(text)
        if params is not None:
            return definition, params
    return None


def closest(text: str, limit: int = 3) -> list[str]:
    """The known steps that read most like `text`, as templates."""
    scored = []
    for definition in STEPS:
        candidates = [definition.template, *definition.examples]
        ratio = max(difflib.SequenceMatcher(None, text.lower(), c.lower()).ratio()
                    for c in candidates)
        scored.append((ratio, f"{definition.keyword} {definition.template}"))
    scored.sort(key=lambda pair: -pair[0])
    return [name for _, name in scored[:limit]]
