"""A test client of the pages, signed in as a person with a fresh API token."""

from __future__ import annotations

import re
import warnings
from typing import Any

from web.app import create_app
from web.system import Tandem


def signed_in(tandem: Tandem, person: str | None,
              language: str = "en-GB,en;q=0.9") -> Any:
    """A TestClient of the pages on `tandem`, signed in as `person` (None: not signed in)."""
    with warnings.catch_warnings():  # starlette warns about httpx when the client is imported
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    client = TestClient(create_app(tandem.settings, tandem), headers={"Accept-Language": language})
    if person:
        token, _ = tandem.app.issue_token(actor="test", person=person)
        tandem.catch_up()
        csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)
        assert csrf is not None
        answer = client.post("/login", data={"token": token, "csrf": csrf.group(1)},
                             follow_redirects=False)
        assert answer.status_code == 303
    return client
