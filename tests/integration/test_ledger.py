"""The ledger projection: an RFC 6962 tree over the log, kept in the same database."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from pathlib import Path

from projections.ledger import checkpoints, merkle
from projections.ledger.keys import create_signing_key
from projections.ledger.projection import LedgerTree, canonical_bytes
from tests.support.clock import utc
from tests.support.tamper import RawEvents
from web.settings import Settings
from web.system import Tandem


def recomputed_leaves(tandem: Tandem) -> list[bytes]:
    raw = RawEvents(tandem.settings)
    leaves = []
    for position in raw.positions():
        originator, version, topic, state = raw.row(position)
        from uuid import UUID

        oid = originator if isinstance(originator, UUID) else UUID(originator)
        leaves.append(merkle.leaf_hash(canonical_bytes(position, oid, version, topic, state)))
    return leaves


def add_people(tandem: Tandem, count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        tandem.record(tandem.app.register_person, actor="ada", person=f"p{n}", name=f"P {n}", unit="it",
                      role="member")


def test_the_ledger_is_the_rfc6962_tree_of_the_stored_events(tandem: Tandem) -> None:
    add_people(tandem, 14)
    leaves = recomputed_leaves(tandem)
    reference = merkle.MemoryTree(leaves)
    with tandem.db.connect() as conn:
        tree = LedgerTree(conn)
        assert tree.size == len(leaves) == 17
        for size in range(1, tree.size + 1):
            assert tree.root(size) == reference.root(size)
        for index in (0, 7, 16):
            assert tree.inclusion(index, 17) == merkle.inclusion_proof(reference.subtree, index, 17)
        assert tree.consistency(5, 17) == merkle.consistency_proof(reference.subtree, 5, 17)


def test_a_rebuild_gives_the_same_root_and_keeps_the_checkpoints(tandem: Tandem) -> None:
    create_signing_key(tandem.settings.signing_key_path)
    add_people(tandem, 5)
    note = tandem.issue_checkpoint()
    with tandem.db.connect() as conn:
        before = LedgerTree(conn).root()
    tandem.runner.rebuild(["ledger"])
    with tandem.db.connect() as conn:
        assert LedgerTree(conn).root() == before
    assert checkpoints.latest_checkpoint(tandem.db)["note"] == note  # type: ignore[index]
    assert tandem.verify().ok


def test_checkpoints_are_issued_every_n_events_and_all_are_kept(settings: Settings) -> None:
    create_signing_key(settings.signing_key_path)
    system = Tandem(dataclasses.replace(settings, checkpoint_every_events=4), create=True)
    try:
        system.record(system.app.register_unit, actor="ada", unit="it", name="IT")
        add_people(system, 9)
        with system.db.connect() as conn:
            sizes = [int(r["size"]) for r in conn.all(checkpoints.SELECT_CHECKPOINTS)]
        assert sizes == [1, 5, 9]
        assert system.verify().checkpoints == 3
    finally:
        system.close()


def test_checkpoints_are_issued_after_m_minutes_if_the_log_grew(settings: Settings) -> None:
    create_signing_key(settings.signing_key_path)
    now = [utc(2026, 11, 21, 9)]
    system = Tandem(dataclasses.replace(settings, checkpoint_every_minutes=30), create=True,
                    clock=lambda: now[0])
    try:
        system.record(system.app.register_unit, actor="ada", unit="it", name="IT")
        now[0] += timedelta(minutes=10)
        add_people(system, 1)
        now[0] += timedelta(minutes=25)
        add_people(system, 1, start=1)
        with system.db.connect() as conn:
            sizes = [int(r["size"]) for r in conn.all(checkpoints.SELECT_CHECKPOINTS)]
        assert sizes == [1, 3]
    finally:
        system.close()


def test_no_key_file_means_no_automatic_checkpoint(tandem: Tandem) -> None:
    assert not Path(tandem.settings.signing_key_path).exists()
    add_people(tandem, 2)
    assert checkpoints.latest_checkpoint(tandem.db) is None


def test_the_fast_leaf_hash_equals_the_canonical_one(tandem) -> None:  # type: ignore[no-untyped-def]
    from projections.eventlog import EventLog, stored_event
    from projections.ledger.projection import LeafFacts, leaf_of_row

    with tandem.db.connect() as conn:
        rows = EventLog(tandem.storage).after(conn, 0, 100)
    assert rows
    for row in rows:
        assert leaf_of_row(row) == LeafFacts.of(int(row["position"]), stored_event(row)).leaf
