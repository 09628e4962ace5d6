"""Writing a review: only an enrolled learner past the minimum progress, once per course,
never the course's staff; the course's and the instructor's rating count approved reviews."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.models import (
    Course,
    CourseInstructorRole,
    EnrollmentStatus,
    EnrollmentType,
    InstructorProfile,
    Review,
    ReviewStatus,
    SettingType,
    User,
)
from tests.conftest import bearer
from tests.factories import create_user
from tests.factories.courses import create_co_instructor, create_instructor
from tests.factories.learning import create_published_course
from tests.factories.platform import create_setting
from tests.reviews.helpers import code, learner_at, post_review


@pytest.fixture
async def teacher(db: AsyncSession) -> User:
    return await create_instructor(db, name="Grace Hopper")


@pytest.fixture
async def course(db: AsyncSession, teacher: User) -> Course:
    return await create_published_course(db, teacher, title="Compilers")


async def figures(db: AsyncSession, course: Course) -> tuple[int, Decimal, int, Decimal]:
    await db.refresh(course)
    profile = await db.scalar(
        select(InstructorProfile).where(InstructorProfile.user_id == course.instructor_id)
    )
    assert profile is not None
    await db.refresh(profile)
    return course.total_reviews, course.rating, profile.total_reviews, profile.rating


async def test_an_enrolled_learner_reviews_and_the_ratings_count_it(
    client: httpx.AsyncClient, db: AsyncSession, course: Course
) -> None:
    ada, _ = await learner_at(db, course, name="Ada Lovelace")
    alan, _ = await learner_at(db, course, name="Alan Turing")

    first = await post_review(
        client, ada, course, 4.5, title="Clear", content="Loved it", rating_value=5
    )
    second = await post_review(client, alan, course, 3)

    assert first.status_code == 201, first.text
    body = first.json()
    assert body["status"] == "approved"
    assert body["reviewer"] == "Ada L."
    assert Decimal(body["rating"]) == Decimal("4.5")
    assert body["is_verified_purchase"] is True
    assert second.status_code == 201
    assert await figures(db, course) == (2, Decimal("3.75"), 2, Decimal("3.75"))
    listed = await client.get(f"/api/v1/courses/{course.uuid}/reviews")
    # Equally helpful: the newest first.
    assert [item["reviewer"] for item in listed.json()["items"]] == ["Alan T.", "Ada L."]
    assert "user_id" not in listed.json()["items"][0]


async def test_the_course_page_shows_the_rating_and_its_distribution(
    client: httpx.AsyncClient, db: AsyncSession, course: Course
) -> None:
    for rating in (5, 4.5, 2):
        learner, _ = await learner_at(db, course)
        assert (await post_review(client, learner, course, rating)).status_code == 201

    page = await client.get(f"/api/v1/courses/{course.slug}")

    assert page.status_code == 200
    assert Decimal(page.json()["rating"]) == Decimal("3.83")
    summary = page.json()["rating_summary"]
    assert (summary["count"], Decimal(summary["average"])) == (3, Decimal("3.83"))
    assert summary["stars"] == {"5": 1, "4": 1, "3": 0, "2": 1, "1": 0}


@pytest.mark.parametrize("rating", [0.5, 5.5, 4.25, "x", None])
async def test_a_rating_outside_one_to_five_in_halves_is_refused(
    client: httpx.AsyncClient, db: AsyncSession, course: Course, rating: object
) -> None:
    learner, _ = await learner_at(db, course)

    answer = await post_review(client, learner, course, rating)  # type: ignore[arg-type]

    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    assert await db.scalar(select(Review.id)) is None


async def test_a_review_before_the_minimum_progress_is_refused(
    client: httpx.AsyncClient, db: AsyncSession, course: Course
) -> None:
    await create_setting(db, "reviews.min_progress_percent", 30, SettingType.INTEGER)
    learner, _ = await learner_at(db, course, percent=29)

    answer = await post_review(client, learner, course)

    assert answer.status_code == 403
    assert code(answer) == "not_enough_progress"
    assert answer.json()["required_percent"] == 30
    assert await db.scalar(select(Review.id)) is None


async def test_a_second_review_of_the_same_course_is_refused(
    client: httpx.AsyncClient, db: AsyncSession, course: Course
) -> None:
    learner, _ = await learner_at(db, course)
    await post_review(client, learner, course, 5)

    again = await post_review(client, learner, course, 1)

    assert again.status_code == 409
    assert code(again) == "already_reviewed"
    assert await figures(db, course) == (1, Decimal("5.00"), 1, Decimal("5.00"))


async def test_someone_not_enrolled_may_not_review(
    client: httpx.AsyncClient, db: AsyncSession, course: Course
) -> None:
    stranger = await create_user(db)

    answer = await post_review(client, stranger, course)

    assert answer.status_code == 403
    assert code(answer) == "not_enrolled"


async def test_a_refunded_learner_may_not_review(
    client: httpx.AsyncClient, db: AsyncSession, course: Course
) -> None:
    learner, enrollment = await learner_at(db, course)
    enrollment.status = EnrollmentStatus.REFUNDED
    await db.flush()

    answer = await post_review(client, learner, course)

    assert answer.status_code == 403
    assert code(answer) == "enrollment_refunded"


@pytest.mark.parametrize("role", list(CourseInstructorRole))
async def test_the_course_staff_may_not_review_it(
    client: httpx.AsyncClient, db: AsyncSession, course: Course, role: CourseInstructorRole
) -> None:
    helper, _ = await learner_at(db, course)
    await create_co_instructor(db, course, helper, role=role)

    answer = await post_review(client, helper, course)

    assert answer.status_code == 403
    assert code(answer) == "course_staff"


async def test_the_owner_may_not_review_their_course(
    client: httpx.AsyncClient, db: AsyncSession, course: Course, teacher: User
) -> None:
    answer = await post_review(client, teacher, course)

    assert answer.status_code == 403
    assert code(answer) == "course_staff"


async def test_a_gifted_enrollment_is_not_a_verified_purchase(
    client: httpx.AsyncClient, db: AsyncSession, course: Course
) -> None:
    learner, enrollment = await learner_at(db, course)
    enrollment.enrollment_type = EnrollmentType.GIFTED
    await db.flush()

    answer = await post_review(client, learner, course)

    assert answer.json()["is_verified_purchase"] is False


async def test_unknown_fields_are_refused(
    client: httpx.AsyncClient, db: AsyncSession, course: Course
) -> None:
    learner, _ = await learner_at(db, course)

    answer = await post_review(client, learner, course, status="approved", helpful_count=99)

    assert answer.status_code == 422
    assert await db.scalar(select(Review.id)) is None


async def test_the_author_edits_and_deletes_their_review(
    client: httpx.AsyncClient, db: AsyncSession, course: Course
) -> None:
    learner, _ = await learner_at(db, course)
    await post_review(client, learner, course, 2, title="Meh")
    mine = f"/api/v1/courses/{course.uuid}/reviews/mine"

    edited = await client.patch(mine, json={"rating": 5, "title": None}, headers=bearer(learner))

    assert edited.status_code == 200, edited.text
    assert (Decimal(edited.json()["rating"]), edited.json()["title"]) == (Decimal(5), None)
    assert await figures(db, course) == (1, Decimal("5.00"), 1, Decimal("5.00"))
    null_rating = await client.patch(mine, json={"rating": None}, headers=bearer(learner))
    assert null_rating.status_code == 422
    gone = await client.delete(mine, headers=bearer(learner))
    assert gone.status_code == 204
    assert await figures(db, course) == (0, Decimal(0), 0, Decimal(0))
    assert (await client.get(mine, headers=bearer(learner))).status_code == 404


async def test_held_reviews_wait_for_approval_and_do_not_count(
    client: httpx.AsyncClient, db: AsyncSession, course: Course
) -> None:
    await create_setting(db, "reviews.auto_approve", False, SettingType.BOOLEAN)
    learner, _ = await learner_at(db, course)

    answer = await post_review(client, learner, course, 5)

    assert answer.json()["status"] == "pending"
    assert await figures(db, course) == (0, Decimal(0), 0, Decimal(0))
    listed = await client.get(f"/api/v1/courses/{course.uuid}/reviews")
    assert listed.json()["items"] == []
    mine = await client.get(f"/api/v1/courses/{course.uuid}/reviews/mine", headers=bearer(learner))
    assert mine.json()["status"] == "pending"
    review = await db.scalar(select(Review))
    assert review is not None
    assert review.status is ReviewStatus.PENDING


async def test_the_list_sorts_and_filters_by_stars(
    client: httpx.AsyncClient, db: AsyncSession, course: Course
) -> None:
    for rating in (3, 5, 4.5, 1):
        learner, _ = await learner_at(db, course)
        await post_review(client, learner, course, rating)
    url = f"/api/v1/courses/{course.uuid}/reviews"

    highest = await client.get(url, params={"sort": "highest"})
    lowest = await client.get(url, params={"sort": "lowest"})
    fours = await client.get(url, params={"stars": 4})
    bad = await client.get(url, params={"stars": 6, "sort": "best"})

    assert [Decimal(i["rating"]) for i in highest.json()["items"]] == [5, Decimal("4.5"), 3, 1]
    assert [Decimal(i["rating"]) for i in lowest.json()["items"]] == [1, 3, Decimal("4.5"), 5]
    assert [Decimal(i["rating"]) for i in fours.json()["items"]] == [Decimal("4.5")]
    assert bad.status_code == 422
    assert {error["loc"][-1] for error in bad.json()["errors"]} == {"stars", "sort"}


async def test_reviews_of_an_unknown_course_are_404(client: httpx.AsyncClient) -> None:
    answer = await client.get("/api/v1/courses/00000000-0000-0000-0000-000000000000/reviews")

    assert answer.status_code == 404


async def test_a_course_that_takes_no_reviews_refuses_one(
    client: httpx.AsyncClient, db: AsyncSession, course: Course
) -> None:
    course.allow_reviews = False
    learner, _ = await learner_at(db, course)

    answer = await post_review(client, learner, course)

    assert (answer.status_code, code(answer)) == (403, "reviews_closed")
