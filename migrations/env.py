"""Alembic environment: runs the migrations on Lectern's async engine."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from lectern import migrate
from lectern.db import create_engine
from lectern.models import Base

config = context.config
target_metadata = Base.metadata


def run_on(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        transaction_per_migration=True,
        # Tools that write a revision for a subset of tables pass a filter here.
        include_object=config.attributes.get("include_object"),
        **migrate.context_options(connection.dialect.name),
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_online() -> None:
    # Batch mode rebuilds SQLite tables; enforcing foreign keys meanwhile would make the
    # drop of the old copy cascade into child rows, so migrations run without it.
    engine = create_engine(migrate.url_of(config), sqlite_foreign_keys=False)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(run_on)
            await connection.commit()
    finally:
        await engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Lectern runs migrations online only: `lectern db migrate`.")

# A caller (tests, tools) may hand over an open connection to run on.
given = config.attributes.get("connection")
if given is not None:
    run_on(given)
else:
    asyncio.run(run_online())
