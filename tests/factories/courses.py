"""``create_*`` helpers for course authoring: approved instructors, co-instructors, FAQs."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from lectern.models import (
    Course,
    CourseInstructor,
    CourseInstructorRole,
    Faq,
    InstructorProfileStatus,
    User,
    UserRole,
)
from tests.factories import create_course, create_lesson, create_section, create_user
from tests.factories.instructors import create_profile


async def create_instructor(session: AsyncSession, **values: Any) -> User:
    """An approved instructor (role instructor and an approved profile)."""
    user = await create_user(session, role=UserRole.INSTRUCTOR, **values)
    await create_profile(session, user, status=InstructorProfileStatus.APPROVED)
    return user


async def create_co_instructor(
    session: AsyncSession,
    course: Course,
    user: User,
    *,
    share: str = "0",
    role: CourseInstructorRole = CourseInstructorRole.CO_INSTRUCTOR,
) -> CourseInstructor:
    link = CourseInstructor(
        course_id=course.id, instructor_id=user.id, revenue_share=Decimal(share), role=role
    )
    session.add(link)
    await session.flush()
    return link


async def create_ready_course(session: AsyncSession, instructor: User, **values: Any) -> Course:
    """A draft that passes the review checks: a description and one published lesson."""
    values.setdefault("description", "Everything about the thing.")
    course = await create_course(session, instructor, **values)
    section = await create_section(session, course)
    await create_lesson(session, section)
    return course


async def create_faq(session: AsyncSession, course: Course, **values: Any) -> Faq:
    values.setdefault("question", "Why?")
    values.setdefault("answer", "Because.")
    faq = Faq(course_id=course.id, **values)
    session.add(faq)
    await session.flush()
    return faq
