"""HTTP load from `wrk` (a load generator outside Python, in its own process) against a real
`tandem serve` and, in the same run, the framework's hello world served the same way.

Only 127.0.0.1 is used. Every load is bounded in time (`wrk -d`, and a timeout on wrk itself);
the targets alternate in rounds, so that noise from other work on the machine falls on all of
them alike.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench.machine import startup_deadline

ROOT = Path(__file__).resolve().parent.parent
LUA = Path(__file__).resolve().parent / "wrk.lua"
CLIENTS = 50
THREADS = 2
WORKERS = 2
WARM_UP_SECONDS = 2
SINGLE_RENDERS = 40
WRK_MISSING = ("wrk is not installed, so the HTTP load was skipped. It is Debian's package "
               "`wrk`: install it with `apt-get install wrk` and run the bench again.")


class HttpSetupError(RuntimeError):
    """A server did not start, or did not answer as the load needs it to."""


@dataclass
class Answer:
    status: int
    headers: dict[str, list[str]]
    body: bytes

    def header(self, name: str) -> str | None:
        values = self.headers.get(name.lower())
        return values[0] if values else None


def get(port: int, path: str, headers: dict[str, str] | None = None,
        timeout: float = 10) -> Answer:
    """One GET on 127.0.0.1, redirects not followed."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        found: dict[str, list[str]] = {}
        for name, value in response.getheaders():
            found.setdefault(name.lower(), []).append(value)
        return Answer(response.status, found, response.read())
    finally:
        conn.close()


def sign_in(port: int, token: str) -> str:
    """The session cookie of a page login with an API token, through the login form (GET for
    its CSRF token, POST the token), as a person signs in."""
    form = get(port, "/login")
    found = re.search(rb'name="csrf" value="([^"]+)"', form.body)
    if form.status != 200 or found is None:
        raise HttpSetupError(f"the login form answered {form.status} without a CSRF token")
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        body = urlencode({"csrf": found.group(1).decode(), "token": token, "next": "/"})
        conn.request("POST", "/login", body=body, headers={
            "Cookie": session_cookie(form),
            "Content-Type": "application/x-www-form-urlencoded"})
        response = conn.getresponse()
        headers: dict[str, list[str]] = {}
        for name, value in response.getheaders():
            headers.setdefault(name.lower(), []).append(value)
        answer = Answer(response.status, headers, response.read())
    finally:
        conn.close()
    if answer.status != 303:
        raise HttpSetupError(f"signing in with the bench's token answered {answer.status}")
    return session_cookie(answer)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_is_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


class Server:
    """A server process of the bench's own on 127.0.0.1, its output kept in a file."""

    def __init__(self, name: str, argv: Sequence[str], env: dict[str, str], port: int,
                 log: Path):
        if not port_is_free(port):
            raise HttpSetupError(f"port {port} on 127.0.0.1 is in use: choose another with "
                                 "--port (or BENCH_PORT)")
        self.name, self.port, self.log = name, port, log
        with log.open("wb") as out:
            self.process = subprocess.Popen(list(argv), env=env, cwd=ROOT,
                                            stdout=subprocess.DEVNULL, stderr=out)

    def wait_healthy(self, timeout: float | None) -> float:
        """Poll /healthz until it answers 200; returns the seconds it took."""
        if timeout is None:
            timeout = startup_deadline(os.getloadavg()[0], os.cpu_count() or 1)
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if self.process.poll() is not None:
                raise HttpSetupError(f"{self.name} exited with {self.process.returncode} while "
                                     f"starting; its output ends:\n{tail(self.log)}")
            try:
                if get(self.port, "/healthz", timeout=2).status == 200:
                    return time.monotonic() - started
            except OSError:
                pass
            time.sleep(0.25)
        load = os.getloadavg()[0]
        self.stop()
        raise HttpSetupError(
            f"{self.name} did not answer http://127.0.0.1:{self.port}/healthz within "
            f"{timeout:.1f} s (load average {load:.1f} on {os.cpu_count()} cores). The wait "
            f"grows with the load; give it more with --startup-timeout. Its output ends:\n"
            f"{tail(self.log) or '(it printed nothing)'}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# -- wrk ----------------------------------------------------------------------------------------

def wrk_path() -> str | None:
    return shutil.which("wrk")


def wrk_version(path: str) -> str:
    done = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=10)
    first = (done.stdout or done.stderr).strip().splitlines()
    return first[0].split(" [")[0] if first else "wrk"


def parse_wrk(output: str) -> dict[str, Any]:
    """wrk's summary line (printed by wrk.lua) as figures in requests/s and milliseconds."""
    for line in output.splitlines():
        if line.startswith("WRK_JSON "):
            raw = json.loads(line[len("WRK_JSON "):])
            break
    else:
        raise HttpSetupError(f"wrk printed no summary:\n{output[-2000:]}")
    seconds = raw["duration_us"] / 1e6
    requests = raw["requests"]
    return {
        "requests": requests, "seconds": round(seconds, 2),
        "requests_per_s": round(requests / seconds, 1) if seconds else 0.0,
        "p50_ms": round(raw["p50_us"] / 1000, 1), "p95_ms": round(raw["p95_us"] / 1000, 1),
        "p99_ms": round(raw["p99_us"] / 1000, 1), "mean_ms": round(raw["mean_us"] / 1000, 1),
        "max_ms": round(raw["max_us"] / 1000, 1),
        "errors": {k: raw[k] for k in ("connect", "read", "write", "status", "timeout")},
        "bytes_per_response": round(raw["bytes"] / requests) if requests else 0,
    }


def combine(runs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Rounds of one target as one figure: requests over time in all rounds; the latency
    percentiles of the worst round (wrk keeps no histogram across runs)."""
    requests = sum(r["requests"] for r in runs)
    seconds = sum(r["seconds"] for r in runs)
    worst = max(runs, key=lambda r: r["p95_ms"])
    errors = {k: sum(r["errors"][k] for r in runs) for k in runs[0]["errors"]}
    return {"requests": requests, "seconds": round(seconds, 2),
            "requests_per_s": round(requests / seconds, 1) if seconds else 0.0,
            "p50_ms": worst["p50_ms"], "p95_ms": worst["p95_ms"], "p99_ms": worst["p99_ms"],
            "errors": errors, "bytes_per_response": runs[-1]["bytes_per_response"],
            "rounds": [{"requests_per_s": r["requests_per_s"], "p95_ms": r["p95_ms"]}
                       for r in runs]}


def wrk(path: str, port: int, target: str, seconds: float,
        headers: dict[str, str]) -> dict[str, Any]:
    duration = max(1, round(seconds))
    argv = [path, f"-t{THREADS}", f"-c{CLIENTS}", f"-d{duration}s", "--timeout", "10s",
            "-s", str(LUA)]
    for name, value in headers.items():
        argv += ["-H", f"{name}: {value}"]
    argv.append(f"http://127.0.0.1:{port}{target}")
    done = subprocess.run(argv, capture_output=True, text=True, timeout=duration + 120)
    if done.returncode != 0:
        raise HttpSetupError(f"wrk failed ({done.returncode}): {done.stderr.strip()}")
    return parse_wrk(done.stdout)


# -- the load -----------------------------------------------------------------------------------

@dataclass
class Target:
    name: str
    port: int
    path: str
    headers: dict[str, str]
    status: int  # what a request must answer before the load starts


def check(target: Target) -> Answer:
    answer = get(target.port, target.path, target.headers)
    if answer.status != target.status:
        raise HttpSetupError(f"{target.name}: GET {target.path} answered {answer.status}, "
                             f"not {target.status}; the load would measure the wrong thing")
    return answer


def single_renders(target: Target, samples: int,
                   before: Callable[[], None] | None = None) -> dict[str, float]:
    """One client, one request at a time: how long one page takes, each time after `before`
    (a write that moves the log, so that nothing rendered earlier may be served)."""
    from bench.measure import percentiles

    durations = []
    for _ in range(samples):
        if before is not None:
            before()
        started = time.perf_counter()
        check(target)
        durations.append(time.perf_counter() - started)
    return percentiles(durations)


def session_cookie(answer: Answer) -> str:
    cookies = [c.split(";", 1)[0] for c in answer.headers.get("set-cookie", [])]
    if not cookies:
        raise HttpSetupError(f"logging in with a token set no cookie (status {answer.status})")
    return "; ".join(cookies)


@dataclass
class UnderLoad:
    """What the load needs of the Tandem under test."""

    database_url: str
    signing_key: str
    initiative: str
    token: str
    write: Callable[[], None]  # records one entry in the initiative


def http_load(tandem: UnderLoad, folder: Path, seconds: float, rounds: int, port: int,
              startup_timeout: float | None,
              say: Callable[[str], None] = lambda _: None) -> dict[str, Any]:
    """Initiative page and timeline API against the hello-world page and JSON route."""
    path = wrk_path()
    if path is None:
        say(WRK_MISSING)
        return {"skipped": WRK_MISSING}
    tandem_port = port or free_port()
    hello_port = port + 1 if port else free_port()
    env = {**os.environ, "TANDEM_DATABASE_URL": tandem.database_url,
           "TANDEM_SIGNING_KEY": tandem.signing_key, "TANDEM_CHECKPOINT_EVERY_MINUTES": "1000000",
           "TANDEM_CHECKPOINT_EVERY_EVENTS": "1000000000",
           "TANDEM_SESSION_SECRET": secrets.token_urlsafe(32),
           "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    servers: list[Server] = []
    try:
        servers.append(Server("tandem serve", [
            sys.executable, "-m", "web.cli", "serve", "--host", "127.0.0.1",
            "--port", str(tandem_port), "--workers", str(WORKERS), "--log-level", "warning"],
            env, tandem_port, folder / "tandem-serve.log"))
        servers.append(Server("the hello-world application", [
            sys.executable, "-m", "bench.hello", "--port", str(hello_port),
            "--workers", str(WORKERS), "--log-level", "warning"],
            env, hello_port, folder / "hello.log"))
        started = {s.name: round(s.wait_healthy(startup_timeout), 1) for s in servers}
        cookie = sign_in(tandem_port, tandem.token)
        bearer = {"Authorization": f"Bearer {tandem.token}"}
        targets = [
            Target("hello_page", hello_port, "/", {}, 200),
            Target("initiative_page", tandem_port, f"/initiatives/{tandem.initiative}",
                   {"Cookie": cookie}, 200),
            Target("hello_json", hello_port, "/json", {}, 200),
            Target("timeline_api", tandem_port,
                   f"/api/initiatives/{tandem.initiative}/timeline?limit=50", bearer, 200),
        ]
        for target in targets:
            check(target)
            # warm every worker up: templates, caches, connections
            wrk(path, target.port, target.path, WARM_UP_SECONDS, target.headers)
        say("  single page renders, unchanged log and after a write")
        single = {"unchanged": single_renders(targets[1], SINGLE_RENDERS),
                  "after_write": single_renders(targets[1], SINGLE_RENDERS, tandem.write)}
        # nothing writes from here on, so an ETag read now stays current through the load
        not_modified = conditional_target(targets[1], check(targets[1]))
        if "target" in not_modified:
            targets.append(not_modified.pop("target"))
            wrk(path, targets[-1].port, targets[-1].path, WARM_UP_SECONDS, targets[-1].headers)
        runs: dict[str, list[dict[str, Any]]] = {t.name: [] for t in targets}
        for number in range(rounds):
            for target in targets:
                say(f"  round {number + 1}/{rounds}: {target.name}")
                if target.name == "not_modified":
                    target.headers = current_tag(targets[1], seconds / rounds)
                runs[target.name].append(
                    wrk(path, target.port, target.path, seconds / rounds, target.headers))
    finally:
        for server in servers:
            server.stop()
    result: dict[str, Any] = {
        "tool": wrk_version(path), "clients": CLIENTS, "threads": THREADS,
        "server_workers": WORKERS, "seconds_per_target": seconds, "rounds": rounds,
        "startup_seconds": started, "single_render": single,
        "paths": {t.name: t.path for t in targets},
    }
    result |= {name: combine(r) for name, r in runs.items()}
    result["if_none_match"] = not_modified | (
        {"supported": True, **result.pop("not_modified")} if "not_modified" in result else {})
    return result


def current_tag(page: Target, seconds: float) -> dict[str, str]:
    """The page's headers with its current ETag, for a round that ends within one minute of
    the clock (a page's tag names the minute: overdue marks and ages follow the clock)."""
    left = 60 - time.time() % 60
    if left < seconds + 2:
        time.sleep(left + 0.5)
    etag = check(page).header("etag") or ""
    return {**page.headers, "If-None-Match": etag}


def conditional_target(page: Target, answer: Answer) -> dict[str, Any]:
    """The If-None-Match load, only where the page sends an ETag and answers it with 304."""
    etag = answer.header("etag")
    if etag is None:
        return {"supported": False, "reason": "the initiative page sends no ETag header"}
    headers = {**page.headers, "If-None-Match": etag}
    status = get(page.port, page.path, headers).status
    if status != 304:
        return {"supported": False,
                "reason": f"the page sends an ETag but answers If-None-Match with {status}"}
    return {"etag": etag,
            "target": Target("not_modified", page.port, page.path, headers, 304)}
