"""Schemathesis against /openapi.json with a valid admin token: no input yields a 5xx.

Bounded (few examples per operation, a time limit) and on SQLite only; the PostgreSQL-specific
inputs (NUL characters, huge numbers) are covered by tests/integration/test_api_inputs.py.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.server import running_server
from web.system import Tandem

SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"


@pytest.mark.slow
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_no_generated_request_yields_a_server_error(story: Tandem, database_url: str,
                                                    tmp_path: Path) -> None:
    # the demo story: real ids for the fuzzer's path parameters to stumble on
    token, _ = story.app.issue_token(actor="kathi", person="kathi")
    story.catch_up()
    with running_server(database_url) as base:
        result = subprocess.run(
            [str(SCHEMATHESIS), "run", f"{base}/openapi.json",
             "--header", f"Authorization: Bearer {token}",
             "--checks", "not_a_server_error", "--max-examples", "25", "--seed", "4",
             "--include-path-regex", "^/(api/(?!audit)|healthz|readyz)", "--request-timeout", "20"],
            capture_output=True, text=True, timeout=240,
            cwd=tmp_path,  # schemathesis keeps its cache in the working directory
        )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "passed" in result.stdout
