"""Request and response bodies of taking a quiz. Nothing here before submission carries a key:
no ``is_correct``, accepted answers, blanks' answers, match pairs or the correct order."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from pydantic import Field, StringConstraints

from lectern.kit.schemas import Input, Output
from lectern.models import QuizAttemptStatus, QuizQuestionType

MAX_ID = 2**31 - 1
OptionId = Annotated[int, Field(ge=1, le=MAX_ID)]
ShortText = Annotated[str, StringConstraints(max_length=1000)]


class QuizSettingsOut(Output):
    uuid: UUID
    title: str
    description: str | None
    instructions: str | None
    time_limit: int | None = Field(description="Minutes; null = no limit.")
    passing_score: Decimal
    max_attempts: int = Field(description="0 = unlimited.")
    questions_per_page: int = Field(description="0 = all on one page.")
    allow_review: bool
    show_answers_after_submission: bool
    show_correct_answers: bool
    is_required: bool
    total_points: Decimal
    total_questions: int


class AttemptOut(Output):
    """An attempt's state and, once submitted, its result."""

    uuid: UUID
    attempt_number: int
    status: QuizAttemptStatus
    started_at: datetime
    deadline: datetime | None = Field(
        default=None, description="When answers stop being accepted (plus a few seconds)."
    )
    submitted_at: datetime | None
    time_spent: int
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


class LearnerQuizOut(Output):
    quiz: QuizSettingsOut
    attempts: list[AttemptOut]
    attempts_left: int | None = Field(description="null = unlimited.")
    in_progress: UUID | None = Field(description="The open attempt, if any.")


class ChoiceOut(Output):
    id: int
    option_text: str
    image: str | None


class SavedAnswerOut(Output):
    question_id: int
    selected_options: list[int] | None
    text_answer: str | None
    matching_answer: dict[str, Any] | None
    order_answer: list[int] | None
    is_flagged: bool


class AttemptQuestionOut(Output):
    id: int
    number: int = Field(description="Position in this attempt (1-based).")
    type: QuizQuestionType
    question: str
    image: str | None
    audio: str | None
    video: str | None
    points: Decimal
    is_required: bool
    options: list[ChoiceOut] = Field(
        description="In this attempt's order (ordering: shuffled, to put in order)."
    )
    choices: list[str] = Field(
        description="Matching: the texts to pair the options with, shuffled."
    )
    blanks: list[str] = Field(description="Fill-blank: the blank ids of the text ({{1}}...).")
    min_words: int | None = None
    max_words: int | None = None
    answer: SavedAnswerOut | None


class AttemptPageOut(Output):
    attempt: AttemptOut
    page: int
    pages: int
    questions: list[AttemptQuestionOut]


class AnswerIn(Input):
    """Only the fields given change (null clears one). Which field answers which type:
    `selected_options` the choice types, `text_answer` short/long answers and essays,
    `matching_answer` fill_blank ({"1": "text"}) and matching ({"<option id>": "<choice>"}),
    `order_answer` ordering (every option id once, in order)."""

    selected_options: list[OptionId] | None = Field(default=None, max_length=100)
    text_answer: str | None = Field(default=None, max_length=50_000)
    matching_answer: dict[Annotated[str, StringConstraints(max_length=20)], ShortText] | None = (
        Field(default=None, max_length=100)
    )
    order_answer: list[OptionId] | None = Field(default=None, max_length=100)
    is_flagged: bool | None = None


class ReviewOptionOut(Output):
    id: int
    option_text: str
    image: str | None
    selected: bool
    is_correct: bool | None = Field(description="Only when the quiz shows correct answers.")
    feedback: str | None = Field(description="The option's feedback, for options you picked.")
    match_with: str | None = Field(description="Matching: the right pair (correct answers).")


class ReviewQuestionOut(Output):
    id: int
    number: int
    type: QuizQuestionType
    question: str
    image: str | None
    audio: str | None
    video: str | None
    points: Decimal
    answer: SavedAnswerOut | None
    options: list[ReviewOptionOut]
    # After submission, as show_answers_after_submission says:
    is_correct: bool | None = None
    points_earned: Decimal | None = None
    feedback: str | None = None
    explanation: str | None = None
    awaiting_grading: bool = False
    # The key, as show_correct_answers says:
    accepted_answers: list[str] | None = None
    blanks: dict[str, list[str]] | None = None
    correct_order: list[int] | None = None


class ReviewOut(Output):
    attempt: AttemptOut
    show_answers: bool
    show_correct_answers: bool
    questions: list[ReviewQuestionOut] = Field(description="Empty unless the quiz allows review.")
