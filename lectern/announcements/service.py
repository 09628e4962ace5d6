"""Posting announcements, delivering them, and reading them.

An instructor announces to a course's students (``enrolled``: live enrollments; ``all``:
everyone who ever enrolled; ``specific``: named students of the course), an admin to every
user. Promotional announcements are limited per instructor and calendar month
(``announcements.promotional_per_month``). An announcement is delivered once, when its
``published_at`` comes (at once, or by the periodic job): ``delivered_at`` is set with a
conditional UPDATE, then jobs tell its audience in batches (``tasks.deliver``), each batch
its own short transaction, so a course of 100,000 students holds no request or transaction
open. Reads are recorded once per user.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.announcements import tasks
from lectern.announcements.audience import addressed_to
from lectern.announcements.schemas import AnnouncementIn, AnnouncementOut
from lectern.errors import Forbidden, InvalidInput, NotFound
from lectern.kit.pagination import paginate_rows
from lectern.kit.schemas import PageMeta, PageParams
from lectern.kit.sql import insert_ignore
from lectern.kit.types import utcnow
from lectern.models import (
    Announcement,
    AnnouncementAudience,
    AnnouncementRead,
    AnnouncementRecipient,
    AnnouncementType,
    Course,
    Enrollment,
    User,
)
from lectern.platform.service import get_value


def _month_start(now: datetime) -> datetime:
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


async def _check_promotion_allowance(session: AsyncSession, author: User) -> None:
    # The author's row held: two promotions posted at once are counted one after the other.
    await session.execute(
        select(User.id).where(User.id == author.id).with_for_update(key_share=True)
    )
    allowed = int(await get_value(session, "announcements.promotional_per_month", 2))
    used = await session.scalar(
        select(func.count(Announcement.id)).where(
            Announcement.user_id == author.id,
            Announcement.is_promotional.is_(True),
            Announcement.created_at >= _month_start(utcnow()),
        )
    )
    if int(used or 0) >= allowed:
        raise Forbidden(
            f"{allowed} promotional announcements a month at most: the next one next month",
            code="promotion_limit",
        )


async def _recipient_ids(
    session: AsyncSession, course: Course, uuids: list[uuid.UUID]
) -> list[int]:
    """The ids of the named users, each of whom must have enrolled in the course."""
    if not uuids:
        raise InvalidInput("name the students it is for", field="recipients")
    found = dict(
        (
            await session.execute(
                select(User.uuid, User.id).where(
                    User.uuid.in_(uuids),
                    exists().where(
                        Enrollment.user_id == User.id,
                        Enrollment.course_id == course.id,
                        Enrollment.deleted_at.is_(None),
                    ),
                )
            )
        ).all()
    )
    unknown = [str(u) for u in uuids if u not in found]
    if unknown:
        raise InvalidInput(
            f"not students of this course: {', '.join(unknown[:5])}", field="recipients"
        )
    return list(found.values())


async def post(
    session: AsyncSession, author: User, course: Course | None, body: AnnouncementIn
) -> Announcement:
    """A course's announcement (``course``) or the platform's (None)."""
    if course is None and body.audience != "all":
        raise InvalidInput("the platform's announcements are for all users", field="audience")
    if course is not None and body.is_promotional:
        await _check_promotion_allowance(session, author)
    if body.expires_at and body.expires_at <= (body.published_at or utcnow()):
        raise InvalidInput("it must expire after it appears", field="expires_at")
    recipient_ids: list[int] = []
    if course is not None and body.audience == "specific":
        recipient_ids = await _recipient_ids(session, course, body.recipients)
    elif body.recipients:
        raise InvalidInput("recipients go with the audience specific", field="recipients")
    announcement = Announcement(
        uuid=uuid.uuid4(),
        user_id=author.id,
        course_id=course.id if course else None,
        title=body.title,
        content=body.content,
        type=AnnouncementType(body.type),
        audience=AnnouncementAudience(body.audience),
        is_pinned=body.is_pinned,
        is_promotional=body.is_promotional,
        send_email=body.send_email,
        send_push=body.send_push,
        published_at=body.published_at or utcnow(),
        expires_at=body.expires_at,
    )
    session.add(announcement)
    await session.flush()
    session.add_all(
        AnnouncementRecipient(announcement_id=announcement.id, user_id=user_id)
        for user_id in recipient_ids
    )
    await session.flush()
    if body.published_at is None or body.published_at <= utcnow():
        await tasks.start_delivery(session, announcement.id)
        await session.refresh(announcement)
    return announcement


# -- reading ---------------------------------------------------------------------------------


def out(
    announcement: Announcement, course_uuid: uuid.UUID | None, read: bool | None
) -> AnnouncementOut:
    fields = {
        name: getattr(announcement, name)
        for name in AnnouncementOut.model_fields
        if name not in {"course_uuid", "read"}
    }
    return AnnouncementOut.model_validate({**fields, "course_uuid": course_uuid, "read": read})


def _showing(now: datetime) -> Any:
    return (
        Announcement.deleted_at.is_(None)
        & (Announcement.published_at <= now)
        & ((Announcement.expires_at.is_(None)) | (Announcement.expires_at > now))
    )


async def for_me(
    session: AsyncSession, user: User, params: PageParams, *, unread_only: bool
) -> tuple[list[AnnouncementOut], PageMeta]:
    """The announcements addressed to me that show now, pinned first, newest first."""
    read = exists().where(
        AnnouncementRead.announcement_id == Announcement.id, AnnouncementRead.user_id == user.id
    )
    statement = (
        select(Announcement, Course.uuid, read.label("read"))
        .outerjoin(Course, Course.id == Announcement.course_id)
        .where(_showing(utcnow()), addressed_to(user.id))
        .order_by(Announcement.is_pinned.desc(), Announcement.published_at.desc())
    )
    if unread_only:
        statement = statement.where(~read)
    rows, meta = await paginate_rows(session, statement, params)
    return [out(a, course_uuid, bool(was_read)) for a, course_uuid, was_read in rows], meta


async def mark_read(session: AsyncSession, user: User, announcement_uuid: uuid.UUID) -> None:
    """Record that ``user`` read it (once; its ``views_count`` counts readers)."""
    announcement_id = await session.scalar(
        select(Announcement.id).where(
            Announcement.uuid == announcement_uuid, _showing(utcnow()), addressed_to(user.id)
        )
    )
    if announcement_id is None:
        raise NotFound("no such announcement")
    values = {
        "announcement_id": announcement_id,
        "user_id": user.id,
        "created_at": utcnow(),
        "updated_at": utcnow(),
    }
    if await insert_ignore(session, AnnouncementRead, values, ["announcement_id", "user_id"]):
        await session.execute(
            update(Announcement)
            .where(Announcement.id == announcement_id)
            .values(views_count=Announcement.views_count + 1)
            .execution_options(synchronize_session=False)
        )


async def of_course(
    session: AsyncSession, course: Course, params: PageParams
) -> tuple[list[AnnouncementOut], PageMeta]:
    statement = (
        select(Announcement)
        .where(Announcement.course_id == course.id, Announcement.deleted_at.is_(None))
        .order_by(Announcement.created_at.desc(), Announcement.id.desc())
    )
    rows, meta = await paginate_rows(session, statement, params)
    return [out(row[0], course.uuid, None) for row in rows], meta


async def of_platform(
    session: AsyncSession, params: PageParams
) -> tuple[list[AnnouncementOut], PageMeta]:
    statement = (
        select(Announcement)
        .where(Announcement.course_id.is_(None), Announcement.deleted_at.is_(None))
        .order_by(Announcement.created_at.desc(), Announcement.id.desc())
    )
    rows, meta = await paginate_rows(session, statement, params)
    return [out(row[0], None, None) for row in rows], meta


async def withdraw(
    session: AsyncSession, course: Course | None, announcement_uuid: uuid.UUID
) -> None:
    """Remove an announcement (soft): it shows no more; what was mailed stays mailed."""
    found = await session.scalar(
        select(Announcement).where(
            Announcement.uuid == announcement_uuid,
            Announcement.deleted_at.is_(None),
            Announcement.course_id == course.id if course else Announcement.course_id.is_(None),
        )
    )
    if found is None:
        raise NotFound("no such announcement")
    found.deleted_at = utcnow()
    await session.flush()
