"""Parallel starts, each request committing on its own connection."""

from __future__ import annotations

import asyncio
import uuid

from sqlalchemy import select

from lectern.kit.types import utcnow
from lectern.models import (
    Course,
    CourseStatus,
    Enrollment,
    Quiz,
    QuizAttempt,
    QuizAttemptStatus,
    QuizOption,
    QuizQuestion,
    QuizQuestionType,
    User,
    UserRole,
)
from tests.conftest import Live, bearer
from tests.factories import PASSWORD_HASH


async def test_parallel_starts_respect_max_attempts(live: Live) -> None:
    n = uuid.uuid4().hex[:8]
    author = User(
        name="A", username=f"a{n}", email=f"a{n}@x.test", password_hash=PASSWORD_HASH,
        role=UserRole.INSTRUCTOR,
    )  # fmt: skip
    student = User(name="S", username=f"s{n}", email=f"s{n}@x.test", password_hash=PASSWORD_HASH)
    await live.add(author, student)
    course = Course(
        instructor_id=author.id, title="Race", slug=f"race-{n}", status=CourseStatus.PUBLISHED,
        is_published=True, is_approved=True,
    )  # fmt: skip
    await live.add(course)
    await live.add(Enrollment(user_id=student.id, course_id=course.id, price_paid=0))
    quiz = Quiz(
        course_id=course.id, title="Q", is_published=True, max_attempts=3, total_questions=1
    )
    await live.add(quiz)
    question = QuizQuestion(quiz_id=quiz.id, type=QuizQuestionType.TRUE_FALSE, question="?")
    await live.add(question)
    await live.add(
        QuizOption(question_id=question.id, option_text="True", is_correct=True, order=0),
        QuizOption(question_id=question.id, option_text="False", order=1),
    )
    # Two attempts already done.
    now = utcnow()
    await live.add(
        *(
            QuizAttempt(
                user_id=student.id,
                quiz_id=quiz.id,
                attempt_number=i,
                started_at=now,
                submitted_at=now,
                status=QuizAttemptStatus.GRADED,
            )
            for i in (1, 2)
        )
    )
    url = f"/api/v1/learn/{course.uuid}/quizzes/{quiz.uuid}/attempts"
    headers = bearer(student)
    responses = await asyncio.gather(*(live.client.post(url, headers=headers) for _ in range(5)))
    statuses = sorted(r.status_code for r in responses)
    assert statuses.count(201) == 1, [r.text for r in responses]
    # The others got the attempt just started (one open at a time) or a conflict.
    created = next(r.json()["uuid"] for r in responses if r.status_code == 201)
    for r in responses:
        assert r.status_code in (200, 201, 409), r.text
        if r.status_code == 200:
            assert r.json()["uuid"] == created
    async with live.sessions() as session:
        numbers = sorted(
            await session.scalars(
                select(QuizAttempt.attempt_number).where(QuizAttempt.quiz_id == quiz.id)
            )
        )
    assert numbers == [1, 2, 3]
    # Submitted, the third is the last: five more parallel starts are all 409.
    submit = await live.client.post(f"/api/v1/quiz-attempts/{created}/submit", headers=headers)
    assert submit.status_code == 200, submit.text
    more = await asyncio.gather(*(live.client.post(url, headers=headers) for _ in range(5)))
    assert [r.status_code for r in more] == [409] * 5
    assert all(r.json()["type"].endswith("max_attempts_reached") for r in more)
    async with live.sessions() as session:
        count = len(
            (
                await session.scalars(select(QuizAttempt.id).where(QuizAttempt.quiz_id == quiz.id))
            ).all()
        )
    assert count == 3
