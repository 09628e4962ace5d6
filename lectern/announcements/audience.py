"""Who an announcement is for, as a query of user ids (the job that delivers it walks it in
batches, the learner's list asks it the other way round)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, exists, or_, select

from lectern.learning.access import LIVE_STATUSES
from lectern.models import (
    Announcement,
    AnnouncementAudience,
    AnnouncementRecipient,
    Enrollment,
    User,
    UserStatus,
)


def recipients(announcement: Announcement) -> Select[Any]:
    """The ids of the users ``announcement`` is for (unordered)."""
    if announcement.course_id is None:
        return select(User.id).where(User.status == UserStatus.ACTIVE, User.deleted_at.is_(None))
    if announcement.audience is AnnouncementAudience.SPECIFIC:
        return select(AnnouncementRecipient.user_id.label("id")).where(
            AnnouncementRecipient.announcement_id == announcement.id
        )
    enrolled = select(Enrollment.user_id.label("id")).where(
        Enrollment.course_id == announcement.course_id, Enrollment.deleted_at.is_(None)
    )
    if announcement.audience is AnnouncementAudience.ENROLLED:
        enrolled = enrolled.where(
            Enrollment.status.in_(LIVE_STATUSES), Enrollment.is_active.is_(True)
        )
    return enrolled


def addressed_to(user_id: int) -> Any:
    """A WHERE clause: the announcements ``user_id`` is among the audience of."""
    live = exists().where(
        Enrollment.course_id == Announcement.course_id,
        Enrollment.user_id == user_id,
        Enrollment.deleted_at.is_(None),
        Enrollment.status.in_(LIVE_STATUSES),
        Enrollment.is_active.is_(True),
    )
    ever = exists().where(
        Enrollment.course_id == Announcement.course_id,
        Enrollment.user_id == user_id,
        Enrollment.deleted_at.is_(None),
    )
    named = exists().where(
        AnnouncementRecipient.announcement_id == Announcement.id,
        AnnouncementRecipient.user_id == user_id,
    )
    return or_(
        Announcement.course_id.is_(None),
        (Announcement.audience == AnnouncementAudience.ENROLLED) & live,
        (Announcement.audience == AnnouncementAudience.ALL) & ever,
        (Announcement.audience == AnnouncementAudience.SPECIFIC) & named,
    )
