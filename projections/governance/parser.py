"""Rule files read with the official Gherkin parser (gherkin-official, as pytest-bdd uses it).

A file becomes pickles: Scenario Outlines expanded per Examples row, Backgrounds prepended,
tags inherited from Feature, Rule and Examples. Each pickle keeps where it came from.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gherkin.errors import CompositeParserException, ParserError
from gherkin.parser import Parser
from gherkin.pickles.compiler import Compiler

# What one check reads at most: rules are a few pages of text, and a file that is not (a log, a
# dump, an Examples table of a million rows) is refused before it costs minutes and gigabytes.
MAX_FILE_BYTES = 1_000_000
MAX_FILES = 1_000
MAX_STEPS = 10_000  # steps after Scenario Outlines are expanded, over all files of one check


class RuleFileError(Exception):
    """A rule file that cannot be used: a syntax error or a step no definition matches."""

    def __init__(self, file: str, line: int, column: int, message: str,
                 suggestions: list[str] | None = None):
        self.file, self.line, self.column = file, line, column
        self.message = message
        self.suggestions = suggestions or []
        super().__init__(self.describe())

    def describe(self) -> str:
        text = f"{self.file}:{self.line}:{self.column}: {self.message}"
        if self.suggestions:
            text += "\n  closest known steps:\n" + "\n".join(f"    {s}" for s in self.suggestions)
        return text

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "column": self.column,
                "message": self.message, "suggestions": self.suggestions}


@dataclass(frozen=True)
class Step:
    keyword: str
    kind: str  # Context, Action, Outcome or Unknown (for `*`)
    text: str
    line: int
    column: int


@dataclass(frozen=True)
class Scenario:
    file: str
    feature: str
    rule: str | None
    name: str
    line: int
    tags: tuple[str, ...]
    steps: tuple[Step, ...]


@dataclass
class RuleFile:
    name: str
    sha256: str
    feature: str
    scenarios: list[Scenario] = field(default_factory=list)


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def display_name(path: Path) -> str:
    """The name a rule file is reported and adopted under: relative to the working directory."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def feature_files(paths: list[str]) -> list[Path]:
    """The .feature files named, folders searched recursively, in a stable order."""
    found: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found += sorted(path.rglob("*.feature"))
        elif path.is_file():
            found.append(path)
        else:
            raise RuleFileError(name, 0, 0, "no such file or folder")
        if len(found) > MAX_FILES:
            raise RuleFileError(name, 0, 0, f"more than {MAX_FILES:,} rule files in one check; "
                                "name fewer files or folders")
    return found


def parse_file(path: Path, max_steps: int = MAX_STEPS) -> RuleFile:
    name = display_name(path)
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise RuleFileError(name, 0, 0, f"the file has {size:,} bytes; a rule file may have at "
                            f"most {MAX_FILE_BYTES:,}")
    try:
        source = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise RuleFileError(name, 1, 1, f"not UTF-8 text: {error}") from None
    return parse_text(source, name, file_digest(path), max_steps)


def parse_text(source: str, name: str, sha256: str = "", max_steps: int = MAX_STEPS) -> RuleFile:
    try:
        document: dict[str, Any] = dict(Parser().parse(source))
    except CompositeParserException as error:
        first = error.errors[0]
        raise _syntax_error(name, first) from None
    except ParserError as error:
        raise _syntax_error(name, error) from None
    feature = document.get("feature")
    if feature is None:
        return RuleFile(name, sha256 or hashlib.sha256(source.encode()).hexdigest(), "")
    document["uri"] = name
    expanded = _expanded_steps(feature)
    if expanded > max_steps:
        raise RuleFileError(name, 0, 0, f"the file has {expanded:,} steps once Scenario "
                            f"Outlines are expanded; one check runs at most {MAX_STEPS:,} steps "
                            "over all its files")
    steps, scenarios, rules = _index(feature)
    result = RuleFile(name, sha256 or hashlib.sha256(source.encode()).hexdigest(),
                      feature["name"])
    for pickle in Compiler().compile(document):  # type: ignore[arg-type]
        scenario_id = next(i for i in pickle["astNodeIds"] if i in scenarios)
        located = []
        for step in pickle["steps"]:
            node = steps[step["astNodeIds"][0]]
            located.append(Step(node["keyword"].strip(), step.get("type", "Unknown"),
                                step["text"], node["location"]["line"],
                                node["location"]["column"]))
        result.scenarios.append(Scenario(
            file=name, feature=feature["name"], rule=rules.get(scenario_id),
            name=pickle["name"], line=pickle["location"]["line"],
            tags=tuple(t["name"] for t in pickle["tags"]), steps=tuple(located)))
    return result


def _syntax_error(name: str, error: Any) -> RuleFileError:
    location = getattr(error, "location", None) or {}
    message = str(error)
    if message.startswith("("):  # "(line:column): message" - the location is kept apart
        message = message.split(": ", 1)[-1]
    return RuleFileError(name, int(location.get("line") or 0), int(location.get("column") or 0),
                         f"Gherkin syntax error: {message}")


def _expanded_steps(feature: dict[str, Any]) -> int:
    """How many steps the pickles of a feature will have, counted before compiling them."""
    def count(children: list[dict[str, Any]], inherited: int) -> int:
        total = 0
        background = inherited
        for child in children:
            if "background" in child:
                background += len(child["background"]["steps"])
            elif "rule" in child:
                total += count(child["rule"]["children"], background)
            elif "scenario" in child:
                node = child["scenario"]
                rows = sum(len(e.get("tableBody") or []) for e in node.get("examples") or [])
                total += (background + len(node["steps"])) * (rows if node.get("examples")
                                                              else 1)
        return total
    return count(feature["children"], 0)


def _index(feature: dict[str, Any]) -> tuple[dict[str, Any], set[str], dict[str, str]]:
    """Steps by AST id, the ids of scenarios, and the Rule each scenario belongs to."""
    steps: dict[str, Any] = {}
    scenarios: set[str] = set()
    rules: dict[str, str] = {}

    def walk(children: list[dict[str, Any]], rule: str | None) -> None:
        for child in children:
            if "rule" in child:
                walk(child["rule"]["children"], child["rule"]["name"])
            for key in ("background", "scenario"):
                node = child.get(key)
                if node is None:
                    continue
                for step in node["steps"]:
                    steps[step["id"]] = step
                if key == "scenario":
                    scenarios.add(node["id"])
                    if rule is not None:
                        rules[node["id"]] = rule

    walk(feature["children"], None)
    return steps, scenarios, rules
