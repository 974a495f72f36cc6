"""`python -m bench [--backend sqlite|postgres|both] [--events 10000,100000]
[--pg-url postgresql://USER@HOST:PORT/DB] [--port N] [--out FILE]`

Builds a realistic history at each size and measures Tandem beside baselines measured in the
same run (the library's save with the aggregate load, a rebuild floor, a lean verify floor,
a hello-world FastAPI application under the same load). Prints the ratios and writes JSON to
bench/results/, rewritten after each size so that a failing size keeps what came before.
On PostgreSQL the bench works in fresh schemas of its own and drops them when done.
Regenerate the README's Performance section with `python -m bench.readme FILE`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import signal
import sys
import time
import traceback
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from bench.machine import LoadMeter, describe
from bench.measure import Options, run
from bench.report import figure_table, ratio_table
from bench.search import run as search_pass

RESULTS = Path(__file__).resolve().parent / "results"
PASSWORD = re.compile(r"(://[^:/@]+:)[^@]+@")


def masked(text: str) -> str:
    """A command or URL with any password replaced."""
    return PASSWORD.sub(r"\1***@", text)


def positive_float(value: str) -> float:
    number = float(value)
    if number <= 0:
        raise argparse.ArgumentTypeError("must be more than 0")
    return number


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    p.add_argument("--events", default="10000,100000",
                   help="comma-separated history sizes (default 10000,100000)")
    p.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL"),
                   help="PostgreSQL database to work in (default: $BENCH_PG_URL); its "
                        "?schema=NAME becomes the prefix of the bench's own schemas")
    p.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", "0")),
                   help="port of `tandem serve`; the hello world takes the next one "
                        "(default: $BENCH_PORT, or free ports)")
    p.add_argument("--http-seconds", type=float, default=30.0,
                   help="seconds of load per HTTP target, split over the rounds (0 skips HTTP)")
    p.add_argument("--http-rounds", type=int, default=2,
                   help="alternating rounds of the HTTP targets (default 2)")
    p.add_argument("--startup-timeout", type=positive_float,
                   help="seconds a server may take to answer /healthz (default: 60, "
                        "stretched by the load average per core, at most 900)")
    p.add_argument("--commands", type=int, default=600, help="commands recorded (default 600)")
    p.add_argument("--out", type=Path, help="JSON file (default: bench/results/<time>.json)")
    p.add_argument("--search-only", action="store_true",
                   help="only the search pass: full-text search latency (bench/search.py)")
    return p


def postgres_version(url: str) -> str:
    """The server's version; a clear exit where the database cannot be reached."""
    from bench.baselines import plain
    from projections.db import Storage, StorageError

    try:
        with plain(Storage.from_url(url)) as conn:
            return str(conn.execute("SHOW server_version").fetchone()[0]).split(" ")[0]
    except StorageError as error:
        raise SystemExit(f"--pg-url: {error}") from None
    except Exception as error:  # the driver's connection errors, whatever their class
        raise SystemExit(f"Cannot reach PostgreSQL at {masked(url)}: {error}") from None


def table(rows: list[list[str]], title: str) -> Table:
    t = Table(title=title)
    for heading in rows[0]:
        t.add_column(heading)
    for row in rows[1:]:
        t.add_row(*row)
    return t


def interrupted(signum: int, frame: Any) -> None:
    """A terminated bench cleans up like an interrupted one: servers stopped, schemas dropped,
    what it measured saved."""
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    signal.signal(signal.SIGTERM, interrupted)
    args = parser().parse_args(argv)
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    sizes = [int(s.replace("_", "")) for s in args.events.split(",") if s.strip()]
    if "postgres" in backends and not args.pg_url:
        parser().error("the PostgreSQL backend needs a database: --pg-url "
                       "postgresql://USER@HOST:PORT/DB (or BENCH_PG_URL); the bench makes "
                       "schemas of its own there and drops them when done")
    console = Console(stderr=True)
    meter = LoadMeter()
    report: dict[str, Any] = {
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": masked(shlex.join(["python", "-m", "bench", *argv])),
        "machine": describe(),
        "postgres": postgres_version(args.pg_url) if "postgres" in backends else None,
        "load": {"before": meter.sample()},
        "complete": False, "seconds": 0, "results": [],
    }
    RESULTS.mkdir(exist_ok=True)
    out: Path = args.out or RESULTS / f"{report['when'].replace(':', '')}.json"
    started = time.time()

    def save() -> None:
        report["seconds"] = round(time.time() - started)
        out.write_text(json.dumps(report, indent=2) + "\n")

    options = Options(pg_url=args.pg_url, port=args.port, http_seconds=args.http_seconds,
                      http_rounds=max(1, args.http_rounds), startup_timeout=args.startup_timeout,
                      commands=args.commands)
    failed = 0
    for size in sizes:
        for backend in backends:
            console.print(f"[bold]{backend}[/], {size:,} events")
            result: dict[str, Any] = {"backend": backend, "events": size}
            report["results"].append(result)
            try:
                (search_pass if args.search_only else run)(backend, size, options, result,
                                                           save, console.print)
            except KeyboardInterrupt:
                result["error"] = "interrupted"
                save()
                raise
            except Exception as error:
                failed += 1
                result["error"] = f"{type(error).__name__}: {error}"
                console.print(f"[red]{backend} at {size:,} events failed[/]")
                console.print(traceback.format_exc())
            result["load_after"] = meter.sample()
            save()
    report["complete"] = not failed
    report["load"]["after"] = meter.sample()
    save()
    if args.search_only:
        console.print_json(data=[{k: r.get(k) for k in ("backend", "events", "search", "error")}
                                 for r in report["results"]])
        console.print(f"Written to {out}")
        return 1 if failed else 0
    wide = Console(width=240)
    wide.print(table(ratio_table(report), "Tandem ÷ baselines measured in the same run"))
    wide.print(table(figure_table(report), "Figures (baseline in brackets)"))
    console.print(f"Written to {out}\nREADME: python -m bench.readme {out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
