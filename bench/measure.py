"""One benchmark run on one backend at one size: Tandem's rates beside the raw baselines."""

from __future__ import annotations

import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from bench import baselines
from bench.history import START, History
from projections.ledger.keys import create_signing_key
from web.settings import Settings
from web.system import Tandem

PG_URL = "postgresql://postgres@127.0.0.1:5432/test"
COMMANDS = 600
QUERY_SAMPLES = 300


def database_url(backend: str, folder: Path) -> tuple[str, Callable[[], None]]:
    if backend == "sqlite":
        return f"sqlite:///{folder}/bench.db", lambda: None
    import psycopg

    schema = f"bench_{uuid.uuid4().hex[:10]}"

    def drop() -> None:
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    return f"{PG_URL}?schema={schema}", drop


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


def progress(label: str, total: int) -> Progress:
    return Progress(TextColumn(f"{label:<22}"), BarColumn(), MofNCompleteColumn(),
                    TimeRemainingColumn(), transient=True)


def run(backend: str, events: int, http_seconds: float = 30.0) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        url, drop = database_url(backend, Path(folder))
        settings = Settings(database_url=url, signing_key=f"{folder}/signing.key",
                            checkpoint_every_events=10**9, checkpoint_every_minutes=10**6)
        tandem = Tandem(settings, create=True)
        create_signing_key(settings.signing_key_path)
        try:
            return _measure(tandem, settings, backend, events, Path(folder), http_seconds)
        finally:
            tandem.close()
            drop()


def _measure(tandem: Tandem, settings: Settings, backend: str, events: int, folder: Path,
             http_seconds: float) -> dict[str, Any]:
    result: dict[str, Any] = {"backend": backend, "events": events}
    history = History(tandem)
    with progress("generating history", events) as bar:
        task = bar.add_task("generate", total=events)
        started = time.perf_counter()
        generated = history.generate(events, progress=lambda n: bar.advance(task, n))
        result["generate_events_per_s"] = round(generated / (time.perf_counter() - started))
    with progress("projecting", generated) as bar:
        task = bar.add_task("catch up", total=generated)
        started = time.perf_counter()
        tandem.runner.catch_up(progress=lambda n: bar.advance(task, n))
        result["initial_projection_events_per_s"] = round(generated / (time.perf_counter() - started))
    tandem.app.clock = lambda: START + timedelta(days=800)
    result["commands"] = commands(tandem)
    result["rebuild"] = rebuild(tandem)
    result["queries"] = queries(tandem, history)
    result["verify"] = verify(tandem, settings)
    result["export"] = export(tandem, settings, folder)
    if http_seconds > 0:
        from bench.http import http_load

        result["http"] = http_load(settings, tandem, http_seconds)
    return result


def commands(tandem: Tandem) -> dict[str, Any]:
    """Events/s through the service (rules, storage, projections, ledger), one per transaction."""
    app = tandem.app
    people = [p["person"] for p in tandem.read.people()][:4]
    sponsor = people[0]
    units = sorted({p["unit"] for p in tandem.read.people()})[:2]
    tandem.record(tandem.app.open_initiative, actor=sponsor, initiative="bench-live", title="Live",
                  sponsor=sponsor, units=units, escalation_path=[sponsor])
    tandem.record(tandem.app.define_criterion, actor=sponsor, initiative="bench-live", criterion="c",
                  description="Criterion", target="5")
    first = app.recorder.max_notification_id() or 0
    options = [{"key": "a", "title": "A"}, {"key": "b", "title": "B"}]
    started = time.perf_counter()
    count = 0
    for i in range(COMMANDS):
        kind = i % 3
        if kind == 0:
            count += len(tandem.record(tandem.app.record_measurement, actor=sponsor, initiative="bench-live",
                                       criterion="c", value=i % 5, note="n"))
        elif kind == 1:
            count += len(tandem.record(tandem.app.report_status, actor=sponsor, initiative="bench-live",
                                       summary="Status", running=["x"], reported_by=[sponsor]))
        else:
            count += len(tandem.record(tandem.app.take_decision, actor=sponsor, initiative="bench-live",
                                       decision=f"d{i}", scope="planning", title="T", option="a",
                                       rationale="Because.", decided_by=[sponsor],
                                       options=options))
    rate = count / (time.perf_counter() - started)
    rows = baselines.stored_rows(tandem.db, first, count)
    payloads = [tandem.read.event(int(r["position"]))["data"] for r in rows]
    raw_rows = [(str(r["originator_id"]), int(r["originator_version"]), r["topic"],
                 bytes(r["state"])) for r in rows]
    save_rate = baselines.raw_save_rate(tandem.storage, payloads)
    insert_rate = baselines.raw_insert_rate(tandem.db, raw_rows)
    return {"events": count, "tandem_events_per_s": round(rate),
            "raw_save_events_per_s": round(save_rate),
            "raw_insert_events_per_s": round(insert_rate),
            "ratio_vs_raw_save": round(rate / save_rate, 3),
            "ratio_vs_raw_insert": round(rate / insert_rate, 3)}


def rebuild(tandem: Tandem) -> dict[str, Any]:
    """All projections from scratch against raw notification-log select + decode."""
    total = tandem.app.recorder.max_notification_id() or 0
    with progress("rebuilding", total) as bar:
        task = bar.add_task("rebuild", total=total)
        started = time.perf_counter()
        count = tandem.runner.rebuild(progress=lambda n: bar.advance(task, n))
        rate = count / (time.perf_counter() - started)
    raw_count, raw_rate = baselines.raw_select_decode_rate(tandem.db, tandem.app.mapper.to_domain_event)
    return {"events": count, "tandem_events_per_s": round(rate),
            "raw_select_decode_events_per_s": round(raw_rate),
            "ratio": round(rate / raw_rate, 3)}


def queries(tandem: Tandem, history: History) -> dict[str, Any]:
    rng = random.Random(11)
    initiatives = [i["initiative"] for i in tandem.read.initiatives()
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


def verify(tandem: Tandem, settings: Settings) -> dict[str, Any]:
    started = time.perf_counter()
    outcome = tandem.verify()  # as `tandem verify` runs it: journal and authorization data too
    rate = outcome.events / (time.perf_counter() - started)
    raw_count, raw_rate = baselines.raw_select_hash_rate(tandem.db)
    return {"events": outcome.events, "intact": outcome.ok,
            "findings": sorted({f.kind for f in outcome.findings}),
            "tandem_events_per_s": round(rate),
            "raw_select_sha256_events_per_s": round(raw_rate), "ratio": round(rate / raw_rate, 3)}


def export(tandem: Tandem, settings: Settings, folder: Path) -> dict[str, Any]:
    from projections.ledger.bundle import ExportFilter

    started = time.perf_counter()
    tandem.export(folder / "bundle", ExportFilter())
    elapsed = time.perf_counter() - started
    with (folder / "bundle" / "events.jsonl").open() as lines:
        count = sum(1 for _ in lines)
    raw_count, raw_rate = baselines.raw_select_hash_rate(tandem.db)
    rate = count / elapsed
    return {"events": count, "tandem_events_per_s": round(rate),
            "raw_select_sha256_events_per_s": round(raw_rate), "ratio": round(rate / raw_rate, 3)}
