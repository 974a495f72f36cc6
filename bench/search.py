"""The search pass: full-text search latency over the generated history, on one backend at one
size (`python -m bench --search-only`, which runs only this pass after generating and
projecting the history).

Each query of a fixed mix is asked through the read model's query (`ReadModels.search`, what
`GET /api/search` calls), a number of times; the figures are per query and over all of them,
against the target of a p95 of at most 50 ms. The generated history repeats a small vocabulary,
so a common word matches tens of thousands of entries: the worst case for ranking and facets.
"""

from __future__ import annotations

import random
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench.history import START, History
from bench.measure import Options, Say, database_url, percentiles, progress
from projections.ledger.keys import create_signing_key
from web.settings import Settings
from web.system import Tandem

SAMPLES = 50
TARGET_P95_MS = 50.0


def mix(tandem: Tandem, rng: random.Random) -> list[tuple[str, Callable[[], dict[str, Any]]]]:
    """The queries timed: name and call."""
    read = tandem.read
    initiatives = [i["initiative"] for i in read.initiatives() if i["initiative"].startswith("init-")]

    def some() -> str:
        return rng.choice(initiatives)

    def when() -> Any:
        return START + timedelta(days=rng.randrange(30, 420))
    return [
        ("common word", lambda: read.search("pilot")),
        ("English stem", lambda: read.search("deciding")),
        ("phrase", lambda: read.search('"opposing priorities"')),
        ("or, not", lambda: read.search("rotation OR overtaken -pilot")),
        ("German prefix, no match", lambda: read.search("Rückrufservice")),
        ("rare word", lambda: read.search("initiative 42")),
        ("one initiative", lambda: read.search("decision", initiative=some())),
        ("as known at", lambda: read.search("status", known_at=when())),
        ("type and range", lambda: read.search("rework", types=["DecisionTaken"],
                                                start=when(), end=when() + timedelta(days=60))),
        ("page 3", lambda: read.search("weekly", limit=20, offset=40)),
    ]


def measure_search(tandem: Tandem, samples: int = SAMPLES) -> dict[str, Any]:
    """Latency of each query of the mix and over all of them, with how much each matched."""
    rng = random.Random(17)
    every: list[float] = []
    queries: dict[str, Any] = {}
    for name, call in mix(tandem, rng):
        durations = []
        total = 0
        for _ in range(samples):
            started = time.perf_counter()
            total = call()["total"]
            durations.append(time.perf_counter() - started)
        every += durations
        queries[name] = {**percentiles(durations), "matches": total}
    overall = percentiles(every)
    return {"samples_per_query": samples, "target_p95_ms": TARGET_P95_MS, **overall,
            "within_target": overall["p95_ms"] <= TARGET_P95_MS, "queries": queries}


def run(backend: str, events: int, options: Options, result: dict[str, Any],
        save: Callable[[], None], say: Say) -> None:
    """Generate and project the history, then time the search pass."""
    with tempfile.TemporaryDirectory(prefix="tandem-bench-") as folder:
        url, drop = database_url(backend, Path(folder), options.pg_url)
        settings = Settings(database_url=url, signing_key=f"{folder}/signing.key",
                            checkpoint_every_events=10**9, checkpoint_every_minutes=10**6)
        try:
            tandem = Tandem(settings, create=True)
            try:
                create_signing_key(settings.signing_key_path)
                history = History(tandem)
                with progress("generating history") as bar:
                    task = bar.add_task("generate", total=events)
                    history.generate(events, progress=lambda n: bar.advance(task, n))
                with progress("projecting") as bar:
                    task = bar.add_task("catch up", total=history.recorded)
                    tandem.runner.catch_up(progress=lambda n: bar.advance(task, n))
                result["events_recorded"] = history.recorded
                say("  search")
                result["search"] = measure_search(tandem)
                save()
            finally:
                tandem.close()
        finally:
            drop()
