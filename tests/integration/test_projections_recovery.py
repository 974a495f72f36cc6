"""The read models are a pure function of the log: however they were built (one write at a
time, in a rebuild, by a process killed half-way, by several processes at once) they hold the
same rows. And readers see a write as soon as it is recorded."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.backlog import EVENTS_PER_INITIATIVE, snapshot, write_backlog
from tests.support.clock import utc
from web.cli import main as cli
from web.system import Tandem

ROOT = Path(__file__).resolve().parents[2]
WORKER = [sys.executable, "-m", "tests.support.catch_up_worker"]
BACKLOG_INITIATIVES = 550  # about 6,000 events


def last_position(tandem: Tandem) -> int:
    return int(tandem.app.recorder.max_notification_id() or 0)


def start_worker(url: str, batch: int) -> subprocess.Popen[str]:
    return subprocess.Popen([*WORKER, url, str(batch)], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})


def record_story(tandem: Tandem) -> None:
    """A small history through `Tandem.record`, so the read models catch up after each write."""
    for person, unit in (("kathi", "ops"), ("jonas", "it"), ("miriam", "ops"), ("petra", "ops")):
        tandem.record(tandem.app.register_person, actor="ada", person=person, name=person.title(),
                      unit=unit, role="member")
    r, app = tandem.record, tandem.app
    r(app.open_initiative, actor="ada", initiative="portal", title="Portal", sponsor="kathi",
      units=["it", "ops"], escalation_path=["kathi", "petra"], effective_at=utc(2026, 1, 5))
    r(app.set_goal, actor="kathi", initiative="portal", statement="Live in Q2", agreed_by=["kathi"],
      effective_at=utc(2026, 1, 6))
    r(app.form_tandem, actor="kathi", initiative="portal", people=["jonas", "miriam"],
      effective_at=utc(2026, 1, 6))
    r(app.assign, actor="kathi", initiative="portal", area="tech", person="jonas", role="A",
      effective_at=utc(2026, 1, 6))
    r(app.grant_mandate, actor="kathi", initiative="portal", mandate="m1", person="jonas",
      scope="tech", effective_at=utc(2026, 1, 6))
    options = [{"key": "a", "title": "A"}, {"key": "b", "title": "B"}]
    r(app.take_decision, actor="jonas", initiative="portal", decision="d1", scope="tech/api",
      title="REST", option="a", rationale="Known", decided_by=["jonas"], options=options,
      effective_at=utc(2026, 1, 7))
    r(app.take_decision, actor="jonas", initiative="portal", decision="d2", scope="tech/api",
      title="GraphQL", option="b", rationale="Flexible", decided_by=["jonas"], options=options,
      supersedes="d1", effective_at=utc(2026, 1, 8))
    r(app.raise_escalation, actor="jonas", initiative="portal", escalation="e1", topic="Budget",
      options=options, raised_by="jonas", due_at=utc(2026, 1, 12), effective_at=utc(2026, 1, 9))
    r(app.forward_escalation, actor="kathi", initiative="portal", escalation="e1",
      reason="Needs the board", effective_at=utc(2026, 1, 10))
    r(app.release, actor="kathi", initiative="portal", area="tech", person="jonas", role="A",
      reason="Moves on", effective_at=utc(2026, 1, 11))
    r(app.revoke_decision, actor="kathi", initiative="portal", decision="d2", reason="Too costly",
      effective_at=utc(2026, 1, 12))


def test_a_rebuild_from_scratch_gives_the_rows_of_incremental_catch_up(tandem):
    record_story(tandem)
    incremental = snapshot(tandem)
    assert len(incremental["tandem_timeline"]) == last_position(tandem)

    tandem.runner.rebuild()

    assert snapshot(tandem) == incremental


def test_rebuilding_one_projection_replays_only_that_one(tandem):
    record_story(tandem)
    before = snapshot(tandem)
    with tandem.db.connect() as conn, conn.transaction():
        conn.execute("DELETE FROM tandem_decisions WHERE decision = 'd1'")
        conn.execute("UPDATE tandem_escalations SET level = 99")

    read = tandem.runner.rebuild(["decisions"])

    assert read == last_position(tandem)
    after = snapshot(tandem)
    assert after["tandem_decisions"] == before["tandem_decisions"]
    assert all(row[7] == "99" for row in after["tandem_escalations"])  # untouched


def test_a_read_right_after_a_write_sees_it(tandem):
    tandem.record(tandem.app.register_person, actor="ada", person="kathi", name="Kathi", unit="ops",
                  role="member")
    [opened] = tandem.record(tandem.app.open_initiative, actor="ada", initiative="portal", title="Portal",
                             sponsor="kathi", units=["it", "ops"], escalation_path=["kathi"])
    assert tandem.read.initiative_row("portal")["title"] == "Portal"
    assert tandem.read.event(opened["position"])["type"] == "InitiativeOpened"
    assert tandem.runner.positions() == dict.fromkeys(tandem.runner.positions(), opened["position"])


def test_a_starting_process_catches_up_with_what_others_recorded(tandem, settings):
    written = write_backlog(tandem.app, 3)  # recorded without catching up
    assert tandem.read.timeline(initiative=None, limit=1000)[-1]["type"] == "PersonRegistered"

    other = Tandem(settings)  # catches up on start
    try:
        assert len(other.read.timeline(initiative="bulk-2")) == EVENTS_PER_INITIATIVE
        assert set(other.runner.positions().values()) == {last_position(other)}
        # and what one process records, another reads at once from the shared tables
        other.record(other.app.assign, actor="bulk-p0", initiative="bulk-0", area="new", person="bulk-p5",
                     role="R")
        areas = {a["area"]: a for a in tandem.read.matrix("bulk-0")["areas"]}
        assert areas["new"]["responsible"] == ["bulk-p5"]
    finally:
        other.close()
    assert written == 22 + 3 * EVENTS_PER_INITIATIVE


@pytest.mark.slow
def test_a_catch_up_killed_half_way_loses_nothing_and_applies_nothing_twice(tandem, settings):
    write_backlog(tandem.app, BACKLOG_INITIATIVES)
    total = last_position(tandem)
    worker = start_worker(settings.database_url, batch=10)
    deadline = time.monotonic() + 60
    try:
        while min(tandem.runner.positions().values()) < 500:
            assert worker.poll() is None, worker.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.002)
        worker.send_signal(signal.SIGKILL)
    finally:
        if worker.poll() is None:
            worker.kill()
        worker.communicate(timeout=10)
    assert worker.returncode == -signal.SIGKILL
    reached = tandem.runner.positions()
    assert 500 <= min(reached.values()) and max(reached.values()) < total  # killed half-way

    restarted = Tandem(settings)  # catches up on start, from where the killed one stopped
    try:
        assert set(restarted.runner.positions().values()) == {total}
        resumed = snapshot(restarted)
        assert len(resumed["tandem_timeline"]) == total
        restarted.runner.rebuild()
        assert snapshot(restarted) == resumed
    finally:
        restarted.close()


@pytest.mark.slow
def test_processes_catching_up_at_once_build_the_rows_of_one_rebuild(tandem, settings):
    write_backlog(tandem.app, 200)
    workers = [start_worker(settings.database_url, batch=25) for _ in range(3)]
    write_backlog(tandem.app, 50, prefix="late")  # recorded while they run
    try:
        reads = [int(w.communicate(timeout=120)[0]) for w in workers]
    finally:
        for w in workers:
            if w.poll() is None:
                w.kill()
    assert all(w.returncode == 0 for w in workers)
    total = last_position(tandem)
    tandem.catch_up()
    assert sum(reads) <= total  # no event was read by two of them
    together = snapshot(tandem)
    assert len(together["tandem_timeline"]) == total

    tandem.runner.rebuild()

    assert snapshot(tandem) == together


def test_tandem_rebuild_reports_the_rate_in_events_per_second(tandem, settings, capsys):
    record_story(tandem)
    before = snapshot(tandem)
    tandem.close()

    assert cli(["--db", settings.database_url, "rebuild"]) == 0
    assert cli(["--db", settings.database_url, "rebuild", "--projection", "timeline"]) == 0
    assert cli(["--db", settings.database_url, "rebuild", "--projection", "nonsense"]) == 2

    err = capsys.readouterr().err
    assert f"Rebuilt all projections: {before['tandem_tracking'][0][1]} events" in err
    assert "Rebuilt timeline:" in err and "events/s" in err
    assert "Unknown projection 'nonsense'" in err
    again = Tandem(settings)
    try:
        assert snapshot(again) == before
    finally:
        again.close()
