"""Configuration in one place: environment variables with sane defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from projections.db import Storage
from projections.ledger.notes import (
    COSIGNATURE_V1,
    CheckpointError,
    KeyNameError,
    VerifierKey,
    check_key_name,
    parse_verifier_key,
)

DEFAULT_URL = "sqlite:///tandem.db"


class SettingsError(ValueError):
    """A setting that cannot be used; the message names the variable and what to do."""


def number(name: str, default: str, minimum: float = 0.0) -> float:
    """A number from the environment, or a sentence saying which variable is wrong."""
    raw = os.environ.get(name, default)
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a number, not '{raw}'.") from None
    if not value >= minimum:
        raise SettingsError(f"{name} must be at least {minimum:g}, not '{raw}'.")
    return value


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
    witnesses: tuple[str, ...] = ()
    recording_skew_seconds: float = 300.0
    timezone: str = "Europe/Berlin"

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise SettingsError(f"TANDEM_TIMEZONE: '{self.timezone}' is no time zone; use a name "
                                "like Europe/Berlin or UTC.") from None
        try:
            check_key_name(self.origin, "log origin")
        except KeyNameError as error:
            raise SettingsError(f"TANDEM_LOG_ORIGIN: {error}") from None
        _ = self.witness_keys  # parsed once here, so that a bad key stops the start
    connect_timeout: float = 2.0
    statement_timeout: float = 10.0
    max_body_bytes: int = 1_048_576
    ready_max_lag: int = 1000
    # notices (docs/notices.md)
    smtp_url: str = ""
    notice_from: str = "tandem@localhost"
    notice_language: str = "en"
    notify_interval_seconds: float = 300.0
    notice_due_soon_days: float = 2.0
    notice_lookback_days: float = 7.0
    notice_attempts: int = 5
    notice_backoff_seconds: float = 60.0
    notice_timeout_seconds: float = 10.0
    development: bool = False

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
            witnesses=tuple(env.get("TANDEM_WITNESSES", "").replace(",", " ").split()),
            recording_skew_seconds=float(env.get("TANDEM_RECORDING_SKEW_SECONDS", "300")),
            connect_timeout=number("TANDEM_DB_CONNECT_TIMEOUT", "2", 0.1),
            statement_timeout=number("TANDEM_DB_STATEMENT_TIMEOUT", "10", 0.1),
            max_body_bytes=int(number("TANDEM_MAX_BODY_BYTES", "1048576", 1024)),
            ready_max_lag=int(number("TANDEM_READY_MAX_LAG", "1000")),
            smtp_url=env.get("TANDEM_SMTP_URL", ""),
            notice_from=env.get("TANDEM_NOTICE_FROM", "tandem@localhost"),
            notice_language=_language(env.get("TANDEM_NOTICE_LANGUAGE", "en")),
            notify_interval_seconds=number("TANDEM_NOTIFY_INTERVAL_SECONDS", "300"),
            notice_due_soon_days=number("TANDEM_NOTICE_DUE_SOON_DAYS", "2"),
            notice_lookback_days=number("TANDEM_NOTICE_LOOKBACK_DAYS", "7"),
            notice_attempts=int(number("TANDEM_NOTICE_ATTEMPTS", "5", 1)),
            notice_backoff_seconds=number("TANDEM_NOTICE_BACKOFF_SECONDS", "60"),
            notice_timeout_seconds=number("TANDEM_NOTICE_TIMEOUT_SECONDS", "10", 0.1),
            timezone=env.get("TANDEM_TIMEZONE", "").strip() or "Europe/Berlin",
            development=_flag(env.get("TANDEM_DEVELOPMENT", "")),
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
        return replace(Storage.from_url(self.database_url), connect_timeout=self.connect_timeout,
                       statement_timeout=self.statement_timeout)

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

    @property
    def witness_keys(self) -> dict[str, VerifierKey]:
        """The witnesses whose cosignatures the log accepts, by name (TANDEM_WITNESSES)."""
        keys: dict[str, VerifierKey] = {}
        for text in self.witnesses:
            try:
                key = parse_verifier_key(text, COSIGNATURE_V1)
            except CheckpointError as error:
                raise SettingsError(f"TANDEM_WITNESSES: {error}") from None
            keys[key.name] = key
        return keys


def _flag(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes", "on")


def _language(value: str) -> str:
    if value not in ("en", "de"):
        raise SettingsError(f"TANDEM_NOTICE_LANGUAGE is en or de, not '{value}'.")
    return value
