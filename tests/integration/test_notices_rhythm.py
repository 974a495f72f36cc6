"""The rhythm's notices: a meeting cadence missed, a criterion's evaluation coming, a mandate
ending, a handoff refused or returned. Each reaches the right people, keeps a stable id (so it
is told once), and a delivery pass sends each once, on both backends."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from domain.notifying import Notifying
from projections.notices import Horizon, outbox
from tests.support.receivers import Receiver, smtp_server, webhook_receiver
from web.notices.dispatch import Notifier
from web.notices.hooks import Hooks
from web.system import Tandem

SECRET = "a-webhook-secret-of-some-length"
RHYTHM = ["meeting-cadence-missed", "criterion-evaluation-due", "mandate-expiring",
          "handoff-refused", "handoff-returned"]


@pytest.fixture
def now(tandem: Tandem) -> datetime:
    """The tandem jonas and miriam lead portal (sponsor kathi): steering meetings are due every
    7 days since 20 days ago and none was held; the criterion `feedback` (owners jonas and olaf, one per unit) and
    `uptime` (no owner) are evaluated tomorrow; jonas's mandate from kathi ends tomorrow (and with it the
    part he delegated to miriam), another
    in ten days; miriam refused one handoff of jonas's and returned another."""
    now = datetime.now(timezone.utc)
    r, app = tandem.record, tandem.app
    for person in ("kathi", "petra", "jonas", "miriam", "olaf"):
        r(app.register_person, actor="ada", person=person, name=person.title(),
          unit="it" if person == "jonas" else "ops", role="member")
    r(app.open_initiative, actor="ada", initiative="portal", title="Portal", sponsor="kathi",
      units=["it", "ops"], escalation_path=["kathi", "petra"],
      effective_at=now - timedelta(days=30))
    r(app.form_tandem, actor="kathi", initiative="portal", people=["jonas", "miriam"],
      effective_at=now - timedelta(days=30))
    r(app.set_meeting_cadence, actor="kathi", initiative="portal", kind="steering",
      every_days=7, effective_at=now - timedelta(days=20))
    tomorrow = (now + timedelta(days=1)).isoformat()
    r(app.define_criterion, actor="kathi", initiative="portal", criterion="feedback",
      description="Customer feedback", target="at least 4 points", comparison=">=",
      target_value=4, owners=["jonas", "olaf"],
      evaluation_dates=[tomorrow, (now + timedelta(days=20)).isoformat()])
    r(app.define_criterion, actor="kathi", initiative="portal", criterion="uptime",
      description="Uptime", target="99 %", comparison=">=", target_value=99,
      evaluation_dates=[tomorrow])
    r(app.define_criterion, actor="kathi", initiative="portal", criterion="calls",
      description="Calls answered", target="most")  # not measurable: never evaluated
    r(app.grant_mandate, actor="kathi", initiative="portal", mandate="m-soon", person="jonas",
      scope="technology", valid_until=tomorrow, may_delegate=True)
    r(app.delegate_mandate, actor="jonas", initiative="portal", mandate="m-sub",
      delegated_from="m-soon", person="miriam", scope="technology/ordering")  # ends with it
    r(app.grant_mandate, actor="kathi", initiative="portal", mandate="m-later", person="miriam",
      scope="operations", valid_until=(now + timedelta(days=10)).isoformat())
    r(app.start_handoff, actor="jonas", initiative="portal", handoff="h-data",
      item="Data model", from_person="jonas", to_person="miriam")
    r(app.refuse_handoff, actor="miriam", initiative="portal", handoff="h-data",
      reason="Not documented yet")
    r(app.start_handoff, actor="jonas", initiative="portal", handoff="h-hotline",
      item="Hotline", from_person="jonas", to_person="miriam")
    r(app.accept_handoff, actor="miriam", initiative="portal", handoff="h-hotline")
    r(app.return_handoff, actor="miriam", initiative="portal", handoff="h-hotline",
      reason="Ops takes it")
    tandem.catch_up()
    return datetime.now(timezone.utc)


def told(notices: list, kind: str) -> set[str]:
    return {n.addressee for n in notices if n.kind == kind}


def test_each_rhythm_kind_reaches_the_right_people(tandem, now):
    due = outbox(tandem.db, now)
    assert told(due, "meeting-cadence-missed") == {"jonas", "miriam"}  # the tandem
    evaluations = {(n.params["criterion"], n.addressee) for n in due
                   if n.kind == "criterion-evaluation-due"}
    assert evaluations == {("feedback", "jonas"), ("feedback", "olaf"), ("uptime", "jonas"),
                           ("uptime", "miriam")}
    expiring = {(n.params["mandate"], n.addressee) for n in due if n.kind == "mandate-expiring"}
    assert expiring == {("m-soon", "jonas"), ("m-soon", "kathi"),  # the holder and the grantor
                        ("m-sub", "miriam"), ("m-sub", "jonas")}  # delegated by jonas
    assert told(due, "handoff-refused") == {"jonas"}
    assert told(due, "handoff-returned") == {"jonas"}
    refused = next(n for n in due if n.kind == "handoff-refused")
    assert refused.params == {"handoff": "h-data", "item": "Data model", "to_person": "miriam",
                              "reason": "Not documented yet"}
    assert told(due, "handoff-waiting") == set()  # refused: it no longer waits for miriam
    cadence = next(n for n in due if n.kind == "meeting-cadence-missed")
    assert cadence.params["meeting_kind"] == "steering" and cadence.params["days"] == 7
    assert cadence.link == "/initiatives/portal"
    narrow = outbox(tandem.db, now, Horizon(due_soon=timedelta(hours=12)))
    assert told(narrow, "criterion-evaluation-due") == told(narrow, "mandate-expiring") == set()
    assert told(outbox(tandem.db, now + timedelta(days=8)), "handoff-refused") == set()


def test_each_situation_keeps_its_id_and_a_new_one_gets_another(tandem, now):
    def ids(at: datetime, kind: str) -> set[str]:
        return {n.id for n in outbox(tandem.db, at) if n.kind == kind}

    for kind in RHYTHM:
        assert ids(now, kind) and ids(now, kind) == ids(now + timedelta(minutes=5), kind)
    [feedback] = [n for n in outbox(tandem.db, now) if n.kind == "criterion-evaluation-due"
                  and n.params["criterion"] == "feedback" and n.addressee == "olaf"]
    [later] = [n for n in outbox(tandem.db, now + timedelta(days=19))
               if n.kind == "criterion-evaluation-due" and n.addressee == "olaf"]
    assert later.id != feedback.id and later.about == feedback.about  # its next date
    assert ids(now + timedelta(days=2), "mandate-expiring") == set()  # ended: nothing to warn
    missed = ids(now, "meeting-cadence-missed")
    tandem.record(tandem.app.schedule_meeting, actor="jonas", initiative="portal",
                  meeting="st-1", kind="steering", title="Steering",
                  starts_at=(now - timedelta(hours=1)).isoformat(), moderator="kathi",
                  invited=["kathi", "jonas"])
    tandem.record(tandem.app.hold_meeting, actor="jonas", initiative="portal",
                  meeting="st-1", attended=["jonas"])
    tandem.catch_up()
    assert ids(now + timedelta(minutes=5), "meeting-cadence-missed") == set()  # held in time
    again = ids(now + timedelta(days=8), "meeting-cadence-missed")
    assert len(again) == 2 and not again & missed  # a new stretch, told anew


def test_a_closed_initiative_tells_nobody_about_its_rhythm(tandem, now):
    tandem.record(tandem.app.close_initiative, actor="kathi", initiative="portal",
                  outcome="Stopped")
    tandem.catch_up()
    assert [n for n in outbox(tandem.db, now) if n.kind in RHYTHM] == []


def test_a_pass_tells_each_rhythm_notice_once_by_webhook_and_email(tandem, now):
    notifying = Notifying(tandem.app)
    tandem.record(notifying.set_contact, actor="ada", person="kathi",
                  email="kathi@example.org", language="de")
    tandem.settings = replace(tandem.settings, base_url="https://tandem.example.org")
    receiver = Receiver(SECRET)
    with smtp_server() as (smtp, inbox), webhook_receiver(receiver) as url:
        Hooks(tandem.db).subscribe(actor="ada", url=url, kinds=RHYTHM, secret=SECRET,
                                   base_url="https://tandem.example.org", now=tandem.read.now())
        tandem.settings = replace(tandem.settings, smtp_url=smtp)
        first = Notifier(tandem).run_once()
        again = Notifier(tandem).run_once()
    assert first.errors == [] and again.sent == 0
    kinds = sorted(p["kind"] for p in receiver.accepted)
    assert kinds == sorted(["meeting-cadence-missed"] * 2 + ["criterion-evaluation-due"] * 4
                           + ["mandate-expiring"] * 4 + ["handoff-refused", "handoff-returned"])
    assert len({p["id"] for p in receiver.accepted}) == len(kinds)
    assert all(r["verified"] for r in receiver.requests)
    refused = next(p for p in receiver.accepted if p["kind"] == "handoff-refused")
    assert refused["text"].startswith("Handoff refused in portal: Data model")
    [mail] = inbox.messages  # kathi, the grantor of the mandate ending, in German
    assert mail["Subject"] == "Mandat endet in portal: technology"
    body = mail.get_body(("plain",)).get_content()
    assert "Das Mandat m-soon von jonas" in body and "endet am" in body
