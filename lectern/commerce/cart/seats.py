"""Seats in priced live classes as cart lines: a line of type ``live_class`` names the class
(and its course, in ``course_id``); the learner of the course buys it like a course, and
the order's payment seats them (the live classes domain hears ``OrderPaid``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BindParameter, exists
from sqlalchemy.sql.elements import ColumnElement

from lectern.commerce.cart.schemas import Unbuyable
from lectern.learning.access import LIVE_STATUSES
from lectern.models import Course, LiveClass, LiveClassRegistration, LiveClassStatus


def columns(user_id: int | BindParameter[Any] | None) -> list[ColumnElement[Any]]:
    """The class's sale columns for a cart line (null for a course's line)."""
    seated = exists().where(
        LiveClassRegistration.live_class_id == LiveClass.id,
        LiveClassRegistration.user_id == user_id,
    )
    return [
        LiveClass.id.label("live_class_id"),
        LiveClass.uuid.label("live_class_uuid"),
        LiveClass.title.label("class_title"),
        LiveClass.scheduled_at.label("class_scheduled_at"),
        LiveClass.price.label("class_price"),
        LiveClass.is_free.label("class_free"),
        LiveClass.status.label("class_status"),
        LiveClass.deleted_at.label("class_deleted_at"),
        LiveClass.max_attendees.label("class_seats"),
        LiveClass.registered_count.label("class_taken"),
        seated.label("class_seated"),
    ]


def _learns(row: Any, now: datetime) -> bool:
    """The buyer has a live enrollment in the class's course."""
    return (
        row.enrollment_status in LIVE_STATUSES
        and bool(row.enrollment_active)
        and row.enrollment_deleted_at is None
        and (row.enrollment_expires_at is None or row.enrollment_expires_at > now)
    )


def unbuyable(row: Any, user_id: int | None, now: datetime) -> Unbuyable | None:
    """Why the buyer cannot buy a seat in this class now, or None when they can."""
    if (
        row.class_deleted_at is not None
        or row.class_status != LiveClassStatus.SCHEDULED
        or row.class_scheduled_at <= now
    ):
        return "class_unavailable"
    if row.class_free or not row.class_price:
        return "class_free"
    if user_id is None:
        return "not_enrolled"
    if row.instructor_id == user_id or row.co_teaches:
        return "own_course"
    if not _learns(row, now):
        return "not_enrolled"
    if row.class_seated:
        return "already_registered"
    if row.class_seats is not None and row.class_taken >= row.class_seats:
        return "class_full"
    return None


def one(statement: Any, user_id: int | None, class_uuid: Any) -> Any:
    """A course line statement turned into the line of one of the course's classes."""
    return (
        statement.add_columns(*columns(user_id))
        .join(LiveClass, LiveClass.course_id == Course.id)
        .where(LiveClass.uuid == class_uuid)
    )
