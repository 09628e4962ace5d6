"""Parallel edits of one quiz: orders stay dense, totals right, one quiz per lesson."""

from __future__ import annotations

import asyncio
from decimal import Decimal

from sqlalchemy import select

from lectern.models import (
    Course,
    CourseSection,
    InstructorProfile,
    InstructorProfileStatus,
    Lesson,
    LessonType,
    User,
    UserRole,
)
from lectern.models.quizzes import Quiz, QuizQuestion
from tests.conftest import Live, bearer
from tests.quizzes.studio.conftest import quiz_url, quizzes_url


async def _author_course(live: Live) -> tuple[User, Course]:
    user = User(
        name="Racer",
        username="racer-author",
        email="racer-author@example.test",
        password_hash="x",
        role=UserRole.INSTRUCTOR,
    )
    await live.add(user)
    await live.add(
        InstructorProfile(
            user_id=user.id,
            status=InstructorProfileStatus.APPROVED,
            headline="h",
            bio="b",
            expertise=["x"],
        )
    )
    course = Course(instructor_id=user.id, title="Races", slug="quiz-races")
    await live.add(course)
    return user, course


async def test_parallel_question_creates(live: Live) -> None:
    author, course = await _author_course(live)
    quiz = Quiz(course_id=course.id, title="Q")
    await live.add(quiz)
    payload = {
        "type": "true_false",
        "question": "?",
        "points": "1.5",
        "options": [{"option_text": "True", "is_correct": True}, {"option_text": "False"}],
    }
    url = f"{quiz_url(course, quiz)}/questions"
    responses = await asyncio.gather(
        *(live.client.post(url, json=payload, headers=bearer(author)) for _ in range(5))
    )
    assert [r.status_code for r in responses] == [201] * 5
    async with live.sessions() as session:
        orders = list(
            await session.scalars(
                select(QuizQuestion.order)
                .where(QuizQuestion.quiz_id == quiz.id)
                .order_by(QuizQuestion.order)
            )
        )
        row = await session.scalar(select(Quiz).where(Quiz.id == quiz.id))
    assert orders == [0, 1, 2, 3, 4]
    assert row is not None
    assert (row.total_questions, row.total_points) == (5, Decimal("7.50"))


async def test_parallel_claims_of_one_lesson(live: Live) -> None:
    author, course = await _author_course(live)
    section = CourseSection(course_id=course.id, title="S")
    await live.add(section)
    lesson = Lesson(course_id=course.id, section_id=section.id, title="L", type=LessonType.QUIZ)
    await live.add(lesson)
    responses = await asyncio.gather(
        *(
            live.client.post(
                quizzes_url(course),
                json={"title": f"Q{i}", "lesson": str(lesson.uuid)},
                headers=bearer(author),
            )
            for i in range(4)
        )
    )
    assert sorted(r.status_code for r in responses) == [201, 409, 409, 409]
    async with live.sessions() as session:
        count = len(list(await session.scalars(select(Quiz.id).where(Quiz.lesson_id == lesson.id))))
    assert count == 1
