"""The server-rendered pages: a thin Jinja2 view over the same application and query functions
the API uses (routes, forms, views, session, templates/, static/)."""

from __future__ import annotations

from fastapi import FastAPI

from web.pages import (
    confirm,
    downloads,
    login,
    meetings,
    portfolio,
    read,
    record,
    registers,
    render,
    rules,
    search,
)


def install(app: FastAPI) -> None:
    """Register the pages and their plumbing on the app."""
    render.install(app)
    for module in (login, read, record, rules, confirm, search, portfolio, downloads, registers,
                   meetings):
        app.include_router(module.router)
