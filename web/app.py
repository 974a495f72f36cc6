"""The web application: the JSON API under /api and the pages, over one Tandem system."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline

from web import api, pages
from web.errors import status_of
from web.requests import BodyTooLarge, WriteLimits
from web.settings import Settings
from web.system import Tandem


def create_app(settings: Settings | None = None, tandem: Tandem | None = None) -> FastAPI:
    settings = settings or Settings.from_env()
    system = tandem or Tandem(settings)
    # /docs and /redoc load Swagger UI and ReDoc from this server, never from a public CDN
    app = FastAPIOffline(title="Tandem", version="0.1.0",
                         description="An event-sourced decision log for cross-unit initiatives.")
    app.state.tandem = system
    api.install(app)
    pages.install(app)
    app.add_middleware(WriteLimits, max_body_bytes=system.settings.max_body_bytes,
                       status=status_of(BodyTooLarge(0)))
    return app
