"""Shared fixtures, in this one place: a fresh Tandem database on SQLite and on PostgreSQL, an
initialised Tandem on it, and the demo story (per test, or shared by a module's tests).

Helpers the tests import live in `tests/support/`; no test module imports another.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from projections.ledger.keys import create_signing_key
from tests.support.clock import Clock
from tests.support.databases import BACKENDS, fresh_database
from web.cli.demo import load_demo
from web.settings import Settings
from web.system import Tandem

ADMIN = "ada"


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database URL for a new, empty Tandem database on each backend."""
    with fresh_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(database_url=database_url, signing_key=str(tmp_path / "signing.key"))


@pytest.fixture
def clock() -> Clock:
    """The system's clock; a test module may pin it by defining its own `clock` fixture."""
    return Clock()


@pytest.fixture
def tandem(settings: Settings, clock: Clock) -> Iterator[Tandem]:
    """An initialised Tandem with units 'it' and 'ops' and an admin 'ada'."""
    system = Tandem(settings, clock=clock, create=True)
    system.record(system.app.register_unit, actor=ADMIN, unit="it", name="IT")
    system.record(system.app.register_unit, actor=ADMIN, unit="ops", name="Operations")
    system.record(system.app.register_person, actor=ADMIN, person=ADMIN, name="Ada Admin",
                  unit="it", role="admin")
    yield system
    system.close()


def open_story(settings: Settings, clock: Clock) -> Tandem:
    """A new Tandem holding the demo story (ending at the clock's today), with a signing key and
    one signed checkpoint over the whole story."""
    create_signing_key(settings.signing_key_path)
    system = Tandem(settings, clock=clock, create=True)
    load_demo(system, today=clock())
    system.issue_checkpoint()
    return system


@pytest.fixture
def story(settings: Settings, clock: Clock) -> Iterator[Tandem]:
    """The demo story on each backend, for one test."""
    system = open_story(settings, clock)
    yield system
    system.close()


@pytest.fixture(scope="module", params=BACKENDS)
def shared_story(request: pytest.FixtureRequest,
                 tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tandem]:
    """The demo story on each backend, shared by the tests of one module (they must not
    record anything another test would see)."""
    folder = tmp_path_factory.mktemp("story")
    with fresh_database(request.param, folder) as url:
        system = open_story(Settings(database_url=url, signing_key=str(folder / "signing.key")),
                            Clock())
        yield system
        system.close()
