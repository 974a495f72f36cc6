"""What each notice says, in English and German (the catalogues in web/locale)."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from projections import notices as n
from projections.notices import Notice
from web.i18n import N_, translations

SUBJECTS: dict[str, str] = {
    n.CONFIRMATION_REQUESTED: N_("Your confirmation is requested in %(initiative)s"),
    n.ESCALATION_DUE_SOON: N_("Escalation due soon in %(initiative)s: %(topic)s"),
    n.ESCALATION_OVERDUE: N_("Escalation overdue in %(initiative)s: %(topic)s"),
    n.ESCALATION_FORWARDED: N_("Escalation forwarded in %(initiative)s: %(topic)s"),
    n.STATUS_MISSED: N_("Joint status missing in %(initiative)s"),
    n.HANDOFF_WAITING: N_("Handoff waiting for you in %(initiative)s: %(item)s"),
    n.DECISION_INFORMED: N_("Decision in %(initiative)s: %(title)s"),
    n.MEETING_CADENCE_MISSED: N_("Meeting missed in %(initiative)s: %(meeting_kind)s"),
    n.CRITERION_EVALUATION_DUE: N_("Criterion to evaluate in %(initiative)s: %(description)s"),
    n.MANDATE_EXPIRING: N_("Mandate ending in %(initiative)s: %(scope)s"),
    n.HANDOFF_REFUSED: N_("Handoff refused in %(initiative)s: %(item)s"),
    n.HANDOFF_RETURNED: N_("Handoff returned in %(initiative)s: %(item)s"),
}
BODIES: dict[str, str] = {
    n.CONFIRMATION_REQUESTED: N_(
        "%(recorder)s recorded entry #%(about)s, which names you. Until you confirm or dispute "
        "it, it is their claim. Please confirm or dispute it."),
    n.ESCALATION_DUE_SOON: N_(
        "The escalation \u201c%(topic)s\u201d is addressed to you (level %(level)s) and due on "
        "%(due_at)s. Please decide it, choosing one of its options, before then."),
    n.ESCALATION_OVERDUE: N_(
        "The escalation \u201c%(topic)s\u201d, addressed to %(addressed_to)s at level %(level)s, "
        "was due on %(due_at)s and is still open. The next sweep forwards it one level up."),
    n.ESCALATION_FORWARDED: N_(
        "The escalation \u201c%(topic)s\u201d was forwarded to %(addressed_to)s (level "
        "%(level)s): %(reason)s. It is due on %(due_at)s."),
    n.STATUS_MISSED: N_(
        "No joint status report was recorded in %(initiative)s for more than %(days)s days. "
        "Please report together: what runs, what blocks, which options exist."),
    n.HANDOFF_WAITING: N_(
        "%(from_person)s hands \u201c%(item)s\u201d over to you. Please accept it when you take "
        "it over."),
    n.DECISION_INFORMED: N_(
        "A decision was recorded in %(initiative)s, in scope %(scope)s, where you are "
        "Informed: \u201c%(title)s\u201d."),
    n.MEETING_CADENCE_MISSED: N_(
        "No %(meeting_kind)s meeting was held in %(initiative)s for more than %(days)s days, "
        "though its cadence asks for one at least that often. Please schedule and hold it."),
    n.CRITERION_EVALUATION_DUE: N_(
        "The criterion \u201c%(description)s\u201d (target: %(target)s) is evaluated on "
        "%(evaluation_at)s. Please record a measurement before then."),
    n.MANDATE_EXPIRING: N_(
        "The mandate %(mandate)s of %(holder)s for %(scope)s, granted by %(granted_by)s, ends on "
        "%(valid_until)s. Decisions on it are possible until then; grant a new one if the work "
        "goes on."),
    n.HANDOFF_REFUSED: N_(
        "%(to_person)s refused to take \u201c%(item)s\u201d over: %(reason)s. The work stays "
        "with you."),
    n.HANDOFF_RETURNED: N_(
        "%(to_person)s returned \u201c%(item)s\u201d to you: %(reason)s. The work is yours "
        "again."),
}
OPEN = N_("Open in Tandem: %(link)s")
FOOTER = N_("Tandem sent this notice and recorded that it did.")


@dataclass(frozen=True)
class Text:
    subject: str
    body: str
    link: str
    html: str


def _when(value: Any) -> str:
    if isinstance(value, str) and len(value) >= 16 and value[4] == "-":
        try:
            return datetime.fromisoformat(value).strftime("%Y-%m-%d %H:%M UTC")
        except ValueError:
            return value
    return str(value)


def render(notice: Notice, language: str, base_url: str) -> Text:
    """The notice in a language, with an absolute link to its page."""
    tr = translations(language)
    values = {k: _when(v) for k, v in notice.params.items()}
    values.update(initiative=notice.initiative or "", about=str(notice.about or ""))
    link = base_url.rstrip("/") + notice.link
    subject = tr.gettext(SUBJECTS[notice.kind]) % values
    body = tr.gettext(BODIES[notice.kind]) % values
    opened = tr.gettext(OPEN) % {"link": link}
    footer = tr.gettext(FOOTER)
    plain = f"{body}\n\n{opened}\n\n-- \n{footer}\n"
    markup = (f'<!doctype html><html lang="{language}"><body><p>{html.escape(body)}</p>'
              f'<p><a href="{html.escape(link)}">{html.escape(link)}</a></p>'
              f"<hr><p><small>{html.escape(footer)}</small></p></body></html>")
    return Text(subject=subject, body=plain, link=link, html=markup)
