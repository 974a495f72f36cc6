"""The JSON API under /api (see README, API section)."""

from __future__ import annotations

from fastapi import FastAPI


def install(app: FastAPI) -> None:
    """Register the API routes and error handlers on the app."""
