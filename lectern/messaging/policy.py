"""Who may write to whom: no cold messages between strangers.

- An admin may write to anyone.
- A learner may write to the staff (owner, co-instructors, assistants) of a course they take
  (a live enrollment), and that staff to them.
- Anyone may ask a published course's owner about it (a course inquiry), before enrolling.
- No one writes to someone who blocked them; no one starts a conversation with an
  instructor who turned direct messages off (those under way go on). Admins pass both.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.courses.policy import on_team
from lectern.errors import Forbidden
from lectern.learning.access import LIVE_STATUSES
from lectern.models import (
    ConversationParticipant,
    Course,
    CourseStatus,
    Enrollment,
    InstructorProfile,
    User,
    UserBlock,
    UserRole,
)


def _takes(user_id: int) -> Any:
    """A WHERE clause on Course: ``user_id`` has a live enrollment in it."""
    return exists().where(
        Enrollment.course_id == Course.id,
        Enrollment.user_id == user_id,
        Enrollment.status.in_(LIVE_STATUSES),
        Enrollment.is_active.is_(True),
        Enrollment.deleted_at.is_(None),
    )


async def may_write(session: AsyncSession, sender: User, recipient: User) -> bool:
    """Whether ``sender`` may start a direct conversation with ``recipient``."""
    if UserRole.ADMIN in (sender.role, recipient.role):
        return True
    shared = select(Course.id).where(
        Course.deleted_at.is_(None),
        or_(
            and_(_takes(sender.id), on_team(recipient.id)),
            and_(on_team(sender.id), _takes(recipient.id)),
        ),
    )
    return await session.scalar(select(exists(shared))) is True


async def inquiry_course(session: AsyncSession, recipient: User, course: Course) -> None:
    """403 unless ``course`` is published and ``recipient`` is its owner."""
    public = course.status == CourseStatus.PUBLISHED and course.is_approved
    if not public or course.instructor_id != recipient.id:
        raise Forbidden("ask a published course's instructor about it", code="not_allowed")


async def refuse_new(session: AsyncSession, sender: User, recipient_id: int) -> None:
    """403 before a new conversation with someone who blocked the sender or, an
    instructor, takes no direct messages."""
    if sender.role == UserRole.ADMIN:
        return
    blocked = exists().where(
        UserBlock.blocker_id == recipient_id, UserBlock.blocked_id == sender.id
    )
    closed = exists().where(
        InstructorProfile.user_id == recipient_id, InstructorProfile.accepts_messages.is_(False)
    )
    is_blocked, is_closed = (await session.execute(select(blocked, closed))).one()
    if is_blocked:
        raise _blocked()
    if is_closed:
        raise Forbidden(
            "this instructor does not take direct messages: ask in the course's Q&A",
            code="messages_off",
        )


async def refuse_blocked(session: AsyncSession, sender: User, conversation_id: int) -> None:
    """403 when another participant of the conversation blocked the sender."""
    if sender.role == UserRole.ADMIN:
        return
    others = select(ConversationParticipant.user_id).where(
        ConversationParticipant.conversation_id == conversation_id,
        ConversationParticipant.user_id != sender.id,
    )
    blocked = exists().where(UserBlock.blocker_id.in_(others), UserBlock.blocked_id == sender.id)
    if await session.scalar(select(blocked)):
        raise _blocked()


def _blocked() -> Forbidden:
    return Forbidden("this person does not take your messages", code="blocked")
