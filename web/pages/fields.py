"""How a form's text becomes a command's plain values, in the person's words: ids made from
titles, options from the proposal or escalation a decision answers, people by name, scopes picked
or added, decimal commas. Every field is read before the command runs, so all the errors of a
form show at once; the command still checks everything itself."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from domain import values as v
from domain.errors import InvalidInput
from web.i18n import N_, form_time

EMPTY = N_("This field must not be empty.")
CHOOSE_ONE = N_("Choose at least one person.")
CHOOSE_OPTION = N_("Choose the option decided on.")
TWO_OPTIONS = N_("Name at least two options, one a line.")
UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss",
                         "Ä": "ae", "Ö": "oe", "Ü": "ue"})
KEY_LENGTH = 60


def key_of(title: str, taken: Iterable[str] = (), fallback: str = "entry") -> str:
    """An id from a title: umlauts transliterated, accents dropped, lowercase words joined by
    dashes, made unique against `taken` with a number."""
    text = unicodedata.normalize("NFKD", title.translate(UMLAUTS))
    ascii_text = text.encode("ascii", "ignore").decode().lower()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:KEY_LENGTH].strip("-") or fallback
    used = set(taken)
    key, n = base, 2
    while key in used:
        key, n = f"{base}-{n}", n + 1
    return key


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def options_of(titles: list[str]) -> list[dict[str, str]]:
    """Options from titles, one a line, each with a key made from its title."""
    result: list[dict[str, str]] = []
    for title in titles:
        result.append({"key": key_of(title, [o["key"] for o in result], "option"),
                       "title": title})
    return result


def decimal(text: str, language: str) -> str:
    """A number as typed: in German the comma is the decimal sign (and a dot groups digits)."""
    if language == "de" and "," in text:
        return text.replace(".", "").replace(" ", "").replace(",", ".")
    return text


@dataclass
class Context:
    """What reading a form needs to know besides its text: who submits it, in which language,
    the ids the initiative already uses, and what a decision can answer."""

    actor: str = ""
    language: str = "en"
    taken: Mapping[str, Iterable[str]] = field(default_factory=dict)
    # "proposal:KEY" / "escalation:KEY" -> {"kind", "id", "question", "scope", "options"}
    answers: Mapping[str, dict[str, Any]] = field(default_factory=dict)


def shown(fields: Iterable[Any], source: Any) -> dict[str, Any]:
    """The values to show again in the form: text as typed, lists for checkbox groups
    (`source`: a submitted form or a query string, anything with `get` and `getlist`)."""
    values: dict[str, Any] = {}
    for f in fields:
        if f.kind == "people":
            values[f.name] = [str(p) for p in source.getlist(f.name)]
        else:
            values[f.name] = str(source.get(f.name, "") or "")
        for extra in f.extras:
            values[extra] = str(source.get(extra, "") or "")
    return values


def command_values(fields: Iterable[Any], values: Mapping[str, Any], ctx: Context,
                   fallback: str = "entry") -> tuple[dict[str, Any], dict[str, str]]:
    """The command's keyword arguments from the shown values, and every error found, by field
    (messages untranslated). Optional fields left empty are absent."""
    fields = list(fields)
    kwargs: dict[str, Any] = {}
    errors: dict[str, str] = {}
    derived: dict[str, str] = {}  # defaults a chosen proposal brings: its scope, a title

    def fail(name: str, message: str) -> None:
        errors.setdefault(name, message)

    for f in fields:
        if f.kind == "key":
            continue  # made once the text it comes from is known
        raw = values.get(f.name, "")
        text = raw.strip() if isinstance(raw, str) else ""
        if f.kind == "choice":
            _choice(f.name, values, ctx, kwargs, derived, fail)
        elif f.kind == "people":
            chosen = [p for item in (raw if isinstance(raw, list) else [raw])
                      for p in re.split(r"[\s,;]+", str(item)) if p]
            if f.required and not chosen:
                fail(f.name, CHOOSE_ONE)
            kwargs[f.name] = chosen
        elif f.kind == "titles":
            if text or f.required:
                titles = lines(text)
                if f.required and len(titles) < 2:
                    fail(f.name, TWO_OPTIONS)
                kwargs[f.name] = options_of(titles)
        elif f.kind == "lines":
            kwargs[f.name] = lines(text)
        elif f.kind == "scope":
            text = str(values.get(f.name + "_new", "")).strip() or text or derived.get(f.name, "")
            if text:
                _check(lambda t=text, n=f.name: v.scope(t, n), f.name, fail)
                kwargs[f.name] = text
            elif f.required:
                fail(f.name, EMPTY)
        else:
            text = text or derived.get(f.name, "")
            if not text:
                if f.required:
                    fail(f.name, EMPTY)
                continue
            if f.kind == "number":
                text = decimal(text, ctx.language)
                _check(lambda t=text, n=f.name: v.number(t, n), f.name, fail)
            elif f.kind == "datetime":
                text = form_time(text)  # typed in the site's time zone
                _check(lambda t=text, n=f.name: v.parse_time(t, n), f.name, fail)
            kwargs[f.name] = text
    for f in fields:
        if f.kind != "key":
            continue
        typed = str(values.get(f.name, "")).strip()
        if typed:
            _check(lambda t=typed, n=f.name: v.slug(t, n), f.name, fail)
            kwargs[f.name] = typed
        else:
            title = " ".join(str(kwargs.get(n) or "") for n in f.source.split())
            kwargs[f.name] = key_of(title, ctx.taken.get(f.taken, ()), fallback)
    return kwargs, errors


def _check(run: Any, name: str, fail: Any) -> None:
    try:
        run()
    except InvalidInput as error:
        fail(name, error.fields.get(name, error.detail))


def _choice(name: str, values: Mapping[str, Any], ctx: Context, kwargs: dict[str, Any],
            derived: dict[str, str], fail: Any) -> None:
    """A decision's option: `proposal:KEY:OPTION` or `escalation:KEY:OPTION` answers that entry
    with one of its options; `new` takes new options, one title a line, the chosen one first."""
    chosen = str(values.get(name, "")).strip()
    if chosen == "new":
        titles = lines(str(values.get(name + "_new", "")))
        if len(titles) < 2:
            fail(name, TWO_OPTIONS)
            return
        offered = options_of(titles)
        kwargs.update(options=offered, option=offered[0]["key"])
        derived.setdefault("title", titles[0])
        return
    answered, _, option = chosen.rpartition(":")
    answer = ctx.answers.get(answered)
    if answer is None:
        fail(name, CHOOSE_OPTION)
        return
    titled = {o["key"]: o["title"] for o in answer["options"]}
    if option not in titled:
        fail(name, CHOOSE_OPTION)
        return
    kwargs.update({answer["kind"]: answer["id"], "option": option})
    derived.setdefault("title", titled[option])
    if answer.get("scope"):
        derived.setdefault("scope", answer["scope"])
