"""The facts assignments publish (see lectern.events)."""

from __future__ import annotations

from dataclasses import dataclass

from lectern.events import Event


@dataclass(frozen=True)
class AssignmentGraded(Event):
    """A submission was graded, or returned for resubmission: its learner hears of it."""

    submission_id: int
    user_id: int
    course_id: int
    returned: bool
