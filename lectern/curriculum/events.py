"""The facts the curriculum publishes (see lectern.events)."""

from __future__ import annotations

from dataclasses import dataclass

from lectern.events import Event


@dataclass(frozen=True)
class CurriculumChanged(Event):
    """What counts in course ``course_id`` changed (a section or lesson added, removed,
    published, moved ...); the course's totals are already recomputed."""

    course_id: int
