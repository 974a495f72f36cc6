"""A new user's first commands: nothing but `tandem init` creates a database; `init --exist-ok`
lets `make run` start from any state; an unusable database is one clear line, quickly."""

from __future__ import annotations

import subprocess
import sys
import time
import warnings
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from tests.support.databases import PG_URL, require_postgres
from tests.support.server import ROOT, free_port
from web.app import create_app
from web.cli import main
from web.settings import Settings
from web.system import Tandem

with warnings.catch_warnings():  # starlette asks for httpx2, which is not installed here
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

COMMANDS = [["log"], ["serve", "--port", "1"], ["demo"], ["rebuild"], ["verify"],
            ["checkpoint"], ["token", "create", "--person", "ada"], ["escalations", "sweep"],
            ["check-rules", "--adopted"]]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_no_command_but_init_creates_a_database(command: list[str], tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "tandem.db"
    assert main(["--db", f"sqlite:///{db}", *command]) in (1, 2)
    err = capsys.readouterr().err
    assert "tandem init" in err or command[0] == "verify" and "key" in err  # verify: key first
    assert not db.exists() and list(tmp_path.iterdir()) == []


def test_init_exist_ok_changes_nothing_on_an_initialised_database(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'tandem.db'}"
    init = ["--db", url, "init", "--admin-id", "ada", "--admin-name", "Ada", "--admin-unit", "it"]
    assert main(init) == 0
    token = capsys.readouterr().out.strip()
    assert token.startswith("tdm_")
    assert main(init) == 1
    assert main([*init, "--exist-ok"]) == 0
    captured = capsys.readouterr()
    assert "already initialised" in captured.err and captured.out == ""
    assert main(["--db", url, "demo"]) == 1  # the story comes first in a log, or not at all
    assert "tandem init --demo" in capsys.readouterr().err

    story = f"sqlite:///{tmp_path / 'story.db'}"
    assert main(["--db", story, "init", "--demo", "--admin-id", "ada", "--admin-name", "Ada",
                 "--admin-unit", "it"]) == 0
    capsys.readouterr()
    assert main(["--db", story, "init", "--exist-ok", "--demo", "--admin-id", "ada",
                 "--admin-name", "Ada", "--admin-unit", "it"]) == 0
    assert "already initialised" in capsys.readouterr().err
    assert main(["--db", story, "demo"]) == 0  # the story is there: nothing changes
    assert "already loaded" in capsys.readouterr().err


def test_init_can_print_a_one_time_login_link_instead_of_a_token(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'tandem.db'}"
    assert main(["--db", url, "init", "--login-link", "--admin-id", "ada", "--admin-name", "Ada",
                 "--admin-unit", "it"]) == 0
    link = capsys.readouterr().out.strip()
    assert link.startswith("http://127.0.0.1:8000/login?link=tdm_")
    tandem = Tandem(Settings(database_url=url))
    try:
        client = TestClient(create_app(tandem.settings, tandem))
        shown = client.get(link.removeprefix("http://127.0.0.1:8000"), follow_redirects=False)
        assert shown.status_code == 200  # opening the link shows a button; only the POST signs in
        used = client.post("/login", data={"link": shown.context["link"],
                                           "csrf": shown.context["csrf"]}, follow_redirects=False)
        assert used.status_code == 303 and used.headers["location"] == "/"
        assert client.get("/").status_code == 200  # logged in
        other = TestClient(create_app(tandem.settings, tandem))
        shown = other.get(link.removeprefix("http://127.0.0.1:8000"), follow_redirects=False)
        again = other.post("/login", data={"link": shown.context["link"],
                                           "csrf": shown.context["csrf"]}, follow_redirects=False)
        assert again.status_code >= 400  # a used link signs nobody in
        assert other.get("/", follow_redirects=False).status_code == 303
        token = parse_qs(urlparse(link).query)["link"][0]
        assert client.get("/api/units", headers={"Authorization": f"Bearer {token}"}
                          ).status_code == 401  # used: no lasting token is left
    finally:
        tandem.close()


def test_an_empty_or_foreign_file_is_one_clear_line(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.db"
    empty.touch()  # what older versions left behind: `init` makes it a log
    init = ["init", "--admin-id", "ada", "--admin-name", "Ada", "--admin-unit", "it"]
    assert main(["--db", f"sqlite:///{empty}", "log"]) == 1
    assert "tandem init" in capsys.readouterr().err
    assert main(["--db", f"sqlite:///{empty}", *init]) == 0
    capsys.readouterr()
    foreign = tmp_path / "notes.txt"
    foreign.write_text("not a database\n" * 100)
    for command in (["log"], init):
        assert main(["--db", f"sqlite:///{foreign}", *command]) == 1
        err = capsys.readouterr().err
        assert err.strip().count("\n") == 0 and "not a database" in err
    assert foreign.read_text() == "not a database\n" * 100


def unreachable_urls() -> list[str]:
    user_missing = PG_URL.replace("postgres@", "no_such_role@", 1)
    return [f"postgresql://postgres@127.0.0.1:{free_port()}/tandem", user_missing]


def test_an_unreachable_or_misconfigured_postgresql_is_one_line_quickly() -> None:
    require_postgres()
    for url in unreachable_urls():
        for command in (["log"], ["serve", "--port", str(free_port())]):
            started = time.monotonic()
            done = subprocess.run([sys.executable, "-m", "web.cli", "--db", url, *command],
                                  cwd=ROOT, capture_output=True, text=True, timeout=60)
            took = time.monotonic() - started
            assert done.returncode == 1, done.stderr
            lines = done.stderr.strip().splitlines()
            assert len(lines) == 1, done.stderr
            assert lines[0].startswith("Cannot reach PostgreSQL")
            assert ("refused" in lines[0]) or ('role "no_such_role" does not exist' in lines[0])
            assert took < 10, took  # the process start included; the connection fails at once
