"""Typed settings, read from the environment and `.env`. Imports nothing from `app`.

Settings are grouped by concern; each group reads its own environment names, so the names
the seed used (`DATABASE_URL`, ...) are honoured exactly and no `GROUP__KEY` syntax is needed.
"""

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

_ENV = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")


class DatabaseSettings(BaseSettings):
    model_config = _ENV

    url: str | None = Field(default=None, validation_alias="DATABASE_URL")
    data_dir: Path = Field(default=Path(".data"), validation_alias="DUKAAN_DATA_DIR")
    pool_size: int = Field(default=10, ge=1, le=200, validation_alias="DB_POOL_SIZE")
    pool_overflow: int = Field(default=5, ge=0, le=200, validation_alias="DB_POOL_OVERFLOW")
    statement_timeout_ms: int = Field(
        default=15_000, ge=100, validation_alias="DB_STATEMENT_TIMEOUT_MS"
    )
    connect_timeout_s: float = Field(default=5.0, gt=0, validation_alias="DB_CONNECT_TIMEOUT_S")


class AuthSettings(BaseSettings):
    model_config = _ENV

    secret_key: str | None = Field(default=None, validation_alias="DUKAAN_SECRET_KEY")
    token_minutes: int = Field(default=720, ge=1, validation_alias="ACCESS_TOKEN_MINUTES")
    login_max_failures: int = Field(default=5, ge=1, validation_alias="LOGIN_MAX_FAILURES")
    login_window_s: int = Field(default=900, ge=1, validation_alias="LOGIN_WINDOW_SECONDS")


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

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        """Accept `CORS_ORIGINS=https://a.example,https://b.example` as well as a JSON list."""
        if isinstance(value, str) and not value.lstrip().startswith("["):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
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


class Settings(BaseSettings):
    model_config = _ENV

    db: DatabaseSettings = Field(default_factory=DatabaseSettings)
    auth: AuthSettings = Field(default_factory=AuthSettings)
    server: ServerSettings = Field(default_factory=ServerSettings)
    shop: ShopDefaults = Field(default_factory=ShopDefaults)


@lru_cache
def get_settings() -> Settings:
    return Settings()
