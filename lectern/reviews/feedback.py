"""What others do with a review: helpful votes, reports, and the instructor's answer.

Counters move with atomic UPDATEs only where a row was really added, changed or removed
(one vote per user and review, one report per user and review, both kept by unique keys),
so that parallel requests leave them exact.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lectern import events
from lectern.errors import Conflict, Forbidden, NotFound
from lectern.kit.sql import insert_ignore, rowcount
from lectern.kit.types import utcnow
from lectern.learning.access import is_staff
from lectern.models import (
    Course,
    Review,
    ReviewReport,
    ReviewStatus,
    ReviewVote,
    ReviewVoteValue,
    User,
)
from lectern.platform.service import get_value
from lectern.reviews import ratings
from lectern.reviews.events import ReviewAnswered
from lectern.reviews.schemas import ReviewReportIn, Vote

COUNTERS = {
    ReviewVoteValue.HELPFUL: Review.helpful_count,
    ReviewVoteValue.NOT_HELPFUL: Review.not_helpful_count,
}


async def _shown_review(session: AsyncSession, review_id: int) -> Review:
    review = await session.scalar(select(Review).where(Review.id == review_id, ratings.shown()))
    if review is None:
        raise NotFound("no such review", code="review_not_found")
    return review


def _shift(review_id: int, **changes: Any) -> Any:
    return (
        update(Review)
        .where(Review.id == review_id)
        .values(**changes)
        .execution_options(synchronize_session=False)
    )


async def vote(session: AsyncSession, user: User, review_id: int, value: Vote) -> Review:
    """Set the user's vote on a review (one per user; changing it moves the counters)."""
    review = await _shown_review(session, review_id)
    if review.user_id == user.id:
        raise Forbidden("you may not vote on your own review", code="own_review")
    chosen = ReviewVoteValue(value)
    values = {"review_id": review.id, "user_id": user.id, "vote": chosen}
    now = {"created_at": utcnow(), "updated_at": utcnow()}
    if await insert_ignore(session, ReviewVote, values | now, ["review_id", "user_id"]):
        column = COUNTERS[chosen]
        await session.execute(_shift(review.id, **{column.key: column + 1}))
    else:
        changed = await session.execute(
            update(ReviewVote)
            .where(
                ReviewVote.review_id == review.id,
                ReviewVote.user_id == user.id,
                ReviewVote.vote != chosen,
            )
            .values(vote=chosen, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        if rowcount(changed):
            gained, lost = COUNTERS[chosen], COUNTERS[_other(chosen)]
            await session.execute(_shift(review.id, **{gained.key: gained + 1, lost.key: lost - 1}))
    await session.refresh(review)
    return review


def _other(value: ReviewVoteValue) -> ReviewVoteValue:
    helpful = ReviewVoteValue.HELPFUL
    return ReviewVoteValue.NOT_HELPFUL if value is helpful else helpful


async def unvote(session: AsyncSession, user: User, review_id: int) -> None:
    review = await _shown_review(session, review_id)
    removed = await session.execute(
        delete(ReviewVote)
        .where(ReviewVote.review_id == review.id, ReviewVote.user_id == user.id)
        .returning(ReviewVote.vote)
    )
    gone = removed.scalar_one_or_none()
    if gone is None:
        raise NotFound("you have not voted on this review", code="vote_not_found")
    column = COUNTERS[ReviewVoteValue(gone)]
    await session.execute(_shift(review.id, **{column.key: column - 1}))


async def report(session: AsyncSession, user: User, review_id: int, body: ReviewReportIn) -> None:
    """Report a review, once per user; at ``reviews.report_threshold`` distinct reports it is
    flagged: hidden, and out of the rating, until a moderator decides."""
    review = await _shown_review(session, review_id)
    if review.user_id == user.id:
        raise Forbidden("you may not report your own review", code="own_review")
    values = {
        "review_id": review.id,
        "user_id": user.id,
        "reason": body.reason,
        "description": body.description,
        "created_at": utcnow(),
        "updated_at": utcnow(),
    }
    # The course first, as every writer that can move the rating locks it (no deadlock).
    owner = await ratings.lock_course(session, review.course_id)
    if not await insert_ignore(session, ReviewReport, values, ["review_id", "user_id"]):
        raise Conflict("you have reported this review already", code="already_reported")
    await session.execute(_shift(review.id, report_count=Review.report_count + 1))
    threshold = int(await get_value(session, "reviews.report_threshold", 3))
    flagged = await session.execute(
        _shift(review.id, status=ReviewStatus.FLAGGED).where(
            Review.status == ReviewStatus.APPROVED, Review.report_count >= threshold
        )
    )
    if rowcount(flagged):
        await ratings.refresh(session, review.course_id, owner)


async def respond(
    session: AsyncSession, user: User, course: Course, review_id: int, response: str
) -> Review:
    """The course's instructors answer a review once (publicly, under it)."""
    if not await is_staff(session, user, course):
        raise NotFound("no such course")
    review = await session.scalar(
        select(Review).where(Review.id == review_id, Review.course_id == course.id)
    )
    if review is None:
        raise NotFound("no such review", code="review_not_found")
    answered = await session.execute(
        _shift(review.id, instructor_response=response, responded_at=utcnow()).where(
            Review.instructor_response.is_(None)
        )
    )
    if not rowcount(answered):
        raise Conflict("this review has been answered already", code="already_answered")
    await session.refresh(review)
    await events.publish(session, ReviewAnswered(review.id, review.user_id, course.id))
    return review


async def course_by_uuid(session: AsyncSession, course_uuid: uuid.UUID) -> Course:
    course = await session.scalar(
        select(Course).where(Course.uuid == course_uuid, Course.deleted_at.is_(None))
    )
    if course is None:
        raise NotFound("no such course")
    return course
