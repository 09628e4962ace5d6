"""Quiz authoring: a course's quizzes, their questions and options, and the totals they feed.

Every function takes a course the caller may edit (``lectern.courses.policy.course_for``);
quizzes of other courses and questions of other quizzes are not found (404). Question
shapes are checked by ``lectern.quizzes.keys``. Changes to a quiz's questions lock the quiz
row (``FOR UPDATE`` on PostgreSQL; SQLite serialises writers) so orders stay dense and the
totals right under parallel edits. Flushes, never commits.

Decisions:
- a quiz is published only with at least one question (409 ``quiz_has_no_questions``), and
  the last question of a published quiz cannot be deleted (409 ``quiz_published``);
- a quiz with attempts cannot be deleted (409 ``quiz_has_attempts``: the attempts are
  grades); unpublish it instead;
- a question's type is fixed once created; options, when given on update, replace the list
  (items with an ``id`` keep that option, so learners' past answers still point at it);
- after a change to a question's key (settings, options' correctness / pairs / order, the
  blanks of a fill_blank text) or its points, and after a deletion, ``regrade.question_changed``
  runs.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, delete, exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from lectern.errors import Conflict, InvalidInput, NotFound
from lectern.kit.pagination import paginate
from lectern.kit.schemas import PageMeta, PageParams
from lectern.models import Course, Lesson, LessonType
from lectern.models.quizzes import Quiz, QuizAttempt, QuizOption, QuizQuestion, QuizQuestionType
from lectern.quizzes import keys, regrade
from lectern.quizzes.studio.schemas import (
    OptionIn,
    QuestionCreate,
    QuestionUpdate,
    QuizCreate,
    QuizUpdate,
)


@dataclass(frozen=True)
class QuizView:
    quiz: Quiz
    lesson_uuid: uuid.UUID | None
    questions: list[QuizQuestion] | None = None


# -- totals -----------------------------------------------------------------------------------


async def refresh_totals(session: AsyncSession, quiz_id: int) -> None:
    """Recompute ``total_points`` and ``total_questions`` of quiz ``quiz_id`` in one UPDATE
    (flushes first). A loaded Quiz is not refreshed: re-read it (``populate_existing``)."""
    await session.flush()
    points = (
        select(func.coalesce(func.sum(QuizQuestion.points), 0))
        .where(QuizQuestion.quiz_id == quiz_id)
        .scalar_subquery()
    )
    count = (
        select(func.count(QuizQuestion.id)).where(QuizQuestion.quiz_id == quiz_id).scalar_subquery()
    )
    await session.execute(
        update(Quiz)
        .where(Quiz.id == quiz_id)
        .values(total_points=points, total_questions=count)
        .execution_options(synchronize_session=False)
    )


# -- quizzes ----------------------------------------------------------------------------------


def _quizzes(course: Course) -> Select[Quiz]:
    return select(Quiz).where(Quiz.course_id == course.id)


async def _lesson_uuids(session: AsyncSession, quizzes: Sequence[Quiz]) -> dict[int, uuid.UUID]:
    ids = {q.lesson_id for q in quizzes if q.lesson_id is not None}
    if not ids:
        return {}
    rows = await session.execute(select(Lesson.id, Lesson.uuid).where(Lesson.id.in_(ids)))
    return {row.id: row.uuid for row in rows}


async def list_quizzes(
    session: AsyncSession, course: Course, params: PageParams
) -> tuple[list[QuizView], PageMeta]:
    """The course's quizzes by ``order`` (three statements)."""
    quizzes, meta = await paginate(session, _quizzes(course).order_by(Quiz.order, Quiz.id), params)
    lessons = await _lesson_uuids(session, quizzes)
    return [QuizView(q, lessons.get(q.lesson_id or 0)) for q in quizzes], meta


async def get_quiz(
    session: AsyncSession, course: Course, quiz_uuid: uuid.UUID, *, lock: bool = False
) -> Quiz:
    statement = _quizzes(course).where(Quiz.uuid == quiz_uuid)
    if lock:
        statement = statement.with_for_update()
    quiz = await session.scalar(statement.execution_options(populate_existing=True))
    if quiz is None:
        raise NotFound("no such quiz in this course")
    return quiz


async def quiz_detail(session: AsyncSession, quiz: Quiz) -> QuizView:
    """The quiz (re-read: totals fresh) with its questions and their options (four statements)."""
    fresh = await session.scalar(
        select(Quiz)
        .where(Quiz.id == quiz.id)
        .options(selectinload(Quiz.questions).selectinload(QuizQuestion.options))
        .execution_options(populate_existing=True)
    )
    assert fresh is not None
    lessons = await _lesson_uuids(session, [fresh])
    return QuizView(fresh, lessons.get(fresh.lesson_id or 0), list(fresh.questions))


async def _quiz_lesson(
    session: AsyncSession, course: Course, lesson_uuid: uuid.UUID, quiz_id: int | None
) -> Lesson:
    """The quiz-type lesson ``lesson_uuid`` of the course, holding no other quiz. The lesson
    row is locked so two quizzes cannot claim it at once."""
    lesson = await session.scalar(
        select(Lesson)
        .where(
            Lesson.uuid == lesson_uuid,
            Lesson.course_id == course.id,
            Lesson.deleted_at.is_(None),
        )
        .with_for_update()
    )
    if lesson is None:
        raise InvalidInput("no such lesson in this course", field="lesson", code="no_such_lesson")
    if lesson.type != LessonType.QUIZ:
        raise InvalidInput(
            f"the lesson is a {lesson.type.value} lesson; a quiz goes in a quiz lesson",
            field="lesson",
            code="lesson_not_quiz",
        )
    taken = select(Quiz.id).where(Quiz.lesson_id == lesson.id)
    if quiz_id is not None:
        taken = taken.where(Quiz.id != quiz_id)
    if await session.scalar(taken.limit(1)) is not None:
        raise Conflict("another quiz already sits in this lesson", code="lesson_has_quiz")
    return lesson


def _no_questions() -> Conflict:
    return Conflict(
        "a quiz without questions cannot be published: add questions first",
        code="quiz_has_no_questions",
    )


async def create_quiz(session: AsyncSession, course: Course, body: QuizCreate) -> QuizView:
    if body.is_published:
        raise _no_questions()
    values = body.model_dump(exclude={"lesson", "order"})
    lesson = None
    if body.lesson is not None:
        lesson = await _quiz_lesson(session, course, body.lesson, None)
    order = body.order
    if order is None:
        order = await session.scalar(
            select(func.coalesce(func.max(Quiz.order) + 1, 0)).where(Quiz.course_id == course.id)
        )
    quiz = Quiz(
        course_id=course.id,
        lesson_id=lesson.id if lesson else None,
        order=int(order or 0),
        **values,
    )
    session.add(quiz)
    await session.flush()
    return QuizView(quiz, lesson.uuid if lesson else None)


async def update_quiz(
    session: AsyncSession, course: Course, quiz_uuid: uuid.UUID, body: QuizUpdate
) -> QuizView:
    quiz = await get_quiz(session, course, quiz_uuid, lock=True)
    changes = body.changes()
    if "lesson" in changes:
        lesson_uuid = changes.pop("lesson")
        if lesson_uuid is None:
            quiz.lesson_id = None
        else:
            quiz.lesson_id = (await _quiz_lesson(session, course, lesson_uuid, quiz.id)).id
    if changes.get("is_published") and not quiz.is_published:
        has_questions = await session.scalar(
            select(exists().where(QuizQuestion.quiz_id == quiz.id))
        )
        if not has_questions:
            raise _no_questions()
    for name, value in changes.items():
        setattr(quiz, name, value)
    await session.flush()
    lessons = await _lesson_uuids(session, [quiz])
    return QuizView(quiz, lessons.get(quiz.lesson_id or 0))


async def delete_quiz(session: AsyncSession, course: Course, quiz_uuid: uuid.UUID) -> None:
    quiz = await get_quiz(session, course, quiz_uuid, lock=True)
    attempted = await session.scalar(select(exists().where(QuizAttempt.quiz_id == quiz.id)))
    if attempted:
        raise Conflict(
            "learners have attempted this quiz: its attempts are grades; unpublish it instead",
            code="quiz_has_attempts",
        )
    # Questions, options (and nothing else) go with it: ON DELETE CASCADE.
    await session.execute(delete(Quiz).where(Quiz.id == quiz.id))
    session.expunge(quiz)


# -- questions --------------------------------------------------------------------------------


def _questions(quiz: Quiz) -> Select[QuizQuestion]:
    return (
        select(QuizQuestion)
        .where(QuizQuestion.quiz_id == quiz.id)
        .options(selectinload(QuizQuestion.options))
        .execution_options(populate_existing=True)
    )


async def list_questions(session: AsyncSession, quiz: Quiz) -> list[QuizQuestion]:
    """The quiz's questions in order, with their options (two statements)."""
    return list(
        await session.scalars(_questions(quiz).order_by(QuizQuestion.order, QuizQuestion.id))
    )


async def get_question(session: AsyncSession, quiz: Quiz, question_id: int) -> QuizQuestion:
    question = await session.scalar(_questions(quiz).where(QuizQuestion.id == question_id))
    if question is None:
        raise NotFound("no such question in this quiz")
    return question


def _key(question: QuizQuestion, options: Sequence[QuizOption]) -> str:
    """What grading reads of a question: a change to it calls for a regrade."""
    text = question.question if question.type == QuizQuestionType.FILL_BLANK else None
    return json.dumps(
        [
            str(question.points),
            text,
            keys.effective_settings(question.type, question.settings),
            [(o.id, o.is_correct, o.match_with, o.order) for o in options],
        ],
        sort_keys=True,
        default=str,
    )


def _option_values(item: OptionIn, order: int) -> dict[str, Any]:
    return {
        "option_text": item.option_text,
        "image": item.image,
        "is_correct": item.is_correct,
        "feedback": item.feedback,
        "match_with": item.match_with,
        "order": order,
    }


async def create_question(
    session: AsyncSession, course: Course, quiz_uuid: uuid.UUID, body: QuestionCreate
) -> QuizQuestion:
    quiz = await get_quiz(session, course, quiz_uuid, lock=True)
    if any(item.id is not None for item in body.options):
        raise InvalidInput("a new question's options have no id yet", field="options")
    settings = keys.validate_question(body.type, body.question, body.settings, body.options)
    order = await session.scalar(
        select(func.coalesce(func.max(QuizQuestion.order) + 1, 0)).where(
            QuizQuestion.quiz_id == quiz.id
        )
    )
    question = QuizQuestion(
        quiz_id=quiz.id,
        order=int(order or 0),
        settings=settings,
        **body.model_dump(exclude={"options", "settings"}),
    )
    session.add(question)
    await session.flush()
    _add_options(
        session,
        [
            QuizOption(question_id=question.id, **_option_values(item, i))
            for i, item in enumerate(body.options)
        ],
    )
    await refresh_totals(session, quiz.id)
    return await get_question(session, quiz, question.id)


def _add_options(session: AsyncSession, options: list[QuizOption]) -> None:
    """Insert new options in a random order: learners see option ids, and ids that rise
    with the key (the correct order of an ordering question, the first option being the
    right one) would give the answer away. ``order`` keeps the author's order."""
    random.SystemRandom().shuffle(options)
    session.add_all(options)


async def update_question(
    session: AsyncSession,
    course: Course,
    quiz_uuid: uuid.UUID,
    question_id: int,
    body: QuestionUpdate,
) -> QuizQuestion:
    quiz = await get_quiz(session, course, quiz_uuid, lock=True)
    question = await get_question(session, quiz, question_id)
    before = _key(question, question.options)
    changes = body.changes()
    new_options: list[OptionIn] | None = changes.pop("options", None)
    text = changes.get("question", question.question)
    settings_given = "settings" in changes
    settings = changes.pop("settings") if settings_given else question.settings
    if new_options is not None:
        existing = {o.id for o in question.options}
        seen: set[int] = set()
        for i, item in enumerate(new_options):
            if item.id is None:
                continue
            if item.id not in existing:
                raise InvalidInput(
                    f"option {item.id} is not an option of this question",
                    field=f"options.{i}.id",
                )
            if item.id in seen:
                raise InvalidInput(f"option {item.id} is named twice", field=f"options.{i}.id")
            seen.add(item.id)
    shape: Sequence[keys.OptionLike] = new_options if new_options is not None else question.options
    if settings_given or "question" in changes or new_options is not None:
        question.settings = keys.validate_question(question.type, text, settings, shape)
    for name, value in changes.items():
        setattr(question, name, value)
    if new_options is not None:
        by_id = {o.id: o for o in question.options}
        kept = {item.id for item in new_options if item.id is not None}
        gone = [o.id for o in question.options if o.id not in kept]
        if gone:
            await session.execute(delete(QuizOption).where(QuizOption.id.in_(gone)))
        added: list[QuizOption] = []
        for i, item in enumerate(new_options):
            if item.id is not None:
                option = by_id[item.id]
                for name, value in _option_values(item, i).items():
                    if getattr(option, name) != value:
                        setattr(option, name, value)
            else:
                added.append(QuizOption(question_id=question.id, **_option_values(item, i)))
        _add_options(session, added)
    await refresh_totals(session, quiz.id)
    question = await get_question(session, quiz, question.id)
    if _key(question, question.options) != before:
        await regrade.question_changed(session, question.id)
    return question


async def delete_question(
    session: AsyncSession, course: Course, quiz_uuid: uuid.UUID, question_id: int
) -> None:
    quiz = await get_quiz(session, course, quiz_uuid, lock=True)
    question = await get_question(session, quiz, question_id)
    if quiz.is_published:
        others = await session.scalar(
            select(exists().where(QuizQuestion.quiz_id == quiz.id, QuizQuestion.id != question.id))
        )
        if not others:
            raise Conflict(
                "this is the last question of a published quiz: unpublish the quiz first",
                code="quiz_published",
            )
    await session.execute(delete(QuizQuestion).where(QuizQuestion.id == question.id))
    session.expunge(question)
    # The rest close up: 0..n-1 in their current order.
    rest = list(
        await session.scalars(
            select(QuizQuestion)
            .where(QuizQuestion.quiz_id == quiz.id)
            .order_by(QuizQuestion.order, QuizQuestion.id)
        )
    )
    _renumber(rest)
    await refresh_totals(session, quiz.id)
    await regrade.question_changed(session, question_id)


def _renumber(questions: Sequence[QuizQuestion]) -> None:
    for position, question in enumerate(questions):
        if question.order != position:
            question.order = position


async def reorder_questions(
    session: AsyncSession, course: Course, quiz_uuid: uuid.UUID, question_ids: list[int]
) -> list[QuizQuestion]:
    quiz = await get_quiz(session, course, quiz_uuid, lock=True)
    questions = await list_questions(session, quiz)
    existing = {q.id for q in questions}
    if len(set(question_ids)) != len(question_ids):
        raise InvalidInput("the list names a question twice", field="question_ids")
    unknown = sorted(set(question_ids) - existing)
    if unknown:
        raise InvalidInput(
            f"question {unknown[0]} is not a question of this quiz", field="question_ids"
        )
    if len(question_ids) != len(existing):
        raise InvalidInput(
            f"the list must name every question of the quiz ({len(existing)})",
            field="question_ids",
        )
    by_id = {q.id: q for q in questions}
    ordered = [by_id[i] for i in question_ids]
    _renumber(ordered)
    await session.flush()
    return ordered
