"""The outbox: what is due to whom, derived from the log and the clock, each notice with a
stable id (so it is told once), on both backends."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from projections.notices import Horizon, outbox
from web.system import Tandem

OPTIONS = [{"key": "a", "title": "Pilot first"}, {"key": "b", "title": "Big bang"}]


@pytest.fixture
def now(tandem: Tandem) -> datetime:
    """An initiative led by the tandem jonas and miriam, with ina Informed about ordering and
    olaf about billing; a joint decision on ordering recorded by jonas (miriam's confirmation
    pending); an escalation due tomorrow; the last joint status 20 days old."""
    now = datetime.now(timezone.utc)
    r, app = tandem.record, tandem.app
    for person in ("kathi", "petra", "jonas", "miriam", "ina", "olaf"):
        r(app.register_person, actor="ada", person=person, name=person.title(),
          unit="it" if person == "jonas" else "ops", role="member")
    r(app.open_initiative, actor="ada", initiative="portal", title="Portal", sponsor="kathi",
      units=["it", "ops"], escalation_path=["kathi", "petra"],
      effective_at=now - timedelta(days=30))
    r(app.form_tandem, actor="kathi", initiative="portal", people=["jonas", "miriam"],
      effective_at=now - timedelta(days=30))
    r(app.assign, actor="kathi", initiative="portal", area="ordering", person="ina", role="I")
    r(app.assign, actor="kathi", initiative="portal", area="billing", person="olaf", role="I")
    r(app.report_status, actor="jonas", initiative="portal", summary="Runs",
      reported_by=["jonas", "miriam"], effective_at=now - timedelta(days=20))
    r(app.grant_mandate, actor="kathi", initiative="portal", mandate="m-tech", person="jonas",
      scope="technology")
    r(app.take_decision, actor="jonas", initiative="portal", decision="d-pilot",
      scope="technology/ordering", title="Pilot in one region", option="a",
      rationale="Less risk", decided_by=["jonas", "miriam"], options=OPTIONS)
    r(app.raise_escalation, actor="jonas", initiative="portal", escalation="e-budget",
      topic="Hotline budget", options=OPTIONS, raised_by="jonas",
      due_at=now + timedelta(days=1))
    return datetime.now(timezone.utc)


def told(notices: list, kind: str) -> set[str]:
    return {n.addressee for n in notices if n.kind == kind}


def test_each_kind_is_due_to_the_right_people(tandem, now):
    due = outbox(tandem.db, now)
    [decision] = tandem.read.timeline(initiative="portal", types=["DecisionTaken"])
    asked = {n.addressee for n in due
             if n.kind == "confirmation-requested" and n.about == decision["position"]}
    assert asked == {"miriam"}  # jonas recorded it: his own name confirms itself
    assert told(due, "decision-informed") == {"ina"}  # not olaf: billing is not its scope
    assert told(due, "escalation-due-soon") == {"kathi"}
    assert told(due, "escalation-overdue") == set()
    assert told(due, "status-missed") == {"jonas", "miriam"}  # 20 days > 14
    assert outbox(tandem.db, now, Horizon(due_soon=timedelta(hours=12))) and told(
        outbox(tandem.db, now, Horizon(due_soon=timedelta(hours=12))),
        "escalation-due-soon") == set()
    later = outbox(tandem.db, now + timedelta(days=2))
    assert told(later, "escalation-overdue") == {"kathi", "jonas"}
    assert told(later, "escalation-due-soon") == set()
    much_later = outbox(tandem.db, now + timedelta(days=8))
    assert told(much_later, "decision-informed") == set()  # past the lookback


def test_the_same_situation_keeps_its_id_and_a_new_one_gets_another(tandem, now):
    first = {n.id for n in outbox(tandem.db, now)}
    assert first == {n.id for n in outbox(tandem.db, now + timedelta(minutes=5))}
    tandem.record(tandem.app.forward_escalation, actor="kathi", initiative="portal",
                  escalation="e-budget", reason="Above my budget")
    after = outbox(tandem.db, now + timedelta(minutes=5))
    assert told(after, "escalation-forwarded") == {"petra", "jonas"}
    forwarded = next(n for n in after if n.kind == "escalation-forwarded")
    assert forwarded.params["reason"] == "Above my budget"
    assert forwarded.link == "/escalations#portal-e-budget"
    tandem.record(tandem.app.report_status, actor="jonas", initiative="portal",
                  summary="Back in rhythm", reported_by=["jonas", "miriam"])
    tandem.record(tandem.app.confirm_entry, actor="miriam", initiative="portal",
                  **_entry(tandem, "DecisionTaken"))
    settled = outbox(tandem.db, now + timedelta(minutes=5))
    assert told(settled, "status-missed") == set()
    assert not [n for n in settled if n.kind == "confirmation-requested"
                and n.addressee == "miriam" and n.initiative == "portal"
                and n.params["entry"] == "DecisionTaken"]


def _entry(tandem: Tandem, kind: str) -> dict[str, int]:
    [e] = tandem.read.timeline(initiative="portal", types=[kind])
    return {"entry": tandem.read.entry(e["position"])["version"], "position": e["position"]}


def test_a_closed_initiative_tells_nobody_anything(tandem, now):
    tandem.record(tandem.app.close_initiative, actor="kathi", initiative="portal",
                  outcome="Stopped")
    assert [n for n in outbox(tandem.db, now) if n.initiative == "portal"] == []
