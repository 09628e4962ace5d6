"""Who takes part in a course's discussions: learners with a live enrollment and the
course's staff (owner, co-instructors, assistants, admins). Everyone else is refused on
every discussion route, as on the course's lessons. Staff moderate: pin, feature, close,
restore what was flagged, and see what is hidden."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.errors import Forbidden, NotFound
from lectern.learning.access import Standing, learner_course
from lectern.models import Course, Discussion, User


@dataclass(frozen=True)
class Participant:
    user: User
    course: Course
    is_staff: bool


async def in_course(session: AsyncSession, user: User, course_uuid: uuid.UUID) -> Participant:
    """The user as a participant of the course's discussions (403 unless entitled)."""
    course, access = await learner_course(session, user, course_uuid)
    access.require()
    return Participant(user, course, access.standing is Standing.STAFF)


async def in_thread(
    session: AsyncSession, user: User, discussion_uuid: uuid.UUID
) -> tuple[Participant, Discussion]:
    """The thread and the user as a participant of its course (404 for a thread they may
    not see: deleted, or flagged and neither theirs nor moderated by them)."""
    found = (
        await session.execute(
            select(Discussion, Course.uuid)
            .join(Course, Course.id == Discussion.course_id)
            .where(Discussion.uuid == discussion_uuid, Discussion.deleted_at.is_(None))
        )
    ).first()
    if found is None:
        raise NotFound("no such discussion", code="discussion_not_found")
    discussion, course_uuid = found
    participant = await in_course(session, user, course_uuid)
    if not visible(participant, discussion.status.value, discussion.user_id):
        raise NotFound("no such discussion", code="discussion_not_found")
    return participant, discussion


def visible(participant: Participant, status: str, author_id: int) -> bool:
    """Flagged posts show only to their author and to moderators."""
    return status != "flagged" or participant.is_staff or author_id == participant.user.id


def require_open_for(participant: Participant, thread_type: str) -> None:
    """403 when the course has turned off what is posted: questions (``allow_qa``) or
    discussions (``allow_discussions``). Staff announcements are always open."""
    course = participant.course
    if thread_type == "question" and not course.allow_qa:
        raise Forbidden("this course takes no questions", code="qa_closed")
    if thread_type == "discussion" and not course.allow_discussions:
        raise Forbidden("this course has its discussions turned off", code="discussions_closed")


def require_staff(participant: Participant) -> None:
    if not participant.is_staff:
        raise Forbidden("only the course's instructors moderate its discussions", code="not_staff")
