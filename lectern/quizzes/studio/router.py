"""HTTP routes of quiz authoring: a course's quizzes and their questions, in the studio.

Every route needs an approved instructor (or an admin, 403 otherwise) who may edit the
course: its owner, a co-instructor or an admin; anyone else's course is a 404, and so is a
quiz of another course or a question of another quiz. Quizzes are addressed by uuid,
questions by id within their quiz.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Depends, Path, Response

from lectern.courses.dependencies import EditableCourse
from lectern.db import SessionDep
from lectern.errors import problem_responses
from lectern.kit.routing import ApiRouter
from lectern.kit.schemas import Page, PageParams, page_params
from lectern.models.quizzes import QuizQuestion
from lectern.quizzes import keys
from lectern.quizzes.studio import service as studio
from lectern.quizzes.studio.schemas import (
    MAX_ID,
    OptionOut,
    QuestionCreate,
    QuestionList,
    QuestionOut,
    QuestionReorder,
    QuestionUpdate,
    QuizCreate,
    QuizDetail,
    QuizOut,
    QuizUpdate,
)

router = ApiRouter(prefix="/studio/courses/{course_uuid}/quizzes", tags=["quizzes (studio)"])

QuestionId = Annotated[int, Path(ge=1, le=MAX_ID, description="The question's id.")]
READ = problem_responses(401, 403, 404)
WRITE = problem_responses(401, 403, 404, 409, 422)


def _quiz_out(view: studio.QuizView) -> QuizOut:
    data = {name: getattr(view.quiz, name) for name in QuizOut.model_fields if name != "lesson"}
    return QuizOut.model_validate({**data, "lesson": view.lesson_uuid})


def _question_out(question: QuizQuestion) -> QuestionOut:
    data = {
        name: getattr(question, name)
        for name in QuestionOut.model_fields
        if name not in {"settings", "options"}
    }
    return QuestionOut.model_validate(
        {
            **data,
            "settings": keys.effective_settings(question.type, question.settings),
            "options": [OptionOut.model_validate(o) for o in question.options],
        }
    )


def _detail(view: studio.QuizView) -> QuizDetail:
    return QuizDetail.model_validate(
        {
            **_quiz_out(view).model_dump(),
            "questions": [_question_out(q) for q in view.questions or []],
        }
    )


# -- quizzes ----------------------------------------------------------------------------------


@router.get("", response_model=Page[QuizOut], summary="The course's quizzes", responses=READ)
async def list_quizzes(
    session: SessionDep, course: EditableCourse, params: PageParams = Depends(page_params)
) -> Page[QuizOut]:
    """Published or not, by `order`."""
    views, meta = await studio.list_quizzes(session, course, params)
    return Page(items=[_quiz_out(v) for v in views], meta=meta)


@router.post("", response_model=QuizOut, status_code=201, summary="Add a quiz", responses=WRITE)
async def create_quiz(body: QuizCreate, session: SessionDep, course: EditableCourse) -> QuizOut:
    """Starts without questions, so unpublished (`is_published: true` is a 409). `lesson`: a
    quiz-type lesson of this course holding no other quiz (422 / 409)."""
    return _quiz_out(await studio.create_quiz(session, course, body))


@router.get(
    "/{quiz_uuid}",
    response_model=QuizDetail,
    summary="A quiz with its questions and answer keys",
    responses=READ,
)
async def get_quiz(quiz_uuid: UUID, session: SessionDep, course: EditableCourse) -> QuizDetail:
    quiz = await studio.get_quiz(session, course, quiz_uuid)
    return _detail(await studio.quiz_detail(session, quiz))


@router.patch("/{quiz_uuid}", response_model=QuizOut, summary="Edit a quiz", responses=WRITE)
async def update_quiz(
    quiz_uuid: UUID, body: QuizUpdate, session: SessionDep, course: EditableCourse
) -> QuizOut:
    """Fields left out stay. Publishing needs at least one question (409
    `quiz_has_no_questions`); `lesson: null` detaches the quiz from its lesson."""
    return _quiz_out(await studio.update_quiz(session, course, quiz_uuid, body))


@router.delete(
    "/{quiz_uuid}",
    status_code=204,
    summary="Delete a quiz",
    responses=problem_responses(401, 403, 404, 409),
)
async def delete_quiz(quiz_uuid: UUID, session: SessionDep, course: EditableCourse) -> Response:
    """With its questions. A quiz learners have attempted is kept (409 `quiz_has_attempts`)."""
    await studio.delete_quiz(session, course, quiz_uuid)
    return Response(status_code=204)


# -- questions --------------------------------------------------------------------------------


@router.get(
    "/{quiz_uuid}/questions",
    response_model=QuestionList,
    summary="The quiz's questions with their keys",
    responses=READ,
)
async def list_questions(
    quiz_uuid: UUID, session: SessionDep, course: EditableCourse
) -> QuestionList:
    """In order, not paginated (edited and reordered whole)."""
    quiz = await studio.get_quiz(session, course, quiz_uuid)
    questions = await studio.list_questions(session, quiz)
    return QuestionList(items=[_question_out(q) for q in questions])


@router.post(
    "/{quiz_uuid}/questions",
    response_model=QuestionOut,
    status_code=201,
    summary="Add a question with its options",
    responses=WRITE,
)
async def create_question(
    quiz_uuid: UUID, body: QuestionCreate, session: SessionDep, course: EditableCourse
) -> QuestionOut:
    """Added at the end. The shape of each type is checked (422 `invalid_question`, naming
    the field at fault); see the API docs."""
    return _question_out(await studio.create_question(session, course, quiz_uuid, body))


@router.post(
    "/{quiz_uuid}/questions/reorder",
    response_model=QuestionList,
    summary="Reorder the questions",
    responses=WRITE,
)
async def reorder_questions(
    quiz_uuid: UUID, body: QuestionReorder, session: SessionDep, course: EditableCourse
) -> QuestionList:
    """`question_ids` names every question of the quiz once; `order` becomes 0..n-1."""
    questions = await studio.reorder_questions(session, course, quiz_uuid, body.question_ids)
    return QuestionList(items=[_question_out(q) for q in questions])


@router.get(
    "/{quiz_uuid}/questions/{question_id}",
    response_model=QuestionOut,
    summary="A question with its key",
    responses=READ,
)
async def get_question(
    quiz_uuid: UUID, question_id: QuestionId, session: SessionDep, course: EditableCourse
) -> QuestionOut:
    quiz = await studio.get_quiz(session, course, quiz_uuid)
    return _question_out(await studio.get_question(session, quiz, question_id))


@router.patch(
    "/{quiz_uuid}/questions/{question_id}",
    response_model=QuestionOut,
    summary="Edit a question",
    responses=WRITE,
)
async def update_question(
    quiz_uuid: UUID,
    question_id: QuestionId,
    body: QuestionUpdate,
    session: SessionDep,
    course: EditableCourse,
) -> QuestionOut:
    """Fields left out stay; `settings` and `options`, when given, replace the old ones
    (options in their new order; an item with `id` keeps that option). The type cannot
    change. A change to the key or the points regrades past answers."""
    question = await studio.update_question(session, course, quiz_uuid, question_id, body)
    return _question_out(question)


@router.delete(
    "/{quiz_uuid}/questions/{question_id}",
    status_code=204,
    summary="Delete a question",
    responses=problem_responses(401, 403, 404, 409),
)
async def delete_question(
    quiz_uuid: UUID, question_id: QuestionId, session: SessionDep, course: EditableCourse
) -> Response:
    """The others close up. The last question of a published quiz stays (409
    `quiz_published`)."""
    await studio.delete_question(session, course, quiz_uuid, question_id)
    return Response(status_code=204)
