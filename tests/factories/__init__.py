"""``create_*`` helpers that add valid rows with sensible defaults; keyword arguments override."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from lectern.models import (
    Course,
    CoursePriceType,
    CourseSection,
    Enrollment,
    Lesson,
    User,
    UserRole,
)

_numbers = itertools.count(1)
VERIFIED_AT = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
# Hashing real passwords is slow on purpose; factories store a fixed argon2 hash of "x".
PASSWORD_HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2g"


async def create_user(session: AsyncSession, **values: Any) -> User:
    n = next(_numbers)
    values.setdefault("name", f"User {n}")
    values.setdefault("username", f"user{n}")
    values.setdefault("email", f"user{n}@example.test")
    values.setdefault("password_hash", PASSWORD_HASH)
    values.setdefault("role", UserRole.STUDENT)
    # An established account: its address confirmed (pass email_verified_at=None for a new one).
    values.setdefault("email_verified_at", VERIFIED_AT)
    user = User(**values)
    session.add(user)
    await session.flush()
    return user


async def create_course(
    session: AsyncSession, instructor: User | None = None, **values: Any
) -> Course:
    n = next(_numbers)
    if instructor is None:
        instructor = await create_user(session, role=UserRole.INSTRUCTOR)
    values.setdefault("title", f"Course {n}")
    values.setdefault("slug", f"course-{n}")
    if values.get("price") is not None:
        values.setdefault("price_type", CoursePriceType.PAID)
    course = Course(instructor_id=instructor.id, **values)
    session.add(course)
    await session.flush()
    return course


async def create_section(session: AsyncSession, course: Course, **values: Any) -> CourseSection:
    values.setdefault("title", "Section")
    section = CourseSection(course_id=course.id, **values)
    session.add(section)
    await session.flush()
    return section


async def create_lesson(session: AsyncSession, section: CourseSection, **values: Any) -> Lesson:
    values.setdefault("title", "Lesson")
    lesson = Lesson(course_id=section.course_id, section_id=section.id, **values)
    session.add(lesson)
    await session.flush()
    return lesson


async def create_enrollment(
    session: AsyncSession, user: User, course: Course, **values: Any
) -> Enrollment:
    values.setdefault("price_paid", course.price or Decimal(0))
    enrollment = Enrollment(user_id=user.id, course_id=course.id, **values)
    session.add(enrollment)
    await session.flush()
    return enrollment
