"""HTTP routes of taking a quiz: the learner's quiz, attempts, answers, submit, review.

Rules in ``lectern/quizzes/attempts.py`` (who, order, time limit) and
``lectern/quizzes/grading.py`` (scores)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated
from uuid import UUID

from fastapi import Depends, Path, Query, Response, status

from lectern.db import SessionDep
from lectern.errors import problem_responses
from lectern.kit.routing import ApiRouter
from lectern.kit.schemas import Page, PageParams, page_params
from lectern.learning.access import learner_course
from lectern.learning.content.assessments import quiz_page
from lectern.learning.content.schemas import QuizStateOut, quiz_out
from lectern.models import Quiz, QuizAnswer, QuizAttempt, QuizAttemptStatus, QuizQuestionType
from lectern.quizzes import keys
from lectern.quizzes.attempts import service
from lectern.quizzes.attempts.schemas import (
    AnswerIn,
    AttemptOut,
    AttemptPageOut,
    AttemptQuestionOut,
    ChoiceOut,
    LearnerQuizOut,
    QuizSettingsOut,
    ReviewOptionOut,
    ReviewOut,
    ReviewQuestionOut,
    SavedAnswerOut,
)
from lectern.quizzes.scoring import MANUAL_TYPES, has_content, is_manually_graded
from lectern.security.dependencies import CurrentUser

router = ApiRouter(tags=["quizzes"])

QuestionId = Annotated[int, Path(ge=1, le=2**31 - 1)]


def _attempt(attempt: QuizAttempt, quiz: Quiz) -> AttemptOut:
    out = AttemptOut.model_validate(attempt)
    out.deadline = service.attempt_deadline(quiz, attempt)
    return out


def _saved(answer: QuizAnswer | None) -> SavedAnswerOut | None:
    return SavedAnswerOut.model_validate(answer) if answer is not None else None


@router.get(
    "/learn/{course_uuid}/quizzes/{quiz_uuid}",
    response_model=LearnerQuizOut,
    summary="A quiz for the learner: its settings and my attempts",
    responses=problem_responses(401, 403, 404),
)
async def get_quiz(
    course_uuid: UUID, quiz_uuid: UUID, session: SessionDep, user: CurrentUser
) -> LearnerQuizOut:
    """For users entitled to the course (403 `not_enrolled` / `enrollment_*`); a quiz in a
    lesson needs the lesson open (403 `lesson_locked`); unpublished quizzes are 404s except
    for the course's staff. No questions here: start an attempt to see them."""
    quiz, attempts = await service.quiz_for_learner(session, user, course_uuid, quiz_uuid)
    open_one = next((a for a in attempts if a.status == QuizAttemptStatus.IN_PROGRESS), None)
    return LearnerQuizOut(
        quiz=QuizSettingsOut.model_validate(quiz),
        attempts=[_attempt(a, quiz) for a in attempts],
        attempts_left=max(0, quiz.max_attempts - len(attempts)) if quiz.max_attempts else None,
        in_progress=open_one.uuid if open_one else None,
    )


@router.get(
    "/learn/{course_uuid}/quizzes",
    response_model=Page[QuizStateOut],
    summary="The course's quizzes, and where I stand in each",
    description="Published quizzes in course order, each with its lesson, my attempts used "
    "and left, my best graded percentage, whether I passed, and my attempt in progress. "
    "403 unless entitled to the course.",
    responses=problem_responses(401, 403, 404),
)
async def course_quizzes(
    course_uuid: UUID,
    session: SessionDep,
    user: CurrentUser,
    params: PageParams = Depends(page_params),
) -> Page[QuizStateOut]:
    course, access = await learner_course(session, user, course_uuid)
    access.require()
    states, meta = await quiz_page(session, user.id, course.id, params)
    return Page[QuizStateOut](items=[quiz_out(state) for state in states], meta=meta)


@router.post(
    "/learn/{course_uuid}/quizzes/{quiz_uuid}/attempts",
    response_model=AttemptOut,
    status_code=status.HTTP_201_CREATED,
    summary="Start an attempt (or get the one in progress)",
    responses={
        200: {"description": "The attempt already in progress."},
        **problem_responses(401, 403, 404, 409),
    },
)
async def start_attempt(
    course_uuid: UUID,
    quiz_uuid: UUID,
    session: SessionDep,
    user: CurrentUser,
    response: Response,
) -> AttemptOut:
    """201 with a new attempt, or 200 with the attempt already in progress (one at a time).
    409 `max_attempts_reached` past `max_attempts` (also under parallel starts), 409
    `quiz_empty` for a quiz without questions, 409 `busy` if parallel starts kept colliding."""
    started = await service.start_attempt(session, user, course_uuid, quiz_uuid)
    if not started.created:
        response.status_code = status.HTTP_200_OK
    return _attempt(started.attempt, started.quiz)


@router.get(
    "/quiz-attempts/{attempt_uuid}",
    response_model=AttemptPageOut,
    summary="A page of my attempt's questions, with my saved answers",
    responses=problem_responses(401, 403, 404, 422),
)
async def get_attempt(
    attempt_uuid: UUID,
    session: SessionDep,
    user: CurrentUser,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> AttemptPageOut:
    """Questions in this attempt's order (shuffled per attempt when the quiz says so, the
    same on every reload), `questions_per_page` a page; never a key. An attempt past its
    deadline is closed and graded first. Another user's attempt is a 404."""
    view = await service.attempt_page(session, user, attempt_uuid, page)
    questions = []
    for shown in view.questions:
        q = shown.question
        settings = keys.effective_settings(q.type, q.settings) if q.type in MANUAL_TYPES else {}
        questions.append(
            AttemptQuestionOut(
                id=q.id,
                number=shown.number,
                type=q.type,
                question=q.question,
                image=q.image,
                audio=q.audio,
                video=q.video,
                points=q.points,
                is_required=q.is_required,
                options=[ChoiceOut.model_validate(o) for o in shown.options],
                choices=shown.choices,
                blanks=shown.blanks,
                min_words=settings.get("min_words"),
                max_words=settings.get("max_words"),
                answer=_saved(shown.answer),
            )
        )
    return AttemptPageOut(
        attempt=_attempt(view.attempt, view.quiz),
        page=view.page,
        pages=view.pages,
        questions=questions,
    )


@router.put(
    "/quiz-attempts/{attempt_uuid}/answers/{question_id}",
    response_model=SavedAnswerOut,
    summary="Save, change or flag my answer to a question",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def save_answer(
    attempt_uuid: UUID,
    question_id: QuestionId,
    body: AnswerIn,
    session: SessionDep,
    user: CurrentUser,
) -> SavedAnswerOut:
    """Only the fields given change. 422 `question_not_in_quiz` for a question of another
    quiz, `option_not_in_question` for an option of another question, `invalid_answer` for
    a field or shape the question's type does not take. 409 `attempt_submitted` once
    submitted; 409 `time_up` past the deadline (the attempt is then closed and graded with
    what was saved)."""
    given = body.model_dump(include=body.model_fields_set)
    answer, _ = await service.save_answer(session, user, attempt_uuid, question_id, given)
    saved = _saved(answer)
    assert saved is not None
    return saved


@router.post(
    "/quiz-attempts/{attempt_uuid}/submit",
    response_model=AttemptOut,
    summary="Submit my attempt for grading",
    responses=problem_responses(401, 403, 404, 409),
)
async def submit_attempt(attempt_uuid: UUID, session: SessionDep, user: CurrentUser) -> AttemptOut:
    """Grades every answer; the attempt is `graded`, or `submitted` while long answers and
    essays wait for an instructor. 409 `attempt_submitted` when already submitted, 409
    `time_up` past the deadline (closed and graded as it stands)."""
    attempt, quiz = await service.submit_attempt(session, user, attempt_uuid)
    return _attempt(attempt, quiz)


@router.get(
    "/quiz-attempts/{attempt_uuid}/review",
    response_model=ReviewOut,
    summary="Review my submitted attempt",
    responses=problem_responses(401, 403, 404, 409),
)
async def review_attempt(attempt_uuid: UUID, session: SessionDep, user: CurrentUser) -> ReviewOut:
    """After submission (409 `attempt_in_progress` before). `questions` only when the quiz
    has `allow_review`; correctness, points, feedback and explanations only with
    `show_answers_after_submission`; the key (options' `is_correct`, matching pairs, accepted
    answers, blanks, correct order) only with `show_correct_answers` as well."""
    review = await service.review_attempt(session, user, attempt_uuid)
    quiz = review.quiz
    show = quiz.show_answers_after_submission
    key = show and quiz.show_correct_answers
    questions = []
    for item in review.questions:
        q, answer = item.question, item.answer
        picked = set((answer.selected_options or []) if answer else [])
        settings = keys.effective_settings(q.type, q.settings)
        waiting = (
            q.type in MANUAL_TYPES
            and answer is not None
            and has_content(q, answer)
            and not is_manually_graded(answer)
        )
        questions.append(
            ReviewQuestionOut(
                id=q.id,
                number=item.number,
                type=q.type,
                question=q.question,
                image=q.image,
                audio=q.audio,
                video=q.video,
                points=q.points,
                answer=_saved(answer),
                options=[
                    ReviewOptionOut(
                        id=o.id,
                        option_text=o.option_text,
                        image=o.image,
                        selected=o.id in picked,
                        is_correct=o.is_correct if key else None,
                        feedback=o.feedback if show and o.id in picked else None,
                        match_with=o.match_with if key else None,
                    )
                    for o in item.options
                ],
                is_correct=(answer.is_correct if answer else False) if show else None,
                points_earned=(answer.points_earned if answer else Decimal(0)) if show else None,
                feedback=answer.feedback if show and answer else None,
                explanation=q.explanation if show else None,
                awaiting_grading=waiting,
                accepted_answers=settings.get("accepted_answers")
                if key and q.type == QuizQuestionType.SHORT_ANSWER
                else None,
                blanks=settings.get("blanks")
                if key and q.type == QuizQuestionType.FILL_BLANK
                else None,
                correct_order=item.correct_order
                if key and q.type == QuizQuestionType.ORDERING
                else None,
            )
        )
    return ReviewOut(
        attempt=_attempt(review.attempt, quiz),
        show_answers=show,
        show_correct_answers=key,
        questions=questions,
    )
