"""The JSON API under /api (see docs/api.md): routes by resource, request models, dependencies.

A route parses its input, records through one typed application command (or asks one query)
with plain values, and answers JSON; every failure leaves as `{error, detail, rule?, fields?}`.
"""

from __future__ import annotations

from types import ModuleType

from fastapi import FastAPI

from web.api import (
    audit,
    decisions,
    directory,
    escalations,
    goal,
    handlers,
    handoffs,
    health,
    initiatives,
    kept,
    meetings,
    members,
    notices,
    portfolio,
    responsibilities,
    search,
)

ROUTERS: tuple[ModuleType, ...] = (directory, initiatives, goal, responsibilities, decisions, escalations, handoffs,
           members, audit, health, search, portfolio)
ROUTERS += (meetings,)


def install(app: FastAPI) -> None:
    """Register the API's error handlers and routes on the app."""
    handlers.install(app)
    for module in ROUTERS:
        app.include_router(module.router)
    for router in (notices.router, notices.people, notices.feeds):
        app.include_router(router)
    tandem = app.state.tandem
    app.add_middleware(kept.KeptReads, head=tandem.runner.positions,
                       minute=lambda: tandem.read.now().strftime("%Y-%m-%dT%H:%M"))
