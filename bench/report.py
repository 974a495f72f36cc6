"""What a results file says: the ratios against their targets, and the README's Performance
section generated from it (pure functions over the results JSON)."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

BEGIN = "<!-- bench:begin -->"
WIDTH = 100
END = "<!-- bench:end -->"
Result = dict[str, Any]


def dig(result: Result, *keys: str) -> Any:
    value: Any = result
    for key in keys:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def http_ratio(result: Result, name: str, ceiling: str) -> float | str | None:
    http = result.get("http")
    if http is None:
        return None
    if "skipped" in http:
        return "skipped"
    target, base = dig(http, name, "requests_per_s"), dig(http, ceiling, "requests_per_s")
    if not target or not base:
        return None
    return round(float(target) / float(base), 3)


def not_modified_ratio(result: Result) -> float | str | None:
    http = result.get("http")
    if http is None:
        return None
    if "skipped" in http:
        return "skipped"
    if not dig(http, "if_none_match", "supported"):
        return "not supported"
    return http_ratio(result, "if_none_match", "hello_page")


def render_after_write(result: Result) -> float | str | None:
    http = result.get("http")
    if http is not None and "skipped" in http:
        return "skipped"
    return dig(result, "http", "single_render", "after_write", "p50_ms")  # type: ignore[no-any-return]


def page_p95(result: Result) -> float | str | None:
    http = result.get("http")
    if http is not None and "skipped" in http:
        return "skipped"
    return dig(result, "http", "initiative_page", "p95_ms")  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Target:
    title: str
    sense: str  # "≥" or "≤"; "" for a figure without a target
    bound: float
    value: Callable[[Result], float | str | None]

    def heading(self) -> str:
        return f"{self.title} ({self.sense} {self.bound:g})" if self.sense else self.title

    def met(self, value: float | str | None) -> bool | None:
        if not self.sense or not isinstance(value, (int, float)):
            return None
        return value >= self.bound if self.sense == "≥" else value <= self.bound

    def cell(self, result: Result) -> str:
        value = self.value(result)
        if value is None:
            return "–"
        if isinstance(value, str):
            return value
        mark = {True: " ✓", False: " ✗", None: ""}[self.met(value)]
        if "÷" in self.title:
            return f"×{value:.2f}{mark}"
        return number(value, 2 if value < 100 else 0) + mark


TARGETS = [
    Target("commands ÷ save-with-load", "≥", 0.5, lambda r: dig(r, "commands", "ratio")),
    Target("rebuild ÷ rebuild floor", "≥", 0.6, lambda r: dig(r, "rebuild", "ratio")),
    Target("verify ÷ lean verify floor", "≥", 1.0, lambda r: dig(r, "verify", "ratio")),
    Target("matrix as_of p95 ms", "≤", 10, lambda r: dig(r, "queries", "matrix_as_of", "p95_ms")),
    Target("initiative page ÷ hello page", "≥", 0.8,
           lambda r: http_ratio(r, "initiative_page", "hello_page")),
    Target("initiative page p95 ms", "≤", 100, page_p95),
    Target("one page after a write, median ms", "≤", 5, render_after_write),
    Target("timeline API ÷ hello JSON", "", 0,
           lambda r: http_ratio(r, "timeline_api", "hello_json")),
    Target("If-None-Match 304 ÷ hello page", "≥", 0.9, not_modified_ratio),
]


def number(value: Any, digits: int = 0) -> str:
    if value is None:
        return "–"
    return f"{value:,.{digits}f}" if isinstance(value, (int, float)) else str(value)


def rate_pair(result: Result, key: str, floor: str) -> str:
    part = result.get(key)
    if not part:
        return "–"
    return f"{number(part.get('tandem_events_per_s'))} ({number(part.get(floor))})"


def load_pair(result: Result, name: str, ceiling: str) -> str:
    http = result.get("http")
    if not http:
        return "–"
    if "skipped" in http:
        return "skipped"
    own, base = http.get(name), http.get(ceiling)
    if not own or not base:
        return "–"
    return (f"{number(own['requests_per_s'])} rq/s, p95 {number(own['p95_ms'])} ms "
            f"({number(base['requests_per_s'])} rq/s, p95 {number(base['p95_ms'])} ms)")


FIGURES: list[tuple[str, Callable[[Result], str]]] = [
    ("commands ev/s (save-with-load)",
     lambda r: rate_pair(r, "commands", "save_with_load_events_per_s")),
    ("rebuild ev/s (floor; rows per event)", lambda r: (
        rate_pair(r, "rebuild", "floor_events_per_s")[:-1]
        + f"; {number(dig(r, 'rebuild', 'rows_per_event'), 1)})" if r.get("rebuild") else "–")),
    ("verify ev/s (lean floor)", lambda r: rate_pair(r, "verify", "floor_events_per_s")),
    ("matrix as_of p50 / p95 / p99 ms", lambda r: " / ".join(
        number(dig(r, "queries", "matrix_as_of", k), 2) for k in ("p50_ms", "p95_ms", "p99_ms"))),
    ("state / timeline / register p95 ms", lambda r: " / ".join(
        number(dig(r, "queries", q, "p95_ms"), 2)
        for q in ("initiative_state", "timeline_page", "decision_register"))),
    ("initiative page (hello page)", lambda r: load_pair(r, "initiative_page", "hello_page")),
    ("one page, unchanged / after a write, p50 / p95 ms", lambda r: " / ".join(
        number(dig(r, "http", "single_render", case, k), 1)
        for case in ("unchanged", "after_write") for k in ("p50_ms", "p95_ms"))),
    ("timeline API (hello JSON)", lambda r: load_pair(r, "timeline_api", "hello_json")),
    ("export ev/s", lambda r: number(dig(r, "export", "tandem_events_per_s"))),
]


def failure(result: Result) -> str:
    error = result.get("error")
    return f" (failed: {error})" if error else ""


def ratio_table(report: dict[str, Any]) -> list[list[str]]:
    """Header and rows: backend, events, then each target's cell."""
    rows = [["backend", "events", *(t.heading() for t in TARGETS)]]
    for r in report["results"]:
        rows.append([r["backend"], f"{r['events']:,}{failure(r)}", *(t.cell(r) for t in TARGETS)])
    return rows


def figure_table(report: dict[str, Any]) -> list[list[str]]:
    rows = [["backend", "events", *(title for title, _ in FIGURES)]]
    for r in report["results"]:
        rows.append([r["backend"], f"{r['events']:,}", *(cell(r) for _, cell in FIGURES)])
    return rows


def markdown_table(rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |"
              for row in rows[1:]]
    return "\n".join(lines)


def load_text(report: dict[str, Any]) -> str:
    before = dig(report, "load", "before") or {}
    during = [r.get("load_after") for r in report["results"] if r.get("load_after")]
    text = (f"1-minute load average {number(before.get('load_1m'), 2)} before the run "
            "(other work only)")
    if during:
        loads = [d["load_1m"] for d in during]
        busy = [d["busy_percent_since_last"] for d in during
                if d.get("busy_percent_since_last") is not None]
        text += f", {min(loads):.2f} to {max(loads):.2f} at the end of each size"
        if busy:
            text += (f"; all cores were {min(busy):.0f} % to {max(busy):.0f} % busy during "
                     "each size (the bench, its servers, PostgreSQL and everyone else)")
    return text


def http_text(report: dict[str, Any]) -> str:
    http = next((r["http"] for r in report["results"]
                 if isinstance(r.get("http"), dict) and "tool" in r["http"]), None)
    if http is None:
        return "HTTP: not measured in this run."
    return (f"HTTP: {http['tool']} with {http['clients']} connections on {http['threads']} "
            f"threads, {http['seconds_per_target']:g} s per target in {http['rounds']} "
            "alternating rounds, against `tandem serve --workers "
            f"{http['server_workers']}` and the hello-world application (`bench/hello.py`: "
            "a Jinja2 page and a JSON route) under the same uvicorn with the same number of "
            "workers; wrk shares the two cores with the servers. Latency percentiles are "
            "those of the worst round.")


def prose(text: str) -> str:
    """A paragraph or a list item wrapped like the rest of the README."""
    return textwrap.fill(text, WIDTH, subsequent_indent="  " if text.startswith("- ") else "",
                         break_long_words=False, break_on_hyphens=False)


def section(report: dict[str, Any], source: str) -> str:
    """The README's Performance section (between the markers), from one results file."""
    m = report["machine"]
    postgres = f", PostgreSQL {report['postgres']} on the same machine" \
        if report.get("postgres") else ""
    minutes = round(report.get("seconds", 0) / 60)
    status = "" if report.get("complete") else \
        " **The run did not finish: these are the sizes it measured.**"
    return "\n".join([
        BEGIN,
        f"<!-- generated by `python -m bench.readme {source}`; do not edit by hand -->",
        "",
        prose(f"Measured on {report['when'][:10]} with `{report['command']}` "
              f"(`make bench BENCH_ARGS=\"…\"`), on {m['cores']} cores ({m['cpu']}), {m['memory']}, "
              f"Python {m['python']}{postgres}; the run took {minutes} minutes.{status} "
              f"The machine is shared and noisy: {load_text(report)}. Absolute figures move with "
              "that load; the ratios compare work measured in the same run, in alternating turns "
              "where the work is short."),
        "",
        prose("Ratios against baselines measured in the same run (target in brackets: ✓ met, "
              "✗ missed):"),
        "",
        markdown_table(ratio_table(report)),
        "",
        prose("The figures behind them (baseline in brackets):"),
        "",
        markdown_table(figure_table(report)),
        "",
        "The baselines:",
        "",
        prose("- **save-with-load**: the eventsourcing library's own `Application` on the same "
              "database with Tandem's library settings (aggregate cache, fast-forward); each command "
              "loads a bare aggregate, triggers one event carrying the same payload as Tandem's, and "
              "saves it, one transaction per command. Tandem's commands also check the rules, update "
              "the read models and the ledger."),
        prose("- **rebuild floor**: reads the whole log in the runner's batches as plain tuples, "
              "decodes every event with Tandem's mapper, and inserts the rows the read models hold "
              "into tables made from the projections' own DDL (same keys and indexes), one "
              "transaction per batch with the read models' durability, COPY on PostgreSQL and "
              "`executemany` on SQLite. Each final row is written once."),
        prose("- **lean verify floor**: one cursor over the log with plain tuple rows, the ledger's "
              "leaf hash of every event (the bytes of docs/audit.md), compared with the stored leaf, "
              "and the root folded from the tree's right edge; it must agree with `tandem verify`."),
        prose(f"- {http_text(report)} The pages and API reads are kept per worker by log "
              "head (`web/pages/kept.py`, `web/api/kept.py`): under load the log does not move, so "
              "the initiative page and the timeline API are answered from memory (cache hits). "
              "`If-None-Match` sends the page's current `ETag` (read again before each round, which "
              "is started so that it ends within the minute the tag names), answered 304; it reads "
              "\"not supported\" where the page sends no `ETag` or does not answer it with 304."),
        prose("- One page: the initiative page requested 40 times by one client, one request "
              "at a time, on an unchanged log (a cache hit) and each time after recording an entry "
              "in that initiative (a cache miss: nothing rendered before the write may be served, "
              "the page is built and rendered again)."),
        prose("- Queries: p50 / p95 / p99 over 300 random calls of the read models in-process; "
              "export writes an audit bundle of the whole log with an inclusion proof per event."),
        "",
        prose(f"Raw results: `{source}`. To measure again: `python -m bench --backend both --events "
              "10000,100000 --pg-url postgresql://USER@HOST:PORT/DB` (HTTP needs Debian's `wrk`; the "
              "bench works in schemas of its own and drops them), then `python -m bench.readme "
              "FILE` to regenerate this section."),
        END,
    ])


SECTION = re.compile(r"(^## Performance\n)(.*?)(?=^## |\Z)", re.S | re.M)


def replace_section(readme: str, generated: str) -> str:
    """The README with its generated Performance text replaced (between the markers), or,
    where the markers are missing, the whole body of the Performance section."""
    if BEGIN in readme and END in readme:
        head, rest = readme.split(BEGIN, 1)
        return head + generated + rest.split(END, 1)[1]
    match = SECTION.search(readme)
    if match is None:
        raise ValueError("the README has no '## Performance' section")
    return readme[:match.end(1)] + "\n" + generated + "\n\n" + readme[match.end(2):]
