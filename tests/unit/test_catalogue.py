"""Every message a page can show has German: the msgids of templates and code (`_()`, `N_()`),
the entry summaries' templates and the governance rules' sentences. The coverage figure is
printed (`pytest -s`); the test fails below 100%."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from domain.rules import RULES
from projections.summary import templates

WEB = Path(__file__).resolve().parents[2] / "web"


def catalogue(language: str) -> dict[str, str]:
    with (WEB / "locale" / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        found = read_po(po, locale=language)
    messages: dict[str, str] = {}
    for m in found:
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)  # a plural: singular and plural
        strings = m.string if isinstance(m.string, tuple) else (m.string,) * len(ids)
        for msgid, text in zip(ids, strings, strict=False):
            messages[str(msgid)] = str(text or "")
    return messages


def used_messages() -> set[str]:
    """The msgids the pages can show."""
    found: set[str] = set()
    method_map = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
    options = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n", "trim_blocks": "True",
                                        "lstrip_blocks": "True"}}
    keywords = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(WEB), method_map, options, keywords=keywords):
        for text in message if isinstance(message, tuple) else (message,):
            if text:
                found.add(text)
    found |= templates()
    found |= {rule.sentence for rule in RULES.values()}
    return found


def coverage() -> tuple[int, list[str]]:
    german = catalogue("de")
    used = used_messages()
    missing = sorted(m for m in used if not german.get(m, "").strip())
    return len(used), missing


def test_every_message_a_page_shows_has_german() -> None:
    total, missing = coverage()
    print(f"translation coverage: {total - len(missing)}/{total} "
          f"({100 * (total - len(missing)) / total:.1f}%)")
    assert total > 300
    assert missing == []


def test_every_german_message_keeps_the_placeholders_of_its_english() -> None:
    import re

    placeholder = re.compile(r"%\((\w+)\)s")
    wrong = [m for m, text in catalogue("de").items()
             if text and set(placeholder.findall(m)) != set(placeholder.findall(text))]
    assert wrong == []


def test_english_catalogue_lists_every_german_message() -> None:
    assert set(catalogue("de")) <= set(catalogue("en"))


ERRORS = {"InvalidInput": 0, "NotFound": 0, "Conflict": 0, "DomainError": 0, "said": 0,
          "RuleViolation": 1, "Forbidden": 1}
NOUNS = {"_known": None, "_unique": None, "_create": None, "_change": None}
PRODUCT = [WEB.parent / "domain", WEB.parent / "projections", WEB]


def error_templates() -> tuple[set[str], list[str]]:
    """The message templates of the errors product code raises (domain, read models, web;
    not the command line), and where one is not a constant a catalogue could hold."""
    import ast

    found: set[str] = set()
    unsayable: list[str] = []
    for root in PRODUCT:
        for path in root.rglob("*.py"):
            if "cli" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call):
                    continue
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(
                    node.func, "id", "")
                if name in NOUNS:
                    found |= {a.value for a in node.args
                              if isinstance(a, ast.Constant) and isinstance(a.value, str)}
                if name not in ERRORS or len(node.args) <= ERRORS[name]:
                    continue
                argument = node.args[ERRORS[name]]
                options = [argument.body, argument.orelse] if isinstance(argument, ast.IfExp) \
                    else [argument]
                for option in options:
                    if isinstance(option, ast.Constant) and isinstance(option.value, str):
                        found.add(option.value)
                    elif not isinstance(option, ast.Name):
                        unsayable.append(f"{path.name}:{node.lineno}")
    return found, unsayable


def test_every_error_a_page_can_show_is_a_translated_template() -> None:
    templates, unsayable = error_templates()
    assert unsayable == []  # an f-string message cannot be looked up in a catalogue
    german = catalogue("de")
    missing = sorted(t for t in templates if not german.get(t, "").strip())
    assert len(templates) > 60
    assert missing == []
