"""The studio side: instructors and admins grant enrollments, list and export a course's."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import timedelta
from decimal import Decimal

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from lectern.kit.types import utcnow
from lectern.models import (
    ActivityLog,
    Course,
    Enrollment,
    EnrollmentStatus,
    EnrollmentType,
    User,
    UserRole,
)
from tests.conftest import Live, bearer
from tests.factories import PASSWORD_HASH, create_enrollment, create_user
from tests.factories.courses import create_co_instructor
from tests.factories.learning import add_prerequisite, create_published_course
from tests.learning.enrollments.conftest import fresh, studio


async def _count(db: AsyncSession, course: Course) -> int:
    return int(
        await db.scalar(
            select(func.count()).select_from(Enrollment).where(Enrollment.course_id == course.id)
        )
        or 0
    )


# -- grants -------------------------------------------------------------------------------------


async def test_the_owner_gifts_by_email_skipping_prerequisites(
    client: httpx.AsyncClient, db: AsyncSession, owner: User, student: User, course: Course
) -> None:
    await add_prerequisite(db, course, await create_published_course(db, owner))
    response = await client.post(
        studio(course), json={"user": student.email.upper()}, headers=bearer(owner)
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["student"] == {
        "uuid": str(student.uuid),
        "name": "Stu Dent",
        "email": student.email,
    }
    assert (body["enrollment_type"], body["status"]) == ("gifted", "active")
    assert (await fresh(db, Course, course.id)).total_enrollments == 1
    entry = await db.scalar(select(ActivityLog).where(ActivityLog.event == "enrollment.granted"))
    assert entry is not None
    assert (entry.log_name, entry.user_id) == ("studio", owner.id)

    again = await client.post(
        studio(course), json={"user": str(student.uuid)}, headers=bearer(owner)
    )
    assert again.status_code == 200
    assert again.json()["uuid"] == body["uuid"]
    assert await _count(db, course) == 1


async def test_co_instructors_gift_and_admins_grant_admin(
    client: httpx.AsyncClient,
    db: AsyncSession,
    owner: User,
    other: User,
    admin: User,
    course: Course,
) -> None:
    await create_co_instructor(db, course, other)
    first, second = await create_user(db), await create_user(db)
    gifted = await client.post(
        studio(course), json={"user": str(first.uuid), "type": "gifted"}, headers=bearer(other)
    )
    assert gifted.status_code == 201, gifted.text
    refused = await client.post(
        studio(course), json={"user": str(second.uuid), "type": "admin"}, headers=bearer(owner)
    )
    assert refused.status_code == 403
    assert refused.json()["type"].endswith("/admin_only")
    assert await _count(db, course) == 1
    granted = await client.post(
        studio(course), json={"user": str(second.uuid), "type": "admin"}, headers=bearer(admin)
    )
    assert granted.status_code == 201, granted.text
    assert granted.json()["enrollment_type"] == "admin"
    entry = await db.scalar(
        select(ActivityLog).where(
            ActivityLog.event == "enrollment.granted", ActivityLog.user_id == admin.id
        )
    )
    assert entry is not None
    assert entry.log_name == "admin"


async def test_a_draft_course_may_be_gifted(
    client: httpx.AsyncClient, db: AsyncSession, owner: User, student: User
) -> None:
    from tests.factories import create_course

    draft = await create_course(db, owner)
    response = await client.post(
        studio(draft), json={"user": str(student.uuid)}, headers=bearer(owner)
    )
    assert response.status_code == 201, response.text
    gift = await db.scalar(
        select(Enrollment).where(Enrollment.user_id == student.id, Enrollment.course_id == draft.id)
    )
    assert gift is not None
    assert gift.enrollment_type == EnrollmentType.GIFTED
    assert str(gift.uuid) == response.json()["uuid"]


async def test_grants_on_someone_elses_course_or_unknown_users(
    client: httpx.AsyncClient,
    db: AsyncSession,
    other: User,
    owner: User,
    student: User,
    course: Course,
) -> None:
    foreign = await client.post(
        studio(course), json={"user": str(student.uuid)}, headers=bearer(other)
    )
    assert foreign.status_code == 404
    by_student = await client.post(
        studio(course), json={"user": str(student.uuid)}, headers=bearer(student)
    )
    assert by_student.status_code == 403
    assert (await client.post(studio(course), json={"user": str(student.uuid)})).status_code == 401
    nobody = await client.post(
        studio(course), json={"user": "nobody@example.test"}, headers=bearer(owner)
    )
    assert nobody.status_code == 404
    assert nobody.json()["type"].endswith("/user_not_found")
    gone = await create_user(db, deleted_at=utcnow())
    deleted = await client.post(
        studio(course), json={"user": str(gone.uuid)}, headers=bearer(owner)
    )
    assert deleted.status_code == 404
    assert await _count(db, course) == 0


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"user": "plainname"},
        {"user": "a b@example.test"},
        {"user": ""},
        {"user": "x@y.z", "type": "paid"},
        {"user": "x@y.z", "type": "free"},
        {"user": "x@y.z", "extra": 1},
    ],
)
async def test_bad_grant_bodies_are_422(
    client: httpx.AsyncClient, db: AsyncSession, owner: User, course: Course, body: object
) -> None:
    response = await client.post(studio(course), json=body, headers=bearer(owner))
    assert response.status_code == 422, response.text
    assert await _count(db, course) == 0


async def test_a_grant_does_not_lift_a_suspension(
    client: httpx.AsyncClient, db: AsyncSession, admin: User, student: User, course: Course
) -> None:
    enrollment = await create_enrollment(
        db, student, course, status=EnrollmentStatus.SUSPENDED, is_active=False
    )
    response = await client.post(
        studio(course), json={"user": str(student.uuid)}, headers=bearer(admin)
    )
    assert response.status_code == 403
    assert (await fresh(db, Enrollment, enrollment.id)).status == EnrollmentStatus.SUSPENDED


# -- the list and the export --------------------------------------------------------------------


@pytest.fixture
async def roster(db: AsyncSession, course: Course) -> dict[str, Enrollment]:
    now = utcnow()
    people = {
        "ann": await create_user(db, name="Ann Archer", email="ann@example.test"),
        "bob": await create_user(db, name="Bob Baker", email="bob@school.test"),
        "cy": await create_user(db, name='=HYPERLINK("http://evil")', email="cy@example.test"),
    }
    return {
        "ann": await create_enrollment(
            db,
            people["ann"],
            course,
            enrolled_at=now - timedelta(days=3),
            progress_percentage=Decimal("100"),
            completed_lessons=4,
            total_lessons=4,
            status=EnrollmentStatus.COMPLETED,
            completed_at=now - timedelta(days=1),
        ),
        "bob": await create_enrollment(
            db,
            people["bob"],
            course,
            enrolled_at=now - timedelta(days=2),
            progress_percentage=Decimal("25"),
            completed_lessons=1,
            total_lessons=4,
        ),
        "cy": await create_enrollment(
            db, people["cy"], course, enrolled_at=now - timedelta(days=1), total_lessons=4
        ),
    }


async def test_the_list_filters_and_sorts(
    client: httpx.AsyncClient,
    db: AsyncSession,
    owner: User,
    other: User,
    course: Course,
    roster: dict[str, Enrollment],
) -> None:
    # Another course's enrollment stays out.
    await create_enrollment(db, await create_user(db), await create_published_course(db, other))

    async def emails(query: str = "") -> list[str]:
        response = await client.get(f"{studio(course)}?{query}", headers=bearer(owner))
        assert response.status_code == 200, response.text
        return [item["student"]["email"] for item in response.json()["items"]]

    assert await emails() == ["cy@example.test", "bob@school.test", "ann@example.test"]
    assert await emails("sort=progress") == [
        "cy@example.test",
        "bob@school.test",
        "ann@example.test",
    ]
    assert await emails("sort=-progress") == [
        "ann@example.test",
        "bob@school.test",
        "cy@example.test",
    ]
    assert await emails("status=completed") == ["ann@example.test"]
    assert await emails("min_progress=20&max_progress=99.5") == ["bob@school.test"]
    assert await emails("q=SCHOOL") == ["bob@school.test"]
    assert await emails("q=archer") == ["ann@example.test"]
    assert await emails("q=%25") == []  # a literal %, not a wildcard
    assert await emails("sort=name&per_page=1&page=2") == ["ann@example.test"]

    response = await client.get(studio(course), headers=bearer(owner))
    first = response.json()["items"][-1]
    assert first["progress_percentage"] == "100.00"
    assert (first["completed_lessons"], first["total_lessons"]) == (4, 4)
    assert first["completed_at"] is not None
    assert response.json()["meta"]["total"] == 3


async def test_the_list_is_for_the_courses_staff(
    client: httpx.AsyncClient,
    db: AsyncSession,
    owner: User,
    other: User,
    admin: User,
    student: User,
    course: Course,
    roster: dict[str, Enrollment],
) -> None:
    for url in (studio(course), f"{studio(course)}.csv"):
        assert (await client.get(url)).status_code == 401
        assert (await client.get(url, headers=bearer(student))).status_code == 403
        assert (await client.get(url, headers=bearer(other))).status_code == 404
        assert (await client.get(url, headers=bearer(admin))).status_code == 200
    await create_co_instructor(db, course, other)
    assert (await client.get(studio(course), headers=bearer(other))).status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "min_progress=-1",
        "max_progress=100.01",
        "min_progress=abc",
        "min_progress=60&max_progress=50",
        "status=gone",
        "sort=uuid",
        "q=",
        f"q={'x' * 101}",
    ],
)
async def test_bad_filters_are_422(
    client: httpx.AsyncClient, owner: User, course: Course, query: str
) -> None:
    for url in (studio(course), f"{studio(course)}.csv"):
        response = await client.get(f"{url}?{query}", headers=bearer(owner))
        assert response.status_code == 422, (url, query)


async def test_the_csv_export(
    client: httpx.AsyncClient, owner: User, course: Course, roster: dict[str, Enrollment]
) -> None:
    response = await client.get(f"{studio(course)}.csv?sort=enrolled_at", headers=bearer(owner))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == (
        f'attachment; filename="enrollments-{course.slug}.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0][:3] == ["enrollment", "student_name", "student_email"]
    assert [row[2] for row in rows[1:]] == [
        "ann@example.test",
        "bob@school.test",
        "cy@example.test",
    ]
    ann, _bob, cy = rows[1:]
    assert ann[1] == "Ann Archer"
    assert (ann[4], ann[7], ann[8], ann[9]) == ("completed", "100.00", "4", "4")
    assert cy[1] == '\'=HYPERLINK("http://evil")'  # shown as text, never run
    filtered = await client.get(f"{studio(course)}.csv?status=active&q=bob", headers=bearer(owner))
    assert [row[2] for row in csv.reader(io.StringIO(filtered.text))][1:] == ["bob@school.test"]


async def test_a_large_export_streams_every_row(
    client: httpx.AsyncClient, db: AsyncSession, owner: User, course: Course
) -> None:
    for n in range(450):
        user = await create_user(db, name=f"+Student {n}")
        db.add(Enrollment(user_id=user.id, course_id=course.id))
    await db.flush()
    response = await client.get(f"{studio(course)}.csv", headers=bearer(owner))
    rows = list(csv.reader(io.StringIO(response.text)))
    assert len(rows) == 451
    assert all(row[1].startswith("'+Student") for row in rows[1:])


def test_csv_cells_defuse_formulas() -> None:
    from lectern.kit.spreadsheets import csv_cell

    for dangerous in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert csv_cell(dangerous) == "'" + dangerous
    assert csv_cell("Ann") == "Ann"
    assert csv_cell(None) == ""
    assert csv_cell(Decimal("12.50")) == "12.50"


async def test_an_export_hands_its_connections_back(live: Live, engine: AsyncEngine) -> None:
    """The rows stream after the request's unit of work has closed; the stream's own closes
    too, whether it is read to the end or the client goes away after the first bytes."""
    n = uuid.uuid4().hex[:8]
    admin = User(
        name="A", username=f"a{n}", email=f"a{n}@x.test", password_hash=PASSWORD_HASH,
        role=UserRole.ADMIN,
    )  # fmt: skip
    students = [
        User(
            name=f"S{i}", username=f"s{i}{n}", email=f"s{i}{n}@x.test", password_hash=PASSWORD_HASH
        )
        for i in range(3)
    ]
    await live.add(admin, *students)
    course = Course(instructor_id=admin.id, title="Export", slug=f"export-{n}")
    await live.add(course)
    await live.add(*(Enrollment(user_id=s.id, course_id=course.id) for s in students))
    url = f"{studio(course)}.csv"

    whole = await live.client.get(url, headers=bearer(admin))
    async with live.client.stream("GET", url, headers=bearer(admin)) as abandoned:
        await anext(abandoned.aiter_bytes())

    assert len(list(csv.reader(io.StringIO(whole.text)))) == 4
    assert engine.pool.checkedout() == 0
