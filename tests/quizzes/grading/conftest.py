"""A course with a quiz of a choice question and an essay, its author and a student."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.models import Course, Enrollment, User
from lectern.models.quizzes import Quiz, QuizQuestion
from tests.factories import create_course, create_enrollment, create_user
from tests.factories.curriculum import create_author
from tests.factories.quizzes import create_question, create_quiz


@dataclass
class Setup:
    author: User
    course: Course
    quiz: Quiz
    choice: QuizQuestion  # 2 points
    essay: QuizQuestion  # 2 points
    student: User
    enrollment: Enrollment

    def url(self, rest: str = "") -> str:
        return f"/api/v1/studio/courses/{self.course.uuid}{rest}"


@pytest.fixture
async def setup(db: AsyncSession) -> Setup:
    author = await create_author(db)
    course = await create_course(db, author)
    quiz = await create_quiz(db, course, passing_score=Decimal(70), is_published=True)
    choice = await create_question(db, quiz, "single_choice", points=Decimal(2))
    essay = await create_question(db, quiz, "essay", points=Decimal(2), settings={})
    student = await create_user(db)
    enrollment = await create_enrollment(db, student, course)
    await db.commit()
    return Setup(author, course, quiz, choice, essay, student, enrollment)
