"""A separate process that catches the read models up in small batches, as a server would
on start: the recovery tests kill it, or run two at once.

    python -m tests.integration.catch_up_worker URL BATCH
"""

from __future__ import annotations

import sys

from domain.application import TandemApplication
from projections.db import Database
from projections.runner import Runner
from web.settings import Settings
from web.system import projections


def main(url: str, batch: int) -> None:
    storage = Settings(database_url=url).storage
    db = Database(storage)
    app = TandemApplication(env=storage.library_env())
    runner = Runner(db, app.mapper.to_domain_event, projections(db.backend))
    try:
        print(runner.catch_up(batch=batch), flush=True)
    finally:
        app.close()
        db.close()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
