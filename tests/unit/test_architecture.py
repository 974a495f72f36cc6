"""The house rules a reviewer would otherwise check by eye: no import cycles between modules,
event types named only by their classes, and each kind of work in its one room."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import grimp

from domain.event_types import BY_NAME

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("domain", "projections", "web")
# A name that reads like an event: a subject of the log, then a past tense ("DecisionTaken").
SUBJECTS = sorted({re.match(r"[A-Z][a-z]+", name).group(0) for name in BY_NAME})  # type: ignore[union-attr]
EVENT_LIKE = re.compile(rf"^(?:{'|'.join(SUBJECTS)})[A-Z][a-z]+(?:ed|en|Set)$")


def strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's strongly connected components of a directed graph."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            found.append(component)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def module_graph() -> dict[str, set[str]]:
    graph = grimp.build_graph(*PACKAGES)
    return {module: set(graph.find_modules_directly_imported_by(module))
            for module in graph.modules}


def test_no_module_imports_itself_through_others() -> None:
    cycles = [sorted(c) for c in strongly_connected(module_graph()) if len(c) > 1]
    assert cycles == []


def test_the_cycle_check_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert [c for c in strongly_connected(graph) if len(c) > 1] == [{"a", "b", "c"}]


def sources(*folders: str, suffix: str = ".py") -> Iterator[Path]:
    for folder in folders:
        yield from sorted((ROOT / folder).rglob(f"*{suffix}"))


def string_constants(path: Path) -> Iterable[str]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value


def unknown_event_names(text: str) -> set[str]:
    """Words of a text that read like event types but name none."""
    return {word for word in re.findall(r"\b[A-Z][A-Za-z]+\b", text)
            if EVENT_LIKE.match(word) and word not in BY_NAME}


def test_every_name_that_reads_like_an_event_type_is_one() -> None:
    """In code, templates, tests and docs, every event type named exists."""
    unknown = {f"{path.relative_to(ROOT)}: {word}"
               for path in [*sources(*PACKAGES, "tests", "bench"),
                            *sources("web", suffix=".html"), *sources("docs", suffix=".md"),
                            ROOT / "README.md"]
               if path != Path(__file__)
               for word in unknown_event_names(path.read_text(encoding="utf-8"))}
    assert sorted(unknown) == []


def test_the_event_name_check_notices_an_event_that_does_not_exist() -> None:
    text = 'RESPONSIBILITY_TYPES = {"MandateGranted", "MandateNarrowed", "DecisionTaken"}'
    assert unknown_event_names(text) == {"MandateNarrowed"}


def test_outside_the_domain_event_types_are_named_by_class_not_by_string() -> None:
    """Product code compares event classes; a type name in a string could name nothing."""
    offenders = [f"{path.relative_to(ROOT)}: {value}"
                 for path in sources("projections", "web")
                 for value in string_constants(path) if value in BY_NAME]
    assert offenders == []


def test_only_the_command_line_defines_commands() -> None:
    offenders = [str(path.relative_to(ROOT)) for path in sources(*PACKAGES)
                 if "add_parser(" in path.read_text(encoding="utf-8")
                 and not path.is_relative_to(ROOT / "web" / "cli")]
    assert offenders == []


def test_only_the_ledger_hashes_merkle_trees_and_signs_notes() -> None:
    ledger = ROOT / "projections" / "ledger"
    signing = re.compile(r"Ed25519PrivateKey|\.sign\(|b\"\\x0[01]\"")
    offenders = [str(path.relative_to(ROOT)) for path in sources(*PACKAGES)
                 if signing.search(path.read_text(encoding="utf-8"))
                 and not path.is_relative_to(ledger)]
    assert offenders == []
