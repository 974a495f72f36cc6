"""`tandem notices …` and `tandem notify` on the command line."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from tests.support.receivers import Receiver, smtp_server, webhook_receiver
from web.cli import main as cli
from web.errors import EXIT_REFUSED

SECRET = "a-webhook-secret-of-some-length"
OPTIONS = [{"key": "a", "title": "A"}, {"key": "b", "title": "B"}]


def test_an_admin_sets_up_notices_and_one_notify_pass_sends_them(tandem, settings, capsys,
                                                                 monkeypatch):
    now = datetime.now(timezone.utc)
    r, app = tandem.record, tandem.app
    for person in ("kathi", "petra", "jonas"):
        r(app.register_person, actor="ada", person=person, name=person, unit="ops",
          role="member")
    r(app.open_initiative, actor="ada", initiative="portal", title="Portal", sponsor="kathi",
      units=["it", "ops"], escalation_path=["kathi", "petra"],
      effective_at=now - timedelta(days=10))
    r(app.admit_member, actor="kathi", initiative="portal", person="jonas", role="member",
      effective_at=now - timedelta(days=10))
    r(app.raise_escalation, actor="jonas", initiative="portal", escalation="e-1", topic="Budget",
      options=OPTIONS, raised_by="jonas", effective_at=now - timedelta(days=5),
      due_at=now - timedelta(days=1))
    db = ["--db", settings.database_url]
    monkeypatch.setenv("TANDEM_SIGNING_KEY", settings.signing_key)
    assert cli([*db, "notices", "contact", "kathi", "--email", "kathi@example.org",
                "--language", "de"]) == 0
    assert cli([*db, "notices", "contact", "jonas", "--email", "nonsense"]) == EXIT_REFUSED
    assert cli([*db, "notices", "webhook", "add", "gopher://x.example.org/"]) == EXIT_REFUSED
    capsys.readouterr()
    assert cli([*db, "notices", "outbox"]) == 0
    due = json.loads(capsys.readouterr().out)["notices"]
    assert {n["addressee"] for n in due} == {"kathi", "jonas"}
    receiver = Receiver(SECRET)
    with webhook_receiver(receiver) as url, smtp_server() as (smtp_url, inbox):
        assert cli([*db, "notices", "webhook", "add", url, "--kind", "escalation-overdue",
                    "--secret", SECRET]) == 0
        monkeypatch.setenv("TANDEM_SMTP_URL", smtp_url)
        assert cli([*db, "notify"]) == 0
        assert cli([*db, "notify"]) == 0
    err = capsys.readouterr().err
    assert "Notify pass: 2 due, 3 sent" in err and "Notify pass: 2 due, 0 sent" in err
    assert [m["To"] for m in inbox.messages] == ["kathi@example.org"]
    assert len(receiver.accepted) == 2 and all(x["verified"] for x in receiver.requests)
    assert cli([*db, "notices", "deliveries", "--state", "delivered"]) == 0
    assert len(json.loads(capsys.readouterr().out)["deliveries"]) == 3
    assert cli([*db, "notices", "feed-token", "issue", "kathi"]) == 0
    token = capsys.readouterr().out.strip()
    assert token.startswith("tdf_kathi_")
    assert cli([*db, "notices", "feed-token", "revoke", "kathi", token.split("_")[2]]) == 0
    assert cli([*db, "notices", "feed-token", "revoke", "kathi", "nothere"]) != 0


def test_a_bad_smtp_url_is_named_not_a_traceback(tandem, settings, capsys, monkeypatch):
    monkeypatch.setenv("TANDEM_SIGNING_KEY", settings.signing_key)
    monkeypatch.setenv("TANDEM_SMTP_URL", "mail://somewhere")
    assert cli(["--db", settings.database_url, "notify"]) not in (0, EXIT_REFUSED)
    assert "TANDEM_SMTP_URL" in capsys.readouterr().err
