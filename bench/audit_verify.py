"""How fast `tandem verify` checks a large log.

    .venv/bin/python bench/audit_verify.py [--events 100000] [--db URL]

Builds a throwaway log (a copy of one real stored event under fresh ids, inserted in bulk
through the library's recorder), lets the ledger projection catch up, signs a checkpoint,
then times the full verification and prints events/s.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from pathlib import Path

from eventsourcing.persistence import StoredEvent

from projections import audit
from projections.ledger import LedgerProjection
from projections.runner import Runner
from web import audit_service
from web.audit_keys import create_signing_key
from web.settings import Settings
from web.system import Tandem


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--db", help="database URL (default: a new SQLite file)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="tandem-bench-"))
    settings = Settings(database_url=args.db or f"sqlite:///{folder}/bench.db",
                        signing_key=str(folder / "bench.key"))
    create_signing_key(settings.signing_key_path)
    tandem = Tandem(settings, create=True)
    tandem.record("register_unit", actor="ada", unit="it", name="IT")
    template = tandem.app.recorder.select_notifications(start=1, limit=1)[0]
    started = time.perf_counter()
    for chunk in range(0, args.events, 5000):
        tandem.app.recorder.insert_events([
            StoredEvent(originator_id=uuid.uuid4(), originator_version=1, topic=template.topic,
                        state=template.state)
            for _ in range(min(5000, args.events - chunk))])
    inserted = time.perf_counter() - started
    ledger_only = Runner(tandem.db, tandem.app.mapper.to_domain_event, [LedgerProjection()])
    started = time.perf_counter()
    ledger_only.catch_up()
    built = time.perf_counter() - started
    audit_service.issue_checkpoint(tandem)
    result = audit_service.verify(tandem)
    total = result.events
    print(f"backend {settings.storage.backend}: {total} events "
          f"(insert {inserted:.1f} s, ledger projection {built:.1f} s = {total / built:,.0f} "
          f"events/s)")
    print(f"verify: {result.elapsed:.2f} s = {result.rate:,.0f} events/s; ok={result.ok}")
    with tandem.db.connect() as conn:
        started = time.perf_counter()
        from projections.ledger import LedgerTree

        tree = LedgerTree(conn)
        for position in range(1, 1001):
            tree.inclusion(position - 1, tree.size)
        per_proof = (time.perf_counter() - started) / 1000
    print(f"inclusion proof from the ledger: {per_proof * 1000:.2f} ms each")
    print(f"verify command: TANDEM_SIGNING_KEY={settings.signing_key_path} "
          f".venv/bin/tandem --db {settings.database_url} verify")
    assert audit.latest_checkpoint(tandem.db) is not None
    tandem.close()


if __name__ == "__main__":
    main()
