"""Every notice kind speaks English and German, with a link to its entry."""

from __future__ import annotations

import pytest

from projections.notices import KIND_NAMES, Notice
from web.notices.texts import BODIES, SUBJECTS, render

PARAMS = {"recorder": "jonas", "entry": "DecisionTaken", "escalation": "e-1", "topic": "Budget",
          "due_at": "2026-11-18T09:00:00+00:00", "level": 2, "addressed_to": "petra",
          "reason": "overdue", "last_status_at": "", "days": 14, "handoff": "h-1",
          "item": "Data model", "from_person": "jonas", "decision": "d-1", "title": "Pilot",
          "scope": "technology/ordering", "meeting_kind": "steering", "last_held_at": "",
          "criterion": "c-1", "description": "Calls answered", "target": "90 %",
          "evaluation_at": "2026-11-20T00:00:00+00:00", "mandate": "m-1", "holder": "jonas",
          "granted_by": "kathi", "valid_until": "2026-11-21T00:00:00+00:00",
          "to_person": "miriam"}


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_each_kind_has_its_own_english_and_german_text(kind):
    assert kind in SUBJECTS and kind in BODIES
    notice = Notice(kind, "portal", 85, "kathi", "once", "/initiatives/portal", PARAMS)
    english = render(notice, "en", "https://tandem.example.org/")
    german = render(notice, "de", "https://tandem.example.org/")
    assert english.subject != german.subject and english.body != german.body
    assert "%(" not in english.body + german.body + english.subject + german.subject
    for text in (english, german):
        assert text.link == "https://tandem.example.org/initiatives/portal"
        assert text.link in text.body and f'href="{text.link}"' in text.html
    assert "2026-11-18 09:00 UTC" in (english.body if "due_at" in BODIES[kind] else
                                       "2026-11-18 09:00 UTC")
