"""Configuration in one place: environment variables with sane defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from projections.db import Storage

DEFAULT_URL = "sqlite:///tandem.db"


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_URL
    backdated_days: float = 7.0
    signing_key: str = ""
    checkpoint_every_events: int = 1000
    checkpoint_every_minutes: float = 60.0
    origin: str = "tandem.local/log"
    session_secret: str = ""
    base_url: str = "http://127.0.0.1:8000"
    session_idle_minutes: float = 30.0
    https: bool = False
    trust_proxy: bool = False

    @classmethod
    def from_env(cls, database_url: str | None = None) -> Settings:
        env = os.environ
        return cls(
            database_url=database_url or env.get("TANDEM_DATABASE_URL") or DEFAULT_URL,
            backdated_days=float(env.get("TANDEM_BACKDATED_DAYS", "7")),
            signing_key=env.get("TANDEM_SIGNING_KEY", ""),
            checkpoint_every_events=int(env.get("TANDEM_CHECKPOINT_EVERY_EVENTS", "1000")),
            checkpoint_every_minutes=float(env.get("TANDEM_CHECKPOINT_EVERY_MINUTES", "60")),
            origin=env.get("TANDEM_LOG_ORIGIN", "tandem.local/log"),
            session_secret=env.get("TANDEM_SESSION_SECRET", ""),
            base_url=env.get("TANDEM_BASE_URL", "http://127.0.0.1:8000"),
            session_idle_minutes=float(env.get("TANDEM_SESSION_IDLE_MINUTES", "30")),
            https=_flag(env.get("TANDEM_HTTPS", "")),
            trust_proxy=_flag(env.get("TANDEM_TRUST_PROXY", "")),
        )

    @property
    def served_over_https(self) -> bool:
        """Whether the pages are served over https (setting, or the base URL's scheme)."""
        return self.https or self.base_url.startswith("https://")

    @property
    def session_idle(self) -> timedelta:
        return timedelta(minutes=self.session_idle_minutes)

    @property
    def storage(self) -> Storage:
        return Storage.from_url(self.database_url)

    @property
    def backdated_after(self) -> timedelta:
        return timedelta(days=self.backdated_days)

    @property
    def signing_key_path(self) -> Path:
        """Outside the database: next to the SQLite file, or in the working directory."""
        if self.signing_key:
            return Path(self.signing_key)
        storage = self.storage
        folder = Path(storage.path).resolve().parent if storage.backend == "sqlite" else Path.cwd()
        return folder / "tandem-signing.key"


def _flag(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes", "on")
