"""Moderation: admins approve, reject with a reason, feature; each decision recounts the
rating and is logged. A refund hides the review of the course it took back. Learners are
asked for a review when they pass the share of the course the platform chose."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern import events
from lectern.learning.events import LessonCompleted
from lectern.models import (
    ActivityLog,
    Course,
    LessonType,
    Review,
    ReviewReport,
    ReviewReportStatus,
    ReviewStatus,
    SettingType,
    User,
)
from lectern.reviews.events import ReviewInvited, ReviewPosted
from tests.commerce.payments import deliver, event, place
from tests.conftest import bearer
from tests.factories import create_enrollment, create_lesson, create_section, create_user
from tests.factories.courses import create_instructor
from tests.factories.instructors import create_admin
from tests.factories.learning import create_published_course
from tests.factories.platform import create_setting
from tests.reviews.helpers import code, learner_at, post_review


@pytest.fixture
async def admin(db: AsyncSession) -> User:
    return await create_admin(db)


@pytest.fixture
async def course(db: AsyncSession) -> Course:
    return await create_published_course(db, await create_instructor(db))


async def held_review(
    client: httpx.AsyncClient, db: AsyncSession, course: Course, rating: int
) -> Review:
    learner, _ = await learner_at(db, course)
    await post_review(client, learner, course, rating)
    review = await db.scalar(select(Review).where(Review.user_id == learner.id))
    assert review is not None
    return review


async def test_an_admin_approves_a_held_review_and_it_counts(
    client: httpx.AsyncClient, db: AsyncSession, course: Course, admin: User
) -> None:
    await create_setting(db, "reviews.auto_approve", False, SettingType.BOOLEAN)
    review = await held_review(client, db, course, 4)
    queue = await client.get("/api/v1/admin/reviews", headers=bearer(admin))
    assert [item["id"] for item in queue.json()["items"]] == [review.id]

    approved = await client.post(
        f"/api/v1/admin/reviews/{review.id}/approve", headers=bearer(admin)
    )

    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"
    await db.refresh(course)
    assert (course.total_reviews, course.rating) == (1, Decimal("4.00"))
    logged = await db.scalar(select(ActivityLog.event).where(ActivityLog.subject_id == review.id))
    assert logged == "review.approved"


async def test_a_rejection_hides_the_review_and_its_author_reads_why(
    client: httpx.AsyncClient, db: AsyncSession, course: Course, admin: User
) -> None:
    review = await held_review(client, db, course, 1)
    reporter = await create_user(db)
    await client.post(
        f"/api/v1/reviews/{review.id}/reports", json={"reason": "spam"}, headers=bearer(reporter)
    )

    rejected = await client.post(
        f"/api/v1/admin/reviews/{review.id}/reject",
        json={"reason": "Not about the course"},
        headers=bearer(admin),
    )

    assert rejected.status_code == 200
    await db.refresh(course)
    assert (course.total_reviews, course.rating) == (0, Decimal(0))
    author = await db.get(User, review.user_id)
    assert author is not None
    mine = await client.get(f"/api/v1/courses/{course.uuid}/reviews/mine", headers=bearer(author))
    assert (mine.json()["status"], mine.json()["rejection_reason"]) == (
        "rejected",
        "Not about the course",
    )
    report = await db.scalar(select(ReviewReport))
    assert report is not None
    assert report.status is ReviewReportStatus.REVIEWED
    edited = await client.patch(
        f"/api/v1/courses/{course.uuid}/reviews/mine", json={"rating": 3}, headers=bearer(author)
    )
    assert edited.json()["status"] == "pending"


async def test_a_featured_review_comes_first(
    client: httpx.AsyncClient, db: AsyncSession, course: Course, admin: User
) -> None:
    older = await held_review(client, db, course, 2)
    await held_review(client, db, course, 5)

    featured = await client.post(
        f"/api/v1/admin/reviews/{older.id}/feature", json={"featured": True}, headers=bearer(admin)
    )

    assert featured.json()["is_featured"] is True
    listed = await client.get(f"/api/v1/courses/{course.uuid}/reviews")
    assert next(item["id"] for item in listed.json()["items"]) == older.id


async def test_a_held_review_cannot_be_featured(
    client: httpx.AsyncClient, db: AsyncSession, course: Course, admin: User
) -> None:
    await create_setting(db, "reviews.auto_approve", False, SettingType.BOOLEAN)
    review = await held_review(client, db, course, 2)

    answer = await client.post(
        f"/api/v1/admin/reviews/{review.id}/feature", json={"featured": True}, headers=bearer(admin)
    )

    assert (answer.status_code, code(answer)) == (409, "not_approved")


async def test_moderation_is_for_admins_only(
    client: httpx.AsyncClient, db: AsyncSession, course: Course
) -> None:
    review = await held_review(client, db, course, 2)
    teacher = await db.get(User, course.instructor_id)
    assert teacher is not None

    for path in ("approve", "reject", "feature"):
        answer = await client.post(
            f"/api/v1/admin/reviews/{review.id}/{path}", json={}, headers=bearer(teacher)
        )
        assert answer.status_code == 403
    missing = await client.post(
        "/api/v1/admin/reviews/999999/approve", headers=bearer(await create_admin(db))
    )
    assert missing.status_code == 404


async def test_a_refund_hides_the_review_of_the_course_it_took_back(
    client: httpx.AsyncClient, db: AsyncSession, admin: User
) -> None:
    seller, buyer = await create_instructor(db), await create_user(db)
    course = await create_published_course(db, seller, price=Decimal("20.00"))
    placed = await place(client, db, buyer, course)
    await deliver(client, event(placed))
    await create_setting(db, "reviews.min_progress_percent", 0, SettingType.INTEGER)
    await post_review(client, buyer, course, 1)
    asked = await client.post(
        f"/api/v1/orders/{placed.uuid}/refund-requests", json={"reason": "x"}, headers=bearer(buyer)
    )

    await client.post(
        f"/api/v1/admin/refunds/{asked.json()['uuid']}/approve", json={}, headers=bearer(admin)
    )

    review = await db.scalar(select(Review).where(Review.user_id == buyer.id))
    assert review is not None
    assert (review.status, review.rejection_reason) == (
        ReviewStatus.REJECTED,
        "the enrollment was refunded",
    )
    await db.refresh(course)
    assert course.total_reviews == 0


async def test_the_instructor_hears_of_a_new_review(db: AsyncSession, course: Course) -> None:
    from lectern.reviews.schemas import CourseReviewIn
    from lectern.reviews.service import write

    learner, _ = await learner_at(db, course)

    written = await write(db, learner, course.uuid, CourseReviewIn(rating=Decimal(5)))

    assert ReviewPosted(written.id, learner.id, course.id, True) in events.published(db)


async def test_a_learner_is_asked_for_a_review_once_at_the_chosen_share(
    client: httpx.AsyncClient, db: AsyncSession, course: Course
) -> None:
    section = await create_section(db, course)
    lessons = [
        await create_lesson(db, section, type=LessonType.TEXT, content="<p>x</p>") for _ in range(4)
    ]
    learner = await create_user(db)
    enrollment = await create_enrollment(db, learner, course, total_lessons=4)
    invited = ReviewInvited(enrollment.id, learner.id, course.id)

    asked = []
    for lesson in lessons:
        # As progress does: the enrollment's totals first, then the event.
        enrollment.completed_lessons += 1
        await db.flush()
        await events.publish(db, LessonCompleted(enrollment.id, learner.id, course.id, lesson.id))
        asked.append(events.published(db).count(invited))

    # Half the course (the default 50 %) is the second lesson of four: asked there, once.
    assert asked == [0, 1, 1, 1]


async def test_a_learner_who_reviewed_already_is_not_asked(
    client: httpx.AsyncClient, db: AsyncSession, course: Course
) -> None:
    section = await create_section(db, course)
    lesson = await create_lesson(db, section, type=LessonType.TEXT, content="<p>x</p>")
    learner, enrollment = await learner_at(db, course)
    await post_review(client, learner, course, 4)
    enrollment.completed_lessons, enrollment.total_lessons = 1, 2
    await db.flush()

    await events.publish(db, LessonCompleted(enrollment.id, learner.id, course.id, lesson.id))

    assert not [e for e in events.published(db) if isinstance(e, ReviewInvited)]
