"""Fixtures of the curriculum tests: an author, their course, a throwaway storage."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.models import Course, CourseSection, Lesson, User
from tests.factories import create_course, create_section
from tests.factories.curriculum import create_author


def base(course: Course) -> str:
    return f"/api/v1/studio/courses/{course.uuid}"


@pytest.fixture(autouse=True)
def _files(files: Path) -> Path:
    """Every test here stores files in a folder of its own (tests/conftest.py)."""
    return files


@pytest.fixture
async def author(db: AsyncSession) -> User:
    return await create_author(db)


@pytest.fixture
async def course(db: AsyncSession, author: User) -> Course:
    return await create_course(db, author)


@pytest.fixture
async def section(db: AsyncSession, course: Course) -> CourseSection:
    return await create_section(db, course, title="Basics")


@pytest.fixture
async def other_course(db: AsyncSession) -> Course:
    """A course of another instructor."""
    return await create_course(db, await create_author(db))


async def fresh(db: AsyncSession, model: type[Any], row_id: int) -> Any:
    """The row as the database has it now."""
    return await db.scalar(
        select(model).where(model.id == row_id).execution_options(populate_existing=True)
    )


async def orders(db: AsyncSession, section: CourseSection) -> list[tuple[str, int]]:
    """(title, order) of the section's live lessons, in order."""
    rows = await db.execute(
        select(Lesson.title, Lesson.order)
        .where(Lesson.section_id == section.id, Lesson.deleted_at.is_(None))
        .order_by(Lesson.order)
    )
    return [(title, order) for title, order in rows]
