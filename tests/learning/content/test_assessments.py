"""A learner reaches their assessments: the outline and a quiz or assignment lesson carry the
item's uuid and where I stand; the course's quizzes and assignments are listed for me."""

from __future__ import annotations

from decimal import Decimal

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.models import (
    AssignmentSubmissionStatus,
    Course,
    CourseSection,
    Enrollment,
    LessonType,
    QuizAttempt,
    QuizAttemptStatus,
    User,
)
from tests.conftest import bearer
from tests.factories import create_lesson, create_user
from tests.factories.assignments import create_assignment, create_submission
from tests.factories.quizzes import create_quiz
from tests.learning.content.conftest import learn


async def _attempt(
    db: AsyncSession, quiz_id: int, user: User, number: int, **values: object
) -> QuizAttempt:
    attempt = QuizAttempt(quiz_id=quiz_id, user_id=user.id, attempt_number=number, **values)
    db.add(attempt)
    await db.flush()
    return attempt


async def _world(db: AsyncSession, course: Course, section: CourseSection) -> dict[str, object]:
    quiz_lesson = await create_lesson(db, section, title="Check", type=LessonType.QUIZ)
    task_lesson = await create_lesson(db, section, title="Essay", type=LessonType.ASSIGNMENT)
    quiz = await create_quiz(
        db, course, lesson_id=quiz_lesson.id, is_published=True, max_attempts=3,
        passing_score=Decimal("60"),
    )  # fmt: skip
    hidden = await create_quiz(db, course, is_published=False)
    assignment = await create_assignment(
        db, course, lesson_id=task_lesson.id, max_submissions=2, total_points=Decimal("20")
    )
    return {
        "quiz_lesson": quiz_lesson,
        "task_lesson": task_lesson,
        "quiz": quiz,
        "hidden": hidden,
        "assignment": assignment,
    }


async def test_the_outline_and_the_lessons_lead_to_the_assessments_with_my_standing(
    client: httpx.AsyncClient,
    db: AsyncSession,
    course: Course,
    section: CourseSection,
    student: User,
    enrollment: Enrollment,
) -> None:
    world = await _world(db, course, section)
    quiz, assignment = world["quiz"], world["assignment"]
    other = await create_user(db)  # someone else's attempts count for nobody but them
    await _attempt(db, quiz.id, other, 1, status=QuizAttemptStatus.GRADED, percentage=100)
    await _attempt(
        db, quiz.id, student, 1, status=QuizAttemptStatus.GRADED, percentage=Decimal("40")
    )
    await _attempt(
        db, quiz.id, student, 2, status=QuizAttemptStatus.GRADED,
        percentage=Decimal("75.50"), is_passed=True,
    )  # fmt: skip
    open_attempt = await _attempt(db, quiz.id, student, 3)
    await create_submission(
        db, assignment, student, status=AssignmentSubmissionStatus.GRADED,
        points_earned=Decimal("15"),
    )  # fmt: skip
    await db.commit()

    outline = (await client.get(learn(course), headers=bearer(student))).json()
    lessons = {x["title"]: x for s in outline["sections"] for x in s["lessons"]}
    expected_quiz = {
        "uuid": str(quiz.uuid),
        "title": quiz.title,
        "lesson": str(world["quiz_lesson"].uuid),
        "is_required": False,
        "passing_score": "60.00",
        "max_attempts": 3,
        "attempts_used": 3,
        "attempts_left": 0,
        "best_percentage": "75.50",
        "passed": True,
        "in_progress": str(open_attempt.uuid),
    }
    expected_assignment = {
        "uuid": str(assignment.uuid),
        "title": assignment.title,
        "lesson": str(world["task_lesson"].uuid),
        "is_required": False,
        "due_date": None,
        "total_points": "20.00",
        "passing_points": "70.00",
        "max_submissions": 2,
        "submissions_used": 1,
        "status": "graded",
        "points_earned": "15.00",
    }
    assert lessons["Check"]["quiz"] == expected_quiz
    assert lessons["Check"]["assignment"] is None
    assert lessons["Essay"]["assignment"] == expected_assignment
    assert lessons["Essay"]["quiz"] is None

    quiz_page = await client.get(learn(course, world["quiz_lesson"]), headers=bearer(student))
    assert quiz_page.status_code == 200, quiz_page.text
    assert quiz_page.json()["quiz"] == expected_quiz
    task_page = await client.get(learn(course, world["task_lesson"]), headers=bearer(student))
    assert task_page.json()["assignment"] == expected_assignment

    # The course's lists: only what is published, a page at a time.
    quizzes = (await client.get(f"{learn(course)}/quizzes", headers=bearer(student))).json()
    assert quizzes["items"] == [expected_quiz]
    assert quizzes["meta"]["total"] == 1
    assignments = await client.get(f"{learn(course)}/assignments", headers=bearer(student))
    assert assignments.json()["items"] == [expected_assignment]


async def test_before_any_work_i_have_everything_left(
    client: httpx.AsyncClient,
    db: AsyncSession,
    course: Course,
    section: CourseSection,
    student: User,
    enrollment: Enrollment,
) -> None:
    await _world(db, course, section)
    await db.commit()
    [quiz] = (await client.get(f"{learn(course)}/quizzes", headers=bearer(student))).json()["items"]
    assert (quiz["attempts_used"], quiz["attempts_left"], quiz["best_percentage"]) == (0, 3, None)
    assert (quiz["passed"], quiz["in_progress"]) == (False, None)
    [task] = (await client.get(f"{learn(course)}/assignments", headers=bearer(student))).json()[
        "items"
    ]
    assert (task["submissions_used"], task["status"], task["points_earned"]) == (0, None, None)


async def test_the_lists_are_for_the_entitled(
    client: httpx.AsyncClient, db: AsyncSession, course: Course, section: CourseSection
) -> None:
    await _world(db, course, section)
    stranger = await create_user(db)
    await db.commit()
    for kind in ("quizzes", "assignments"):
        assert (await client.get(f"{learn(course)}/{kind}")).status_code == 401
        refused = await client.get(f"{learn(course)}/{kind}", headers=bearer(stranger))
        assert refused.status_code == 403
        assert refused.json()["type"].endswith("/not_enrolled")
