"""``create_*`` helpers for the public catalog: reviews, FAQs, co-instructors."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from lectern.models import (
    Course,
    CourseInstructor,
    CourseInstructorRole,
    Faq,
    Review,
    ReviewStatus,
    User,
    UserRole,
)
from tests.factories import create_user


async def create_review(
    session: AsyncSession, course: Course, rating: str, **values: Any
) -> Review:
    """A review of ``course`` by a new student (approved unless told otherwise)."""
    student = await create_user(session)
    values.setdefault("status", ReviewStatus.APPROVED)
    review = Review(user_id=student.id, course_id=course.id, rating=Decimal(rating), **values)
    session.add(review)
    await session.flush()
    return review


async def create_faq(session: AsyncSession, course: Course, **values: Any) -> Faq:
    values.setdefault("question", "Is there a certificate?")
    values.setdefault("answer", "Yes.")
    faq = Faq(course_id=course.id, **values)
    session.add(faq)
    await session.flush()
    return faq


async def add_co_instructor(
    session: AsyncSession,
    course: Course,
    user: User | None = None,
    role: CourseInstructorRole = CourseInstructorRole.CO_INSTRUCTOR,
) -> User:
    if user is None:
        user = await create_user(session, role=UserRole.INSTRUCTOR)
    session.add(CourseInstructor(course_id=course.id, instructor_id=user.id, role=role))
    await session.flush()
    return user
