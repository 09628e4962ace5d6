"""The wishlist: courses a learner means to take, with an optional price alert.

- Only published, approved (not deleted) courses can be added; any other uuid is "no such
  course", 422 on ``course``. One row per user and course (unique key): adding a course
  already there answers 200 with the existing row, unchanged (change ``price_alert`` with
  PATCH); a new row answers 201 and bumps the course's ``total_wishlist`` atomically
  (removal lowers it). Parallel adds leave one row and count it once.
- A course the learner is already enrolled in may be added; the list flags it
  (``enrolled``: a live enrollment) and price alerts skip enrolled learners.
- The list shows the course card (title, slug, thumbnail, pricing), newest first, and
  ``available: false`` for a course since unpublished (soft-deleted courses drop out).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, delete, exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.errors import InvalidInput, NotFound
from lectern.kit.schemas import PageMeta, PageParams
from lectern.kit.sql import insert_ignore, rowcount
from lectern.kit.types import utcnow
from lectern.learner_tools import schemas
from lectern.learner_tools.service import RowsSelect, paginate_rows
from lectern.learning.access import LIVE_STATUSES
from lectern.models import Course, CourseStatus, Enrollment, User, Wishlist


def public_course() -> ColumnElement[bool]:
    return (
        (Course.status == CourseStatus.PUBLISHED)
        & Course.is_approved.is_(True)
        & Course.deleted_at.is_(None)
    )


def live_enrollment(user_id: Any, now: datetime) -> ColumnElement[bool]:
    """EXISTS a live enrollment of ``user_id`` (a value or a column) in the wishlist row's
    course (correlated on ``Wishlist.course_id``)."""
    return exists().where(
        Enrollment.user_id == user_id,
        Enrollment.course_id == Wishlist.course_id,
        Enrollment.status.in_(LIVE_STATUSES),
        Enrollment.is_active.is_(True),
        Enrollment.deleted_at.is_(None),
        or_(Enrollment.expires_at.is_(None), Enrollment.expires_at > now),
    )


def _items(user: User) -> RowsSelect:
    now = utcnow()
    return (
        select(
            Wishlist,
            Course,
            live_enrollment(user.id, now).label("enrolled"),
            public_course().label("available"),
        )
        .join(Course, Course.id == Wishlist.course_id)
        .where(Wishlist.user_id == user.id, Course.deleted_at.is_(None))
    )


def _item(row: Any) -> schemas.WishlistItem:
    wish: Wishlist = row.Wishlist
    return schemas.WishlistItem(
        course=schemas.WishlistCourse.model_validate(row.Course),
        price_alert=wish.price_alert,
        enrolled=bool(row.enrolled),
        available=bool(row.available),
        added_at=wish.created_at,
    )


async def _one(session: AsyncSession, user: User, course_uuid: uuid.UUID) -> Any:
    row = (await session.execute(_items(user).where(Course.uuid == course_uuid))).first()
    if row is None:
        raise NotFound("this course is not on your wishlist")
    return row


async def add(
    session: AsyncSession, user: User, data: schemas.WishlistAdd
) -> tuple[schemas.WishlistItem, bool]:
    """The wishlist entry, and True when this call created it (four statements at most)."""
    course_id = await session.scalar(
        select(Course.id).where(Course.uuid == data.course, public_course())
    )
    if course_id is None:
        raise InvalidInput("no such course", field="body.course")
    created = await insert_ignore(
        session,
        Wishlist,
        {"user_id": user.id, "course_id": course_id, "price_alert": data.price_alert},
        conflict=("user_id", "course_id"),
    )
    if created:
        await session.execute(
            update(Course)
            .where(Course.id == course_id)
            .values(total_wishlist=Course.total_wishlist + 1)
            .execution_options(synchronize_session=False)
        )
    return _item(await _one(session, user, data.course)), created


async def list_items(
    session: AsyncSession, user: User, params: PageParams
) -> tuple[list[schemas.WishlistItem], PageMeta]:
    statement = _items(user).order_by(Wishlist.created_at.desc(), Wishlist.id.desc())
    rows, meta = await paginate_rows(session, statement, params)
    return [_item(row) for row in rows], meta


async def get(session: AsyncSession, user: User, course_uuid: uuid.UUID) -> schemas.WishlistItem:
    return _item(await _one(session, user, course_uuid))


async def set_alert(
    session: AsyncSession, user: User, course_uuid: uuid.UUID, data: schemas.WishlistUpdate
) -> schemas.WishlistItem:
    row = await _one(session, user, course_uuid)
    row.Wishlist.price_alert = data.price_alert
    await session.flush()
    return _item(row)


async def remove(session: AsyncSession, user: User, course_uuid: uuid.UUID) -> None:
    """Delete the row and lower the course's counter (never below zero)."""
    course_id = select(Course.id).where(Course.uuid == course_uuid).scalar_subquery()
    result = await session.execute(
        delete(Wishlist)
        .where(Wishlist.user_id == user.id, Wishlist.course_id == course_id)
        .execution_options(synchronize_session=False)
    )
    if rowcount(result) == 0:
        raise NotFound("this course is not on your wishlist")
    await session.execute(
        update(Course)
        .where(Course.uuid == course_uuid, Course.total_wishlist > 0)
        .values(total_wishlist=Course.total_wishlist - 1)
        .execution_options(synchronize_session=False)
    )
