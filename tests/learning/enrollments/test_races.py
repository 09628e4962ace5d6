"""Parallel enrollments, committing for real: one row per user and course, counters exact."""

from __future__ import annotations

import asyncio
import uuid

from sqlalchemy import func, select

from lectern.models import (
    Course,
    CourseStatus,
    Enrollment,
    InstructorProfile,
    InstructorProfileStatus,
    User,
    UserRole,
)
from tests.conftest import Live, bearer
from tests.factories import PASSWORD_HASH
from tests.learning.enrollments.conftest import ENROLLMENTS


def _user(role: UserRole = UserRole.STUDENT) -> User:
    n = uuid.uuid4().hex[:10]
    return User(
        name=n, username=f"u{n}", email=f"{n}@example.test", password_hash=PASSWORD_HASH, role=role
    )


def _course(owner: User) -> Course:
    return Course(
        instructor_id=owner.id,
        title="Racy",
        slug=f"racy-{uuid.uuid4().hex[:8]}",
        status=CourseStatus.PUBLISHED,
        is_published=True,
        is_approved=True,
    )


async def _setup(live: Live) -> tuple[User, User]:
    owner, student = _user(UserRole.INSTRUCTOR), _user()
    await live.add(owner, student)
    await live.add(InstructorProfile(user_id=owner.id, status=InstructorProfileStatus.APPROVED))
    return owner, student


async def test_twenty_parallel_enrollments_make_one_row(live: Live) -> None:
    owner, student = await _setup(live)
    course = _course(owner)
    await live.add(course)
    body = {"course": str(course.uuid)}
    responses = await asyncio.gather(
        *(live.client.post(ENROLLMENTS, json=body, headers=bearer(student)) for _ in range(20))
    )
    assert sorted(r.status_code for r in responses) == [200] * 19 + [201], [
        r.text for r in responses if r.status_code >= 300
    ]
    assert len({r.json()["uuid"] for r in responses}) == 1
    async with live.sessions() as session:
        rows = await session.scalar(
            select(func.count()).select_from(Enrollment).where(Enrollment.course_id == course.id)
        )
        total = await session.scalar(select(Course.total_enrollments).where(Course.id == course.id))
        students = await session.scalar(
            select(InstructorProfile.total_students).where(InstructorProfile.user_id == owner.id)
        )
    assert (rows, total, students) == (1, 1, 1)


async def test_parallel_first_enrollments_with_one_instructor_count_one_student(
    live: Live,
) -> None:
    owner, student = await _setup(live)
    first, second = _course(owner), _course(owner)
    await live.add(first, second)
    responses = await asyncio.gather(
        *(
            live.client.post(
                ENROLLMENTS, json={"course": str(course.uuid)}, headers=bearer(student)
            )
            for course in (first, second) * 5
        )
    )
    assert sorted(r.status_code for r in responses) == [200] * 8 + [201] * 2
    async with live.sessions() as session:
        students = await session.scalar(
            select(InstructorProfile.total_students).where(InstructorProfile.user_id == owner.id)
        )
        totals = list(
            await session.scalars(
                select(Course.total_enrollments).where(Course.id.in_([first.id, second.id]))
            )
        )
    assert students == 1
    assert totals == [1, 1]
