"""One benchmark run on one backend at one size: Tandem's rates beside baselines measured in
the same run. Each phase writes its figures into the result as soon as it has them and calls
`save`, so a run that fails later still leaves what it measured."""

from __future__ import annotations

import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse, urlunparse

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from bench import baselines
from bench.history import START, History
from projections.db import Storage
from projections.ledger.keys import create_signing_key
from projections.ledger.projection import LedgerProjection
from projections.runner import BATCH
from web.settings import Settings
from web.system import Tandem

QUERY_SAMPLES = 300
COMMAND_ROUNDS = 3  # Tandem and the baseline take turns, so drifting load hits both
VERIFY_ROUNDS = 2
Say = Callable[[str], None]


@dataclass(frozen=True)
class Options:
    pg_url: str | None = None
    port: int = 0
    http_seconds: float = 30.0
    http_rounds: int = 2
    startup_timeout: float | None = None
    commands: int = 600


def postgres_url(base: str) -> tuple[str, str]:
    """A URL for a fresh schema of the bench's own in the database `base` names (its
    `?schema=` becomes the schema's prefix), and that schema's name."""
    parsed = urlparse(base)
    query = {k: v[0] for k, v in parse_qs(parsed.query).items()}
    schema = f"{query.get('schema', 'bench')}_{uuid.uuid4().hex[:10]}"
    return urlunparse(parsed._replace(query=urlencode({**query, "schema": schema}))), schema


def database_url(backend: str, folder: Path, pg_url: str | None) -> tuple[str, Callable[[], None]]:
    if backend == "sqlite":
        return f"sqlite:///{folder}/bench.db", lambda: None
    if not pg_url:
        raise ValueError("the PostgreSQL backend needs --pg-url (or BENCH_PG_URL)")
    url, schema = postgres_url(pg_url)
    storage = Storage.from_url(url)

    def drop() -> None:
        with baselines.plain(storage) as conn:
            for name in (schema, schema + "_floor"):
                conn.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")
    return url, drop


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000
    return {"p50_ms": round(at(0.50), 2), "p95_ms": round(at(0.95), 2),
            "p99_ms": round(at(0.99), 2), "mean_ms": round(statistics.mean(ordered) * 1000, 2)}


def timed(samples: int, call: Callable[[], object]) -> dict[str, float]:
    durations = []
    for _ in range(samples):
        started = time.perf_counter()
        call()
        durations.append(time.perf_counter() - started)
    return percentiles(durations)


def ratio(numerator: float, denominator: float) -> float:
    return round(numerator / denominator, 3) if denominator else 0.0


def progress(label: str) -> Progress:
    return Progress(TextColumn(f"{label:<22}"), BarColumn(), MofNCompleteColumn(),
                    TimeRemainingColumn(), transient=True)


def run(backend: str, events: int, options: Options, result: dict[str, Any],
        save: Callable[[], None], say: Say) -> None:
    with tempfile.TemporaryDirectory(prefix="tandem-bench-") as folder:
        url, drop = database_url(backend, Path(folder), options.pg_url)
        settings = Settings(database_url=url, signing_key=f"{folder}/signing.key",
                            checkpoint_every_events=10**9, checkpoint_every_minutes=10**6)
        try:
            tandem = Tandem(settings, create=True)
            try:
                create_signing_key(settings.signing_key_path)
                _measure(tandem, settings, events, Path(folder), options, result, save, say)
            finally:
                tandem.close()
        finally:
            drop()


def _measure(tandem: Tandem, settings: Settings, events: int, folder: Path, options: Options,
             result: dict[str, Any], save: Callable[[], None], say: Say) -> None:
    history = History(tandem)
    with progress("generating history") as bar:
        task = bar.add_task("generate", total=events)
        started = time.perf_counter()
        generated = history.generate(events, progress=lambda n: bar.advance(task, n))
        result["generate_events_per_s"] = round(generated / (time.perf_counter() - started))
    with progress("projecting") as bar:
        task = bar.add_task("catch up", total=generated)
        started = time.perf_counter()
        tandem.runner.catch_up(progress=lambda n: bar.advance(task, n))
        result["initial_projection_events_per_s"] = round(generated / (time.perf_counter() - started))
    save()
    tandem.app.clock = lambda: START + timedelta(days=800)
    phases: list[tuple[str, Callable[[], dict[str, Any]]]] = [
        ("commands", lambda: commands(tandem, options.commands)),
        ("rebuild", lambda: rebuild(tandem)),
        ("queries", lambda: queries(tandem)),
        ("verify", lambda: verify(tandem)),
        ("export", lambda: export(tandem, folder)),
    ]
    if options.http_seconds > 0:
        phases.append(("http", lambda: http(tandem, history, settings, folder, options, say)))
    for name, measure in phases:
        say(f"  {name}")
        result[name] = measure()
        save()


def commands(tandem: Tandem, count: int) -> dict[str, Any]:
    """Events/s through the application service (rules, storage, read models, ledger), one
    command per transaction, against the library's save with the aggregate load."""
    people = [p["person"] for p in tandem.read.people()][:4]
    sponsor = people[0]
    units = sorted({p["unit"] for p in tandem.read.people()})[:2]
    tandem.record(tandem.app.open_initiative, actor=sponsor, initiative="bench-live", title="Live",
                  sponsor=sponsor, units=units, escalation_path=[sponsor])
    tandem.record(tandem.app.define_criterion, actor=sponsor, initiative="bench-live", criterion="c",
                  description="Criterion", target="5")
    options = [{"key": "a", "title": "A"}, {"key": "b", "title": "B"}]

    def one(i: int) -> list[dict[str, Any]]:
        kind = i % 3
        if kind == 0:
            return tandem.record(tandem.app.record_measurement, actor=sponsor,
                                 initiative="bench-live", criterion="c", value=i % 5, note="n")
        if kind == 1:
            return tandem.record(tandem.app.report_status, actor=sponsor, initiative="bench-live",
                                 summary="Status", running=["x"], reported_by=[sponsor])
        return tandem.record(tandem.app.take_decision, actor=sponsor, initiative="bench-live",
                             decision=f"d{i}", scope="planning", title="T", option="a",
                             rationale="Because.", decided_by=[sponsor], options=options)

    baseline = baselines.SaveWithLoad(tandem.storage)
    events, tandem_seconds, baseline_seconds = 0, 0.0, 0.0
    per_round = max(1, count // COMMAND_ROUNDS)
    try:
        for round_number in range(COMMAND_ROUNDS):
            recorded: list[dict[str, Any]] = []
            started = time.perf_counter()
            for i in range(round_number * per_round, (round_number + 1) * per_round):
                recorded += one(i)
            tandem_seconds += time.perf_counter() - started
            baseline_seconds += baseline.run([e["data"] for e in recorded])
            events += len(recorded)
    finally:
        baseline.close()
    rate, floor = events / tandem_seconds, events / baseline_seconds
    return {"commands": per_round * COMMAND_ROUNDS, "events": events,
            "tandem_events_per_s": round(rate), "save_with_load_events_per_s": round(floor),
            "ratio": ratio(rate, floor)}


def rebuild(tandem: Tandem) -> dict[str, Any]:
    """Every read model from scratch against the floor (read, decode, insert the same rows
    into tables of the same DDL); the floor runs before and after, and its times add up."""
    projections = tandem.runner.projections
    captured = baselines.capture(tandem.storage, baselines.read_model_tables(projections))
    floor = baselines.RebuildFloor(tandem.storage, [s for p in projections for s in p.ddl],
                                   captured, tandem.app.mapper.to_domain_event, BATCH)
    try:
        before = floor.run()
        total = tandem.app.recorder.max_notification_id() or 0
        with progress("rebuilding") as bar:
            task = bar.add_task("rebuild", total=total)
            started = time.perf_counter()
            count = tandem.runner.rebuild(progress=lambda n: bar.advance(task, n))
            seconds = time.perf_counter() - started
        after = floor.run()
    finally:
        floor.drop()
    rate = count / seconds
    floor_rate = (before.events + after.events) / (before.seconds + after.seconds)
    return {"events": count, "rows": before.rows, "rows_per_event": round(before.rows / count, 2),
            "tables": {t.name: len(t.rows) for t in captured},
            "tandem_events_per_s": round(rate), "floor_events_per_s": round(floor_rate),
            "ratio": ratio(rate, floor_rate)}


def queries(tandem: Tandem) -> dict[str, Any]:
    rng = random.Random(11)
    initiatives: list[str] = [i["initiative"] for i in tandem.read.initiatives()
                              if i["initiative"].startswith("init-")]
    read = tandem.read

    def some() -> str:
        return rng.choice(initiatives)

    def when() -> Any:
        return START + timedelta(days=rng.randrange(0, 420))
    return {
        "matrix_as_of": timed(QUERY_SAMPLES, lambda: read.matrix(some(), as_of=when())),
        "initiative_state": timed(QUERY_SAMPLES, lambda: read.state(some())),
        "timeline_page": timed(QUERY_SAMPLES, lambda: read.timeline(
            initiative=some(), limit=50, offset=rng.randrange(0, 900))),
        "decision_register": timed(QUERY_SAMPLES, lambda: read.decisions(initiative=some())),
    }


def verify(tandem: Tandem) -> dict[str, Any]:
    """`tandem verify` against the lean verify floor, in turns; both must find the log intact
    and reach the same root."""
    verify_seconds, floor_seconds = 0.0, 0.0
    leaves = LedgerProjection.tables[0]
    for _ in range(VERIFY_ROUNDS):
        started = time.perf_counter()
        outcome = tandem.verify()
        verify_seconds += time.perf_counter() - started
        lean = baselines.lean_verify(tandem.storage, leaves)
        floor_seconds += lean.seconds
    rate = outcome.events * VERIFY_ROUNDS / verify_seconds
    floor_rate = lean.events * VERIFY_ROUNDS / floor_seconds
    return {"events": outcome.events, "intact": outcome.ok,
            "findings": sorted({f.kind for f in outcome.findings}),
            "floor_agrees": lean.mismatches == 0 and lean.root == outcome.root
            and lean.events == outcome.events,
            "tandem_events_per_s": round(rate), "floor_events_per_s": round(floor_rate),
            "ratio": ratio(rate, floor_rate)}


def export(tandem: Tandem, folder: Path) -> dict[str, Any]:
    """An audit bundle of the whole log (a figure only: no baseline does the same work)."""
    from projections.ledger.bundle import ExportFilter

    started = time.perf_counter()
    tandem.export(folder / "bundle", ExportFilter())
    elapsed = time.perf_counter() - started
    with (folder / "bundle" / "events.jsonl").open() as lines:
        count = sum(1 for _ in lines)
    return {"events": count, "tandem_events_per_s": round(count / elapsed)}


def http(tandem: Tandem, history: History, settings: Settings, folder: Path, options: Options,
         say: Say) -> dict[str, Any]:
    from bench import http as load

    initiative = next(i["initiative"] for i in tandem.read.initiatives()
                      if i["initiative"].startswith("init-"))
    person = tandem.read.people()[0]["person"]
    token, _ = tandem.app.issue_token(actor="bench", person=person)
    tandem.catch_up()
    lead = history.leads[initiative][0]
    values = iter(range(10**9))

    def write() -> None:
        tandem.record(tandem.app.record_measurement, actor=lead, initiative=initiative,
                      criterion="c0", value=next(values) % 5 + 1, note="bench")
    target = load.UnderLoad(settings.database_url, str(settings.signing_key_path), initiative, token,
                         write)
    return load.http_load(target, folder, options.http_seconds, options.http_rounds,
                          options.port, options.startup_timeout, say)
