"""The web application: the JSON API under /api and the pages, over one Tandem system, behind
the request limits and the security headers. The API's interactive docs (/docs, /redoc) load
Swagger UI and ReDoc from this server (never from a public CDN) and run no inline script."""

from __future__ import annotations

import logging

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, Response
from fastapi_offline import FastAPIOffline

from web import api, pages
from web.errors import status_of
from web.requests import BodyTooLarge, WriteLimits
from web.security import SecurityHeaders
from web.settings import Settings
from web.system import Tandem

ASSETS = "/static-offline-docs"  # where fastapi-offline serves Swagger UI and ReDoc
DOCS_PAGE = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Tandem API</title>
<link rel="stylesheet" href="{ASSETS}/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="{ASSETS}/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script></body></html>
"""
DOCS_INIT = "window.ui = SwaggerUIBundle({url: '/openapi.json', dom_id: '#swagger-ui'});\n"
REDOC_PAGE = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Tandem API</title></head>
<body><redoc spec-url="/openapi.json"></redoc>
<script src="{ASSETS}/redoc.standalone.js"></script></body></html>
"""
DOCS_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "worker-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
# ReDoc writes its styles into <style> elements from its own script: inline styles, never scripts.
REDOC_CSP = DOCS_CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


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
    app = FastAPIOffline(title="Tandem", version="0.1.0", docs_url=None, redoc_url=None,
                         description="An event-sourced decision log for cross-unit initiatives.")
    app.state.tandem = system
    api.install(app)
    pages.install(app)
    app.add_middleware(WriteLimits, max_body_bytes=system.settings.max_body_bytes,
                       status=status_of(BodyTooLarge(0)))
    app.add_middleware(SecurityHeaders, settings=settings)
    quiet_secrets()

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(DOCS_PAGE, headers={"content-security-policy": DOCS_CSP})

    @app.get("/docs/init.js", include_in_schema=False)
    def docs_init() -> Response:
        return Response(DOCS_INIT, media_type="text/javascript")

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return HTMLResponse(REDOC_PAGE, headers={"content-security-policy": REDOC_CSP})

    return app
