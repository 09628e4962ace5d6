"""HTTP routes of the instructors' side of quizzes: the grading queue, an attempt with its
answers and keys, manual grading, feedback, and per-quiz statistics.

Every route needs an approved instructor (or an admin; 403 otherwise) who may edit the
course: its owner, a co-instructor or an admin; another's course — and an attempt or quiz
of another course — is a 404.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Depends, Path, Query

from lectern.courses.dependencies import EditableCourse
from lectern.db import SessionDep
from lectern.errors import problem_responses
from lectern.kit.routing import ApiRouter
from lectern.kit.schemas import Page, PageParams, page_params
from lectern.models.quizzes import Quiz, QuizAttempt, QuizAttemptStatus
from lectern.quizzes.grading import service as grading
from lectern.quizzes.grading import statistics as stats
from lectern.quizzes.grading.schemas import (
    AnsweredQuestionOut,
    AnswerGradeIn,
    AnswerOut,
    AttemptDetailOut,
    AttemptFeedbackIn,
    GraderOut,
    LearnerOut,
    OptionKeyOut,
    QuestionKeyOut,
    QuestionStatsOut,
    QueueItemOut,
    QuizBrief,
    QuizStatsOut,
)
from lectern.security.dependencies import CurrentUser

router = ApiRouter(prefix="/studio/courses/{course_uuid}", tags=["quiz grading"])

MAX_ID = 2**63 - 1
AnswerId = Annotated[int, Path(ge=1, le=MAX_ID, description="The answer's id.")]
READ = problem_responses(401, 403, 404, 422)
WRITE = problem_responses(401, 403, 404, 409, 422)


def _quiz_brief(quiz: Quiz) -> QuizBrief:
    return QuizBrief(
        uuid=quiz.uuid,
        title=quiz.title,
        passing_score=quiz.passing_score,
        total_points=quiz.total_points,
    )


def _student(attempt: QuizAttempt) -> LearnerOut:
    return LearnerOut(uuid=attempt.user.uuid, name=attempt.user.name, email=attempt.user.email)


def _detail(view: grading.AttemptView) -> AttemptDetailOut:
    a = view.attempt
    return AttemptDetailOut(
        uuid=a.uuid,
        quiz=_quiz_brief(a.quiz),
        student=_student(a),
        attempt_number=a.attempt_number,
        status=a.status,
        started_at=a.started_at,
        submitted_at=a.submitted_at,
        time_spent=a.time_spent,
        total_questions=a.total_questions,
        answered_questions=a.answered_questions,
        correct_questions=a.correct_questions,
        wrong_questions=a.wrong_questions,
        skipped_questions=a.skipped_questions,
        score_earned=a.score_earned,
        score_total=a.score_total,
        percentage=a.percentage,
        is_passed=a.is_passed,
        feedback=a.feedback,
        graded_by=GraderOut(uuid=view.grader.uuid, name=view.grader.name) if view.grader else None,
        graded_at=a.graded_at,
        ungraded_answers=view.ungraded_answers,
        questions=[
            AnsweredQuestionOut(
                question=QuestionKeyOut(
                    id=q.question.id,
                    type=q.question.type,
                    question=q.question.question,
                    explanation=q.question.explanation,
                    image=q.question.image,
                    audio=q.question.audio,
                    video=q.question.video,
                    points=q.question.points,
                    order=q.question.order,
                    settings=q.question.settings,
                    options=[
                        OptionKeyOut.model_validate(o, from_attributes=True) for o in q.options
                    ],
                ),
                answer=None
                if q.answer is None
                else AnswerOut(
                    id=q.answer.id,
                    selected_options=q.answer.selected_options,
                    text_answer=q.answer.text_answer,
                    order_answer=q.answer.order_answer,
                    matching_answer=q.answer.matching_answer,
                    is_flagged=q.answer.is_flagged,
                    is_correct=q.answer.is_correct,
                    points_earned=q.answer.points_earned,
                    feedback=q.answer.feedback,
                    needs_grading=q.needs_grading,
                ),
            )
            for q in view.questions
        ],
    )


async def queue_filters(
    status: QuizAttemptStatus = Query(
        QuizAttemptStatus.SUBMITTED,
        description="submitted (the default): handed in and waiting for manual grading.",
    ),
    quiz: UUID | None = Query(None, description="Only this quiz's attempts."),
    student: UUID | None = Query(None, description="Only this learner's attempts."),
) -> grading.QueueFilters:
    return grading.QueueFilters(status=status, quiz=quiz, student=student)


@router.get(
    "/quiz-attempts",
    response_model=Page[QueueItemOut],
    summary="The grading queue: attempts of the course's quizzes",
    description="Attempts in `status` (default `submitted`: waiting for an instructor to "
    "grade their long answers / essays), oldest submission first, each with the number of "
    "answers left to grade. `quiz`: one quiz of the course (404 `quiz_not_found` for "
    "another), `student`: one learner (by uuid).",
    responses=READ,
)
async def grading_queue(
    session: SessionDep,
    course: EditableCourse,
    filters: Annotated[grading.QueueFilters, Depends(queue_filters)],
    params: PageParams = Depends(page_params),
) -> Page[QueueItemOut]:
    if filters.quiz is not None:
        await grading.quiz_of_course(session, course, filters.quiz)
    rows, meta = await grading.queue(session, course, filters, params)
    items = [
        QueueItemOut(
            uuid=r.attempt.uuid,
            quiz=_quiz_brief(r.attempt.quiz),
            student=_student(r.attempt),
            attempt_number=r.attempt.attempt_number,
            status=r.attempt.status,
            started_at=r.attempt.started_at,
            submitted_at=r.attempt.submitted_at,
            score_earned=r.attempt.score_earned,
            score_total=r.attempt.score_total,
            percentage=r.attempt.percentage,
            is_passed=r.attempt.is_passed,
            ungraded_answers=r.ungraded_answers,
            graded_at=r.attempt.graded_at,
        )
        for r in rows
    ]
    return Page[QueueItemOut](items=items, meta=meta)


@router.get(
    "/quiz-attempts/{attempt_uuid}",
    response_model=AttemptDetailOut,
    summary="An attempt with every answer and the answer keys",
    description="Every question of the quiz in order, with its key (options' `is_correct`, "
    "`match_with`, settings with accepted answers and blanks) and the learner's answer "
    "(null when none was saved); `needs_grading` marks the answers waiting for points.",
    responses=READ,
)
async def get_attempt(
    attempt_uuid: UUID, session: SessionDep, course: EditableCourse
) -> AttemptDetailOut:
    return _detail(await grading.attempt_view(session, course, attempt_uuid))


@router.post(
    "/quiz-attempts/{attempt_uuid}/answers/{answer_id}/grade",
    response_model=AttemptDetailOut,
    summary="Grade a long answer or essay",
    description="`points` from 0 to the question's points (422 `points_above_maximum` "
    "beyond), optional `feedback`. Grading again replaces the earlier grade. The attempt "
    "is then recomputed: `graded` with `is_passed` once no answer is left to grade (a "
    "passed required quiz completes its lesson); `graded_by` is the grader. 409 "
    "`attempt_in_progress` (not handed in yet), `graded_automatically` (another type: "
    "correct its key instead), `empty_answer` (nothing written). 404 `answer_not_found` for "
    "an answer of another attempt.",
    responses=WRITE,
)
async def grade(
    attempt_uuid: UUID,
    answer_id: AnswerId,
    body: AnswerGradeIn,
    session: SessionDep,
    user: CurrentUser,
    course: EditableCourse,
) -> AttemptDetailOut:
    view = await grading.grade_answer(
        session, course, user, attempt_uuid, answer_id, body.points, body.feedback
    )
    return _detail(view)


@router.put(
    "/quiz-attempts/{attempt_uuid}/feedback",
    response_model=AttemptDetailOut,
    summary="Feedback on a whole attempt",
    description="Replaces the attempt's feedback (null clears it). 409 `attempt_in_progress`.",
    responses=WRITE,
)
async def attempt_feedback(
    attempt_uuid: UUID, body: AttemptFeedbackIn, session: SessionDep, course: EditableCourse
) -> AttemptDetailOut:
    return _detail(await grading.set_feedback(session, course, attempt_uuid, body.feedback))


@router.get(
    "/quizzes/{quiz_uuid}/statistics",
    response_model=QuizStatsOut,
    summary="A quiz's statistics",
    description="Attempts handed in, learners, those awaiting grading; over the attempts "
    "whose grading is final (graded or expired): average percentage, pass rate, highest "
    "and lowest; per question (in order): responses, correct, share correct (difficulty) "
    "and average points. Aggregated in SQL: a fixed number of statements.",
    responses=READ,
)
async def quiz_statistics(
    quiz_uuid: UUID, session: SessionDep, course: EditableCourse
) -> QuizStatsOut:
    quiz = await grading.quiz_of_course(session, course, quiz_uuid)
    result = await stats.quiz_stats(session, quiz)
    return QuizStatsOut(
        quiz=_quiz_brief(quiz),
        attempts=result.attempts,
        students=result.students,
        awaiting_grading=result.awaiting_grading,
        graded=result.graded,
        passed=result.passed,
        average_percentage=result.average_percentage,
        pass_rate=result.pass_rate,
        highest_percentage=result.highest_percentage,
        lowest_percentage=result.lowest_percentage,
        questions=[
            QuestionStatsOut.model_validate(q, from_attributes=True) for q in result.questions
        ],
    )
