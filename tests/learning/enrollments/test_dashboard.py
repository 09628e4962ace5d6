"""GET /enrollments and /enrollments/{uuid}: my courses, progress, last activity, next lesson."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from lectern.kit.schemas import Page
from lectern.kit.types import utcnow
from lectern.learning.enrollments.schemas import EnrollmentOut
from lectern.learning.enrollments.service import expire_due
from lectern.models import Course, Enrollment, EnrollmentStatus, User
from tests.conftest import bearer
from tests.factories import create_enrollment, create_lesson, create_section, create_user
from tests.factories.learning import complete_lesson, create_published_course
from tests.learning.enrollments.conftest import ENROLLMENTS, fresh
from tests.queries import count_queries


async def test_next_lesson_follows_course_order_and_skips_hidden_lessons(
    client: httpx.AsyncClient, db: AsyncSession, student: User, course: Course
) -> None:
    # Sections out of id order on purpose: the order column decides.
    second = await create_section(db, course, title="Second", order=2)
    first = await create_section(db, course, title="First", order=1)
    hidden = await create_section(db, course, title="Hidden", order=3, is_published=False)
    intro = await create_lesson(db, first, title="Intro", order=1)
    await create_lesson(db, first, title="Draft", order=2, is_published=False)
    await create_lesson(db, first, title="Gone", order=3, deleted_at=utcnow())
    setup = await create_lesson(db, first, title="Setup", order=4)
    await create_lesson(db, hidden, title="In a hidden section", order=1)
    last = await create_lesson(db, second, title="Last", order=1)
    enrollment = await create_enrollment(db, student, course, total_lessons=3)

    async def next_lesson() -> object:
        response = await client.get(ENROLLMENTS, headers=bearer(student))
        assert response.status_code == 200, response.text
        [item] = response.json()["items"]
        return item["next_lesson"]

    assert await next_lesson() == {"uuid": str(intro.uuid), "title": "Intro"}
    # Another student's progress is theirs alone.
    classmate = await create_enrollment(db, await create_user(db), course)
    await complete_lesson(db, classmate, intro)
    assert await next_lesson() == {"uuid": str(intro.uuid), "title": "Intro"}
    await complete_lesson(db, enrollment, intro)
    assert await next_lesson() == {"uuid": str(setup.uuid), "title": "Setup"}
    await complete_lesson(db, enrollment, last)  # out of order: setup is still next
    assert await next_lesson() == {"uuid": str(setup.uuid), "title": "Setup"}
    await complete_lesson(db, enrollment, setup)
    assert await next_lesson() is None


async def test_lists_only_mine_with_card_and_progress(
    client: httpx.AsyncClient, db: AsyncSession, student: User, owner: User, course: Course
) -> None:
    visited = utcnow() - timedelta(hours=2)
    mine = await create_enrollment(
        db,
        student,
        course,
        progress_percentage=Decimal("33.33"),
        completed_lessons=1,
        total_lessons=3,
        last_accessed_at=visited,
        total_watch_time=600,
    )
    stranger = await create_user(db)
    await create_enrollment(db, stranger, course)
    response = await client.get(ENROLLMENTS, headers=bearer(student))
    assert response.status_code == 200
    body = response.json()
    assert body["meta"] == {"total": 1, "page": 1, "per_page": 20, "pages": 1}
    [item] = body["items"]
    assert item["uuid"] == str(mine.uuid)
    assert item["course"]["title"] == "Free Python"
    assert item["course"]["instructor"]["name"] == "Olive Owner"
    assert item["progress_percentage"] == "33.33"
    assert (item["completed_lessons"], item["total_lessons"]) == (1, 3)
    assert item["total_watch_time"] == 600
    assert item["last_accessed_at"].startswith(visited.isoformat()[:19])
    assert item["next_lesson"] is None  # the course has no lessons


async def test_sorted_by_last_activity_and_filtered_by_status(
    client: httpx.AsyncClient, db: AsyncSession, student: User, owner: User
) -> None:
    now = utcnow()
    old = await create_published_course(db, owner, title="Old")
    recent = await create_published_course(db, owner, title="Recent")
    fresh_one = await create_published_course(db, owner, title="Never opened")
    done = await create_published_course(db, owner, title="Done")
    await create_enrollment(
        db,
        student,
        old,
        enrolled_at=now - timedelta(days=9),
        last_accessed_at=now - timedelta(days=5),
    )
    await create_enrollment(
        db,
        student,
        recent,
        enrolled_at=now - timedelta(days=9),
        last_accessed_at=now - timedelta(hours=1),
    )
    await create_enrollment(db, student, fresh_one, enrolled_at=now - timedelta(days=1))
    await create_enrollment(
        db,
        student,
        done,
        status=EnrollmentStatus.COMPLETED,
        completed_at=now - timedelta(days=2),
        enrolled_at=now - timedelta(days=30),
        last_accessed_at=now - timedelta(days=2),
    )

    async def titles(query: str) -> list[str]:
        response = await client.get(f"{ENROLLMENTS}?{query}", headers=bearer(student))
        assert response.status_code == 200, response.text
        return [item["course"]["title"] for item in response.json()["items"]]

    assert await titles("") == ["Recent", "Never opened", "Done", "Old"]
    assert await titles("sort=last_activity") == ["Old", "Done", "Never opened", "Recent"]
    assert await titles("sort=title") == ["Done", "Never opened", "Old", "Recent"]
    assert await titles("status=completed") == ["Done"]
    assert await titles("status=active&per_page=2&page=2") == ["Old"]


async def test_bad_queries_are_422(client: httpx.AsyncClient, student: User) -> None:
    for query in ("status=lapsed", "sort=price", "per_page=0", "per_page=101", "page=0"):
        response = await client.get(f"{ENROLLMENTS}?{query}", headers=bearer(student))
        assert response.status_code == 422, query


async def test_needs_a_token(client: httpx.AsyncClient) -> None:
    assert (await client.get(ENROLLMENTS)).status_code == 401


async def test_the_list_runs_a_fixed_number_of_statements(
    client: httpx.AsyncClient, db: AsyncSession, engine: AsyncEngine, student: User, owner: User
) -> None:
    async def statements() -> int:
        with count_queries(engine) as seen:
            response = await client.get(ENROLLMENTS, headers=bearer(student))
        assert response.status_code == 200
        return len(seen)

    course = await create_published_course(db, owner)
    section = await create_section(db, course)
    await create_lesson(db, section)
    await create_enrollment(db, student, course)
    one = await statements()
    for _ in range(6):
        other = await create_published_course(db, owner)
        lesson = await create_lesson(db, await create_section(db, other))
        enrollment = await create_enrollment(db, student, other)
        await complete_lesson(db, enrollment, lesson)
    assert await statements() == one
    # The user, the count, the page and the next lessons' titles: reading writes nothing.
    assert one == 4


async def test_one_enrollment_is_mine_or_an_admins(
    client: httpx.AsyncClient,
    db: AsyncSession,
    student: User,
    other: User,
    admin: User,
    course: Course,
) -> None:
    enrollment = await create_enrollment(db, student, course)
    url = f"{ENROLLMENTS}/{enrollment.uuid}"
    mine = await client.get(url, headers=bearer(student))
    assert mine.status_code == 200
    assert mine.json()["uuid"] == str(enrollment.uuid)
    assert (await client.get(url, headers=bearer(other))).status_code == 404
    assert (await client.get(url, headers=bearer(admin))).status_code == 200
    assert (await client.get(url)).status_code == 401
    missing = await client.get(
        f"{ENROLLMENTS}/00000000-0000-4000-8000-000000000000", headers=bearer(student)
    )
    assert missing.status_code == 404
    assert (await client.get(f"{ENROLLMENTS}/nope", headers=bearer(student))).status_code == 422
    enrollment.deleted_at = utcnow()
    await db.flush()
    assert (await client.get(url, headers=bearer(student))).status_code == 404


async def test_reading_shows_an_enrollment_past_its_date_as_expired(
    client: httpx.AsyncClient, db: AsyncSession, student: User, course: Course
) -> None:
    enrollment = await create_enrollment(
        db, student, course, expires_at=utcnow() - timedelta(minutes=1)
    )
    response = await client.get(f"{ENROLLMENTS}/{enrollment.uuid}", headers=bearer(student))
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["is_active"]) == ("expired", False)
    row = await fresh(db, Enrollment, enrollment.id)
    assert row.status == EnrollmentStatus.EXPIRED
    listed = await client.get(f"{ENROLLMENTS}?status=active", headers=bearer(student))
    assert listed.json()["items"] == []


async def test_the_list_shows_an_enrollment_past_its_date_as_expired_and_writes_nothing(
    client: httpx.AsyncClient, db: AsyncSession, student: User, course: Course
) -> None:
    enrollment = await create_enrollment(
        db, student, course, expires_at=utcnow() - timedelta(minutes=1)
    )

    def statuses(response: httpx.Response) -> list[tuple[str, bool]]:
        assert response.status_code == 200
        return [(item["status"], item["is_active"]) for item in response.json()["items"]]

    listed = await client.get(ENROLLMENTS, headers=bearer(student))
    assert statuses(listed) == [("expired", False)]
    # Served from rows: exactly the document the response model describes.
    body = listed.json()
    assert Page[EnrollmentOut].model_validate(body).model_dump(mode="json") == body
    expired = await client.get(f"{ENROLLMENTS}?status=expired", headers=bearer(student))
    assert statuses(expired) == [("expired", False)]
    active = await client.get(f"{ENROLLMENTS}?status=active", headers=bearer(student))
    assert active.json() == {
        "items": [],
        "meta": {"total": 0, "page": 1, "per_page": 20, "pages": 0},
    }
    # The expiry job writes it down; the dashboard only reads.
    assert (await fresh(db, Enrollment, enrollment.id)).status == EnrollmentStatus.ACTIVE
    assert await expire_due(db) == 1
    assert (await fresh(db, Enrollment, enrollment.id)).status == EnrollmentStatus.EXPIRED
