"""Taking a quiz over HTTP: access, starting, pages, saving, time limit, submit, review."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.kit.types import utcnow
from lectern.models import (
    LessonProgress,
    LessonType,
    QuizAnswer,
    QuizAttempt,
    QuizAttemptStatus,
    QuizQuestion,
)
from lectern.quizzes.attempts.service import close_overdue
from tests.conftest import bearer
from tests.factories import create_enrollment, create_lesson, create_section, create_user
from tests.factories.quizzes import create_question, create_quiz
from tests.quizzes.attempts.conftest import World, attempt_url, code, quiz_url


async def start(client: httpx.AsyncClient, w: World, expect: int = 201) -> dict[str, Any]:
    r = await client.post(f"{w.quiz_url}/attempts", headers=bearer(w.student))
    assert r.status_code == expect, r.text
    return dict(r.json())


async def all_types(db: AsyncSession, w: World) -> dict[str, QuizQuestion]:
    kinds = [
        "single_choice", "multiple_choice", "true_false", "short_answer", "long_answer",
        "fill_blank", "matching", "ordering", "image_choice", "essay",
    ]  # fmt: skip
    out = {k: await create_question(db, w.quiz, k) for k in kinds}
    await db.commit()
    return out


def right_answer(q: QuizQuestion) -> dict[str, Any]:
    opts = q.options
    kind = q.type.value
    if kind in ("single_choice", "multiple_choice", "true_false", "image_choice"):
        return {"selected_options": [o.id for o in opts if o.is_correct]}
    if kind == "short_answer":
        return {"text_answer": "  PARIS "}
    if kind == "fill_blank":
        return {"matching_answer": {"1": "Roses", "2": "sky"}}
    if kind == "matching":
        return {"matching_answer": {str(o.id): o.match_with for o in opts}}
    if kind == "ordering":
        return {"order_answer": [o.id for o in sorted(opts, key=lambda o: o.order)]}
    return {"text_answer": "Some words of mine."}


# -- the quiz for the learner -----------------------------------------------------------------


async def test_quiz_view_needs_entitlement(
    client: httpx.AsyncClient, db: AsyncSession, world: World
) -> None:
    await create_question(db, world.quiz, "single_choice")
    await db.commit()
    assert (await client.get(world.quiz_url)).status_code == 401
    stranger = await create_user(db)
    await db.commit()
    r = await client.get(world.quiz_url, headers=bearer(stranger))
    assert r.status_code == 403
    assert code(r) == "not_enrolled"
    r = await client.post(f"{world.quiz_url}/attempts", headers=bearer(stranger))
    assert r.status_code == 403
    r = await client.get(world.quiz_url, headers=bearer(world.student))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["quiz"]["total_questions"] == 1
    assert body["attempts"] == []
    assert "questions" not in body
    assert "is_correct" not in r.text


async def test_unpublished_quiz_and_other_course_are_404(
    client: httpx.AsyncClient, db: AsyncSession, world: World
) -> None:
    hidden = await create_quiz(db, world.course, is_published=False)
    other_course_quiz = await create_quiz(db, (await _other_course(db)), is_published=True)
    await db.commit()
    r = await client.get(quiz_url(world.course, hidden), headers=bearer(world.student))
    assert r.status_code == 404
    r = await client.post(
        f"{quiz_url(world.course, hidden)}/attempts", headers=bearer(world.student)
    )
    assert r.status_code == 404
    r = await client.get(quiz_url(world.course, other_course_quiz), headers=bearer(world.student))
    assert r.status_code == 404
    # The course's staff may preview an unpublished quiz.
    r = await client.get(quiz_url(world.course, hidden), headers=bearer(world.author))
    assert r.status_code == 200


async def _other_course(db: AsyncSession) -> Any:
    from tests.factories.learning_content import create_live_course

    return await create_live_course(db)


async def test_quiz_in_locked_lesson_is_refused(
    client: httpx.AsyncClient, db: AsyncSession, world: World
) -> None:
    section = await create_section(db, world.course)
    lesson = await create_lesson(
        db, section, type=LessonType.QUIZ, is_published=True, is_locked=True
    )
    world.quiz.lesson_id = lesson.id
    await create_question(db, world.quiz, "true_false")
    await db.commit()
    r = await client.get(world.quiz_url, headers=bearer(world.student))
    assert r.status_code == 403, r.text
    assert code(r) == "lesson_locked"
    r = await client.post(f"{world.quiz_url}/attempts", headers=bearer(world.student))
    assert r.status_code == 403
    assert code(r) == "lesson_locked"


# -- starting ---------------------------------------------------------------------------------


async def test_start_returns_open_attempt_and_counts_numbers(
    client: httpx.AsyncClient, db: AsyncSession, world: World
) -> None:
    r = await client.post(f"{world.quiz_url}/attempts", headers=bearer(world.student))
    assert r.status_code == 409
    assert code(r) == "quiz_empty"
    await create_question(db, world.quiz, "true_false")
    world.quiz.max_attempts = 2
    await db.commit()
    first = await start(client, world)
    assert first["attempt_number"] == 1
    assert first["status"] == "in_progress"
    again = await start(client, world, expect=200)
    assert again["uuid"] == first["uuid"]
    r = await client.post(attempt_url(first["uuid"], "/submit"), headers=bearer(world.student))
    assert r.status_code == 200, r.text
    second = await start(client, world)
    assert second["attempt_number"] == 2
    await client.post(attempt_url(second["uuid"], "/submit"), headers=bearer(world.student))
    r = await client.post(f"{world.quiz_url}/attempts", headers=bearer(world.student))
    assert r.status_code == 409
    assert code(r) == "max_attempts_reached"
    count = await db.scalar(
        select(QuizAttempt.id)
        .where(QuizAttempt.quiz_id == world.quiz.id)
        .with_only_columns(QuizAttempt.id)
        .order_by(None)
        .limit(5)
    )
    assert count is not None
    rows = (await db.scalars(select(QuizAttempt).where(QuizAttempt.quiz_id == world.quiz.id))).all()
    assert len(rows) == 2
    view = (await client.get(world.quiz_url, headers=bearer(world.student))).json()
    assert view["attempts_left"] == 0
    assert len(view["attempts"]) == 2


# -- the attempt's pages: order, pagination, no key ------------------------------------------


async def test_pages_order_and_no_key_anywhere(
    client: httpx.AsyncClient, db: AsyncSession, world: World
) -> None:
    questions = await all_types(db, world)
    world.quiz.questions_per_page = 3
    world.quiz.randomize_questions = True
    world.quiz.randomize_options = True
    await db.commit()
    bodies: list[str] = []
    r = await client.get(world.quiz_url, headers=bearer(world.student))
    bodies.append(r.text)
    attempt = await start(client, world)
    seen: list[int] = []
    for page in (1, 2, 3, 4):
        r = await client.get(
            attempt_url(attempt["uuid"]), params={"page": page}, headers=bearer(world.student)
        )
        assert r.status_code == 200, r.text
        bodies.append(r.text)
        assert r.json()["pages"] == 4
        seen += [q["id"] for q in r.json()["questions"]]
        again = await client.get(
            attempt_url(attempt["uuid"]), params={"page": page}, headers=bearer(world.student)
        )
        assert again.text == r.text  # the same order on every reload
    assert sorted(seen) == sorted(q.id for q in questions.values())
    r = await client.get(
        attempt_url(attempt["uuid"]), params={"page": 5}, headers=bearer(world.student)
    )
    assert r.status_code == 422
    r = await client.get(
        attempt_url(attempt["uuid"]), params={"page": 0}, headers=bearer(world.student)
    )
    assert r.status_code == 422
    for q in questions.values():
        r = await client.put(
            attempt_url(attempt["uuid"], f"/answers/{q.id}"),
            json=right_answer(q) | {"is_flagged": True},
            headers=bearer(world.student),
        )
        assert r.status_code == 200, r.text
        bodies.append(r.text)
    for page in (1, 2, 3, 4):
        r = await client.get(
            attempt_url(attempt["uuid"]), params={"page": page}, headers=bearer(world.student)
        )
        bodies.append(r.text)
        for shown in r.json()["questions"]:
            assert shown["answer"]["is_flagged"] is True
            if shown["type"] == "ordering":
                q = questions["ordering"]
                right = [o.id for o in sorted(q.options, key=lambda o: o.order)]
                assert [o["id"] for o in shown["options"]] != right
            if shown["type"] == "matching":
                assert sorted(shown["choices"]) == ["Madrid", "Paris", "Rome"]
            if shown["type"] == "fill_blank":
                assert shown["blanks"] == ["1", "2"]
    # Nothing that gives an answer away, in any response before submission.
    for text in bodies:
        for secret in (
            "is_correct",
            "accepted_answers",
            "match_with",
            "correct_order",
            "explanation",
            "rose",
            '"order"',
        ):
            assert secret not in text, (secret, text)
        data = json.loads(text)
        for shown in data.get("questions", []):
            if shown["type"] == "matching":
                texts = [o["option_text"] for o in shown["options"]]
                pairs = dict(zip(texts, shown["choices"], strict=True))
                assert pairs != {"France": "Paris", "Italy": "Rome", "Spain": "Madrid"}
    r = await client.post(attempt_url(attempt["uuid"], "/submit"), headers=bearer(world.student))
    assert r.status_code == 200
    result = r.json()
    # Essay and long answer wait for an instructor.
    assert result["status"] == "submitted"
    assert result["is_passed"] is False
    assert result["answered_questions"] == 10
    assert result["correct_questions"] == 8
    assert result["wrong_questions"] == 0
    assert result["skipped_questions"] == 0
    assert Decimal(result["score_earned"]) == Decimal(8)


async def test_shuffle_differs_between_attempts_but_not_reloads(
    client: httpx.AsyncClient, db: AsyncSession, world: World
) -> None:
    for i in range(8):
        await create_question(db, world.quiz, "single_choice", question=f"Q{i}")
    world.quiz.randomize_questions = True
    await db.commit()
    orders = []
    for _ in range(3):
        a = await start(client, world)
        r = await client.get(attempt_url(a["uuid"]), headers=bearer(world.student))
        orders.append([q["id"] for q in r.json()["questions"]])
        await client.post(attempt_url(a["uuid"], "/submit"), headers=bearer(world.student))
    assert len({tuple(o) for o in orders}) > 1


# -- saving answers ---------------------------------------------------------------------------


async def test_bad_answers_are_refused_and_change_nothing(
    client: httpx.AsyncClient, db: AsyncSession, world: World
) -> None:
    qs = await all_types(db, world)
    other = await create_quiz(db, world.course, is_published=True)
    foreign = await create_question(db, other, "single_choice")
    await db.commit()
    attempt = await start(client, world)
    put = attempt_url(attempt["uuid"], "/answers/{}")
    h = bearer(world.student)
    single, multi = qs["single_choice"], qs["multiple_choice"]

    async def refuse(question_id: int, body: dict[str, Any], status: int, problem: str) -> None:
        r = await client.put(put.format(question_id), json=body, headers=h)
        assert r.status_code == status, r.text
        assert code(r) == problem, r.text

    await refuse(
        foreign.id, {"selected_options": [foreign.options[0].id]}, 422, "question_not_in_quiz"
    )
    await refuse(999_999, {"selected_options": [1]}, 422, "question_not_in_quiz")
    await refuse(
        single.id, {"selected_options": [multi.options[0].id]}, 422, "option_not_in_question"
    )
    await refuse(
        single.id, {"selected_options": [o.id for o in single.options[:2]]}, 422, "invalid_answer"
    )
    await refuse(single.id, {"selected_options": [single.options[0].id] * 2}, 422, "invalid_answer")
    await refuse(single.id, {"text_answer": "7"}, 422, "invalid_answer")
    await refuse(qs["short_answer"].id, {"selected_options": [1]}, 422, "invalid_answer")
    await refuse(qs["fill_blank"].id, {"matching_answer": {"3": "x"}}, 422, "invalid_answer")
    m = qs["matching"]
    await refuse(
        m.id,
        {"matching_answer": {str(single.options[0].id): "Paris"}},
        422,
        "option_not_in_question",
    )
    await refuse(m.id, {"matching_answer": {str(m.options[0].id): "Berlin"}}, 422, "invalid_answer")
    o = qs["ordering"]
    await refuse(o.id, {"order_answer": [x.id for x in o.options[:2]]}, 422, "invalid_answer")
    await refuse(
        o.id,
        {"order_answer": [x.id for x in o.options[:2]] + [single.options[0].id]},
        422,
        "option_not_in_question",
    )
    await refuse(qs["essay"].id, {"text_answer": "word " * 501}, 422, "invalid_answer")
    r = await client.put(put.format(single.id), json={"bogus": 1}, headers=h)
    assert r.status_code == 422
    r = await client.put(put.format(single.id), json={"text_answer": "a\x00"}, headers=h)
    assert r.status_code == 422
    assert (await db.scalars(select(QuizAnswer))).all() == [] or not (
        await db.scalars(
            select(QuizAnswer)
            .join(QuizAttempt)
            .where(QuizAttempt.uuid == uuid.UUID(attempt["uuid"]))
        )
    ).all()
    # Another student's attempt is a 404, whatever the call.
    other_student = await create_user(db)
    await create_enrollment(db, other_student, world.course)
    await db.commit()
    oh = bearer(other_student)
    assert (await client.get(attempt_url(attempt["uuid"]), headers=oh)).status_code == 404
    r = await client.put(
        put.format(single.id), json={"selected_options": [single.options[0].id]}, headers=oh
    )
    assert r.status_code == 404
    assert (
        await client.post(attempt_url(attempt["uuid"], "/submit"), headers=oh)
    ).status_code == 404
    assert (
        await client.get(attempt_url(attempt["uuid"], "/review"), headers=oh)
    ).status_code == 404


async def test_change_flag_and_no_changes_after_submit(
    client: httpx.AsyncClient, db: AsyncSession, world: World
) -> None:
    q = await create_question(db, world.quiz, "single_choice")
    await db.commit()
    attempt = await start(client, world)
    url = attempt_url(attempt["uuid"], f"/answers/{q.id}")
    h = bearer(world.student)
    wrong = next(o for o in q.options if not o.is_correct)
    right = next(o for o in q.options if o.is_correct)
    r = await client.put(url, json={"selected_options": [wrong.id]}, headers=h)
    assert r.json()["selected_options"] == [wrong.id]
    assert r.json()["is_flagged"] is False
    r = await client.put(url, json={"is_flagged": True}, headers=h)
    assert r.json()["selected_options"] == [wrong.id]
    assert r.json()["is_flagged"] is True
    r = await client.put(url, json={"selected_options": [right.id]}, headers=h)
    assert r.json()["selected_options"] == [right.id]
    assert r.json()["is_flagged"] is True
    r = await client.post(attempt_url(attempt["uuid"], "/submit"), headers=h)
    assert r.json()["status"] == "graded"
    assert r.json()["is_passed"] is True
    assert Decimal(r.json()["percentage"]) == 100
    r = await client.put(url, json={"selected_options": [wrong.id]}, headers=h)
    assert r.status_code == 409
    assert code(r) == "attempt_submitted"
    r = await client.post(attempt_url(attempt["uuid"], "/submit"), headers=h)
    assert r.status_code == 409
    assert code(r) == "attempt_submitted"
    answer = await db.scalar(select(QuizAnswer).where(QuizAnswer.question_id == q.id))
    assert answer is not None
    assert answer.selected_options == [right.id]


# -- time limit -------------------------------------------------------------------------------


async def _age(db: AsyncSession, attempt_uuid: str, minutes: int) -> None:
    await db.execute(
        update(QuizAttempt)
        .where(QuizAttempt.uuid == uuid.UUID(attempt_uuid))
        .values(started_at=utcnow() - timedelta(minutes=minutes))
    )
    await db.commit()


async def test_answer_after_deadline_is_refused_and_attempt_graded(
    client: httpx.AsyncClient, db: AsyncSession, world: World
) -> None:
    q1 = await create_question(db, world.quiz, "true_false")
    q2 = await create_question(db, world.quiz, "true_false")
    world.quiz.time_limit = 5
    await db.commit()
    attempt = await start(client, world)
    assert attempt["deadline"] is not None
    h = bearer(world.student)
    right = next(o for o in q1.options if o.is_correct)
    r = await client.put(
        attempt_url(attempt["uuid"], f"/answers/{q1.id}"),
        json={"selected_options": [right.id]},
        headers=h,
    )
    assert r.status_code == 200
    await _age(db, attempt["uuid"], 6)
    r = await client.put(
        attempt_url(attempt["uuid"], f"/answers/{q2.id}"),
        json={"selected_options": [q2.options[0].id]},
        headers=h,
    )
    assert r.status_code == 409, r.text
    assert code(r) == "time_up"
    row = await db.scalar(
        select(QuizAttempt)
        .where(QuizAttempt.uuid == uuid.UUID(attempt["uuid"]))
        .execution_options(populate_existing=True)
    )
    assert row is not None
    assert row.status == QuizAttemptStatus.GRADED
    assert row.answered_questions == 1
    assert row.percentage == Decimal(50)
    assert row.is_passed is False
    assert row.submitted_at is not None
    assert row.time_spent == 300
    assert (
        await db.scalars(select(QuizAnswer).where(QuizAnswer.attempt_id == row.id))
    ).all().__len__() == 1
    r = await client.post(attempt_url(attempt["uuid"], "/submit"), headers=h)
    assert r.status_code == 409
    assert code(r) == "attempt_submitted"


async def test_submit_after_deadline_and_expired_when_nothing_answered(
    client: httpx.AsyncClient, db: AsyncSession, world: World
) -> None:
    await create_question(db, world.quiz, "true_false")
    world.quiz.time_limit = 1
    await db.commit()
    attempt = await start(client, world)
    await _age(db, attempt["uuid"], 2)
    h = bearer(world.student)
    r = await client.post(attempt_url(attempt["uuid"], "/submit"), headers=h)
    assert r.status_code == 409
    assert code(r) == "time_up"
    r = await client.get(attempt_url(attempt["uuid"], "/review"), headers=h)
    assert r.status_code == 200
    assert r.json()["attempt"]["status"] == "expired"
    # A new attempt can start.
    assert (await start(client, world))["attempt_number"] == 2


async def test_reading_an_overdue_attempt_closes_it(
    client: httpx.AsyncClient, db: AsyncSession, world: World
) -> None:
    q = await create_question(db, world.quiz, "true_false")
    world.quiz.time_limit = 1
    await db.commit()
    attempt = await start(client, world)
    h = bearer(world.student)
    right = next(o for o in q.options if o.is_correct)
    await client.put(
        attempt_url(attempt["uuid"], f"/answers/{q.id}"),
        json={"selected_options": [right.id]},
        headers=h,
    )
    await _age(db, attempt["uuid"], 3)
    r = await client.get(attempt_url(attempt["uuid"]), headers=h)
    assert r.status_code == 200
    assert r.json()["attempt"]["status"] == "graded"
    assert r.json()["attempt"]["is_passed"] is True


async def test_periodic_job_closes_overdue_attempts(
    client: httpx.AsyncClient, db: AsyncSession, world: World
) -> None:
    q = await create_question(db, world.quiz, "true_false")
    world.quiz.time_limit = 10
    await db.commit()
    late = await start(client, world)
    right = next(o for o in q.options if o.is_correct)
    await client.put(
        attempt_url(late["uuid"], f"/answers/{q.id}"),
        json={"selected_options": [right.id]},
        headers=bearer(world.student),
    )
    other = await create_user(db)
    await create_enrollment(db, other, world.course)
    await db.commit()
    r = await client.post(f"{world.quiz_url}/attempts", headers=bearer(other))
    fresh = r.json()
    await _age(db, late["uuid"], 11)
    await _age(db, fresh["uuid"], 9)
    assert await close_overdue(db) == 1
    await db.commit()
    rows = {
        str(a.uuid): a
        for a in (
            await db.scalars(
                select(QuizAttempt)
                .where(QuizAttempt.quiz_id == world.quiz.id)
                .execution_options(populate_existing=True)
            )
        ).all()
    }
    assert rows[late["uuid"]].status == QuizAttemptStatus.GRADED
    assert rows[late["uuid"]].is_passed is True
    assert rows[fresh["uuid"]].status == QuizAttemptStatus.IN_PROGRESS
    assert await close_overdue(db) == 0


# -- review -----------------------------------------------------------------------------------


async def test_review_follows_the_quiz_settings(
    client: httpx.AsyncClient, db: AsyncSession, world: World
) -> None:
    qs = await all_types(db, world)
    for q in qs.values():
        q.explanation = f"Because {q.type.value}."
    await db.commit()
    h = bearer(world.student)
    attempt = await start(client, world)
    r = await client.get(attempt_url(attempt["uuid"], "/review"), headers=h)
    assert r.status_code == 409
    assert code(r) == "attempt_in_progress"
    await client.put(
        attempt_url(attempt["uuid"], f"/answers/{qs['short_answer'].id}"),
        json={"text_answer": "paris"},
        headers=h,
    )
    await client.post(attempt_url(attempt["uuid"], "/submit"), headers=h)

    r = await client.get(attempt_url(attempt["uuid"], "/review"), headers=h)
    assert r.status_code == 200
    body = r.json()
    by_type = {q["type"]: q for q in body["questions"]}
    assert by_type["short_answer"]["is_correct"] is True
    assert by_type["short_answer"]["accepted_answers"] == ["Paris"]
    assert by_type["fill_blank"]["blanks"] == {"1": ["rose", "roses"], "2": ["sky"]}
    assert by_type["ordering"]["correct_order"] is not None
    assert by_type["single_choice"]["explanation"] == "Because single_choice."
    assert any(o["is_correct"] for o in by_type["single_choice"]["options"])
    assert body["attempt"]["skipped_questions"] == 9

    # Answers shown, but not the key.
    world.quiz.show_correct_answers = False
    await db.commit()
    r = await client.get(attempt_url(attempt["uuid"], "/review"), headers=h)
    text = r.text
    for secret in ('accepted_answers":[', "rose", 'Madrid"', '"is_correct":true,"feedback"'):
        assert secret not in text
    q = r.json()["questions"][0]
    assert all(o["is_correct"] is None and o["match_with"] is None for o in q["options"])
    by_type = {q["type"]: q for q in r.json()["questions"]}
    assert by_type["short_answer"]["is_correct"] is True
    assert by_type["ordering"]["correct_order"] is None

    # Neither answers nor key.
    world.quiz.show_answers_after_submission = False
    await db.commit()
    r = await client.get(attempt_url(attempt["uuid"], "/review"), headers=h)
    for q in r.json()["questions"]:
        assert q["is_correct"] is None
        assert q["explanation"] is None
        assert q["points_earned"] is None

    # No review at all: the result only.
    world.quiz.allow_review = False
    await db.commit()
    r = await client.get(attempt_url(attempt["uuid"], "/review"), headers=h)
    assert r.json()["questions"] == []
    assert r.json()["attempt"]["status"] == "graded"


# -- lesson completion ------------------------------------------------------------------------


async def test_passing_a_required_quiz_completes_its_lesson(
    client: httpx.AsyncClient, db: AsyncSession, world: World
) -> None:
    section = await create_section(db, world.course)
    lesson = await create_lesson(db, section, type=LessonType.QUIZ, is_published=True)
    world.quiz.lesson_id = lesson.id
    world.quiz.is_required = True
    world.quiz.passing_score = Decimal(100)
    q = await create_question(db, world.quiz, "true_false")
    await db.commit()
    h = bearer(world.student)
    wrong = next(o for o in q.options if not o.is_correct)
    right = next(o for o in q.options if o.is_correct)

    async def take(option_id: int) -> dict[str, Any]:
        a = await start(client, world)
        await client.put(
            attempt_url(a["uuid"], f"/answers/{q.id}"),
            json={"selected_options": [option_id]},
            headers=h,
        )
        return dict((await client.post(attempt_url(a["uuid"], "/submit"), headers=h)).json())

    failed = await take(wrong.id)
    assert failed["is_passed"] is False
    done = await db.scalar(select(LessonProgress).where(LessonProgress.lesson_id == lesson.id))
    assert done is None
    passed = await take(right.id)
    assert passed["is_passed"] is True
    done = await db.scalar(select(LessonProgress).where(LessonProgress.lesson_id == lesson.id))
    assert done is not None
    assert done.is_completed
