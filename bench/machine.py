"""The machine the bench runs on, and how busy it is while it runs.

Load is sampled at the start of the run (before the bench does anything, so it is other work)
and around each size: the load averages, and the share of all cores that was busy since the
previous sample (`/proc/stat`; it counts the bench's own work as well as everyone else's).
"""

from __future__ import annotations

import os
import platform
from pathlib import Path
from typing import Any

BASE_STARTUP_SECONDS = 60.0
MAX_STARTUP_SECONDS = 900.0


def describe() -> dict[str, Any]:
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


def cpu_times() -> tuple[int, int] | None:
    """(busy, total) jiffies of all cores since boot, or None where /proc/stat is missing."""
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    except (OSError, IndexError):
        return None
    values = [int(v) for v in fields]
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    total = sum(values[:8])  # guest time is already counted in user time
    return total - idle, total


def busy_percent(before: tuple[int, int] | None, after: tuple[int, int] | None) -> float | None:
    if before is None or after is None or after[1] <= before[1]:
        return None
    return round(100 * (after[0] - before[0]) / (after[1] - before[1]), 1)


class LoadMeter:
    """Samples load averages and the busy share of the cores between samples."""

    def __init__(self) -> None:
        self._last = cpu_times()

    def sample(self) -> dict[str, Any]:
        now = cpu_times()
        busy = busy_percent(self._last, now)
        self._last = now
        one, five, fifteen = os.getloadavg()
        return {"load_1m": round(one, 2), "load_5m": round(five, 2),
                "load_15m": round(fifteen, 2), "busy_percent_since_last": busy}


def startup_deadline(load_1m: float, cores: int, base: float = BASE_STARTUP_SECONDS,
                     cap: float = MAX_STARTUP_SECONDS) -> float:
    """Seconds to wait for a server to answer: `base` on an idle machine, stretched by how
    many runnable tasks share each core, and never more than `cap`."""
    pressure = max(1.0, load_1m / max(1, cores))
    return min(cap, base * pressure)
