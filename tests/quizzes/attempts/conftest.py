"""Fixtures of the attempt tests: a live course, an enrolled student, a published quiz."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.models import Course, Enrollment, Quiz, User
from tests.factories import create_enrollment, create_user
from tests.factories.learning_content import create_live_course
from tests.factories.quizzes import create_quiz


def code(response: Any) -> str:
    return str(response.json()["type"]).rsplit("/", 1)[-1]


@dataclass
class World:
    course: Course
    author: User
    student: User
    enrollment: Enrollment
    quiz: Quiz

    @property
    def quiz_url(self) -> str:
        return quiz_url(self.course, self.quiz)


def quiz_url(course: Course, quiz: Quiz) -> str:
    return f"/api/v1/learn/{course.uuid}/quizzes/{quiz.uuid}"


def attempt_url(attempt_uuid: str, tail: str = "") -> str:
    return f"/api/v1/quiz-attempts/{attempt_uuid}{tail}"


@pytest.fixture
async def world(db: AsyncSession) -> World:
    course = await create_live_course(db)
    author = await db.get_one(User, course.instructor_id)
    student = await create_user(db)
    enrollment = await create_enrollment(db, student, course)
    quiz = await create_quiz(db, course, is_published=True)
    await db.commit()
    return World(course, author, student, enrollment, quiz)
