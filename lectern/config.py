"""Settings from the environment (prefix ``LECTERN_``), split per concern."""

from __future__ import annotations

from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict


class DatabaseSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LECTERN_", extra="ignore")

    # A plain URL is fine (sqlite:///path, postgresql://user@host/db); db.py maps it
    # to the async driver.
    database_url: str = "sqlite:///./lectern.db"
    database_echo: bool = False


@lru_cache
def database_settings() -> DatabaseSettings:
    return DatabaseSettings()
