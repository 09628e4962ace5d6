"""Two instructors grading two essays of one attempt at once, each request committing on
its own connection: the totals count both grades."""

from __future__ import annotations

import asyncio
import uuid
from decimal import Decimal

from sqlalchemy import select

from lectern.kit.types import utcnow
from lectern.models import (
    Course,
    CourseInstructor,
    InstructorProfile,
    InstructorProfileStatus,
    QuizAnswer,
    QuizAttempt,
    QuizAttemptStatus,
    QuizQuestion,
    QuizQuestionType,
    User,
    UserRole,
)
from lectern.models.quizzes import Quiz
from tests.conftest import Live, bearer
from tests.factories import PASSWORD_HASH


def _user(tag: str, role: UserRole = UserRole.STUDENT) -> User:
    return User(
        name=tag, username=tag, email=f"{tag}@x.test", password_hash=PASSWORD_HASH, role=role
    )


async def test_parallel_grades_of_one_attempt_both_count(live: Live) -> None:
    n = uuid.uuid4().hex[:8]
    author = _user(f"a{n}", UserRole.INSTRUCTOR)
    co = _user(f"c{n}", UserRole.INSTRUCTOR)
    student = _user(f"s{n}")
    await live.add(author, co, student)
    await live.add(
        *(
            InstructorProfile(
                user_id=u.id,
                status=InstructorProfileStatus.APPROVED,
                headline="T",
                bio="T",
                expertise=["T"],
            )
            for u in (author, co)
        )
    )
    course = Course(instructor_id=author.id, title="Race", slug=f"race-{n}")
    await live.add(course)
    await live.add(CourseInstructor(course_id=course.id, instructor_id=co.id))
    quiz = Quiz(course_id=course.id, title="Q", total_points=Decimal(4), total_questions=2)
    await live.add(quiz)
    essays = [
        QuizQuestion(
            quiz_id=quiz.id, type=QuizQuestionType.ESSAY, question=f"E{i}", points=2, order=i
        )
        for i in range(2)
    ]
    await live.add(*essays)
    now = utcnow()
    attempt = QuizAttempt(
        user_id=student.id,
        quiz_id=quiz.id,
        started_at=now,
        submitted_at=now,
        status=QuizAttemptStatus.SUBMITTED,
        score_total=Decimal(4),
    )
    await live.add(attempt)
    answers = [
        QuizAnswer(attempt_id=attempt.id, question_id=q.id, text_answer="Words and words.")
        for q in essays
    ]
    await live.add(*answers)

    base = f"/api/v1/studio/courses/{course.uuid}/quiz-attempts/{attempt.uuid}/answers"
    responses = await asyncio.gather(
        live.client.post(
            f"{base}/{answers[0].id}/grade", json={"points": "1.5"}, headers=bearer(author)
        ),
        live.client.post(f"{base}/{answers[1].id}/grade", json={"points": 2}, headers=bearer(co)),
    )
    assert [r.status_code for r in responses] == [200, 200], [r.text for r in responses]
    async with live.sessions() as session:
        stored = await session.scalar(select(QuizAttempt).where(QuizAttempt.id == attempt.id))
        assert stored is not None
        assert stored.status == QuizAttemptStatus.GRADED
        assert stored.score_earned == Decimal("3.5")
        assert stored.percentage == Decimal("87.5")
        assert stored.is_passed
        assert stored.graded_by in (author.id, co.id)
