"""Request and response bodies of the instructors' side of quizzes: the grading queue, an
attempt with its answers and the keys, manual grading, statistics."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field

from lectern.kit.schemas import Input
from lectern.models.quizzes import QuizAttemptStatus, QuizQuestionType

MAX_FEEDBACK = 10_000


class AnswerGradeIn(Input):
    points: Decimal = Field(
        ge=0,
        max_digits=10,
        decimal_places=2,
        description="0 up to the question's points (more is a 422), hundredths at most.",
    )
    feedback: str | None = Field(
        None, max_length=MAX_FEEDBACK, description="Shown to the learner with their answer."
    )


class AttemptFeedbackIn(Input):
    feedback: str | None = Field(
        max_length=MAX_FEEDBACK, description="Feedback on the whole attempt; null clears it."
    )


class LearnerOut(BaseModel):
    uuid: uuid.UUID
    name: str
    email: str


class GraderOut(BaseModel):
    uuid: uuid.UUID
    name: str


class QuizBrief(BaseModel):
    uuid: uuid.UUID
    title: str
    passing_score: Decimal
    total_points: Decimal


class QueueItemOut(BaseModel):
    """An attempt as the grading queue lists it."""

    uuid: uuid.UUID
    quiz: QuizBrief
    student: LearnerOut
    attempt_number: int
    status: QuizAttemptStatus
    started_at: datetime
    submitted_at: datetime | None
    score_earned: Decimal
    score_total: Decimal
    percentage: Decimal
    is_passed: bool
    ungraded_answers: int = Field(description="Answers waiting for an instructor's points.")
    graded_at: datetime | None


class OptionKeyOut(BaseModel):
    id: int
    option_text: str
    image: str | None
    is_correct: bool
    feedback: str | None
    order: int
    match_with: str | None


class QuestionKeyOut(BaseModel):
    """A question with its whole key: options with is_correct / match_with, settings with
    accepted answers and blanks."""

    id: int
    type: QuizQuestionType
    question: str
    explanation: str | None
    image: str | None
    audio: str | None
    video: str | None
    points: Decimal
    order: int
    settings: dict[str, Any] | None
    options: list[OptionKeyOut]


class AnswerOut(BaseModel):
    id: int
    selected_options: list[int] | None
    text_answer: str | None
    order_answer: list[int] | None
    matching_answer: dict[str, Any] | None
    is_flagged: bool
    is_correct: bool
    points_earned: Decimal
    feedback: str | None
    needs_grading: bool = Field(description="A long answer or essay not yet given points.")


class AnsweredQuestionOut(BaseModel):
    question: QuestionKeyOut
    answer: AnswerOut | None = Field(description="Null: the learner left it unanswered.")


class AttemptDetailOut(BaseModel):
    uuid: uuid.UUID
    quiz: QuizBrief
    student: LearnerOut
    attempt_number: int
    status: QuizAttemptStatus
    started_at: datetime
    submitted_at: datetime | None
    time_spent: int = Field(description="Seconds.")
    total_questions: int
    answered_questions: int
    correct_questions: int
    wrong_questions: int
    skipped_questions: int
    score_earned: Decimal
    score_total: Decimal
    percentage: Decimal
    is_passed: bool
    feedback: str | None
    graded_by: GraderOut | None
    graded_at: datetime | None
    ungraded_answers: int
    questions: list[AnsweredQuestionOut] = Field(description="Every question, in quiz order.")


class QuestionStatsOut(BaseModel):
    id: int
    type: QuizQuestionType
    question: str
    points: Decimal
    order: int
    responses: int = Field(description="Answers in attempts whose grading is final.")
    correct: int
    share_correct: Decimal | None = Field(
        description="Percent of the responses graded correct (the difficulty: low is hard)."
    )
    average_points: Decimal | None


class QuizStatsOut(BaseModel):
    quiz: QuizBrief
    attempts: int = Field(description="Submitted attempts (submitted, graded or expired).")
    students: int
    awaiting_grading: int
    graded: int = Field(description="Attempts whose grading is final (graded or expired).")
    passed: int
    average_percentage: Decimal | None = Field(description="Over the final attempts.")
    pass_rate: Decimal | None = Field(description="Percent of the final attempts passed.")
    highest_percentage: Decimal | None
    lowest_percentage: Decimal | None
    questions: list[QuestionStatsOut]
