"""What a page says in the reader's words: people and units by name, entry summaries through
the catalogue. Filters for the templates; they read the `names` the page context carries."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cached_property
from typing import Any

from babel.lists import format_list
from jinja2 import pass_context
from jinja2.runtime import Context

from domain.event_types import UnknownEventType, named
from projections.queries import ReadModels
from projections.summary import Ref, message, render
from web import i18n
from web.i18n import N_
from web.pages.views import RACI, STATUS

DIRECTORY_ROLES = {"admin": N_("administrator"), "member": N_("member"),
                   "auditor": N_("auditor"), "viewer": N_("viewer")}


class Names:
    """People's and units' names by id, read once per page when first needed."""

    def __init__(self, read: ReadModels | None):
        self.read = read

    @cached_property
    def people(self) -> dict[str, str]:
        return {p["person"]: p["name"] for p in self.read.people()} if self.read else {}

    @cached_property
    def units(self) -> dict[str, str]:
        return {u["unit"]: u["name"] for u in self.read.units()} if self.read else {}

    def person(self, pid: object) -> str:
        return self.people.get(str(pid), str(pid))

    def unit(self, uid: object) -> str:
        return self.units.get(str(uid), str(uid))


NOBODY = Names(None)


def join(items: Sequence[str]) -> str:
    """A list in the current language: "A, B and C" / "A, B und C"."""
    names = [str(item) for item in items]
    return format_list(names, locale=i18n.current()) if names else ""


def _label(labels: dict[str, str], key: object) -> str:
    text = str(key)
    return i18n.gettext(labels[text]) if text in labels else text


def show(names: Names, ref: Ref) -> str:
    if ref.kind == "person":
        return names.person(ref.value)
    if ref.kind == "unit":
        return names.unit(ref.value)
    if ref.kind == "raci":
        return _label(RACI, ref.value)
    if ref.kind == "role":
        return _label(STATUS, ref.value) if str(ref.value) in STATUS else _label(
            DIRECTORY_ROLES, ref.value)
    if ref.kind == "number":
        return i18n.number(ref.value)
    return str(ref.value)


def summary_of(entry: dict[str, Any], names: Names) -> str:
    """An entry's summary in the current language, naming people and units by name."""
    try:
        kind = named(str(entry["type"]))
    except (UnknownEventType, KeyError):
        return str(entry.get("summary", ""))
    found = message(kind, entry.get("data") or {}, str(entry.get("actor") or ""))
    return render(found, i18n.gettext, lambda ref: show(names, ref), join)


def _names(context: Context) -> Names:
    found = context.get("names")
    return found if isinstance(found, Names) else NOBODY


@pass_context
def summary_filter(context: Context, entry: dict[str, Any]) -> str:
    return summary_of(entry, _names(context))


@pass_context
def person_filter(context: Context, pid: object) -> str:
    return _names(context).person(pid)


@pass_context
def people_filter(context: Context, pids: Iterable[object] | None) -> str:
    names = _names(context)
    return join([names.person(p) for p in pids or []])


@pass_context
def unit_filter(context: Context, uid: object) -> str:
    return _names(context).unit(uid)


FILTERS = {"summary": summary_filter, "person": person_filter, "people": people_filter,
           "unit": unit_filter}
