"""`tandem escalations sweep` moves every overdue open escalation one level up its path."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from web.cli import main as cli

OPTIONS = [{"key": "a", "title": "A"}, {"key": "b", "title": "B"}]


def test_the_sweep_forwards_each_overdue_escalation_once_as_tandem_sweep(tandem, settings, capsys):
    now = datetime.now(timezone.utc)
    for person in ("kathi", "petra", "board", "jonas"):
        tandem.record(tandem.app.register_person, actor="ada", person=person, name=person, unit="ops",
                      role="member")
    r, app = tandem.record, tandem.app
    r(app.open_initiative, actor="ada", initiative="portal", title="Portal", sponsor="kathi",
      units=["it", "ops"], escalation_path=["kathi", "petra", "board"],
      effective_at=now - timedelta(days=20))
    r(app.admit_member, actor="kathi", initiative="portal", person="jonas", role="member",
      effective_at=now - timedelta(days=20))

    def escalate(key: str, raised: timedelta, due: timedelta) -> None:
        r(app.raise_escalation, actor="jonas", initiative="portal", escalation=key, topic=key,
          options=OPTIONS, raised_by="jonas", effective_at=now - raised, due_at=now - due)

    escalate("e-late", raised=timedelta(days=10), due=timedelta(days=3))   # 7 days to answer
    escalate("e-fresh", raised=timedelta(days=1), due=timedelta(days=-2))  # due in two days
    escalate("e-top", raised=timedelta(days=15), due=timedelta(days=12))
    for days in (11, 7):
        r(app.forward_escalation, actor="kathi", initiative="portal", escalation="e-top",
          reason="Not mine", effective_at=now - timedelta(days=days))

    swept_from = datetime.now(timezone.utc)
    assert cli(["--db", settings.database_url, "escalations", "sweep"]) == 0
    swept_until = datetime.now(timezone.utc)
    assert cli(["--db", settings.database_url, "escalations", "sweep"]) == 0

    err = capsys.readouterr().err
    assert "Forwarded 1 overdue escalation(s)." in err
    assert "Forwarded 0 overdue escalation(s)." in err
    board = {e["id"]: e for e in tandem.read.escalations()}
    late = board["e-late"]
    assert (late["level"], late["addressed_to"]) == (2, "petra")
    assert late["history"][-1]["reason"] == "overdue"
    assert late["history"][-1]["actor"] == "tandem-sweep"
    due = datetime.fromisoformat(late["due_at"])
    assert swept_from + timedelta(days=7) <= due <= swept_until + timedelta(days=7)
    assert (board["e-fresh"]["level"], board["e-top"]["level"]) == (1, 3)  # not due / at the top
    [forwarded] = tandem.read.timeline(initiative="portal", types=["EscalationForwarded"],
                                       order="recorded", start=swept_from)
    assert (forwarded["actor"], forwarded["data"]["escalation"]) == ("tandem-sweep", "e-late")
    assert forwarded["data"]["reason"] == "overdue"
