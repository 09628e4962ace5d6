"""Settings from the environment (prefix ``LECTERN_``), split per concern."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal, Self

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

_ENV = SettingsConfigDict(env_prefix="LECTERN_", extra="ignore")


class DatabaseSettings(BaseSettings):
    model_config = _ENV

    # A plain URL is fine (sqlite:///path, postgresql://user@host/db); db.py maps it
    # to the async driver.
    database_url: str = "sqlite:///./lectern.db"
    database_echo: bool = False
    # PostgreSQL connection pool, per process (a uvicorn worker is a process).
    # Connections beyond the pool size are closed when returned, so a worker that often has
    # more requests in flight than pooled connections keeps reconnecting: size it for that.
    database_pool_size: int = Field(default=10, ge=1, le=200)
    database_max_overflow: int = Field(default=10, ge=0, le=500)
    # Replace pooled connections older than this (seconds), before a server or proxy
    # closes them for being idle too long.
    database_pool_recycle: int = Field(default=1800, ge=-1)
    # Test each connection as it leaves the pool. On asyncpg that is three round trips
    # (begin, ping, rollback) before every request: a fifth of a catalog request's time
    # (docs/benchmarks.md). Off, a connection the server dropped fails the one request
    # that meets it, and SQLAlchemy then replaces the whole pool.
    database_pool_pre_ping: bool = False


class AppSettings(BaseSettings):
    model_config = _ENV

    # Where people reach Lectern; links in e-mails start with it (lectern/kit/links.py).
    app_url: str = "http://localhost:8000"
    # Browser origins allowed to call the API (CORS); empty means none.
    cors_origins: list[str] = Field(default_factory=list)
    security_headers: bool = True
    # Send Strict-Transport-Security (only behind HTTPS).
    hsts: bool = False
    # Largest request body accepted, in bytes (uploads have their own limits).
    max_request_bytes: int = 1_048_576
    log_json: bool = True
    log_level: str = "INFO"
    # FastAPI's OpenTelemetry traces, metrics and logs, for the providers a deployment sets
    # up (an OpenTelemetry SDK and its exporter). Off, a request skips looking for them.
    opentelemetry: bool = False
    # Seals secrets kept in the database (the credentials' signing keys). Without it, a key
    # made once and kept in a file beside the stored files (.secret-key): set it in
    # production, the same in every process, and keep it safe.
    secret_key: str | None = None
    # Web Push subscriptions must name an https push service; this lets a plain http one
    # through, for a push service run locally in development and tests.
    push_allow_http: bool = False


class AuthSettings(BaseSettings):
    model_config = _ENV

    # HMAC keys that sign access tokens, by key id. The active key signs; the others
    # still verify, so keys rotate without logging everyone out. Without configured
    # keys a random one is made per process: fine for a laptop, wrong for a cluster.
    jwt_keys: dict[str, str] = Field(default_factory=dict)
    jwt_active_kid: str | None = None
    jwt_issuer: str = "lectern"
    jwt_audience: str = "lectern-api"
    access_token_minutes: int = Field(default=15, ge=1, le=24 * 60)
    refresh_token_days: int = Field(default=30, ge=1, le=365)
    verification_token_hours: int = Field(default=48, ge=1)
    reset_token_minutes: int = Field(default=60, ge=5)
    # How long a login that passed the password waits for its second factor.
    two_factor_challenge_minutes: int = Field(default=5, ge=1, le=30)
    # Password hashes computed at once per process (default: the number of cores), and how
    # long a check may wait for its turn before the request is a 503.
    password_hashing_concurrency: int | None = Field(default=None, ge=1, le=256)
    password_queue_seconds: float = Field(default=5.0, gt=0, le=60)

    def signing_keys(self) -> tuple[str, dict[str, str]]:
        """(active kid, every kid → secret)."""
        keys = dict(self.jwt_keys) or {"dev": _process_secret()}
        active = self.jwt_active_kid or next(iter(keys))
        if active not in keys:
            raise ValueError(f"LECTERN_JWT_ACTIVE_KID {active!r} is not among LECTERN_JWT_KEYS")
        return active, keys


@lru_cache
def _process_secret() -> str:
    return secrets.token_urlsafe(48)


class RateLimitSettings(BaseSettings):
    model_config = _ENV

    # `memory://` for one process; `redis://host:6379/0` shares counters between processes.
    rate_limit_storage: str = "memory://"
    rate_limit_enabled: bool = True
    login_rate: str = "10/minute"
    # Per client address: a class signing up together behind one school address passes (a
    # burst of 40), a bot from one address is held to 200 accounts a day.
    register_rate: str = "40/10minutes;200/day"
    # Per e-mail address: each sign-up mails the address's owner, so it is not a mail cannon.
    register_address_rate: str = "3/hour"
    refresh_rate: str = "30/minute"
    reset_rate: str = "5/minute"
    # Coupon codes tried, per user and per client address: a shopper mistyping passes, a
    # script guessing codes does not.
    coupon_rate: str = "20/hour"
    # Certificate lookups per client address: an employer checking a few passes, a script
    # walking numbers does not.
    certificate_rate: str = "60/hour"
    # Threads and replies one user may post (spam and floods are cheap to send).
    discussion_post_rate: str = "10/minute;200/day"
    # Private messages one user may send.
    message_rate: str = "30/minute;500/day"


class JobSettings(BaseSettings):
    model_config = _ENV

    # With a Redis URL, jobs go to Redis and `lectern worker` runs them; without, they run
    # in-process after the request commits.
    redis_url: str | None = None
    # The Redis stream the jobs go through: Lectern sites sharing one Redis each name their own.
    jobs_queue: str = Field(default="lectern:jobs", min_length=1, max_length=200)
    # Periodic jobs (lectern/schedule.py): without Redis, `lectern serve` runs them in its
    # own event loop unless this is off; with Redis, `lectern scheduler` runs them.
    scheduler: bool = True
    # How often the scheduler looks for due jobs, in seconds.
    scheduler_tick_seconds: float = Field(default=30.0, gt=0, le=3600)
    # The live channel (notifications and messages as Server-Sent Events) goes through this
    # Redis when ``redis_url`` is set: the name of its keys, one per site sharing a Redis.
    live_channel: str = Field(default="lectern:live", min_length=1, max_length=200)
    # The last events kept per user for a stream that reconnects with Last-Event-ID, and
    # for how long.
    live_replay_events: int = Field(default=100, ge=1, le=10_000)
    live_replay_seconds: int = Field(default=86_400, ge=60)
    # A comment line on an idle stream, so proxies and browsers keep it open.
    live_heartbeat_seconds: float = Field(default=15.0, gt=0, le=300)


class MailSettings(BaseSettings):
    model_config = _ENV

    mail_from: str = "Lectern <no-reply@lectern.local>"
    # Without an SMTP host, mail is written as .eml files into mail_dir.
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    smtp_tls: bool = False
    mail_dir: Path = Path("./storage/mail")
    # The secret the mail provider's bounce and complaint webhooks present (the password of
    # their basic auth, or a bearer token); without it they are not received.
    mail_webhook_secret: str | None = None


Environment = Literal["development", "production"]
GatewayName = Literal["sandbox", "stripe", "manual"]


class PaymentSettings(BaseSettings):
    model_config = _ENV

    # "production" refuses what only a test school may run (the sandbox gateway, which
    # hands out paid courses for a button press).
    environment: Environment = "development"
    # The gateways a buyer may pay through, the first one by default.
    payment_gateways: list[GatewayName] = Field(default=["sandbox"], min_length=1)
    # Signs the sandbox's webhook events; without it, a key derived from the JWT keys.
    sandbox_webhook_secret: str | None = None
    # Stripe: the secret API key, the webhook endpoint's signing secret (whsec_…), and where
    # its API answers (changed only to talk to a stand-in server).
    stripe_secret_key: str | None = None
    stripe_webhook_secret: str | None = None
    stripe_api_base: str | None = None

    @model_validator(mode="after")
    def _sandbox_is_not_for_production(self) -> Self:
        if self.environment == "production" and "sandbox" in self.payment_gateways:
            raise ValueError("the sandbox payment gateway cannot run in production")
        if "stripe" in self.payment_gateways and not (
            self.stripe_secret_key and self.stripe_webhook_secret
        ):
            raise ValueError(
                "the stripe gateway needs LECTERN_STRIPE_SECRET_KEY and "
                "LECTERN_STRIPE_WEBHOOK_SECRET"
            )
        return self


class StorageSettings(BaseSettings):
    model_config = _ENV

    # Uploaded files (lesson resources, subtitles, media) on the local disk.
    storage_dir: Path = Path("./storage/files")
    # The largest multipart upload the server reads at all; each kind of upload has its
    # own, smaller limit from the platform settings.
    max_upload_bytes: int = 512 * 1024 * 1024


@lru_cache
def storage_settings() -> StorageSettings:
    return StorageSettings()


@lru_cache
def database_settings() -> DatabaseSettings:
    return DatabaseSettings()


@lru_cache
def app_settings() -> AppSettings:
    return AppSettings()


@lru_cache
def auth_settings() -> AuthSettings:
    return AuthSettings()


@lru_cache
def rate_limit_settings() -> RateLimitSettings:
    return RateLimitSettings()


@lru_cache
def job_settings() -> JobSettings:
    return JobSettings()


@lru_cache
def mail_settings() -> MailSettings:
    return MailSettings()


@lru_cache
def payment_settings() -> PaymentSettings:
    return PaymentSettings()
