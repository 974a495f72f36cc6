"""The benchmark's pure helpers: its verify floor hashes exactly what the ledger hashes, its
load figures are read and combined correctly, and the README section it generates replaces
only itself. (The benchmark prints figures; nothing here times anything.)"""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

import pytest

from bench.baselines import Frontier, leaf_hash
from bench.http import HttpSetupError, combine, parse_wrk
from bench.machine import busy_percent, startup_deadline
from bench.measure import postgres_url
from bench.report import BEGIN, END, TARGETS, replace_section, section
from projections.ledger import merkle
from projections.ledger.projection import canonical_bytes


def reference_root(leaves: list[bytes]) -> bytes:
    def subtree(lo: int, hi: int) -> bytes:
        if hi - lo == 1:
            return leaves[lo]
        k = merkle.split(hi - lo)
        return merkle.node_hash(subtree(lo, lo + k), subtree(lo + k, hi))
    return merkle.root_of(subtree, len(leaves))


@pytest.mark.parametrize("as_text", [False, True])
def test_the_verify_floor_hashes_a_stored_event_as_the_ledger_does(as_text: bool) -> None:
    originator = uuid.UUID("5f0c6f0e-8c1b-4e0a-9a4e-3f7f0d6b2a11")
    state = json.dumps({"decision": "d1", "rationale": "Weil es so ist"}).encode()
    topic = "domain.events:DecisionTaken"
    stored_id: Any = str(originator) if as_text else originator
    expected = merkle.leaf_hash(canonical_bytes(1234, originator, 7, topic, state))
    assert leaf_hash(1234, stored_id, 7, topic, state) == expected
    assert leaf_hash(1235, stored_id, 7, topic, state) != expected


@pytest.mark.parametrize("size", [0, 1, 2, 3, 4, 5, 7, 8, 9, 13, 16, 17, 31])
def test_the_verify_floor_folds_the_rfc_6962_root(size: int) -> None:
    leaves = [hashlib.sha256(bytes([i])).digest() for i in range(size)]
    frontier = Frontier()
    for leaf in leaves:
        frontier.append(leaf)
    assert frontier.size == size
    assert frontier.root() == reference_root(leaves)


WRK_LINE = ('WRK_JSON {"requests": 3000, "duration_us": 15000000, "bytes": 3000000, '
            '"connect": 0, "read": 1, "write": 0, "status": 2, "timeout": 3, '
            '"p50_us": 12000, "p95_us": 95500, "p99_us": 150000, "mean_us": 20000.0, '
            '"max_us": 400000}')


def test_wrk_figures_are_read_in_requests_per_second_and_milliseconds() -> None:
    figures = parse_wrk("Running 15s test @ http://127.0.0.1:1/\n" + WRK_LINE + "\n")
    assert figures["requests_per_s"] == 200.0
    assert figures["p95_ms"] == 95.5
    assert figures["errors"] == {"connect": 0, "read": 1, "write": 0, "status": 2, "timeout": 3}
    assert figures["bytes_per_response"] == 1000


def test_wrk_output_without_its_summary_is_an_error_not_a_zero() -> None:
    with pytest.raises(HttpSetupError):
        parse_wrk("unable to connect to 127.0.0.1:1 Connection refused\n")


def test_rounds_combine_into_requests_over_all_time_and_the_worst_latency() -> None:
    fast = parse_wrk(WRK_LINE)
    slow = {**fast, "requests": 1000, "requests_per_s": 66.7, "p95_ms": 300.0}
    combined = combine([fast, slow])
    assert combined["requests_per_s"] == round(4000 / 30, 1)
    assert combined["p95_ms"] == 300.0
    assert combined["errors"]["timeout"] == 6


def test_the_start_up_wait_grows_with_the_load_per_core_up_to_a_cap() -> None:
    assert startup_deadline(0.3, 2) == 60
    assert startup_deadline(6.0, 2) == 180
    assert startup_deadline(500.0, 2) == 900


def test_busy_share_is_the_busy_part_of_the_time_between_samples() -> None:
    assert busy_percent((100, 1000), (175, 1100)) == 75.0
    assert busy_percent(None, (175, 1100)) is None


def test_the_bench_works_in_a_schema_of_its_own_named_after_the_given_one() -> None:
    url, schema = postgres_url("postgresql://postgres@127.0.0.1:5432/mine?schema=perf")
    assert schema.startswith("perf_") and schema != "perf"
    assert url == f"postgresql://postgres@127.0.0.1:5432/mine?schema={schema}"
    _, default = postgres_url("postgresql://postgres@127.0.0.1:5432/mine")
    assert default.startswith("bench_")


def result(**http: Any) -> dict[str, Any]:
    page = {"requests_per_s": 80.0, "p95_ms": 120.0}
    return {"backend": "sqlite", "events": 10000,
            "commands": {"ratio": 0.25, "tandem_events_per_s": 500,
                         "save_with_load_events_per_s": 2000},
            "http": {"tool": "wrk 4.1.0", "clients": 50, "threads": 2, "server_workers": 2,
                     "seconds_per_target": 30, "rounds": 2, "initiative_page": page,
                     "hello_page": {"requests_per_s": 100.0, "p95_ms": 50.0}, **http}}


def cells(r: dict[str, Any]) -> dict[str, str]:
    return {t.title: t.cell(r) for t in TARGETS}


def test_ratios_are_marked_against_their_targets() -> None:
    shown = cells(result(if_none_match={"supported": False, "reason": "no ETag"}))
    assert shown["commands ÷ save-with-load"] == "×0.25 ✗"
    assert shown["initiative page ÷ hello page"] == "×0.80 ✓"
    assert shown["initiative page p95 ms"] == "120 ✗"
    assert shown["rebuild ÷ rebuild floor"] == "–"


def test_the_conditional_request_slot_says_not_supported_until_the_page_sends_etags() -> None:
    assert cells(result(if_none_match={"supported": False, "reason": "no ETag"}))[
        "If-None-Match 304 ÷ hello page"] == "not supported"
    supported = result(if_none_match={"supported": True, "requests_per_s": 95.0, "p95_ms": 9.0})
    assert cells(supported)["If-None-Match 304 ÷ hello page"] == "×0.95 ✓"


def report() -> dict[str, Any]:
    return {"when": "2026-11-22T04:00:00+00:00", "command": "python -m bench --backend sqlite",
            "machine": {"cpu": "Xeon", "cores": 2, "memory": "24 GiB", "python": "3.11.7"},
            "postgres": None, "load": {"before": {"load_1m": 1.5}}, "complete": True,
            "seconds": 600, "results": [result(if_none_match={"supported": False})]}


README = "# Tandem\n\nIntro.\n\n## Performance\n\nOld hand-written table.\n\n## More\n\nLinks.\n"


def test_the_readme_section_is_generated_in_place_of_the_hand_written_one() -> None:
    generated = section(report(), "bench/results/x.json")
    once = replace_section(README, generated)
    assert "Old hand-written table" not in once
    assert once.startswith("# Tandem\n\nIntro.\n\n## Performance\n\n" + BEGIN)
    assert once.endswith(END + "\n\n## More\n\nLinks.\n")
    assert "×0.25 ✗" in once and "python -m bench --backend sqlite" in once
    again = replace_section(once, section(report(), "bench/results/y.json"))
    assert again.count(BEGIN) == 1 and "bench/results/y.json" in again
    assert again.replace("y.json", "x.json") == once


def test_a_readme_without_a_performance_section_is_refused() -> None:
    with pytest.raises(ValueError):
        replace_section("# Tandem\n\n## More\n", section(report(), "r.json"))
