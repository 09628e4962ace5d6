"""The facts the curriculum publishes (see lectern.events)."""

from __future__ import annotations

from dataclasses import dataclass

from lectern.events import Event


@dataclass(frozen=True)
class CurriculumChanged(Event):
    """What counts in course ``course_id`` changed (a section or lesson added, removed,
    published, moved ...); the course's totals are already recomputed."""

    course_id: int


@dataclass(frozen=True)
class LessonPublished(Event):
    """Lesson ``lesson_id`` of course ``course_id`` became visible to its learners: added
    published, or published later."""

    course_id: int
    lesson_id: int
