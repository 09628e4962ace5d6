"""Fixtures of the instructors tests: people, a valid application, a query counter."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from lectern.models import ActivityLog, InstructorProfile, User
from tests.factories import create_user
from tests.factories.instructors import create_admin

BASE = "/api/v1/instructors"


def application(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "headline": "Compiler engineer",
        "bio": "Fifteen years of building compilers.",
        "short_bio": "I build compilers.",
        "expertise": ["Python", "Compilers"],
        "social_links": {
            "website": "https://ada.example.com",
            "github": "https://github.com/ada",
        },
        "certifications": [{"name": "PhD", "issuer": "University", "year": 2010}],
        "achievements": [{"title": "Wrote a book"}],
    }
    body.update(overrides)
    return body


@pytest.fixture
async def student(db: AsyncSession) -> User:
    return await create_user(db, name="Ada Lovelace")


@pytest.fixture
async def admin(db: AsyncSession) -> User:
    return await create_admin(db)


async def profile_of(db: AsyncSession, user: User) -> InstructorProfile | None:
    return await db.scalar(
        select(InstructorProfile)
        .where(InstructorProfile.user_id == user.id)
        .execution_options(populate_existing=True)
    )


async def admin_log(db: AsyncSession) -> list[ActivityLog]:
    return list(
        await db.scalars(
            select(ActivityLog)
            .where(ActivityLog.log_name == "admin")
            .order_by(ActivityLog.id)
            .execution_options(populate_existing=True)
        )
    )


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        # Savepoints are the test harness's doing, not the request's.
        return sum(1 for s in self.statements if "SAVEPOINT" not in s.upper())


@pytest.fixture
def queries(engine: AsyncEngine) -> Iterator[QueryCounter]:
    counter = QueryCounter()

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        counter.statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    yield counter
    event.remove(engine.sync_engine, "before_cursor_execute", record)
