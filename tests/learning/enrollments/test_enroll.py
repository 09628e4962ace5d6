"""POST /enrollments: a learner enrolls in a free course, once, with prerequisites enforced."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern import events
from lectern.errors import Forbidden
from lectern.kit.types import utcnow
from lectern.learning.enrollments import service as enrollments
from lectern.learning.events import EnrollmentCreated
from lectern.models import (
    Course,
    CourseAccessType,
    CoursePriceType,
    CourseStatus,
    Enrollment,
    EnrollmentStatus,
    EnrollmentType,
    InstructorProfile,
    User,
)
from tests.conftest import bearer
from tests.factories import create_enrollment, create_user
from tests.factories.learning import add_prerequisite, create_published_course
from tests.learning.enrollments.conftest import ENROLLMENTS, fresh


@pytest.fixture
def created() -> Iterator[list[EnrollmentCreated]]:
    """The EnrollmentCreated events published while the test runs."""
    seen: list[EnrollmentCreated] = []

    async def record(_session: AsyncSession, event: EnrollmentCreated) -> None:
        seen.append(event)

    events.subscribe(EnrollmentCreated, record)
    yield seen
    events.unsubscribe(EnrollmentCreated, record)


async def _rows(db: AsyncSession, user: User) -> list[Enrollment]:
    return list(
        await db.scalars(
            select(Enrollment)
            .where(Enrollment.user_id == user.id)
            .execution_options(populate_existing=True)
        )
    )


async def _students(db: AsyncSession, instructor: User) -> int:
    return int(
        await db.scalar(
            select(InstructorProfile.total_students)
            .where(InstructorProfile.user_id == instructor.id)
            .execution_options(populate_existing=True)
        )
        or 0
    )


async def test_enrolls_in_a_free_course_once(
    client: httpx.AsyncClient,
    db: AsyncSession,
    student: User,
    owner: User,
    course: Course,
    created: list[EnrollmentCreated],
) -> None:
    course.total_lectures = 4
    course.thumbnail = "https://cdn.example.test/python.png"
    await db.flush()
    response = await client.post(
        ENROLLMENTS, json={"course": str(course.uuid)}, headers=bearer(student)
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "active"
    assert body["enrollment_type"] == "free"
    assert body["is_active"] is True
    assert body["expires_at"] is None
    assert body["progress_percentage"] == "0.00"
    assert body["total_lessons"] == 4
    assert body["course"] == {
        "uuid": str(course.uuid),
        "slug": course.slug,
        "title": "Free Python",
        "thumbnail": "https://cdn.example.test/python.png",
        "instructor": {"name": "Olive Owner", "username": owner.username},
    }
    [row] = await _rows(db, student)
    assert str(row.uuid) == body["uuid"]
    assert row.price_paid == Decimal("0.00")
    assert (await fresh(db, Course, course.id)).total_enrollments == 1
    assert await _students(db, owner) == 1
    assert created == [
        EnrollmentCreated(
            enrollment_id=row.id, user_id=student.id, course_id=course.id, enrollment_type="free"
        )
    ]

    again = await client.post(
        ENROLLMENTS, json={"course": str(course.uuid)}, headers=bearer(student)
    )
    assert again.status_code == 200, again.text
    assert again.json()["uuid"] == body["uuid"]
    assert len(await _rows(db, student)) == 1
    assert (await fresh(db, Course, course.id)).total_enrollments == 1
    assert len(created) == 1


async def test_students_count_once_per_instructor(
    client: httpx.AsyncClient, db: AsyncSession, student: User, owner: User, course: Course
) -> None:
    second = await create_published_course(db, owner)
    classmate = await create_user(db)
    for who, what in ((student, course), (student, second), (classmate, second)):
        response = await client.post(
            ENROLLMENTS, json={"course": str(what.uuid)}, headers=bearer(who)
        )
        assert response.status_code == 201, response.text
    assert await _students(db, owner) == 2
    assert (await fresh(db, Course, course.id)).total_enrollments == 1
    assert (await fresh(db, Course, second.id)).total_enrollments == 2


async def test_price_zero_counts_as_free(
    client: httpx.AsyncClient, db: AsyncSession, student: User, owner: User
) -> None:
    course = await create_published_course(
        db, owner, price_type=CoursePriceType.PAID, price=Decimal("0")
    )
    response = await client.post(
        ENROLLMENTS, json={"course": str(course.uuid)}, headers=bearer(student)
    )
    assert response.status_code == 201, response.text
    [row] = await _rows(db, student)
    assert (row.course_id, row.enrollment_type, row.price_paid) == (
        course.id,
        EnrollmentType.FREE,
        Decimal(0),
    )


async def test_a_paid_course_is_refused_unless_already_bought(
    client: httpx.AsyncClient, db: AsyncSession, student: User, owner: User
) -> None:
    paid = await create_published_course(db, owner, price=Decimal("49.90"))
    refused = await client.post(
        ENROLLMENTS, json={"course": str(paid.uuid)}, headers=bearer(student)
    )
    assert refused.status_code == 403
    assert refused.json()["type"].endswith("/course_not_free")
    assert await _rows(db, student) == []
    assert (await fresh(db, Course, paid.id)).total_enrollments == 0

    bought = await create_enrollment(db, student, paid, enrollment_type=EnrollmentType.PAID)
    again = await client.post(ENROLLMENTS, json={"course": str(paid.uuid)}, headers=bearer(student))
    assert again.status_code == 200, again.text
    assert again.json()["uuid"] == str(bought.uuid)
    assert again.json()["enrollment_type"] == "paid"


@pytest.mark.parametrize(
    "values",
    [
        {"status": CourseStatus.DRAFT},
        {"status": CourseStatus.PENDING_REVIEW},
        {"status": CourseStatus.UNPUBLISHED},
        {"is_approved": False},
    ],
)
async def test_unpublished_courses_are_404(
    client: httpx.AsyncClient,
    db: AsyncSession,
    student: User,
    owner: User,
    values: dict[str, object],
) -> None:
    course = await create_published_course(db, owner, **values)
    response = await client.post(
        ENROLLMENTS, json={"course": str(course.uuid)}, headers=bearer(student)
    )
    assert response.status_code == 404
    assert await _rows(db, student) == []


async def test_deleted_and_unknown_courses_are_404(
    client: httpx.AsyncClient, db: AsyncSession, student: User, course: Course
) -> None:
    unknown = await client.post(
        ENROLLMENTS,
        json={"course": "00000000-0000-4000-8000-000000000000"},
        headers=bearer(student),
    )
    assert unknown.status_code == 404
    course.deleted_at = utcnow()
    await db.flush()
    deleted = await client.post(
        ENROLLMENTS, json={"course": str(course.uuid)}, headers=bearer(student)
    )
    assert deleted.status_code == 404


async def test_needs_a_token(client: httpx.AsyncClient, course: Course) -> None:
    response = await client.post(ENROLLMENTS, json={"course": str(course.uuid)})
    assert response.status_code == 401


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"course": "not-a-uuid"},
        {"course": 12},
        {"course": None},
        {"slug": "free-python"},
    ],
)
async def test_bad_bodies_are_422(
    client: httpx.AsyncClient, db: AsyncSession, student: User, course: Course, body: object
) -> None:
    response = await client.post(ENROLLMENTS, json=body, headers=bearer(student))
    assert response.status_code == 422
    assert await _rows(db, student) == []


async def test_an_extra_field_is_422(
    client: httpx.AsyncClient, db: AsyncSession, student: User, course: Course
) -> None:
    response = await client.post(
        ENROLLMENTS,
        json={"course": str(course.uuid), "status": "completed"},
        headers=bearer(student),
    )
    assert response.status_code == 422
    assert await _rows(db, student) == []


async def test_limited_access_sets_the_expiry(
    client: httpx.AsyncClient, db: AsyncSession, student: User, owner: User
) -> None:
    course = await create_published_course(
        db, owner, access_type=CourseAccessType.LIMITED, access_days=30
    )
    before = utcnow()
    response = await client.post(
        ENROLLMENTS, json={"course": str(course.uuid)}, headers=bearer(student)
    )
    assert response.status_code == 201
    [row] = await _rows(db, student)
    assert row.expires_at is not None
    assert before + timedelta(days=30) <= row.expires_at <= utcnow() + timedelta(days=30)


# -- prerequisites ------------------------------------------------------------------------------


async def test_required_prerequisites_must_be_completed(
    client: httpx.AsyncClient, db: AsyncSession, student: User, owner: User, course: Course
) -> None:
    basics = await create_published_course(db, owner, title="Basics", slug="basics")
    tools = await create_published_course(db, owner, title="Tools", slug="tools")
    advice = await create_published_course(db, owner, title="Advice")
    await add_prerequisite(db, course, basics)
    await add_prerequisite(db, course, tools)
    await add_prerequisite(db, course, advice, required=False)
    # Enrolled but not completed is not enough.
    await create_enrollment(db, student, basics, enrollment_type=EnrollmentType.FREE)

    refused = await client.post(
        ENROLLMENTS, json={"course": str(course.uuid)}, headers=bearer(student)
    )
    assert refused.status_code == 403
    problem = refused.json()
    assert problem["type"].endswith("/prerequisites_not_met")
    assert problem["missing"] == [
        {"uuid": str(basics.uuid), "slug": "basics", "title": "Basics"},
        {"uuid": str(tools.uuid), "slug": "tools", "title": "Tools"},
    ]
    assert len(await _rows(db, student)) == 1  # only the one in basics
    assert (await fresh(db, Course, course.id)).total_enrollments == 0

    await db.execute(
        Enrollment.__table__.update()
        .where(Enrollment.user_id == student.id)
        .values(status=EnrollmentStatus.COMPLETED.value, completed_at=utcnow())
    )
    await create_enrollment(
        db, student, tools, status=EnrollmentStatus.COMPLETED, completed_at=utcnow()
    )
    allowed = await client.post(
        ENROLLMENTS, json={"course": str(course.uuid)}, headers=bearer(student)
    )
    assert allowed.status_code == 201, allowed.text


async def test_a_deleted_prerequisite_no_longer_blocks(
    client: httpx.AsyncClient, db: AsyncSession, student: User, owner: User, course: Course
) -> None:
    gone = await create_published_course(db, owner, deleted_at=utcnow())
    await add_prerequisite(db, course, gone)
    response = await client.post(
        ENROLLMENTS, json={"course": str(course.uuid)}, headers=bearer(student)
    )
    assert response.status_code == 201, response.text
    assert [row.course_id for row in await _rows(db, student)] == [course.id]


# -- lapsed enrollments -------------------------------------------------------------------------


@pytest.mark.parametrize("status", [EnrollmentStatus.EXPIRED, EnrollmentStatus.REFUNDED])
async def test_a_lapsed_enrollment_is_renewed_in_place(
    client: httpx.AsyncClient,
    db: AsyncSession,
    student: User,
    owner: User,
    status: EnrollmentStatus,
    created: list[EnrollmentCreated],
) -> None:
    course = await create_published_course(
        db, owner, access_type=CourseAccessType.LIMITED, access_days=10, total_enrollments=1
    )
    enrolled_at = utcnow() - timedelta(days=40)
    old = await create_enrollment(
        db,
        student,
        course,
        enrollment_type=EnrollmentType.PAID,
        status=status,
        is_active=False,
        enrolled_at=enrolled_at,
        expires_at=enrolled_at + timedelta(days=10),
        completed_lessons=3,
        total_lessons=6,
        progress_percentage=Decimal("50"),
    )
    response = await client.post(
        ENROLLMENTS, json={"course": str(course.uuid)}, headers=bearer(student)
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["uuid"] == str(old.uuid)
    assert body["status"] == "active"
    assert body["enrollment_type"] == "free"
    assert body["completed_lessons"] == 3
    assert body["progress_percentage"] == "50.00"
    row = await fresh(db, Enrollment, old.id)
    assert row.is_active is True
    assert row.enrolled_at == enrolled_at  # drip keeps counting from the first enrollment
    assert row.expires_at is not None
    assert row.expires_at > utcnow() + timedelta(days=9)
    assert (await fresh(db, Course, course.id)).total_enrollments == 1  # no new enrollment
    assert [event.enrollment_id for event in created] == [old.id]


async def test_a_completed_enrollment_renews_as_completed(
    client: httpx.AsyncClient, db: AsyncSession, student: User, course: Course
) -> None:
    done = utcnow() - timedelta(days=3)
    old = await create_enrollment(
        db,
        student,
        course,
        status=EnrollmentStatus.COMPLETED,
        completed_at=done,
        expires_at=utcnow() - timedelta(days=1),  # not yet turned expired by the job
    )
    response = await client.post(
        ENROLLMENTS, json={"course": str(course.uuid)}, headers=bearer(student)
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "completed"
    row = await fresh(db, Enrollment, old.id)
    assert row.expires_at is None  # the course gives lifetime access now
    assert row.completed_at == done


async def test_a_suspended_enrollment_stays_suspended(
    client: httpx.AsyncClient, db: AsyncSession, student: User, course: Course
) -> None:
    old = await create_enrollment(
        db, student, course, status=EnrollmentStatus.SUSPENDED, is_active=False
    )
    response = await client.post(
        ENROLLMENTS, json={"course": str(course.uuid)}, headers=bearer(student)
    )
    assert response.status_code == 403
    assert response.json()["type"].endswith("/enrollment_suspended")
    row = await fresh(db, Enrollment, old.id)
    assert (row.status, row.is_active) == (EnrollmentStatus.SUSPENDED, False)


# -- the service, as orders and admins will call it ------------------------------------------


async def test_grant_reactivates_a_suspension_only_when_asked(
    db: AsyncSession, student: User, course: Course
) -> None:
    old = await create_enrollment(
        db, student, course, status=EnrollmentStatus.SUSPENDED, is_active=False
    )
    with pytest.raises(Forbidden):
        await enrollments.grant(db, student.id, course, EnrollmentType.PAID)
    granted = await enrollments.grant(
        db,
        student.id,
        course,
        EnrollmentType.PAID,
        price_paid=Decimal("19.99"),
        currency="EUR",
        reactivate_suspended=True,
    )
    assert (granted.created, granted.renewed) == (False, True)
    row = await fresh(db, Enrollment, old.id)
    assert (row.status, row.is_active, row.price_paid, row.currency) == (
        EnrollmentStatus.ACTIVE,
        True,
        Decimal("19.99"),
        "EUR",
    )


async def test_grant_can_skip_prerequisites(
    db: AsyncSession, student: User, owner: User, course: Course
) -> None:
    await add_prerequisite(db, course, await create_published_course(db, owner))
    with pytest.raises(Forbidden):
        await enrollments.grant(db, student.id, course, EnrollmentType.PAID)
    granted = await enrollments.grant(
        db, student.id, course, EnrollmentType.BUNDLE, check_prerequisites=False
    )
    assert granted.created
    assert granted.enrollment.enrollment_type == EnrollmentType.BUNDLE
    count = await db.scalar(
        select(func.count()).select_from(Enrollment).where(Enrollment.user_id == student.id)
    )
    assert count == 1


async def test_an_owner_without_profile_counts_nothing(
    db: AsyncSession, student: User, admin: User
) -> None:
    course = await create_published_course(db, admin)
    granted = await enrollments.grant(db, student.id, course, EnrollmentType.ADMIN)
    assert granted.created
    assert (await fresh(db, Course, course.id)).total_enrollments == 1
