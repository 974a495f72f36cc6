"""The framework's ceiling: a hello-world FastAPI application with a Jinja2 page and a JSON
route, served the way `tandem serve` serves Tandem (the same uvicorn, an application factory,
the same number of workers, synchronous routes run in the thread pool as Tandem's are).

Templates are loaded once (`auto_reload` off), as a production set-up would have it.

    python -m bench.hello --port 8001 --workers 2
"""

from __future__ import annotations

import argparse
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape

HERE = Path(__file__).resolve().parent
FACTORY = "bench.hello:create_app"


def create_app() -> FastAPI:
    app = FastAPI()
    templates = Jinja2Templates(env=Environment(
        loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]),
        auto_reload=False))

    @app.get("/", response_class=HTMLResponse)
    def page(request: Request) -> Response:
        return templates.TemplateResponse(request, "hello.html", {"name": "world"})

    @app.get("/json")
    def hello_json() -> dict[str, str]:
        return {"hello": "world"}

    @app.get("/healthz")
    def healthz() -> JSONResponse:
        return JSONResponse({"status": "ok"})

    return app


def main(argv: list[str] | None = None) -> None:
    import uvicorn

    parser = argparse.ArgumentParser(prog="python -m bench.hello", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--log-level", default="warning")
    args = parser.parse_args(argv)
    uvicorn.run(FACTORY, factory=True, host=args.host, port=args.port, workers=args.workers,
                log_level=args.log_level)


if __name__ == "__main__":
    main()
