"""The facts reviews publish (see lectern.events)."""

from __future__ import annotations

from dataclasses import dataclass

from lectern.events import Event


@dataclass(frozen=True)
class ReviewPosted(Event):
    """A learner reviewed a course: its instructor hears of it (once it shows, or is held)."""

    review_id: int
    user_id: int
    course_id: int
    approved: bool


@dataclass(frozen=True)
class ReviewAnswered(Event):
    """The course's instructor answered a review: its author hears of it."""

    review_id: int
    user_id: int
    course_id: int


@dataclass(frozen=True)
class ReviewInvited(Event):
    """A learner passed the share of a course (``reviews.prompt_at_percent``) at which they
    are asked for a review: notifications prompt them."""

    enrollment_id: int
    user_id: int
    course_id: int
