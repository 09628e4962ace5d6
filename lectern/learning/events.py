"""The facts learning publishes (see lectern.events)."""

from __future__ import annotations

from dataclasses import dataclass

from lectern.events import Event


@dataclass(frozen=True)
class EnrollmentCreated(Event):
    """A user gained (or regained) access to a course."""

    enrollment_id: int
    user_id: int
    course_id: int
    enrollment_type: str


@dataclass(frozen=True)
class LessonCompleted(Event):
    enrollment_id: int
    user_id: int
    course_id: int
    lesson_id: int


@dataclass(frozen=True)
class CourseCompleted(Event):
    """An enrollment reached 100 %: certificates, learning paths and notifications react."""

    enrollment_id: int
    user_id: int
    course_id: int
