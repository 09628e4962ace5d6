"""Writing a review, and reading a course's reviews.

Only a learner with a live enrollment who has taken ``reviews.min_progress_percent`` of the
course may review it, once; the course's own staff may not. A review shows at once or waits
for moderation (``reviews.auto_approve``); an edit of a review that was held or refused goes
back to moderation. Every change that can move the figures recounts them (``ratings``).
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern import events
from lectern.errors import Conflict, Forbidden, NotFound
from lectern.kit.pagination import paginate_rows
from lectern.kit.schemas import PageMeta, PageParams
from lectern.kit.sql import insert_ignore
from lectern.kit.types import utcnow
from lectern.learning.access import Standing, learner_course
from lectern.models import (
    Course,
    EnrollmentType,
    Review,
    ReviewStatus,
    ReviewVote,
    User,
)
from lectern.platform.service import get_value
from lectern.reviews import ratings
from lectern.reviews.events import ReviewPosted
from lectern.reviews.schemas import (
    CourseReviewIn,
    CourseReviewOut,
    CourseReviewPatch,
    MyCourseReviewOut,
    Sort,
)

# What a learner paid for, as opposed to a gift, a free course or a free coupon.
PURCHASES = (EnrollmentType.PAID, EnrollmentType.BUNDLE, EnrollmentType.SUBSCRIPTION)


def reviewer_name(name: str) -> str:
    """ "Ada Lovelace" → "Ada L.": reviewers are shown by first name and initial."""
    parts = name.split()
    if len(parts) < 2:
        return parts[0] if parts else ""
    return f"{parts[0]} {parts[-1][0].upper()}."


# The review's own columns the answers show (the rest is computed or joined).
_COLUMNS = [
    *(
        name
        for name in MyCourseReviewOut.model_fields
        if name not in {"course_uuid", "reviewer", "my_vote"}
    ),
    "report_count",
]


def review_out(review: Review, course_uuid: uuid.UUID, name: str, **extra: Any) -> dict[str, Any]:
    """The fields of a review's answer (the caller's model picks what it shows)."""
    fields = {name: getattr(review, name) for name in _COLUMNS}
    return {**fields, "course_uuid": course_uuid, "reviewer": reviewer_name(name), **extra}


async def public(session: AsyncSession, review: Review, **extra: Any) -> CourseReviewOut:
    """``review`` as anyone may read it (one statement for its author's name)."""
    name, course_uuid = (
        await session.execute(
            select(User.name, Course.uuid)
            .join(Course, Course.id == review.course_id)
            .where(User.id == review.user_id)
        )
    ).one()
    return CourseReviewOut.model_validate(review_out(review, course_uuid, name, **extra))


async def _reviewable(session: AsyncSession, user: User, course_uuid: uuid.UUID) -> Any:
    course, access = await learner_course(session, user, course_uuid)
    if not course.allow_reviews:
        raise Forbidden("this course takes no reviews", code="reviews_closed")
    if access.standing is Standing.STAFF:
        raise Forbidden("the course's own staff may not review it", code="course_staff")
    access.require()
    assert access.enrollment is not None
    needed = Decimal(await get_value(session, "reviews.min_progress_percent", 20))
    if access.enrollment.progress_percentage < needed:
        raise Forbidden(
            f"take at least {needed}% of the course before reviewing it",
            code="not_enough_progress",
            extra={"required_percent": int(needed)},
        )
    return course, access.enrollment


async def _new_status(session: AsyncSession) -> ReviewStatus:
    auto = await get_value(session, "reviews.auto_approve", True)
    return ReviewStatus.APPROVED if auto else ReviewStatus.PENDING


async def write(
    session: AsyncSession, user: User, course_uuid: uuid.UUID, body: CourseReviewIn
) -> MyCourseReviewOut:
    course, enrollment = await _reviewable(session, user, course_uuid)
    owner = await ratings.lock_course(session, course.id)
    status = await _new_status(session)
    now = utcnow()
    values = {
        **body.model_dump(),
        "user_id": user.id,
        "course_id": course.id,
        "enrollment_id": enrollment.id,
        "status": status,
        "is_verified_purchase": enrollment.enrollment_type in PURCHASES,
        "moderated_at": now if status is ReviewStatus.APPROVED else None,
        "created_at": now,
        "updated_at": now,
    }
    if not await insert_ignore(session, Review, values, ["user_id", "course_id"]):
        raise Conflict(
            "you have reviewed this course already: edit your review", code="already_reviewed"
        )
    review = await _own(session, user, course)
    if status is ReviewStatus.APPROVED:
        await ratings.refresh(session, course.id, owner)
    await events.publish(
        session, ReviewPosted(review.id, user.id, course.id, status is ReviewStatus.APPROVED)
    )
    return MyCourseReviewOut.model_validate(review_out(review, course.uuid, user.name))


async def _own(session: AsyncSession, user: User, course: Course) -> Review:
    review = await session.scalar(
        select(Review).where(Review.user_id == user.id, Review.course_id == course.id)
    )
    if review is None:
        raise NotFound("you have not reviewed this course", code="review_not_found")
    return review


async def mine(session: AsyncSession, user: User, course_uuid: uuid.UUID) -> MyCourseReviewOut:
    course, _ = await learner_course(session, user, course_uuid)
    review = await _own(session, user, course)
    return MyCourseReviewOut.model_validate(review_out(review, course.uuid, user.name))


async def edit(
    session: AsyncSession, user: User, course_uuid: uuid.UUID, body: CourseReviewPatch
) -> MyCourseReviewOut:
    course, _ = await _reviewable(session, user, course_uuid)
    owner = await ratings.lock_course(session, course.id)
    review = await _own(session, user, course)
    for name, value in body.changes().items():
        setattr(review, name, value)
    if review.status is ReviewStatus.REJECTED or (
        review.status is ReviewStatus.APPROVED
        and await _new_status(session) is ReviewStatus.PENDING
    ):
        review.status = ReviewStatus.PENDING
        review.rejection_reason = None
    # A flagged review stays hidden until a moderator decides, edited or not.
    review.updated_at = utcnow()
    await ratings.refresh(session, course.id, owner)
    return MyCourseReviewOut.model_validate(review_out(review, course.uuid, user.name))


async def remove(session: AsyncSession, user: User, course_uuid: uuid.UUID) -> None:
    """The author deletes their review (and its votes and reports): they may write anew."""
    course, _ = await learner_course(session, user, course_uuid)
    owner = await ratings.lock_course(session, course.id)
    review = await _own(session, user, course)
    await session.execute(delete(Review).where(Review.id == review.id))
    await ratings.refresh(session, course.id, owner)


# -- reading -------------------------------------------------------------------------------

_ORDER: dict[str, tuple[Any, ...]] = {
    "helpful": (Review.is_featured.desc(), Review.helpful_count.desc(), Review.id.desc()),
    "newest": (Review.id.desc(),),
    "highest": (Review.rating.desc(), Review.id.desc()),
    "lowest": (Review.rating.asc(), Review.id.desc()),
}


def _stars(stars: int) -> Any:
    """The band the course page's distribution counts as ``stars`` (4 is 4.0 to 4.5)."""
    if stars == 5:
        return Review.rating >= Decimal(5)
    return (Review.rating >= Decimal(stars)) & (Review.rating < Decimal(stars + 1))


def course_reviews_statement(course_id: int, sort: Sort, stars: int | None) -> Select[Review, str]:
    statement = (
        select(Review, User.name)
        .join(User, User.id == Review.user_id)
        .where(Review.course_id == course_id, ratings.shown())
        .order_by(*_ORDER[sort])
    )
    return statement if stars is None else statement.where(_stars(stars))


async def course_reviews(
    session: AsyncSession,
    user: User | None,
    course_uuid: uuid.UUID,
    params: PageParams,
    *,
    sort: Sort,
    stars: int | None,
) -> tuple[list[CourseReviewOut], PageMeta]:
    """A course's approved reviews (four statements, five signed in, whatever the page)."""
    course, _ = await learner_course(session, user, course_uuid)
    rows, meta = await paginate_rows(
        session, course_reviews_statement(course.id, sort, stars), params
    )
    votes: dict[int, str] = {}
    if user is not None and rows:
        found = await session.execute(
            select(ReviewVote.review_id, ReviewVote.vote).where(
                ReviewVote.user_id == user.id,
                ReviewVote.review_id.in_([row[0].id for row in rows]),
            )
        )
        votes = {review_id: vote.value for review_id, vote in found}
    items = [
        CourseReviewOut.model_validate(
            review_out(review, course.uuid, name, my_vote=votes.get(review.id))
        )
        for review, name in rows
    ]
    return items, meta
