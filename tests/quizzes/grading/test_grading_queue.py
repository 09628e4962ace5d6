"""The grading queue, an attempt's detail with the keys, manual grading, feedback."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern import jobs
from lectern.kit.types import utcnow
from lectern.models import LessonProgress, NotificationPreference
from lectern.models.quizzes import QuizAnswer, QuizAttempt, QuizAttemptStatus
from tests.conftest import bearer
from tests.factories import create_course, create_lesson, create_section, create_user
from tests.factories.curriculum import add_co_instructor, create_author
from tests.factories.instructors import create_admin
from tests.factories.quizzes import create_question, create_quiz
from tests.quizzes.grading.conftest import Setup
from tests.quizzes.grading.helpers import hand_in, pick

ESSAY = {"text_answer": "My week was long and full of learning things."}


async def _essay_answer(db: AsyncSession, attempt: QuizAttempt, s: Setup) -> QuizAnswer:
    answer = await db.scalar(
        select(QuizAnswer).where(
            QuizAnswer.attempt_id == attempt.id, QuizAnswer.question_id == s.essay.id
        )
    )
    assert answer is not None
    return answer


async def _attempt(db: AsyncSession, attempt: QuizAttempt) -> QuizAttempt:
    fresh = await db.scalar(
        select(QuizAttempt)
        .where(QuizAttempt.id == attempt.id)
        .execution_options(populate_existing=True)
    )
    assert fresh is not None
    return fresh


# -- the queue --------------------------------------------------------------------------------


async def test_queue_lists_attempts_waiting_for_grading_oldest_first(
    client: httpx.AsyncClient, db: AsyncSession, setup: Setup
) -> None:
    s = setup
    now = utcnow()
    other = await create_user(db)
    newer = await hand_in(
        db,
        s.quiz,
        s.student,
        {s.choice: pick(s.choice, correct=True), s.essay: ESSAY},
        submitted_at=now - timedelta(hours=1),
    )
    older = await hand_in(
        db,
        s.quiz,
        other,
        {s.choice: pick(s.choice, correct=False), s.essay: ESSAY},
        submitted_at=now - timedelta(days=1),
    )
    # Graded at once (no essay text), in progress, and another course's: not in the queue.
    await hand_in(db, s.quiz, other, {s.choice: pick(s.choice, correct=True)})
    await hand_in(db, s.quiz, s.student, {}, status=QuizAttemptStatus.IN_PROGRESS)
    elsewhere = await create_course(db, s.author)
    foreign_quiz = await create_quiz(db, elsewhere)
    foreign_essay = await create_question(db, foreign_quiz, "essay", settings={})
    await hand_in(db, foreign_quiz, s.student, {foreign_essay: ESSAY})

    response = await client.get(s.url("/quiz-attempts"), headers=bearer(s.author))
    assert response.status_code == 200, response.text
    body = response.json()
    assert [item["uuid"] for item in body["items"]] == [str(older.uuid), str(newer.uuid)]
    assert body["meta"] == {"total": 2, "page": 1, "per_page": 20, "pages": 1}
    first = body["items"][0]
    assert first["status"] == "submitted"
    assert first["ungraded_answers"] == 1
    assert first["student"]["uuid"] == str(other.uuid)
    assert first["quiz"]["uuid"] == str(s.quiz.uuid)
    assert first["score_earned"] == "0.00"
    assert first["score_total"] == "4.00"
    assert body["items"][1]["score_earned"] == "2.00"

    page = await client.get(
        s.url("/quiz-attempts"), params={"per_page": 1, "page": 2}, headers=bearer(s.author)
    )
    assert [i["uuid"] for i in page.json()["items"]] == [str(newer.uuid)]
    assert page.json()["meta"]["pages"] == 2

    graded = await client.get(
        s.url("/quiz-attempts"), params={"status": "graded"}, headers=bearer(s.author)
    )
    assert graded.json()["meta"]["total"] == 1
    assert graded.json()["items"][0]["ungraded_answers"] == 0

    by_student = await client.get(
        s.url("/quiz-attempts"), params={"student": str(other.uuid)}, headers=bearer(s.author)
    )
    assert [i["uuid"] for i in by_student.json()["items"]] == [str(older.uuid)]


async def test_queue_filters_by_quiz(
    client: httpx.AsyncClient, db: AsyncSession, setup: Setup
) -> None:
    s = setup
    second = await create_quiz(db, s.course)
    essay = await create_question(db, second, "essay", settings={})
    await hand_in(db, s.quiz, s.student, {s.essay: ESSAY})
    mine = await hand_in(db, second, s.student, {essay: ESSAY})

    response = await client.get(
        s.url("/quiz-attempts"), params={"quiz": str(second.uuid)}, headers=bearer(s.author)
    )
    assert [i["uuid"] for i in response.json()["items"]] == [str(mine.uuid)]

    elsewhere = await create_quiz(db, await create_course(db, s.author))
    await db.commit()
    response = await client.get(
        s.url("/quiz-attempts"), params={"quiz": str(elsewhere.uuid)}, headers=bearer(s.author)
    )
    assert response.status_code == 404
    assert response.json()["type"].endswith("quiz_not_found")


async def test_queue_bad_filters_are_422(client: httpx.AsyncClient, setup: Setup) -> None:
    for params in ({"status": "lost"}, {"quiz": "nope"}, {"per_page": 101}, {"page": 0}):
        response = await client.get(
            setup.url("/quiz-attempts"), params=params, headers=bearer(setup.author)
        )
        assert response.status_code == 422, params


# -- who may ----------------------------------------------------------------------------------


async def test_other_instructors_get_404_students_403_anonymous_401(
    client: httpx.AsyncClient, db: AsyncSession, setup: Setup
) -> None:
    s = setup
    attempt = await hand_in(db, s.quiz, s.student, {s.essay: ESSAY})
    answer = await _essay_answer(db, attempt, s)
    stranger = await create_author(db)
    await db.commit()
    urls = [
        ("GET", s.url("/quiz-attempts"), None),
        ("GET", s.url(f"/quiz-attempts/{attempt.uuid}"), None),
        (
            "POST",
            s.url(f"/quiz-attempts/{attempt.uuid}/answers/{answer.id}/grade"),
            {"points": "1"},
        ),
        ("PUT", s.url(f"/quiz-attempts/{attempt.uuid}/feedback"), {"feedback": "x"}),
        ("GET", s.url(f"/quizzes/{s.quiz.uuid}/statistics"), None),
    ]
    for method, url, body in urls:
        as_stranger = await client.request(method, url, json=body, headers=bearer(stranger))
        assert as_stranger.status_code == 404, (url, as_stranger.text)
        as_student = await client.request(method, url, json=body, headers=bearer(s.student))
        assert as_student.status_code == 403, (url, as_student.text)
        anonymous = await client.request(method, url, json=body)
        assert anonymous.status_code == 401, url
    fresh = await _essay_answer(db, attempt, s)
    await db.refresh(fresh)
    assert fresh.feedback is None
    assert fresh.points_earned == 0


async def test_co_instructors_and_admins_may_grade(
    client: httpx.AsyncClient, db: AsyncSession, setup: Setup
) -> None:
    s = setup
    co = await create_author(db)
    await add_co_instructor(db, s.course, co)
    admin = await create_admin(db)
    attempt = await hand_in(db, s.quiz, s.student, {s.essay: ESSAY})
    answer = await _essay_answer(db, attempt, s)
    grade = s.url(f"/quiz-attempts/{attempt.uuid}/answers/{answer.id}/grade")
    for user, points in ((co, "0.5"), (admin, "1.5")):
        seen = await client.get(s.url(f"/quiz-attempts/{attempt.uuid}"), headers=bearer(user))
        assert seen.status_code == 200
        assert seen.json()["uuid"] == str(attempt.uuid)

        graded = await client.post(grade, json={"points": points}, headers=bearer(user))

        assert graded.status_code == 200, graded.text
        assert graded.json()["graded_by"]["uuid"] == str(user.uuid)
        stored = await _attempt(db, attempt)
        assert stored.graded_by == user.id
        assert stored.status == QuizAttemptStatus.GRADED
        await db.refresh(answer)
        assert answer.points_earned == Decimal(points)


async def test_an_attempt_of_another_course_is_404(
    client: httpx.AsyncClient, db: AsyncSession, setup: Setup
) -> None:
    s = setup
    elsewhere = await create_course(db, s.author)
    quiz = await create_quiz(db, elsewhere)
    essay = await create_question(db, quiz, "essay", settings={})
    attempt = await hand_in(db, quiz, s.student, {essay: ESSAY})
    response = await client.get(s.url(f"/quiz-attempts/{attempt.uuid}"), headers=bearer(s.author))
    assert response.status_code == 404
    assert response.json()["type"].endswith("attempt_not_found")


# -- the detail -------------------------------------------------------------------------------


async def test_detail_shows_every_answer_with_the_key(
    client: httpx.AsyncClient, db: AsyncSession, setup: Setup
) -> None:
    s = setup
    short = await create_question(db, s.quiz, "short_answer")  # left unanswered
    attempt = await hand_in(
        db, s.quiz, s.student, {s.choice: pick(s.choice, correct=True), s.essay: ESSAY}
    )
    response = await client.get(s.url(f"/quiz-attempts/{attempt.uuid}"), headers=bearer(s.author))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "submitted"
    assert body["ungraded_answers"] == 1
    assert body["graded_by"] is None
    assert body["graded_at"] is None
    assert body["student"]["email"] == s.student.email
    questions = body["questions"]
    assert [q["question"]["id"] for q in questions] == [s.choice.id, s.essay.id, short.id]
    choice, essay, unanswered = questions
    assert [o["is_correct"] for o in choice["question"]["options"]] == [False, True, False]
    assert choice["answer"]["is_correct"] is True
    assert choice["answer"]["points_earned"] == "2.00"
    assert choice["answer"]["needs_grading"] is False
    assert essay["answer"]["text_answer"] == ESSAY["text_answer"]
    assert essay["answer"]["needs_grading"] is True
    assert unanswered["answer"] is None
    assert unanswered["question"]["settings"]["accepted_answers"] == ["Paris"]


async def test_unknown_attempt_is_404(client: httpx.AsyncClient, setup: Setup) -> None:
    response = await client.get(
        setup.url("/quiz-attempts/6f1b2c3d-0000-4000-8000-000000000000"),
        headers=bearer(setup.author),
    )
    assert response.status_code == 404


# -- grading ----------------------------------------------------------------------------------


async def test_grading_the_essay_completes_the_attempt(
    client: httpx.AsyncClient, db: AsyncSession, setup: Setup
) -> None:
    s = setup
    attempt = await hand_in(
        db, s.quiz, s.student, {s.choice: pick(s.choice, correct=True), s.essay: ESSAY}
    )
    answer = await _essay_answer(db, attempt, s)
    response = await client.post(
        s.url(f"/quiz-attempts/{attempt.uuid}/answers/{answer.id}/grade"),
        json={"points": "1.5", "feedback": "  Good, but short.  "},
        headers=bearer(s.author),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "graded"
    assert body["score_earned"] == "3.50"
    assert body["percentage"] == "87.50"
    assert body["is_passed"] is True
    assert body["correct_questions"] == 1
    assert body["wrong_questions"] == 1
    assert body["ungraded_answers"] == 0
    assert body["graded_by"] == {"uuid": str(s.author.uuid), "name": s.author.name}
    assert body["graded_at"] is not None
    essay = body["questions"][1]["answer"]
    assert essay["points_earned"] == "1.50"
    assert essay["feedback"] == "Good, but short."
    assert essay["needs_grading"] is False

    stored = await _attempt(db, attempt)
    assert stored.status == QuizAttemptStatus.GRADED
    assert stored.is_passed
    assert stored.graded_by == s.author.id

    queue = await client.get(s.url("/quiz-attempts"), headers=bearer(s.author))
    assert queue.json()["meta"]["total"] == 0

    # Grading again replaces the grade: full marks; no feedback given is no feedback.
    again = await client.post(
        s.url(f"/quiz-attempts/{attempt.uuid}/answers/{answer.id}/grade"),
        json={"points": 2},
        headers=bearer(s.author),
    )
    assert again.status_code == 200
    assert again.json()["percentage"] == "100.00"
    assert again.json()["correct_questions"] == 2
    assert again.json()["questions"][1]["answer"]["feedback"] is None
    assert again.json()["ungraded_answers"] == 0


async def test_a_low_grade_fails_the_attempt(
    client: httpx.AsyncClient, db: AsyncSession, setup: Setup
) -> None:
    s = setup
    attempt = await hand_in(
        db, s.quiz, s.student, {s.choice: pick(s.choice, correct=True), s.essay: ESSAY}
    )
    answer = await _essay_answer(db, attempt, s)
    response = await client.post(
        s.url(f"/quiz-attempts/{attempt.uuid}/answers/{answer.id}/grade"),
        json={"points": "0.5"},
        headers=bearer(s.author),
    )
    assert response.json()["status"] == "graded"
    assert response.json()["percentage"] == "62.50"
    assert response.json()["is_passed"] is False


async def test_points_beyond_the_question_are_422_and_change_nothing(
    client: httpx.AsyncClient, db: AsyncSession, setup: Setup
) -> None:
    s = setup
    attempt = await hand_in(db, s.quiz, s.student, {s.essay: ESSAY})
    answer = await _essay_answer(db, attempt, s)
    url = s.url(f"/quiz-attempts/{attempt.uuid}/answers/{answer.id}/grade")
    response = await client.post(url, json={"points": "2.01"}, headers=bearer(s.author))
    assert response.status_code == 422
    body = response.json()
    assert body["type"].endswith("points_above_maximum")
    assert body["errors"][0]["loc"] == ["body", "points"]
    for bad in ({"points": -1}, {"points": "0.001"}, {}, {"points": 1, "extra": 1}):
        refused = await client.post(url, json=bad, headers=bearer(s.author))
        assert refused.status_code == 422, bad
    await db.refresh(answer)
    assert answer.feedback is None
    assert answer.points_earned == 0
    assert (await _attempt(db, attempt)).status == QuizAttemptStatus.SUBMITTED


async def test_refusals_of_grading(
    client: httpx.AsyncClient, db: AsyncSession, setup: Setup
) -> None:
    s = setup
    attempt = await hand_in(
        db,
        s.quiz,
        s.student,
        {s.choice: pick(s.choice, correct=True), s.essay: {"text_answer": " "}},
    )
    answers = {
        a.question_id: a
        for a in await db.scalars(select(QuizAnswer).where(QuizAnswer.attempt_id == attempt.id))
    }
    base = s.url(f"/quiz-attempts/{attempt.uuid}/answers")
    auto = await client.post(
        f"{base}/{answers[s.choice.id].id}/grade", json={"points": 1}, headers=bearer(s.author)
    )
    assert auto.status_code == 409
    assert auto.json()["type"].endswith("graded_automatically")
    empty = await client.post(
        f"{base}/{answers[s.essay.id].id}/grade", json={"points": 1}, headers=bearer(s.author)
    )
    assert empty.status_code == 409
    assert empty.json()["type"].endswith("empty_answer")

    in_progress = await hand_in(db, s.quiz, s.student, {}, status=QuizAttemptStatus.IN_PROGRESS)
    db.add(QuizAnswer(attempt_id=in_progress.id, question_id=s.essay.id, **ESSAY))
    await db.commit()
    open_answer = await db.scalar(select(QuizAnswer).where(QuizAnswer.attempt_id == in_progress.id))
    assert open_answer is not None
    early = await client.post(
        s.url(f"/quiz-attempts/{in_progress.uuid}/answers/{open_answer.id}/grade"),
        json={"points": 1},
        headers=bearer(s.author),
    )
    assert early.status_code == 409
    assert early.json()["type"].endswith("attempt_in_progress")

    # An answer of another attempt, under this attempt's uuid: 404.
    crossed = await client.post(
        f"{base}/{open_answer.id}/grade", json={"points": 1}, headers=bearer(s.author)
    )
    assert crossed.status_code == 404
    assert crossed.json()["type"].endswith("answer_not_found")


async def test_a_passed_required_quiz_completes_its_lesson_when_graded(
    client: httpx.AsyncClient, db: AsyncSession, setup: Setup
) -> None:
    s = setup
    section = await create_section(db, s.course)
    lesson = await create_lesson(db, section, is_published=True)
    s.quiz.lesson_id = lesson.id
    s.quiz.is_required = True
    await db.commit()
    attempt = await hand_in(
        db,
        s.quiz,
        s.student,
        {s.choice: pick(s.choice, correct=True), s.essay: ESSAY},
        enrollment=s.enrollment,
    )
    answer = await _essay_answer(db, attempt, s)
    response = await client.post(
        s.url(f"/quiz-attempts/{attempt.uuid}/answers/{answer.id}/grade"),
        json={"points": 2},
        headers=bearer(s.author),
    )
    assert response.json()["is_passed"] is True
    progress = await db.scalar(
        select(LessonProgress).where(
            LessonProgress.lesson_id == lesson.id, LessonProgress.user_id == s.student.id
        )
    )
    assert progress is not None
    assert progress.is_completed


# -- attempt feedback -------------------------------------------------------------------------


async def test_feedback_on_the_whole_attempt(
    client: httpx.AsyncClient, db: AsyncSession, setup: Setup
) -> None:
    s = setup
    attempt = await hand_in(db, s.quiz, s.student, {s.essay: ESSAY})
    url = s.url(f"/quiz-attempts/{attempt.uuid}/feedback")
    response = await client.put(url, json={"feedback": "Well argued."}, headers=bearer(s.author))
    assert response.status_code == 200, response.text
    assert response.json()["feedback"] == "Well argued."
    assert response.json()["status"] == "submitted"
    assert (await _attempt(db, attempt)).feedback == "Well argued."
    cleared = await client.put(url, json={"feedback": None}, headers=bearer(s.author))
    assert cleared.json()["feedback"] is None
    too_long = await client.put(url, json={"feedback": "x" * 10_001}, headers=bearer(s.author))
    assert too_long.status_code == 422
    missing = await client.put(url, json={}, headers=bearer(s.author))
    assert missing.status_code == 422

    open_attempt = await hand_in(db, s.quiz, s.student, {}, status=QuizAttemptStatus.IN_PROGRESS)
    early = await client.put(
        s.url(f"/quiz-attempts/{open_attempt.uuid}/feedback"),
        json={"feedback": "x"},
        headers=bearer(s.author),
    )
    assert early.status_code == 409


# -- the notification -------------------------------------------------------------------------


async def _mails(folder: Path) -> list[EmailMessage]:
    await jobs.wait_for_jobs()
    if not folder.exists():
        return []
    out = []
    for path in sorted(folder.glob("*.eml")):
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        assert isinstance(message, EmailMessage)
        out.append(message)
    return out


async def test_the_learner_is_mailed_when_grading_completes(
    client: httpx.AsyncClient, db: AsyncSession, mail_dir: Path, setup: Setup
) -> None:
    s = setup
    second = await create_question(db, s.quiz, "long_answer", settings={})
    attempt = await hand_in(
        db,
        s.quiz,
        s.student,
        {s.choice: pick(s.choice, correct=True), s.essay: ESSAY, second: ESSAY},
    )
    answers = {
        a.question_id: a
        for a in await db.scalars(select(QuizAnswer).where(QuizAnswer.attempt_id == attempt.id))
    }
    base = s.url(f"/quiz-attempts/{attempt.uuid}")
    await client.put(f"{base}/feedback", json={"feedback": "See <me>"}, headers=bearer(s.author))
    first = await client.post(
        f"{base}/answers/{answers[s.essay.id].id}/grade",
        json={"points": 2},
        headers=bearer(s.author),
    )
    assert first.json()["status"] == "submitted"
    assert await _mails(mail_dir) == []  # one answer still waits

    last = await client.post(
        f"{base}/answers/{answers[second.id].id}/grade",
        json={"points": "0.5"},
        headers=bearer(s.author),
    )
    assert last.json()["status"] == "graded"
    [message] = await _mails(mail_dir)
    assert message["To"] == s.student.email
    assert s.quiz.title in message["Subject"]
    text = message.get_body(("plain",)).get_content()
    assert "4.50 / 5.00 points (90.00 %), passed" in text
    assert "See <me>" in text
    assert f"/learn/{s.course.uuid}/quizzes/{s.quiz.uuid}" in text
    html = message.get_body(("html",)).get_content()
    assert "See &lt;me&gt;" in html

    # Changing a grade of a graded attempt mails nobody again.
    await client.post(
        f"{base}/answers/{answers[second.id].id}/grade",
        json={"points": 1},
        headers=bearer(s.author),
    )
    assert len(await _mails(mail_dir)) == 1


async def test_no_mail_for_a_learner_who_opted_out(
    client: httpx.AsyncClient, db: AsyncSession, mail_dir: Path, setup: Setup
) -> None:
    s = setup
    db.add(NotificationPreference(user_id=s.student.id, email_assignment_feedback=False))
    attempt = await hand_in(db, s.quiz, s.student, {s.essay: ESSAY})
    answer = await _essay_answer(db, attempt, s)
    response = await client.post(
        s.url(f"/quiz-attempts/{attempt.uuid}/answers/{answer.id}/grade"),
        json={"points": 1},
        headers=bearer(s.author),
    )
    assert response.json()["status"] == "graded"
    assert await _mails(mail_dir) == []
