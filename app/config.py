"""Typed settings, read from the environment and `.env`. Imports nothing from `app`.

Settings are grouped by concern; each group reads its own environment names, so the names
the seed used (`DATABASE_URL`, ...) are honoured exactly and no `GROUP__KEY` syntax is needed.
"""

import ipaddress
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

_ENV = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")


class DatabaseSettings(BaseSettings):
    model_config = _ENV

    url: str | None = Field(default=None, validation_alias="DATABASE_URL")
    data_dir: Path = Field(default=Path(".data"), validation_alias="DUKAAN_DATA_DIR")
    pool_size: int = Field(default=20, ge=1, le=200, validation_alias="DB_POOL_SIZE")
    pool_overflow: int = Field(default=0, ge=0, le=200, validation_alias="DB_POOL_OVERFLOW")
    """Extra connections a worker may open past `pool_size`, each closed as it is given back.

    None by default: under steady load past the pool, every request beyond it opened a new
    server connection (a backend process with cold plan caches for the sale's functions;
    8-12 a second in the bench at 32 clients, and its slowest requests), which costs more
    than waiting for a pooled one. A request that waits `connect_timeout_s` is a 503."""
    statement_timeout_ms: int = Field(
        default=15_000, ge=100, validation_alias="DB_STATEMENT_TIMEOUT_MS"
    )
    connect_timeout_s: float = Field(default=5.0, gt=0, validation_alias="DB_CONNECT_TIMEOUT_S")


class AuthSettings(BaseSettings):
    """Tokens, sessions, password hashing and the limits on logins and registrations."""

    model_config = _ENV

    secret_key: str | None = Field(default=None, validation_alias="DUKAAN_SECRET_KEY")
    token_minutes: int = Field(
        default=30,
        ge=1,
        validation_alias="ACCESS_TOKEN_MINUTES",
        description="Life of an access token; the app renews it with its refresh token",
    )
    refresh_token_days: int = Field(
        default=30,
        ge=1,
        le=3650,
        validation_alias="REFRESH_TOKEN_DAYS",
        description="A session unused (never refreshed) this long ends; each refresh renews it",
    )
    login_max_failures: int = Field(
        default=5,
        ge=1,
        validation_alias="LOGIN_MAX_FAILURES",
        description="Login attempts per phone and client address within the window",
    )
    login_max_failures_per_address: int = Field(
        default=20,
        ge=1,
        validation_alias="LOGIN_MAX_FAILURES_PER_ADDRESS",
        description="Failed login attempts per client address (any phone) within the window",
    )
    login_window_s: int = Field(default=900, ge=1, validation_alias="LOGIN_WINDOW_SECONDS")
    register_max_per_hour: int = Field(
        default=20,
        ge=0,
        validation_alias="REGISTER_MAX_PER_HOUR",
        description="Shop registrations per client address and hour; 0 is off",
    )
    password_hash_threads: int = Field(
        default=2,
        ge=1,
        le=64,
        validation_alias="PASSWORD_HASH_THREADS",
        description="Password hashes (argon2) computed at once per worker, off the event loop",
    )


class ServerSettings(BaseSettings):
    model_config = _ENV

    env: Literal["development", "production", "test"] = Field(
        default="development", validation_alias="DUKAAN_ENV"
    )
    host: str = Field(default="127.0.0.1", validation_alias="HOST")
    port: int = Field(default=8000, ge=1, le=65535, validation_alias="PORT")
    workers: int = Field(default=1, ge=1, le=64, validation_alias="WORKERS")
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, validation_alias="CORS_ORIGINS"
    )
    log_level: str = Field(default="INFO", validation_alias="LOG_LEVEL")
    max_json_bytes: int = Field(default=1_048_576, ge=1024, validation_alias="MAX_JSON_BYTES")
    write_rate_limit: int = Field(
        default=6000,
        ge=0,
        validation_alias="WRITE_RATE_LIMIT",
        description="Writes per minute per bearer token and worker process; 0 is off",
    )
    docs_enabled: bool | None = Field(
        default=None,
        validation_alias="DOCS_ENABLED",
        description="Serve /docs, /redoc and /openapi.json; default: on except in production",
    )
    forwarded_allow_ips: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        validation_alias="FORWARDED_ALLOW_IPS",
        description="Proxies (IPs or CIDR networks, comma-separated; '*' any) whose "
        "X-Forwarded-For/-Proto are believed; empty: none, the peer is the client",
    )
    header_timeout_s: float = Field(
        default=10.0,
        gt=0,
        le=300,
        validation_alias="HEADER_TIMEOUT_SECONDS",
        description="A connection that has not sent a whole request head this long is closed",
    )

    @property
    def serve_docs(self) -> bool:
        return self.docs_enabled if self.docs_enabled is not None else self.env != "production"

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        """Accept `CORS_ORIGINS=https://a.example,https://b.example` as well as a JSON list."""
        if isinstance(value, str) and not value.lstrip().startswith("["):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @field_validator("forwarded_allow_ips", mode="before")
    @classmethod
    def _split_proxies(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @field_validator("forwarded_allow_ips")
    @classmethod
    def _ip_or_network(cls, value: list[str]) -> list[str]:
        """Uvicorn compares peers to these as addresses; a host name would never match."""
        for item in value:
            if item == "*":
                continue
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError as exc:
                raise ValueError(f"'{item}' is not an IP address or network (CIDR)") from exc
        return value

    @field_validator("cors_origins")
    @classmethod
    def _no_wildcard(cls, value: list[str]) -> list[str]:
        if "*" in value:
            raise ValueError("CORS_ORIGINS must list origins; '*' is not allowed with credentials")
        return value


class ShopDefaults(BaseSettings):
    model_config = _ENV

    region: str = Field(default="IN", min_length=2, max_length=2, validation_alias="DEFAULT_REGION")
    timezone: str = Field(default="Asia/Kolkata", validation_alias="DEFAULT_TIMEZONE")


class ExtractionSettings(BaseSettings):
    """AI bill reading: which engine reads a bill photo, how long it may take, how we match.

    Gemini is used only when `GEMINI_API_KEY` is set; `GEMINI_BASE_URL` exists so tests point the
    real SDK at a loopback fake. `GEMINI_TIMEOUT_SECONDS` bounds the whole call, retries included,
    so a hung provider costs the caller at most that long before the fallback (or a 503).
    """

    model_config = _ENV

    gemini_api_key: SecretStr | None = Field(default=None, validation_alias="GEMINI_API_KEY")
    gemini_model: str = Field(
        default="gemini-3.8-flash", min_length=1, validation_alias="GEMINI_MODEL"
    )
    gemini_base_url: str | None = Field(default=None, validation_alias="GEMINI_BASE_URL")
    gemini_timeout_s: float = Field(
        default=20.0, gt=0, le=300, validation_alias="GEMINI_TIMEOUT_SECONDS"
    )
    gemini_max_retries: int = Field(default=2, ge=0, le=5, validation_alias="GEMINI_MAX_RETRIES")
    fallback: Literal["ocr", "none"] = Field(default="ocr", validation_alias="EXTRACTION_FALLBACK")
    match_threshold: int = Field(default=85, ge=1, le=100, validation_alias="MATCH_THRESHOLD")
    max_upload_bytes: int = Field(
        default=10 * 1024 * 1024, ge=1024, validation_alias="EXTRACTION_MAX_UPLOAD_BYTES"
    )
    ocr_concurrency: int = Field(
        default=1, ge=1, le=16, validation_alias="EXTRACTION_OCR_CONCURRENCY"
    )
    ocr_processes: int = Field(
        default=1,
        ge=1,
        le=16,
        validation_alias="OCR_PROCESSES",
        description="OCR child processes per API worker; the models live there, not in the API",
    )
    daily_cap: int = Field(
        default=200,
        ge=0,
        validation_alias="EXTRACTION_DAILY_CAP",
        description="Bill readings per shop and shop-local day (each may call Gemini); 0 is off",
    )
    ask_daily_cap: int = Field(
        default=500,
        ge=0,
        validation_alias="ASK_DAILY_CAP",
        description="Questions (`POST /api/ask`) per shop and shop-local day; 0 is off",
    )
    ask_timeout_s: float = Field(
        default=8.0,
        gt=0,
        le=60,
        validation_alias="ASK_GEMINI_TIMEOUT_SECONDS",
        description="How long a question waits for Gemini before the offline parser answers",
    )

    @property
    def gemini_enabled(self) -> bool:
        return self.gemini_api_key is not None and bool(self.gemini_api_key.get_secret_value())


class MessagingSettings(BaseSettings):
    """Twilio, the outbox dispatcher and its housekeeping.

    Without `TWILIO_ACCOUNT_SID` and `TWILIO_AUTH_TOKEN` messages go to the console channel
    (logged, not sent), so `make run` works offline. A send holds a lease of
    `DISPATCH_LEASE_SECONDS` on its row; it must outlast the Twilio timeout, or a slow send
    could be claimed again by another dispatcher and sent twice.
    """

    model_config = _ENV

    twilio_account_sid: str | None = Field(default=None, validation_alias="TWILIO_ACCOUNT_SID")
    twilio_auth_token: SecretStr | None = Field(default=None, validation_alias="TWILIO_AUTH_TOKEN")
    twilio_from_number: str | None = Field(default=None, validation_alias="TWILIO_FROM_NUMBER")
    twilio_messaging_service_sid: str | None = Field(
        default=None, validation_alias="TWILIO_MESSAGING_SERVICE_SID"
    )
    twilio_whatsapp_from: str | None = Field(default=None, validation_alias="TWILIO_WHATSAPP_FROM")
    twilio_base_url: str = Field(
        default="https://api.twilio.com", validation_alias="TWILIO_BASE_URL"
    )
    twilio_timeout_s: float = Field(
        default=10.0, gt=0, le=120, validation_alias="TWILIO_TIMEOUT_SECONDS"
    )
    public_base_url: str | None = Field(default=None, validation_alias="PUBLIC_BASE_URL")
    dispatcher: Literal["inline", "off"] = Field(default="inline", validation_alias="DISPATCHER")
    dispatch_batch: int = Field(default=50, ge=1, le=1000, validation_alias="DISPATCH_BATCH")
    dispatch_concurrency: int = Field(
        default=10, ge=1, le=200, validation_alias="DISPATCH_CONCURRENCY"
    )
    dispatch_poll_s: float = Field(
        default=1.0, gt=0, le=300, validation_alias="DISPATCH_POLL_SECONDS"
    )
    dispatch_lease_s: float = Field(
        default=60.0, gt=0, le=3600, validation_alias="DISPATCH_LEASE_SECONDS"
    )
    notify_max_attempts: int = Field(default=8, ge=1, le=50, validation_alias="NOTIFY_MAX_ATTEMPTS")
    notify_backoff_base_s: float = Field(
        default=30.0, gt=0, validation_alias="NOTIFY_BACKOFF_BASE_SECONDS"
    )
    notify_backoff_max_s: float = Field(
        default=3600.0, gt=0, validation_alias="NOTIFY_BACKOFF_MAX_SECONDS"
    )
    reminder_scan_s: float = Field(default=300.0, gt=0, validation_alias="REMINDER_SCAN_SECONDS")

    @field_validator(
        "twilio_account_sid",
        "twilio_auth_token",
        "twilio_from_number",
        "twilio_messaging_service_sid",
        "twilio_whatsapp_from",
        "public_base_url",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        """`TWILIO_ACCOUNT_SID=` in a copied `.env.example` means "not configured"."""
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("twilio_base_url", "public_base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value.rstrip("/") if value is not None else None

    @model_validator(mode="after")
    def _consistent(self) -> "MessagingSettings":
        if self.dispatch_lease_s <= self.twilio_timeout_s:
            raise ValueError(
                "DISPATCH_LEASE_SECONDS must be longer than TWILIO_TIMEOUT_SECONDS, or a slow "
                "send could be claimed again and sent twice"
            )
        if self.notify_backoff_max_s < self.notify_backoff_base_s:
            raise ValueError("NOTIFY_BACKOFF_MAX_SECONDS must be >= NOTIFY_BACKOFF_BASE_SECONDS")
        if self.twilio_configured and not (
            self.twilio_from_number
            or self.twilio_messaging_service_sid
            or self.twilio_whatsapp_from
        ):
            raise ValueError(
                "With Twilio credentials set, TWILIO_FROM_NUMBER, TWILIO_MESSAGING_SERVICE_SID "
                "or TWILIO_WHATSAPP_FROM is needed to send from"
            )
        return self

    @property
    def twilio_configured(self) -> bool:
        return bool(self.twilio_account_sid and self.twilio_auth_token)


class JobSettings(BaseSettings):
    """Import and export jobs (issue 18): upload limit, how workers poll, lease and retry.

    A worker holds a job for `JOB_LEASE_SECONDS` and renews it about every second while it
    runs; a job whose worker died is claimed again once its lease runs out, at most
    `JOB_MAX_ATTEMPTS` times in all.
    """

    model_config = _ENV

    import_max_bytes: int = Field(
        default=20 * 1024 * 1024,
        ge=1024,
        validation_alias="IMPORT_MAX_BYTES",
        description="Largest CSV/XLSX file `POST /api/imports` takes",
    )
    poll_s: float = Field(default=1.0, gt=0, le=300, validation_alias="JOB_POLL_SECONDS")
    lease_s: float = Field(default=60.0, ge=1, le=3600, validation_alias="JOB_LEASE_SECONDS")
    max_attempts: int = Field(default=3, ge=1, le=20, validation_alias="JOB_MAX_ATTEMPTS")
    export_keep_days: int = Field(
        default=7,
        ge=1,
        le=365,
        validation_alias="EXPORT_KEEP_DAYS",
        description="Finished exports (and their zips) are deleted this many days after",
    )


class Settings(BaseSettings):
    model_config = _ENV

    db: DatabaseSettings = Field(default_factory=DatabaseSettings)
    auth: AuthSettings = Field(default_factory=AuthSettings)
    server: ServerSettings = Field(default_factory=ServerSettings)
    shop: ShopDefaults = Field(default_factory=ShopDefaults)
    messaging: MessagingSettings = Field(default_factory=MessagingSettings)
    extraction: ExtractionSettings = Field(default_factory=ExtractionSettings)
    jobs: JobSettings = Field(default_factory=JobSettings)


@lru_cache
def get_settings() -> Settings:
    return Settings()
