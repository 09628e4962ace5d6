"""The facts discussions publish (see lectern.events)."""

from __future__ import annotations

from dataclasses import dataclass

from lectern.events import Event


@dataclass(frozen=True)
class QuestionAsked(Event):
    """A thread was started on a course (a question, a discussion or an announcement): the
    course's instructors hear of questions."""

    discussion_id: int
    user_id: int
    course_id: int
    type: str


@dataclass(frozen=True)
class ReplyPosted(Event):
    """A reply was posted in a thread (its followers are e-mailed by discussions itself)."""

    reply_id: int
    discussion_id: int
    user_id: int
    course_id: int


@dataclass(frozen=True)
class BestAnswerChosen(Event):
    """A reply was marked the best answer of a question: its author hears of it."""

    discussion_id: int
    reply_id: int
    reply_user_id: int


@dataclass(frozen=True)
class UserMentioned(Event):
    """A participant of a thread was @mentioned in a post."""

    user_id: int
    by_user_id: int
    discussion_id: int
    reply_id: int | None
