"""Quizzes, their questions and options, attempts and answers (spec module 6, migration step 6)."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import CheckConstraint, Index, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lectern.kit.types import JSONType, UTCDateTime, utcnow
from lectern.models.base import (
    Base,
    IdMixin,
    TimestampMixin,
    UuidMixin,
    choice,
    counter,
    fk,
    flag,
    percent,
    score,
)

if TYPE_CHECKING:
    from lectern.models.users import User


class QuizQuestionType(enum.StrEnum):
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    TRUE_FALSE = "true_false"
    SHORT_ANSWER = "short_answer"
    LONG_ANSWER = "long_answer"
    FILL_BLANK = "fill_blank"
    MATCHING = "matching"
    ORDERING = "ordering"
    IMAGE_CHOICE = "image_choice"
    ESSAY = "essay"


class QuizAttemptStatus(enum.StrEnum):
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    GRADED = "graded"
    EXPIRED = "expired"


class Quiz(IdMixin, UuidMixin, TimestampMixin, Base):
    __tablename__ = "quizzes"
    __table_args__ = (
        Index(None, "course_id", "order"),
        CheckConstraint("time_limit IS NULL OR time_limit > 0", name="time_limit_positive"),
        CheckConstraint("max_attempts >= 0", name="max_attempts_non_negative"),
        CheckConstraint("questions_per_page >= 0", name="questions_per_page_non_negative"),
    )

    course_id: Mapped[int] = fk("courses.id", ondelete="CASCADE", index=False)
    # SET NULL: removing the lesson a quiz sits in keeps the quiz (and its attempts, i.e. the
    # learners' grades) as a course-level quiz. Unique: a lesson holds at most one quiz.
    lesson_id: Mapped[int | None] = fk(
        "lessons.id", ondelete="SET NULL", nullable=True, unique=True
    )

    title: Mapped[str] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)
    instructions: Mapped[str | None] = mapped_column(Text)

    # Minutes; NULL = no time limit.
    time_limit: Mapped[int | None] = mapped_column(Integer)
    passing_score: Mapped[Decimal] = percent("70")
    # 0 = unlimited.
    max_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    show_answers_after_submission: Mapped[bool] = flag(True)
    show_correct_answers: Mapped[bool] = flag(True)
    randomize_questions: Mapped[bool] = flag(False)
    randomize_options: Mapped[bool] = flag(False)
    # 0 = all questions on one page.
    questions_per_page: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    allow_review: Mapped[bool] = flag(True)
    # Must be passed before the learner can continue / complete the course.
    is_required: Mapped[bool] = flag(False)

    # Kept in step with the questions by the service layer.
    total_points: Mapped[Decimal] = score()
    total_questions: Mapped[int] = counter()

    is_published: Mapped[bool] = flag(False, index=True)
    order: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    questions: Mapped[list[QuizQuestion]] = relationship(
        back_populates="quiz",
        lazy="raise",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by=lambda: (QuizQuestion.order, QuizQuestion.id),
    )


class QuizQuestion(IdMixin, TimestampMixin, Base):
    __tablename__ = "quiz_questions"
    __table_args__ = (Index(None, "quiz_id", "order"),)

    quiz_id: Mapped[int] = fk("quizzes.id", ondelete="CASCADE", index=False)
    type: Mapped[QuizQuestionType] = choice(QuizQuestionType, QuizQuestionType.SINGLE_CHOICE)
    question: Mapped[str] = mapped_column(Text)
    # Shown once the question has been answered.
    explanation: Mapped[str | None] = mapped_column(Text)
    image: Mapped[str | None] = mapped_column(String(2048))
    audio: Mapped[str | None] = mapped_column(String(2048))
    video: Mapped[str | None] = mapped_column(String(2048))
    points: Mapped[Decimal] = score("1")
    order: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    is_required: Mapped[bool] = flag(False)
    # Per-type settings: case sensitivity of text answers, accepted blanks, partial credit...
    settings: Mapped[dict[str, Any] | None] = mapped_column(JSONType)

    quiz: Mapped[Quiz] = relationship(back_populates="questions", lazy="raise")
    options: Mapped[list[QuizOption]] = relationship(
        back_populates="question",
        lazy="raise",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by=lambda: (QuizOption.order, QuizOption.id),
    )


class QuizOption(IdMixin, TimestampMixin, Base):
    __tablename__ = "quiz_options"
    __table_args__ = (Index(None, "question_id", "order"),)

    question_id: Mapped[int] = fk("quiz_questions.id", ondelete="CASCADE", index=False)
    option_text: Mapped[str] = mapped_column(Text)
    image: Mapped[str | None] = mapped_column(String(2048))
    is_correct: Mapped[bool] = flag(False)
    # Shown when the learner picks this option.
    feedback: Mapped[str | None] = mapped_column(Text)
    order: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Matching questions: the text this option pairs with.
    match_with: Mapped[str | None] = mapped_column(Text)

    question: Mapped[QuizQuestion] = relationship(back_populates="options", lazy="raise")


class QuizAttempt(IdMixin, UuidMixin, TimestampMixin, Base):
    __tablename__ = "quiz_attempts"
    __table_args__ = (
        # Attempt numbers are unique per learner and quiz, so two parallel starts cannot
        # both pass the max_attempts check.
        UniqueConstraint("user_id", "quiz_id", "attempt_number"),
        CheckConstraint("time_spent >= 0", name="time_spent_non_negative"),
    )

    user_id: Mapped[int] = fk("users.id", ondelete="CASCADE", index=False)
    quiz_id: Mapped[int] = fk("quizzes.id", ondelete="CASCADE")
    # Nullable, SET NULL: instructors previewing their own quiz have no enrollment, and the
    # attempt (a grade) outlives a removed enrollment.
    enrollment_id: Mapped[int | None] = fk("enrollments.id", ondelete="SET NULL", nullable=True)

    attempt_number: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    started_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, server_default=func.current_timestamp()
    )
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Seconds.
    time_spent: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    total_questions: Mapped[int] = counter()
    answered_questions: Mapped[int] = counter()
    correct_questions: Mapped[int] = counter()
    wrong_questions: Mapped[int] = counter()
    skipped_questions: Mapped[int] = counter()
    score_earned: Mapped[Decimal] = score()
    score_total: Mapped[Decimal] = score()
    percentage: Mapped[Decimal] = percent("0")
    is_passed: Mapped[bool] = flag(False)

    status: Mapped[QuizAttemptStatus] = choice(
        QuizAttemptStatus, QuizAttemptStatus.IN_PROGRESS, index=True
    )
    # Instructor feedback on the whole attempt (manual grading of essays and the like).
    feedback: Mapped[str | None] = mapped_column(Text)
    graded_by: Mapped[int | None] = fk("users.id", ondelete="SET NULL", nullable=True)
    graded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys="QuizAttempt.user_id", lazy="raise")
    quiz: Mapped[Quiz] = relationship(lazy="raise")
    answers: Mapped[list[QuizAnswer]] = relationship(
        back_populates="attempt",
        lazy="raise",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class QuizAnswer(IdMixin, TimestampMixin, Base):
    """A learner's answer to one question within one attempt."""

    __tablename__ = "quiz_answers"
    __table_args__ = (UniqueConstraint("attempt_id", "question_id"),)

    attempt_id: Mapped[int] = fk("quiz_attempts.id", ondelete="CASCADE", index=False)
    # CASCADE: a question removed from the quiz takes its answers along; the attempt keeps
    # its stored totals (score_earned, percentage...), so past grades do not change.
    question_id: Mapped[int] = fk("quiz_questions.id", ondelete="CASCADE")

    # Ids of the chosen options (single/multiple/image choice, true/false).
    selected_options: Mapped[list[int] | None] = mapped_column(JSONType)
    # Short/long answer, fill-in-the-blank, essay.
    text_answer: Mapped[str | None] = mapped_column(Text)
    # Ordering: option ids in the order the learner put them.
    order_answer: Mapped[list[int] | None] = mapped_column(JSONType)
    # Matching: option id -> the match_with text the learner paired it with.
    matching_answer: Mapped[dict[str, Any] | None] = mapped_column(JSONType)

    is_correct: Mapped[bool] = flag(False)
    points_earned: Mapped[Decimal] = score()
    feedback: Mapped[str | None] = mapped_column(Text)
    # Marked by the learner to come back to before submitting.
    is_flagged: Mapped[bool] = flag(False)
    # Not in the spec: when an instructor graded this answer by hand (long answer, essay);
    # NULL while it waits for grading.
    graded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    attempt: Mapped[QuizAttempt] = relationship(back_populates="answers", lazy="raise")
    question: Mapped[QuizQuestion] = relationship(lazy="raise")
