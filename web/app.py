"""The web application: the JSON API under /api and the pages, over one Tandem system, behind
the security headers; the API's interactive docs at /docs without inline scripts."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, Response

from web import api, pages
from web.security import SecurityHeaders
from web.settings import Settings
from web.system import Tandem

SWAGGER = "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5"
DOCS_PAGE = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Tandem API</title>
<link rel="stylesheet" href="{SWAGGER}/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="{SWAGGER}/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script></body></html>
"""
DOCS_INIT = "window.ui = SwaggerUIBundle({url: '/openapi.json', dom_id: '#swagger-ui'});\n"
DOCS_CSP = ("default-src 'self'; script-src 'self' https://cdn.jsdelivr.net; "
            "style-src 'self' https://cdn.jsdelivr.net; img-src 'self' data:; "
            "object-src 'none'; base-uri 'none'; frame-ancestors 'none'")


class SecretsOutOfAccessLog(logging.Filter):
    """The access log never shows the query of /login (a one-time link carries a token)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str) \
                and args[2].startswith("/login?"):
            record.args = (*args[:2], "/login?…", *args[3:])
        return True


def quiet_secrets() -> None:
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, SecretsOutOfAccessLog) for f in access.filters):
        access.addFilter(SecretsOutOfAccessLog())


def create_app(settings: Settings | None = None, tandem: Tandem | None = None) -> FastAPI:
    settings = settings or Settings.from_env()
    system = tandem or Tandem(settings)
    app = FastAPI(title="Tandem", version="0.1.0", docs_url=None, redoc_url=None,
                  description="An event-sourced decision log for cross-unit initiatives.")
    app.state.tandem = system
    api.install(app)
    pages.install(app)
    app.add_middleware(SecurityHeaders, settings=settings)
    quiet_secrets()

    @app.get("/docs", include_in_schema=False)
    def docs() -> Any:
        return HTMLResponse(DOCS_PAGE, headers={"content-security-policy": DOCS_CSP})

    @app.get("/docs/init.js", include_in_schema=False)
    def docs_init() -> Response:
        return Response(DOCS_INIT, media_type="text/javascript")

    return app
