"""`tandem serve` runs the notify pass on its schedule: a real server, a real receiver."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

from tests.support.receivers import Receiver, webhook_receiver
from tests.support.server import running_server
from web.notices.hooks import Hooks

SECRET = "a-webhook-secret-of-some-length"
OPTIONS = [{"key": "a", "title": "A"}, {"key": "b", "title": "B"}]


def test_tandem_serve_sends_due_notices_on_its_schedule(tandem, settings, monkeypatch):
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
    receiver = Receiver(SECRET)
    monkeypatch.setenv("TANDEM_NOTIFY_INTERVAL_SECONDS", "0.5")
    with webhook_receiver(receiver) as url:
        Hooks(tandem.db).subscribe(actor="ada", url=url, kinds=[], secret=SECRET,
                                   base_url="http://127.0.0.1:1", now=tandem.read.now())
        with running_server(settings.database_url):
            deadline = time.monotonic() + 30
            while len(receiver.accepted) < 2 and time.monotonic() < deadline:
                time.sleep(0.2)
            time.sleep(1.5)  # a few more passes: nothing is sent twice
    assert sorted(p["addressee"] for p in receiver.accepted) == ["jonas", "kathi"]
    assert all(r["verified"] for r in receiver.requests)
