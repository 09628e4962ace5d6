"""Votes, reports and the instructor's answer: one vote per user, never on one's own review;
distinct reports flag a review out of sight and out of the rating; one public answer."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern import events
from lectern.models import (
    Course,
    CourseInstructorRole,
    Review,
    ReviewReport,
    ReviewStatus,
    ReviewVote,
    SettingType,
    User,
)
from lectern.reviews.events import ReviewAnswered
from tests.conftest import bearer
from tests.factories import create_user
from tests.factories.courses import create_co_instructor, create_instructor
from tests.factories.learning import create_published_course
from tests.factories.platform import create_setting
from tests.reviews.helpers import code, learner_at, post_review


@pytest.fixture
async def teacher(db: AsyncSession) -> User:
    return await create_instructor(db)


@pytest.fixture
async def course(db: AsyncSession, teacher: User) -> Course:
    return await create_published_course(db, teacher)


@pytest.fixture
async def author(db: AsyncSession, course: Course) -> User:
    user, _ = await learner_at(db, course)
    return user


@pytest.fixture
async def review(
    client: httpx.AsyncClient, db: AsyncSession, course: Course, author: User
) -> Review:
    await post_review(client, author, course, 4, content="Good")
    found = await db.scalar(select(Review).where(Review.user_id == author.id))
    assert found is not None
    return found


async def counts(db: AsyncSession, review: Review) -> tuple[int, int]:
    await db.refresh(review)
    return review.helpful_count, review.not_helpful_count


async def test_a_vote_counts_once_and_a_changed_vote_moves_the_counters(
    client: httpx.AsyncClient, db: AsyncSession, review: Review
) -> None:
    voter = await create_user(db)
    url = f"/api/v1/reviews/{review.id}/vote"

    first = await client.put(url, json={"vote": "helpful"}, headers=bearer(voter))
    again = await client.put(url, json={"vote": "helpful"}, headers=bearer(voter))
    assert (first.status_code, again.status_code) == (200, 200)
    assert first.json()["my_vote"] == "helpful"
    assert await counts(db, review) == (1, 0)

    await client.put(url, json={"vote": "not_helpful"}, headers=bearer(voter))
    assert await counts(db, review) == (0, 1)

    taken_back = await client.delete(url, headers=bearer(voter))
    assert taken_back.status_code == 204
    assert await counts(db, review) == (0, 0)
    assert (await client.delete(url, headers=bearer(voter))).status_code == 404


async def test_the_list_shows_my_vote(
    client: httpx.AsyncClient, db: AsyncSession, review: Review, course: Course
) -> None:
    voter = await create_user(db)
    await client.put(
        f"/api/v1/reviews/{review.id}/vote", json={"vote": "helpful"}, headers=bearer(voter)
    )

    mine = await client.get(f"/api/v1/courses/{course.uuid}/reviews", headers=bearer(voter))
    anonymous = await client.get(f"/api/v1/courses/{course.uuid}/reviews")

    assert mine.json()["items"][0]["my_vote"] == "helpful"
    assert mine.json()["items"][0]["helpful_count"] == 1
    assert anonymous.json()["items"][0]["my_vote"] is None


async def test_no_vote_on_my_own_review(
    client: httpx.AsyncClient, db: AsyncSession, review: Review, author: User
) -> None:
    answer = await client.put(
        f"/api/v1/reviews/{review.id}/vote", json={"vote": "helpful"}, headers=bearer(author)
    )

    assert answer.status_code == 403
    assert code(answer) == "own_review"
    assert await counts(db, review) == (0, 0)


@pytest.mark.parametrize("body", [{"vote": "love"}, {}, {"vote": "helpful", "count": 5}])
async def test_a_malformed_vote_is_refused(
    client: httpx.AsyncClient, db: AsyncSession, review: Review, body: dict[str, object]
) -> None:
    voter = await create_user(db)

    answer = await client.put(f"/api/v1/reviews/{review.id}/vote", json=body, headers=bearer(voter))

    assert answer.status_code == 422
    assert await db.scalar(select(func.count(ReviewVote.id))) == 0


async def test_a_vote_needs_a_signed_in_user_and_a_visible_review(
    client: httpx.AsyncClient, db: AsyncSession, review: Review
) -> None:
    voter = await create_user(db)
    anonymous = await client.put(f"/api/v1/reviews/{review.id}/vote", json={"vote": "helpful"})
    review.status = ReviewStatus.PENDING
    await db.flush()
    hidden = await client.put(
        f"/api/v1/reviews/{review.id}/vote", json={"vote": "helpful"}, headers=bearer(voter)
    )

    assert anonymous.status_code == 401
    assert hidden.status_code == 404


async def test_distinct_reports_flag_a_review_out_of_sight_and_out_of_the_rating(
    client: httpx.AsyncClient, db: AsyncSession, review: Review, course: Course
) -> None:
    await create_setting(db, "reviews.report_threshold", 2, SettingType.INTEGER)
    first, second = await create_user(db), await create_user(db)
    url = f"/api/v1/reviews/{review.id}/reports"

    assert (
        await client.post(url, json={"reason": "spam"}, headers=bearer(first))
    ).status_code == 204
    twice = await client.post(url, json={"reason": "spam"}, headers=bearer(first))
    assert (twice.status_code, code(twice)) == (409, "already_reported")
    await db.refresh(review)
    assert (review.status, review.report_count) == (ReviewStatus.APPROVED, 1)

    await client.post(
        url, json={"reason": "offensive", "description": "rude"}, headers=bearer(second)
    )

    await db.refresh(review)
    await db.refresh(course)
    assert (review.status, review.report_count) == (ReviewStatus.FLAGGED, 2)
    assert (course.total_reviews, course.rating) == (0, Decimal(0))
    listed = await client.get(f"/api/v1/courses/{course.uuid}/reviews")
    assert listed.json()["items"] == []
    assert await db.scalar(select(func.count(ReviewReport.id))) == 2


async def test_no_report_of_my_own_review_nor_with_an_unknown_reason(
    client: httpx.AsyncClient, db: AsyncSession, review: Review, author: User
) -> None:
    url = f"/api/v1/reviews/{review.id}/reports"
    own = await client.post(url, json={"reason": "spam"}, headers=bearer(author))
    unknown = await client.post(
        url, json={"reason": "boring"}, headers=bearer(await create_user(db))
    )

    assert (own.status_code, code(own)) == (403, "own_review")
    assert unknown.status_code == 422
    assert await db.scalar(select(func.count(ReviewReport.id))) == 0


@pytest.mark.parametrize("role", [None, CourseInstructorRole.ASSISTANT])
async def test_the_course_staff_answer_a_review_once(
    client: httpx.AsyncClient,
    db: AsyncSession,
    review: Review,
    course: Course,
    teacher: User,
    role: CourseInstructorRole | None,
) -> None:
    answerer = teacher
    if role is not None:
        answerer = await create_user(db)
        await create_co_instructor(db, course, answerer, role=role)
    url = f"/api/v1/studio/courses/{course.uuid}/reviews/{review.id}/response"

    answer = await client.put(url, json={"response": "Thank you!"}, headers=bearer(answerer))
    again = await client.put(url, json={"response": "Again"}, headers=bearer(answerer))

    assert answer.status_code == 200, answer.text
    assert answer.json()["instructor_response"] == "Thank you!"
    assert (again.status_code, code(again)) == (409, "already_answered")
    await db.refresh(review)
    assert review.instructor_response == "Thank you!"
    assert review.responded_at is not None


async def test_someone_else_may_not_answer_and_learns_nothing(
    client: httpx.AsyncClient, db: AsyncSession, review: Review, course: Course
) -> None:
    other = await create_instructor(db)
    url = f"/api/v1/studio/courses/{course.uuid}/reviews/{review.id}/response"

    answer = await client.put(url, json={"response": "Mine now"}, headers=bearer(other))

    assert answer.status_code == 404
    await db.refresh(review)
    assert review.instructor_response is None


async def test_an_answer_is_told_to_the_author(
    db: AsyncSession, review: Review, course: Course, teacher: User
) -> None:
    from lectern.reviews.feedback import respond

    await respond(db, teacher, course, review.id, "Thanks")

    assert ReviewAnswered(review.id, review.user_id, course.id) in events.published(db)
