"""Audit endpoints under /api/audit."""

from __future__ import annotations

from fastapi import FastAPI


def install(app: FastAPI) -> None:
    """Register the audit routes on the app."""
