"""Fixtures of the assignment tests: an author's published course with an assignment
lesson, an enrolled student, a throwaway storage."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.models import (
    Assignment,
    Course,
    CourseSection,
    Enrollment,
    Lesson,
    LessonType,
    User,
)
from tests.factories import create_enrollment, create_lesson, create_section, create_user
from tests.factories.assignments import create_assignment
from tests.factories.curriculum import create_author
from tests.factories.learning import create_published_course

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 32


@pytest.fixture(autouse=True)
def _files(files: Path) -> Path:
    """Every test here stores files in a folder of its own (tests/conftest.py)."""
    return files


@pytest.fixture
async def author(db: AsyncSession) -> User:
    return await create_author(db)


@pytest.fixture
async def course(db: AsyncSession, author: User) -> Course:
    return await create_published_course(db, author)


@pytest.fixture
async def section(db: AsyncSession, course: Course) -> CourseSection:
    return await create_section(db, course)


@pytest.fixture
async def lesson(db: AsyncSession, section: CourseSection) -> Lesson:
    return await create_lesson(db, section, type=LessonType.ASSIGNMENT, title="Homework")


@pytest.fixture
async def student(db: AsyncSession) -> User:
    return await create_user(db, name="Stu Dent")


@pytest.fixture
async def enrollment(db: AsyncSession, student: User, course: Course) -> Enrollment:
    return await create_enrollment(db, student, course)


@pytest.fixture
async def assignment(db: AsyncSession, course: Course) -> Assignment:
    return await create_assignment(db, course)


def studio(course: Course) -> str:
    return f"/api/v1/studio/courses/{course.uuid}"


def learn(course: Course, assignment: Assignment) -> str:
    return f"/api/v1/learn/{course.uuid}/assignments/{assignment.uuid}"


async def fresh(db: AsyncSession, model: type[Any], row_id: int) -> Any:
    return await db.scalar(
        select(model).where(model.id == row_id).execution_options(populate_existing=True)
    )
