"""Fixtures of the learner tools' tests: a public course with a video lesson, its students."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.models import Course, Enrollment, Lesson, User
from tests.factories import create_enrollment, create_user
from tests.factories.courses import create_instructor
from tests.factories.learner_tools import create_course_lesson, create_public_course

ME = "/api/v1/me"


@pytest.fixture
async def owner(db: AsyncSession) -> User:
    return await create_instructor(db, name="Olive Owner")


@pytest.fixture
async def course(db: AsyncSession, owner: User) -> Course:
    return await create_public_course(db, owner, title="Python 101", slug="python-101")


@pytest.fixture
async def lesson(db: AsyncSession, course: Course) -> Lesson:
    return await create_course_lesson(db, course, title="Intro", duration_seconds=600)


@pytest.fixture
async def student(db: AsyncSession) -> User:
    return await create_user(db, name="Stu Dent")


@pytest.fixture
async def stranger(db: AsyncSession) -> User:
    return await create_user(db, name="Sam Stranger")


@pytest.fixture
async def enrollment(db: AsyncSession, student: User, course: Course) -> Enrollment:
    return await create_enrollment(db, student, course)
