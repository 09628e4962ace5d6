"""Database URLs: plain spellings map to the async drivers; anything else is a clear error."""

from __future__ import annotations

import pytest

from lectern.db import async_url
from lectern.errors import ConfigurationError


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("sqlite:///lectern.db", "sqlite+aiosqlite:///lectern.db"),
        (
            "sqlite:////var/lib/lectern/lectern.db",
            "sqlite+aiosqlite:////var/lib/lectern/lectern.db",
        ),
        ("sqlite+aiosqlite:///x.db", "sqlite+aiosqlite:///x.db"),
        ("postgresql://app@db.internal/lectern", "postgresql+asyncpg://app@db.internal/lectern"),
        ("postgres://app:pw@db:5433/lectern", "postgresql+asyncpg://app:pw@db:5433/lectern"),
        ("postgresql+psycopg://app@db/lectern", "postgresql+asyncpg://app@db/lectern"),
        ("postgresql+asyncpg://app@db/lectern", "postgresql+asyncpg://app@db/lectern"),
    ],
)
def test_plain_urls_map_to_async_drivers(given: str, expected: str) -> None:
    assert async_url(given).render_as_string(hide_password=False) == expected


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("", "invalid database URL"),
        ("lectern.db", "invalid database URL"),
        ("mysql://root@localhost/lectern", "unsupported database 'mysql'"),
        ("postgresql://app@db", "names no database"),
        ("sqlite://", "names no file"),
    ],
)
def test_bad_urls_are_configuration_errors(given: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        async_url(given)


def test_errors_hide_the_password() -> None:
    with pytest.raises(ConfigurationError) as caught:
        async_url("oracle://scott:tiger-secret@db/orcl")
    assert "tiger-secret" not in caught.value.detail


async def test_the_postgresql_pool_follows_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    from lectern import config
    from lectern.db import create_engine

    monkeypatch.setenv("LECTERN_DATABASE_POOL_SIZE", "3")
    monkeypatch.setenv("LECTERN_DATABASE_MAX_OVERFLOW", "4")
    config.database_settings.cache_clear()
    try:
        engine = create_engine("postgresql://app@db.invalid/lectern")  # never connects
        pool = engine.sync_engine.pool
        assert (pool.size(), pool._max_overflow, pool._pre_ping) == (3, 4, False)  # type: ignore[attr-defined]
        await engine.dispose()
    finally:
        config.database_settings.cache_clear()
