"""Who may do what with a live class: its course's authors (owner, co-instructors, admins)
schedule and run it; the course's learners with a live enrollment, and its staff, see it and
register. Anyone else gets a 404 or the course's own refusal (not enrolled, expired ...)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.courses.policy import Access, course_for
from lectern.errors import NotFound
from lectern.learning.access import Standing, learner_course
from lectern.models import Course, LiveClass, User


@dataclass(frozen=True)
class Seen:
    """A class as someone of its course sees it."""

    live_class: LiveClass
    course: Course
    is_staff: bool


async def _find(session: AsyncSession, class_uuid: uuid.UUID) -> tuple[LiveClass, uuid.UUID]:
    found = (
        await session.execute(
            select(LiveClass, Course.uuid)
            .join(Course, Course.id == LiveClass.course_id)
            .where(LiveClass.uuid == class_uuid, LiveClass.deleted_at.is_(None))
        )
    ).first()
    if found is None:
        raise NotFound("no such live class", code="live_class_not_found")
    return found[0], found[1]


async def hosted(session: AsyncSession, user: User, class_uuid: uuid.UUID) -> Seen:
    """The class, for one of its course's authors (404 for anyone else)."""
    live_class, course_uuid = await _find(session, class_uuid)
    try:
        course = await course_for(session, user, course_uuid, Access.CONTENT)
    except NotFound:
        raise NotFound("no such live class", code="live_class_not_found") from None
    return Seen(live_class, course, is_staff=True)


async def attended(session: AsyncSession, user: User, class_uuid: uuid.UUID) -> Seen:
    """The class, for its course's learners and staff (403 with the reason otherwise)."""
    live_class, course_uuid = await _find(session, class_uuid)
    course, access = await learner_course(session, user, course_uuid)
    access.require()
    return Seen(live_class, course, access.standing is Standing.STAFF)


async def of_course(session: AsyncSession, user: User, course_uuid: uuid.UUID) -> Course:
    """The course whose classes a learner (or its staff) lists."""
    course, access = await learner_course(session, user, course_uuid)
    access.require()
    return course
