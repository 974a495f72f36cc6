"""Shared fixtures: a fresh Tandem database on SQLite and on PostgreSQL.

Each PostgreSQL test gets its own schema, dropped afterwards. Under CI=true a PostgreSQL
that cannot be reached fails the test instead of skipping it.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import datetime, timezone

import pytest

from web.settings import Settings
from web.system import Tandem

PG_URL = os.environ.get("TANDEM_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
ADMIN = "ada"


def postgres_available() -> str | None:
    """None when PostgreSQL answers, else the reason it does not."""
    try:
        import psycopg

        with psycopg.connect(PG_URL, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
        return None
    except Exception as error:  # any failure to connect means: not available
        return str(error)


def require_postgres() -> None:
    reason = postgres_available()
    if reason is not None:
        message = f"PostgreSQL at {PG_URL} is not reachable: {reason}"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A database URL for a new, empty Tandem database on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/tandem.db"
        return
    require_postgres()
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    yield f"{PG_URL}?schema={schema}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


@pytest.fixture
def settings(database_url: str, tmp_path) -> Settings:  # type: ignore[no-untyped-def]
    return Settings(database_url=database_url, signing_key=str(tmp_path / "signing.key"))


@pytest.fixture
def tandem(settings: Settings) -> Iterator[Tandem]:
    """An initialised Tandem with units 'it' and 'ops' and an admin 'ada'."""
    system = Tandem(settings, create=True)
    system.record("register_unit", actor=ADMIN, unit="it", name="IT")
    system.record("register_unit", actor=ADMIN, unit="ops", name="Operations")
    system.record("register_person", actor=ADMIN, person=ADMIN, name="Ada Admin", unit="it",
                  role="admin")
    yield system
    system.close()


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)  # type: ignore[misc]
