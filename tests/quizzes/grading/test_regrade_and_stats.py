"""Regrading past attempts after a key or points change, and a quiz's statistics."""

from __future__ import annotations

from decimal import Decimal

import httpx
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from lectern.kit.types import utcnow
from lectern.models.quizzes import (
    QuizAnswer,
    QuizAttempt,
    QuizAttemptStatus,
    QuizOption,
    QuizQuestion,
)
from lectern.quizzes import regrade
from lectern.quizzes import scoring as grading
from tests.conftest import bearer
from tests.factories import create_user
from tests.factories.quizzes import create_question
from tests.queries import count_queries
from tests.quizzes.grading.conftest import Setup
from tests.quizzes.grading.helpers import hand_in, pick

ESSAY = {"text_answer": "A long enough essay about my week."}


async def _grade_essay(db: AsyncSession, attempt: QuizAttempt, s: Setup, points: str) -> None:
    answer = await db.scalar(
        select(QuizAnswer).where(
            QuizAnswer.attempt_id == attempt.id, QuizAnswer.question_id == s.essay.id
        )
    )
    assert answer is not None
    grading.record_manual_grade(answer, s.essay, Decimal(points), "ok", utcnow())
    await db.flush()
    await grading.finish_attempt(db, attempt, attempt.submitted_at or attempt.started_at)
    await db.commit()


async def _fresh(db: AsyncSession, attempt: QuizAttempt) -> QuizAttempt:
    row = await db.scalar(
        select(QuizAttempt)
        .where(QuizAttempt.id == attempt.id)
        .execution_options(populate_existing=True)
    )
    assert row is not None
    return row


# -- regrade ----------------------------------------------------------------------------------


async def test_correcting_a_key_regrades_past_attempts(db: AsyncSession, setup: Setup) -> None:
    s = setup
    wrong_option = next(o for o in s.choice.options if not o.is_correct)
    right_option = next(o for o in s.choice.options if o.is_correct)
    # A picked what the key now says is wrong, B what it says is right.
    a = await hand_in(
        db, s.quiz, s.student, {s.choice: {"selected_options": [wrong_option.id]}, s.essay: ESSAY}
    )
    b = await hand_in(
        db, s.quiz, await create_user(db), {s.choice: pick(s.choice, correct=True), s.essay: ESSAY}
    )
    await _grade_essay(db, a, s, "2")  # 2 / 4 = 50 %: failed
    await _grade_essay(db, b, s, "1")  # 3 / 4 = 75 %: passed
    # An attempt still open is not regraded.
    open_attempt = await hand_in(db, s.quiz, s.student, {}, status=QuizAttemptStatus.IN_PROGRESS)
    db.add(
        QuizAnswer(
            attempt_id=open_attempt.id, question_id=s.choice.id, selected_options=[wrong_option.id]
        )
    )
    await db.commit()
    assert (await _fresh(db, a)).is_passed is False
    assert (await _fresh(db, b)).is_passed is True

    # The author finds the key wrong: the other option is the right one.
    await db.execute(
        update(QuizOption)
        .where(QuizOption.id.in_([wrong_option.id, right_option.id]))
        .values(is_correct=QuizOption.id == wrong_option.id)
    )
    await regrade.question_changed(db, s.choice.id)
    await db.commit()

    a2, b2 = await _fresh(db, a), await _fresh(db, b)
    assert (a2.score_earned, a2.percentage, a2.is_passed) == (Decimal(4), Decimal(100), True)
    assert a2.correct_questions == 2
    assert a2.wrong_questions == 0
    assert (b2.score_earned, b2.percentage, b2.is_passed) == (Decimal(1), Decimal(25), False)
    assert a2.status == b2.status == QuizAttemptStatus.GRADED
    untouched = await db.scalar(select(QuizAnswer).where(QuizAnswer.attempt_id == open_attempt.id))
    assert untouched is not None
    assert untouched.points_earned == 0
    assert (await _fresh(db, open_attempt)).status == QuizAttemptStatus.IN_PROGRESS


async def test_dropping_points_clamps_manual_grades_and_updates_totals(
    db: AsyncSession, setup: Setup
) -> None:
    s = setup
    graded = await hand_in(
        db, s.quiz, s.student, {s.choice: pick(s.choice, correct=True), s.essay: ESSAY}
    )
    await _grade_essay(db, graded, s, "2")
    waiting = await hand_in(db, s.quiz, await create_user(db), {s.essay: ESSAY})
    skipped = await hand_in(
        db, s.quiz, await create_user(db), {s.choice: pick(s.choice, correct=True)}
    )
    assert (await _fresh(db, skipped)).percentage == Decimal(50)

    await db.execute(
        update(QuizQuestion).where(QuizQuestion.id == s.essay.id).values(points=Decimal("0.5"))
    )
    await regrade.question_changed(db, s.essay.id)
    await db.commit()

    g = await _fresh(db, graded)
    assert (g.score_earned, g.score_total, g.percentage) == (
        Decimal("2.5"),
        Decimal("2.5"),
        Decimal(100),
    )
    essay_answer = await db.scalar(
        select(QuizAnswer).where(
            QuizAnswer.attempt_id == graded.id, QuizAnswer.question_id == s.essay.id
        )
    )
    assert essay_answer is not None
    assert essay_answer.points_earned == Decimal("0.5")
    # Ungraded stays ungraded; an attempt that skipped the essay gets the new total too.
    w = await _fresh(db, waiting)
    assert w.status == QuizAttemptStatus.SUBMITTED
    assert w.score_total == Decimal("2.5")
    k = await _fresh(db, skipped)
    assert (k.score_total, k.percentage) == (Decimal("2.5"), Decimal(80))


async def test_a_deleted_question_changes_nothing(db: AsyncSession, setup: Setup) -> None:
    s = setup
    attempt = await hand_in(db, s.quiz, s.student, {s.choice: pick(s.choice, correct=True)})
    before = await _fresh(db, attempt)
    await regrade.question_changed(db, 10**12)
    after = await _fresh(db, attempt)
    assert (after.score_earned, after.percentage) == (before.score_earned, before.percentage)


async def test_regrade_through_the_studio_route(
    client: httpx.AsyncClient, db: AsyncSession, setup: Setup
) -> None:
    s = setup
    attempt = await hand_in(db, s.quiz, s.student, {s.choice: pick(s.choice, correct=True)})
    assert (await _fresh(db, attempt)).score_earned == Decimal(2)
    response = await client.patch(
        s.url(f"/quizzes/{s.quiz.uuid}/questions/{s.choice.id}"),
        json={"points": "3"},
        headers=bearer(s.author),
    )
    assert response.status_code == 200, response.text
    fresh = await _fresh(db, attempt)
    assert (fresh.score_earned, fresh.score_total, fresh.percentage) == (
        Decimal(3),
        Decimal(5),
        Decimal(60),
    )


# -- statistics -------------------------------------------------------------------------------


async def test_statistics(
    client: httpx.AsyncClient, db: AsyncSession, engine: AsyncEngine, setup: Setup
) -> None:
    s = setup
    url = s.url(f"/quizzes/{s.quiz.uuid}/statistics")
    empty = await client.get(url, headers=bearer(s.author))
    assert empty.status_code == 200, empty.text
    body = empty.json()
    assert body["attempts"] == 0
    assert body["average_percentage"] is None
    assert body["pass_rate"] is None
    assert [q["responses"] for q in body["questions"]] == [0, 0]
    assert body["questions"][0]["share_correct"] is None

    other = await create_user(db)
    # 100 % passed, 50 % failed (the student's two attempts), 25 % failed, one waiting.
    one = await hand_in(
        db, s.quiz, s.student, {s.choice: pick(s.choice, correct=True), s.essay: ESSAY}
    )
    await _grade_essay(db, one, s, "2")
    two = await hand_in(
        db, s.quiz, s.student, {s.choice: pick(s.choice, correct=False), s.essay: ESSAY}
    )
    await _grade_essay(db, two, s, "2")
    three = await hand_in(db, s.quiz, other, {s.essay: ESSAY})
    await _grade_essay(db, three, s, "1")
    await hand_in(db, s.quiz, other, {s.choice: pick(s.choice, correct=True), s.essay: ESSAY})
    await hand_in(db, s.quiz, other, {}, status=QuizAttemptStatus.IN_PROGRESS)

    with count_queries(engine) as seen:
        response = await client.get(url, headers=bearer(s.author))
    assert response.status_code == 200
    queries = len(seen)
    body = response.json()
    assert body["quiz"]["uuid"] == str(s.quiz.uuid)
    assert body["attempts"] == 4
    assert body["students"] == 2
    assert body["awaiting_grading"] == 1
    assert body["graded"] == 3
    assert body["passed"] == 1
    assert body["average_percentage"] == "58.33"  # (100 + 50 + 25) / 3
    assert body["pass_rate"] == "33.33"
    assert body["highest_percentage"] == "100.00"
    assert body["lowest_percentage"] == "25.00"
    choice, essay = body["questions"]
    assert choice["id"] == s.choice.id
    assert (choice["responses"], choice["correct"], choice["share_correct"]) == (2, 1, "50.00")
    assert choice["average_points"] == "1.00"
    assert (essay["responses"], essay["correct"], essay["share_correct"]) == (3, 2, "66.67")
    assert essay["average_points"] == "1.67"

    # More data, the same statements.
    for _ in range(3):
        extra = await hand_in(
            db, s.quiz, await create_user(db), {s.choice: pick(s.choice, correct=True)}
        )
        assert extra.status == QuizAttemptStatus.GRADED
    with count_queries(engine) as seen:
        again = await client.get(url, headers=bearer(s.author))
    assert again.json()["attempts"] == 7
    assert len(seen) == queries


async def test_statistics_of_another_course_quiz_is_404(
    client: httpx.AsyncClient, db: AsyncSession, setup: Setup
) -> None:
    from tests.factories import create_course
    from tests.factories.quizzes import create_quiz

    quiz = await create_quiz(db, await create_course(db, setup.author))
    await db.commit()
    response = await client.get(
        setup.url(f"/quizzes/{quiz.uuid}/statistics"), headers=bearer(setup.author)
    )
    assert response.status_code == 404


async def test_queue_and_detail_run_a_fixed_number_of_queries(
    client: httpx.AsyncClient, db: AsyncSession, engine: AsyncEngine, setup: Setup
) -> None:
    s = setup
    short = await create_question(db, s.quiz, "short_answer")
    counts = []
    for n in (1, 4):
        for _ in range(n):
            attempt = await hand_in(
                db,
                s.quiz,
                await create_user(db),
                {
                    s.choice: pick(s.choice, correct=True),
                    s.essay: ESSAY,
                    short: {"text_answer": "x"},
                },
            )
        with count_queries(engine) as seen:
            queue = await client.get(s.url("/quiz-attempts"), headers=bearer(s.author))
            detail = await client.get(
                s.url(f"/quiz-attempts/{attempt.uuid}"), headers=bearer(s.author)
            )
        assert queue.status_code == detail.status_code == 200
        counts.append(len(seen))
    assert counts[0] == counts[1]


# -- regrade: the same rules as finish_attempt, a fixed number of statements -------------------

TOTALS = (
    "status",
    "is_passed",
    "score_earned",
    "score_total",
    "percentage",
    "answered_questions",
    "correct_questions",
    "wrong_questions",
    "skipped_questions",
)


def _totals(attempt: QuizAttempt) -> tuple[object, ...]:
    return tuple(getattr(attempt, name) for name in TOTALS)


async def test_regrade_agrees_with_finish_attempt_and_runs_fixed_statements(
    db: AsyncSession, engine: AsyncEngine, setup: Setup
) -> None:
    s = setup
    short = await create_question(db, s.quiz, "short_answer")
    multi = await create_question(db, s.quiz, "multiple_choice", settings={"partial_credit": True})
    blank = await create_question(db, s.quiz, "fill_blank", settings=None)
    matching = await create_question(db, s.quiz, "matching")
    first_right = next(o for o in multi.options if o.is_correct)
    wrong = next(o for o in multi.options if not o.is_correct)
    answers = [
        {short: {"text_answer": "paris "}, multi: {"selected_options": [first_right.id]}},
        {short: {"text_answer": "Lutetia"}, blank: {"matching_answer": {"1": "rose", "2": "x"}}},
        {
            multi: {"selected_options": [first_right.id, wrong.id]},
            matching: {"matching_answer": {str(o.id): o.match_with for o in matching.options[:2]}},
            s.essay: ESSAY,
        },
        {s.choice: pick(s.choice, correct=True)},
    ]
    attempts = [await hand_in(db, s.quiz, await create_user(db), a) for a in answers]

    async def run(question_id: int) -> int:
        with count_queries(engine) as seen:
            await regrade.question_changed(db, question_id)
        await db.commit()
        return len(seen)

    # The short answer now also accepts "Lutetia", and is worth 3.
    await db.execute(
        update(QuizQuestion)
        .where(QuizQuestion.id == short.id)
        .values(
            settings={"accepted_answers": ["Paris", "Lutetia"], "case_sensitive": False},
            points=Decimal(3),
        )
    )
    statements = await run(short.id)
    regraded = [_totals(await _fresh(db, a)) for a in attempts]
    assert regraded[1][TOTALS.index("score_earned")] == Decimal(3)  # the blanks: all or nothing
    # finish_attempt on the regraded attempts finds nothing to change.
    for attempt in attempts:
        fresh = await _fresh(db, attempt)
        await grading.finish_attempt(db, fresh, utcnow())
    await db.commit()
    assert [_totals(await _fresh(db, a)) for a in attempts] == regraded

    # Partial credit off for the multiple choice: as many statements with more attempts.
    for a in answers:
        await hand_in(db, s.quiz, await create_user(db), a)
    await db.execute(update(QuizQuestion).where(QuizQuestion.id == multi.id).values(settings={}))
    assert await run(multi.id) == statements
    first = await _fresh(db, attempts[0])
    assert first.score_earned == Decimal(3)  # the short answer only


async def test_a_regrade_that_passes_an_attempt_completes_the_lesson(
    db: AsyncSession, setup: Setup
) -> None:
    from lectern.models import LessonProgress
    from tests.factories import create_lesson, create_section

    s = setup
    section = await create_section(db, s.course)
    lesson = await create_lesson(db, section, is_published=True)
    s.quiz.lesson_id = lesson.id
    s.quiz.is_required = True
    await db.commit()
    wrong_option = next(o for o in s.choice.options if not o.is_correct)
    attempt = await hand_in(
        db,
        s.quiz,
        s.student,
        {s.choice: {"selected_options": [wrong_option.id]}, s.essay: ESSAY},
        enrollment=s.enrollment,
    )
    await _grade_essay(db, attempt, s, "2")
    assert (await _fresh(db, attempt)).is_passed is False
    await db.execute(
        update(QuizOption)
        .where(QuizOption.question_id == s.choice.id)
        .values(is_correct=QuizOption.id == wrong_option.id)
    )
    await regrade.question_changed(db, s.choice.id)
    await db.commit()
    assert (await _fresh(db, attempt)).is_passed is True
    progress = await db.scalar(
        select(LessonProgress).where(
            LessonProgress.lesson_id == lesson.id, LessonProgress.user_id == s.student.id
        )
    )
    assert progress is not None
    assert progress.is_completed
