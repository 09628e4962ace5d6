"""Request and response bodies of quiz authoring (the studio): quizzes, questions, options."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any
from urllib.parse import urlsplit
from uuid import UUID

from pydantic import AfterValidator, Field, StringConstraints

from lectern.kit.html import RichText
from lectern.kit.schemas import Input, Output, Patch
from lectern.models.quizzes import QuizQuestionType

MAX_ID = 2**63 - 1
MAX_TIME_LIMIT = 7 * 24 * 60  # minutes: a week
MAX_POINTS = Decimal(10_000)


def _https_url(value: str) -> str:
    try:
        parts = urlsplit(value)
    except ValueError:
        raise ValueError("must be an absolute https URL") from None
    if parts.scheme.lower() != "https" or not parts.hostname:
        raise ValueError("must be an absolute https URL")
    return value


HttpsUrl = Annotated[str, StringConstraints(max_length=2048), AfterValidator(_https_url)]
Title = Annotated[str, StringConstraints(min_length=1, max_length=255)]
LongText = Annotated[str, StringConstraints(max_length=20_000)]
Formatted = Annotated[RichText, StringConstraints(max_length=20_000)]
QuestionText = Annotated[str, StringConstraints(min_length=1, max_length=20_000)]
OptionText = Annotated[str, StringConstraints(max_length=2_000)]
Points = Annotated[Decimal, Field(gt=0, le=MAX_POINTS, decimal_places=2)]
PassingScore = Annotated[Decimal, Field(ge=0, le=100, decimal_places=2)]
TimeLimit = Annotated[int, Field(ge=1, le=MAX_TIME_LIMIT, description="Minutes.")]
Count = Annotated[int, Field(ge=0, le=1000)]
Order = Annotated[int, Field(ge=0, le=100_000)]
RowId = Annotated[int, Field(ge=1, le=MAX_ID)]


# -- quizzes ----------------------------------------------------------------------------------


class QuizCreate(Input):
    title: Title
    description: LongText | None = None
    instructions: Formatted | None = None
    time_limit: TimeLimit | None = Field(None, description="Minutes; null = no limit.")
    passing_score: PassingScore = Field(Decimal(70), description="Percent, 0 to 100.")
    max_attempts: Count = Field(0, description="0 = unlimited.")
    show_answers_after_submission: bool = True
    show_correct_answers: bool = True
    randomize_questions: bool = False
    randomize_options: bool = False
    questions_per_page: Count = Field(0, description="0 = every question on one page.")
    allow_review: bool = True
    is_required: bool = False
    is_published: bool = Field(
        False, description="A quiz can be published only once it has questions (409)."
    )
    order: Order | None = Field(None, description="Default: after the course's other quizzes.")
    lesson: UUID | None = Field(
        None, description="A quiz-type lesson of the same course holding no other quiz."
    )


class QuizUpdate(Patch):
    title: Title | None = None
    description: LongText | None = None
    instructions: Formatted | None = None
    time_limit: TimeLimit | None = None
    passing_score: PassingScore | None = None
    max_attempts: Count | None = None
    show_answers_after_submission: bool | None = None
    show_correct_answers: bool | None = None
    randomize_questions: bool | None = None
    randomize_options: bool | None = None
    questions_per_page: Count | None = None
    allow_review: bool | None = None
    is_required: bool | None = None
    is_published: bool | None = None
    order: Order | None = None
    lesson: UUID | None = Field(None, description="null detaches the quiz from its lesson.")

    not_null = (
        "title",
        "passing_score",
        "max_attempts",
        "show_answers_after_submission",
        "show_correct_answers",
        "randomize_questions",
        "randomize_options",
        "questions_per_page",
        "allow_review",
        "is_required",
        "is_published",
        "order",
    )


class QuizOut(Output):
    uuid: UUID
    title: str
    description: str | None
    instructions: str | None
    time_limit: int | None
    passing_score: Decimal
    max_attempts: int
    show_answers_after_submission: bool
    show_correct_answers: bool
    randomize_questions: bool
    randomize_options: bool
    questions_per_page: int
    allow_review: bool
    is_required: bool
    is_published: bool
    order: int
    lesson: UUID | None = Field(description="The quiz-type lesson holding the quiz, if any.")
    total_points: Decimal
    total_questions: int
    created_at: datetime
    updated_at: datetime


# -- questions --------------------------------------------------------------------------------


class OptionIn(Input):
    id: RowId | None = Field(
        None,
        description="On update: an existing option of this question to keep (its id stays, "
        "so learners' past answers still point at it). Omitted: a new option.",
    )
    option_text: OptionText = ""
    image: HttpsUrl | None = None
    is_correct: bool = False
    feedback: LongText | None = None
    match_with: Annotated[str, StringConstraints(max_length=2_000)] | None = Field(
        None, description="Matching questions: the text this option pairs with."
    )


Options = Annotated[list[OptionIn], Field(max_length=50)]
Settings = Annotated[dict[str, Any], Field(max_length=20)]


class QuestionCreate(Input):
    type: QuizQuestionType
    question: QuestionText
    explanation: Formatted | None = None
    image: HttpsUrl | None = None
    audio: HttpsUrl | None = None
    video: HttpsUrl | None = None
    points: Points = Decimal(1)
    is_required: bool = False
    settings: Settings | None = Field(None, description="Per type; see the API docs.")
    options: Options = Field(
        default_factory=list, description="In order (ordering: the correct order)."
    )


class QuestionUpdate(Patch):
    """The type cannot change (delete the question and add another). ``options``, when
    given, replaces the whole list (in its new order); ``settings``, when given, replaces
    the settings."""

    question: QuestionText | None = None
    explanation: Formatted | None = None
    image: HttpsUrl | None = None
    audio: HttpsUrl | None = None
    video: HttpsUrl | None = None
    points: Points | None = None
    is_required: bool | None = None
    settings: Settings | None = None
    options: Options | None = None

    not_null = ("question", "points", "is_required", "options")


class QuestionReorder(Input):
    question_ids: list[RowId] = Field(
        max_length=1000, description="Every question of the quiz, once each, in the new order."
    )


class OptionOut(Output):
    id: int
    option_text: str
    image: str | None
    is_correct: bool
    feedback: str | None
    order: int
    match_with: str | None


class QuestionOut(Output):
    id: int
    type: QuizQuestionType
    question: str
    explanation: str | None
    image: str | None
    audio: str | None
    video: str | None
    points: Decimal
    order: int
    is_required: bool
    settings: dict[str, Any] = Field(description="With the type's defaults filled in.")
    options: list[OptionOut]
    created_at: datetime
    updated_at: datetime


class QuestionList(Output):
    items: list[QuestionOut]


class QuizDetail(QuizOut):
    questions: list[QuestionOut]
