"""The facts quizzes publish (see lectern.events)."""

from __future__ import annotations

from dataclasses import dataclass

from lectern.events import Event


@dataclass(frozen=True)
class QuizGraded(Event):
    """An attempt that waited for manual grading is graded: its learner hears of it."""

    attempt_id: int
    user_id: int
    course_id: int
