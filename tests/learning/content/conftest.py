"""Fixtures of the learner content tests: a live course with a curriculum, a student
enrolled in it, a throwaway storage."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.models import Course, CourseSection, Enrollment, Lesson, User
from tests.factories import create_enrollment, create_lesson, create_section, create_user
from tests.factories.curriculum import create_author
from tests.factories.learning_content import create_live_course


def learn(course: Course | UUID, lesson: Lesson | UUID | None = None) -> str:
    course_uuid = course.uuid if isinstance(course, Course) else course
    url = f"/api/v1/learn/{course_uuid}"
    if lesson is not None:
        lesson_uuid = lesson.uuid if isinstance(lesson, Lesson) else lesson
        url += f"/lessons/{lesson_uuid}"
    return url


@pytest.fixture(autouse=True)
def _files(files: Path) -> Path:
    """Every test here stores files in a folder of its own (tests/conftest.py)."""
    return files


@pytest.fixture
async def author(db: AsyncSession) -> User:
    return await create_author(db)


@pytest.fixture
async def course(db: AsyncSession, author: User) -> Course:
    return await create_live_course(db, author)


@pytest.fixture
async def section(db: AsyncSession, course: Course) -> CourseSection:
    return await create_section(db, course, title="Basics", order=0)


@pytest.fixture
async def lesson(db: AsyncSession, section: CourseSection) -> Lesson:
    return await create_lesson(
        db, section, title="Intro", order=0, type="text", content="<p>Hello</p>"
    )


@pytest.fixture
async def student(db: AsyncSession) -> User:
    return await create_user(db)


@pytest.fixture
async def enrollment(db: AsyncSession, student: User, course: Course) -> Enrollment:
    return await create_enrollment(db, student, course)


async def fresh(db: AsyncSession, model: type[Any], row_id: int) -> Any:
    """The row as the database has it now."""
    return await db.scalar(
        select(model).where(model.id == row_id).execution_options(populate_existing=True)
    )
