"""`python -m bench [--backend sqlite|postgres|both] [--events 10000,100000,1000000] [--out FILE]`

Builds a realistic history at each size and measures Tandem beside raw baselines in the same
process and run; prints a table and writes JSON to bench/results/.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from bench.measure import run

RESULTS = Path(__file__).resolve().parent / "results"


def machine() -> dict[str, Any]:
    import os

    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "memory": memory,
            "python": platform.python_version(), "system": platform.platform()}


def table(results: list[dict[str, Any]]) -> Table:
    t = Table(title="Tandem against raw baselines (ratios measured in the same run)")
    for column in ("backend", "events", "commands ev/s (×save, ×insert)", "rebuild ev/s (×raw)",
                   "matrix as_of p50/p95/p99 ms", "state p95", "timeline p95",
                   "register p95", "verify ev/s (×raw)", "export ev/s (×raw)", "HTTP"):
        t.add_column(column)
    for r in results:
        c, rb, q = r["commands"], r["rebuild"], r["queries"]
        m = q["matrix_as_of"]
        http = r.get("http")
        http_text = "-" if not http else "; ".join(
            f"{name} {v['requests_per_s']:.0f} rq/s p95 {v['p95_ms']:.0f} ms"
            for name, v in http.items() if isinstance(v, dict))
        t.add_row(
            r["backend"], f"{r['events']:,}",
            f"{c['tandem_events_per_s']:,} (×{c['ratio_vs_raw_save']}, ×{c['ratio_vs_raw_insert']})",
            f"{rb['tandem_events_per_s']:,} (×{rb['ratio']})",
            f"{m['p50_ms']}/{m['p95_ms']}/{m['p99_ms']}",
            f"{q['initiative_state']['p95_ms']}", f"{q['timeline_page']['p95_ms']}",
            f"{q['decision_register']['p95_ms']}",
            f"{r['verify']['tandem_events_per_s']:,} (×{r['verify']['ratio']})",
            f"{r['export']['tandem_events_per_s']:,} (×{r['export']['ratio']})",
            http_text,
        )
    return t


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--events", default="10000,100000",
                        help="comma-separated history sizes, e.g. 10000,100000,1000000")
    parser.add_argument("--http-seconds", type=float, default=30.0,
                        help="length of the 50-client HTTP load (0 to skip)")
    parser.add_argument("--out", help="JSON file (default: bench/results/<time>.json)")
    args = parser.parse_args(argv)
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    sizes = [int(s.replace("_", "")) for s in args.events.split(",") if s.strip()]
    console = Console(stderr=True)
    results = []
    started = time.time()
    for size in sizes:
        for backend in backends:
            console.print(f"[bold]{backend}[/], {size:,} events")
            results.append(run(backend, size, http_seconds=args.http_seconds))
    report = {"when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
              "command": "python -m bench " + " ".join(argv if argv is not None else sys.argv[1:]),
              "machine": machine(), "seconds": round(time.time() - started), "results": results}
    RESULTS.mkdir(exist_ok=True)
    out = Path(args.out) if args.out else RESULTS / f"{report['when'].replace(':', '')}.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    Console(width=220).print(table(results))
    console.print(f"Written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
