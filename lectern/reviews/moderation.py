"""Moderating reviews (admins), and what reviews do when other domains' facts arrive.

Approving shows a review, rejecting hides it with a reason the author sees, featuring puts
it first on the course page; every decision is logged and recounts the rating. A refund
hides the review of each course it took back (the certificate goes the same way).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lectern import events
from lectern.commerce.events import OrderRefunded
from lectern.errors import Conflict, NotFound
from lectern.kit.pagination import paginate_rows
from lectern.kit.schemas import PageMeta, PageParams
from lectern.kit.types import utcnow
from lectern.learning.events import LessonCompleted
from lectern.models import (
    Course,
    Enrollment,
    EnrollmentStatus,
    Review,
    ReviewReport,
    ReviewReportStatus,
    ReviewStatus,
    User,
)
from lectern.platform.activity import ADMIN, log_activity
from lectern.platform.service import get_value
from lectern.reviews import ratings
from lectern.reviews.events import ReviewInvited
from lectern.reviews.schemas import StaffCourseReviewOut, Status
from lectern.reviews.service import review_out
from lectern.security.actor import Actor

REFUNDED = "the enrollment was refunded"


async def reviews_to_moderate(
    session: AsyncSession, params: PageParams, *, status: Status | None
) -> tuple[list[StaffCourseReviewOut], PageMeta]:
    """Reviews for moderators, most reported first (flagged and pending ones by default)."""
    statement = (
        select(Review, User.name, User.email, Course.uuid, Course.title)
        .join(User, User.id == Review.user_id)
        .join(Course, Course.id == Review.course_id)
        .where(Review.deleted_at.is_(None))
        .order_by(Review.report_count.desc(), Review.id.desc())
    )
    if status is None:
        statement = statement.where(Review.status.in_((ReviewStatus.PENDING, ReviewStatus.FLAGGED)))
    else:
        statement = statement.where(Review.status == ReviewStatus(status))
    rows, meta = await paginate_rows(session, statement, params)
    return [_staff_out(*row) for row in rows], meta


def _staff_out(
    review: Review, name: str, email: str, course_uuid: Any, title: str
) -> StaffCourseReviewOut:
    return StaffCourseReviewOut.model_validate(
        review_out(review, course_uuid, name, reviewer_email=email, course_title=title)
    )


async def _decide(
    session: AsyncSession, actor: Actor, review_id: int, what: str, **changes: Any
) -> StaffCourseReviewOut:
    review = await session.get(Review, review_id)
    if review is None or review.deleted_at is not None:
        raise NotFound("no such review", code="review_not_found")
    owner = await ratings.lock_course(session, review.course_id)
    await session.refresh(review)
    for name, value in changes.items():
        setattr(review, name, value)
    review.moderated_by = actor.user.id
    review.moderated_at = utcnow()
    if "status" in changes:
        # The reports are answered by the decision.
        await session.execute(
            update(ReviewReport)
            .where(
                ReviewReport.review_id == review.id,
                ReviewReport.status == ReviewReportStatus.PENDING,
            )
            .values(status=ReviewReportStatus.REVIEWED, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )
    await ratings.refresh(session, review.course_id, owner)
    log_activity(
        session,
        log_name=ADMIN,
        event=f"review.{what}",
        description=f"Review {review.id} {what}",
        causer=actor.user,
        subject=review,
        properties={key: str(value) for key, value in changes.items()},
        client=actor.client,
    )
    row = (
        await session.execute(
            select(User.name, User.email, Course.uuid, Course.title)
            .join(Course, Course.id == review.course_id)
            .where(User.id == review.user_id)
        )
    ).one()
    return _staff_out(review, *row)


async def approve(session: AsyncSession, actor: Actor, review_id: int) -> StaffCourseReviewOut:
    return await _decide(
        session, actor, review_id, "approved", status=ReviewStatus.APPROVED, rejection_reason=None
    )


async def reject(
    session: AsyncSession, actor: Actor, review_id: int, reason: str
) -> StaffCourseReviewOut:
    return await _decide(
        session, actor, review_id, "rejected", status=ReviewStatus.REJECTED, rejection_reason=reason
    )


async def feature(
    session: AsyncSession, actor: Actor, review_id: int, featured: bool
) -> StaffCourseReviewOut:
    review = await session.get(Review, review_id)
    if featured and review is not None and review.status is not ReviewStatus.APPROVED:
        raise Conflict("only an approved review can be featured", code="not_approved")
    what = "featured" if featured else "unfeatured"
    return await _decide(session, actor, review_id, what, is_featured=featured)


# -- other domains' facts ------------------------------------------------------------------


async def hide_refunded(session: AsyncSession, event: OrderRefunded) -> None:
    """The reviews of the courses a refund took back no longer show."""
    refunded = select(Enrollment.id).where(
        Enrollment.order_id == event.order_id, Enrollment.status == EnrollmentStatus.REFUNDED
    )
    courses = await session.scalars(
        select(Review.course_id).where(
            Review.enrollment_id.in_(refunded), Review.status != ReviewStatus.REJECTED
        )
    )
    for course_id in list(courses):
        owner = await ratings.lock_course(session, course_id)
        await session.execute(
            update(Review)
            .where(Review.course_id == course_id, Review.enrollment_id.in_(refunded))
            .values(status=ReviewStatus.REJECTED, rejection_reason=REFUNDED, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        await ratings.refresh(session, course_id, owner)


async def invite_to_review(session: AsyncSession, event: LessonCompleted) -> None:
    """Ask for a review when this lesson took the learner past ``reviews.prompt_at_percent``
    of the course (once: only the lesson that crosses the mark does), unless reviewed."""
    row = (
        await session.execute(
            select(Enrollment.completed_lessons, Enrollment.total_lessons).where(
                Enrollment.id == event.enrollment_id
            )
        )
    ).one()
    done, total = row
    mark = Decimal(await get_value(session, "reviews.prompt_at_percent", 50))
    if not total or not (100 * (done - 1) < mark * total <= 100 * done):
        return
    reviewed = await session.scalar(
        select(Review.id).where(
            Review.user_id == event.user_id, Review.course_id == event.course_id
        )
    )
    if reviewed is None:
        await events.publish(
            session, ReviewInvited(event.enrollment_id, event.user_id, event.course_id)
        )
