"""`python -m bench.notify [--events 100000] [--backend sqlite|postgres] [--pg-url URL]`

A `tandem notify` pass over a generated history: the outbox computed from the read models,
every due notice claimed, sent and recorded (email to a local SMTP server for the people with
an address, one signed webhook to a local receiver for the kinds a chat channel follows), then
a second pass with nothing new to send. Prints the figures: events, notices due, deliveries, seconds per pass and
milliseconds per delivery.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from bench.history import History
from bench.measure import database_url
from domain.notifying import Notifying
from web.notices.dispatch import Notifier
from web.notices.hooks import Hooks
from web.settings import Settings
from web.system import Tandem

# the webhook's kinds: those a chat channel of a whole organisation would follow
KINDS = ("escalation-overdue", "escalation-forwarded", "status-missed")


class _Receiver(BaseHTTPRequestHandler):
    count = 0

    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        type(self).count += 1
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


def _smtp() -> tuple[str, Any]:
    from aiosmtpd.controller import Controller

    class Sink:
        count = 0

        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
            Sink.count += 1
            return "250 OK"

    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    return f"smtp://127.0.0.1:{port}", controller


def _sponsor_forms_the_tandem(tandem: Tandem) -> None:
    """The generated history lets a partner form the tandem; since only an initiative's leads
    record in it, the sponsor forms it here (the rest of the history is unchanged)."""
    app = tandem.app
    form = app.form_tandem

    def form_by_sponsor(**kwargs: Any) -> Any:
        batch = getattr(app._batches, "current", None)
        if batch is not None:
            kwargs["actor"] = batch[1].sponsor
        return form(**kwargs)
    app.form_tandem = form_by_sponsor  # type: ignore[method-assign]


def measure(backend: str, events: int, pg_url: str | None, emails: int,
            kinds: list[str]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="tandem-bench-notify-") as folder:
        url, drop = database_url(backend, Path(folder), pg_url)
        smtp_url, smtp = _smtp()
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        settings = Settings(database_url=url, signing_key=f"{folder}/signing.key",
                            smtp_url=smtp_url, notice_backoff_seconds=0)
        try:
            tandem = Tandem(settings, create=True)
            try:
                history = History(tandem)
                _sponsor_forms_the_tandem(tandem)
                generated = history.generate(events)
                tandem.runner.catch_up()
                end = history.clock + timedelta(days=1)
                tandem.app.clock = lambda: end
                tandem.read.clock = lambda: end
                notifying = Notifying(tandem.app)
                people = [p for unit in history.people.values() for p in unit][:emails]
                for i, person in enumerate(people):
                    notifying.set_contact(actor="bench", person=person,
                                          email=f"{person}@example.org",
                                          language="de" if i % 2 else "en")
                Hooks(tandem.db).subscribe(
                    actor="bench", url=f"http://127.0.0.1:{server.server_address[1]}/hook",
                    kinds=kinds, secret="bench-secret-of-some-length",
                    base_url="http://127.0.0.1:1", now=end)
                tandem.catch_up()
                started = time.perf_counter()
                due = len(Notifier(tandem).due())
                outbox_s = time.perf_counter() - started
                started = time.perf_counter()
                first = Notifier(tandem).run_once()
                first_s = time.perf_counter() - started
                started = time.perf_counter()
                second = Notifier(tandem).run_once()
                second_s = time.perf_counter() - started
            finally:
                tandem.close()
        finally:
            smtp.stop()
            server.shutdown()
            drop()
    sent = first.sent
    return {
        "backend": backend, "events": generated, "webhook_kinds": kinds, "notices_due": due,
        "deliveries_sent": sent, "delivery_errors": len(first.errors),
        "webhooks_received": _Receiver.count,
        "outbox_s": round(outbox_s, 3), "first_pass_s": round(first_s, 2),
        "ms_per_delivery": round(1000 * first_s / sent, 2) if sent else None,
        "idle_pass_s": round(second_s, 3), "idle_pass_sent": second.sent,
    }


def main() -> int:
    p = argparse.ArgumentParser(prog="python -m bench.notify", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    p.add_argument("--events", type=int, default=100_000)
    p.add_argument("--emails", type=int, default=60, help="people with an email address")
    p.add_argument("--kinds", default=",".join(KINDS),
                   help="notice kinds the webhook subscribes to (comma-separated; * for all)")
    p.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL"))
    args = p.parse_args()
    result = measure(args.backend, args.events, args.pg_url, args.emails,
                     args.kinds.split(","))
    print(json.dumps(result, indent=2))
    print(f"notify pass over {result['events']} events ({result['backend']}): "
          f"{result['notices_due']} notices due, {result['deliveries_sent']} deliveries sent in "
          f"{result['first_pass_s']} s ({result['ms_per_delivery']} ms each); outbox "
          f"{result['outbox_s']} s; a pass with nothing new {result['idle_pass_s']} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
