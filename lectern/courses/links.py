"""What a course points at: prerequisites, related courses and its FAQs.

Another course is named by its slug. It must exist, not be deleted, and be either public
(published and approved) or one the caller may edit (an instructor linking their own
drafts); a course never points at itself, and prerequisites never form a cycle.
"""

from __future__ import annotations

import uuid

from sqlalchemy import Select, and_, case, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import contains_eager

from lectern.courses.policy import Access, course_for, editable_by
from lectern.courses.schemas import (
    FaqCreate,
    FaqReorder,
    FaqUpdate,
    PrerequisiteCreate,
    RelatedCreate,
)
from lectern.errors import Conflict, InvalidInput, NotFound
from lectern.kit.pagination import paginate
from lectern.kit.schemas import PageMeta, PageParams
from lectern.kit.sql import rowcount
from lectern.kit.types import utcnow
from lectern.models import Course, CoursePrerequisite, CourseStatus, Faq, RelatedCourse, User


async def _other(session: AsyncSession, user: User, course: Course, slug: str) -> Course:
    other = await session.scalar(
        select(Course).where(
            Course.slug == slug,
            Course.deleted_at.is_(None),
            or_(
                and_(Course.status == CourseStatus.PUBLISHED, Course.is_approved),
                editable_by(user),
            ),
        )
    )
    if other is None:
        raise InvalidInput(f"no course {slug!r}", field="course")
    if other.id == course.id:
        raise InvalidInput("a course cannot point at itself", field="course")
    return other


# -- prerequisites ----------------------------------------------------------------------------


async def list_prerequisites(
    session: AsyncSession, user: User, course_uuid: uuid.UUID, params: PageParams
) -> tuple[list[CoursePrerequisite], PageMeta]:
    course = await course_for(session, user, course_uuid, Access.CONTENT)
    statement = (
        select(CoursePrerequisite)
        .join(CoursePrerequisite.prerequisite)
        .where(CoursePrerequisite.course_id == course.id, Course.deleted_at.is_(None))
        .options(contains_eager(CoursePrerequisite.prerequisite))
        .order_by(CoursePrerequisite.order, CoursePrerequisite.id)
    )
    return await paginate(session, statement, params)


async def add_prerequisite(
    session: AsyncSession, user: User, course_uuid: uuid.UUID, data: PrerequisiteCreate
) -> CoursePrerequisite:
    course = await course_for(session, user, course_uuid, Access.CONTENT)
    other = await _other(session, user, course, data.course)
    # Would ``other`` (or anything it requires, transitively) require ``course``?
    reach = (
        select(CoursePrerequisite.prerequisite_course_id.label("id"))
        .where(CoursePrerequisite.course_id == other.id)
        .cte("reach", recursive=True)
    )
    reach = reach.union(
        select(CoursePrerequisite.prerequisite_course_id).where(
            CoursePrerequisite.course_id == reach.c.id
        )
    )
    cycle = await session.scalar(select(reach.c.id).where(reach.c.id == course.id).limit(1))
    if cycle is not None:
        raise InvalidInput(
            f"{other.slug!r} already requires this course: prerequisites cannot form a cycle",
            field="course",
        )
    order = data.order
    if order is None:
        last = await session.scalar(
            select(func.max(CoursePrerequisite.order)).where(
                CoursePrerequisite.course_id == course.id
            )
        )
        order = 0 if last is None else last + 1
    link = CoursePrerequisite(
        course_id=course.id,
        prerequisite_course_id=other.id,
        is_required=data.is_required,
        order=order,
    )
    link.prerequisite = other
    session.add(link)
    await _flush(session, f"{other.slug!r} is already a prerequisite")
    return link


async def remove_prerequisite(
    session: AsyncSession, user: User, course_uuid: uuid.UUID, slug: str
) -> None:
    course = await course_for(session, user, course_uuid, Access.CONTENT)
    result = await session.execute(
        delete(CoursePrerequisite).where(
            CoursePrerequisite.course_id == course.id,
            CoursePrerequisite.prerequisite_course_id
            == select(Course.id).where(Course.slug == slug).scalar_subquery(),
        )
    )
    if rowcount(result) == 0:
        raise NotFound(f"{slug!r} is not a prerequisite of this course")


# -- related courses ----------------------------------------------------------------------------


async def list_related(
    session: AsyncSession, user: User, course_uuid: uuid.UUID, params: PageParams
) -> tuple[list[RelatedCourse], PageMeta]:
    course = await course_for(session, user, course_uuid, Access.CONTENT)
    statement = (
        select(RelatedCourse)
        .join(RelatedCourse.related_course)
        .where(RelatedCourse.course_id == course.id, Course.deleted_at.is_(None))
        .options(contains_eager(RelatedCourse.related_course))
        .order_by(RelatedCourse.order, RelatedCourse.id)
    )
    return await paginate(session, statement, params)


async def add_related(
    session: AsyncSession, user: User, course_uuid: uuid.UUID, data: RelatedCreate
) -> RelatedCourse:
    course = await course_for(session, user, course_uuid, Access.CONTENT)
    other = await _other(session, user, course, data.course)
    order = data.order
    if order is None:
        last = await session.scalar(
            select(func.max(RelatedCourse.order)).where(RelatedCourse.course_id == course.id)
        )
        order = 0 if last is None else last + 1
    link = RelatedCourse(
        course_id=course.id,
        related_course_id=other.id,
        relationship=data.relationship,
        order=order,
    )
    link.related_course = other
    session.add(link)
    await _flush(session, f"{other.slug!r} is already related to this course")
    return link


async def remove_related(
    session: AsyncSession, user: User, course_uuid: uuid.UUID, slug: str
) -> None:
    course = await course_for(session, user, course_uuid, Access.CONTENT)
    result = await session.execute(
        delete(RelatedCourse).where(
            RelatedCourse.course_id == course.id,
            RelatedCourse.related_course_id
            == select(Course.id).where(Course.slug == slug).scalar_subquery(),
        )
    )
    if rowcount(result) == 0:
        raise NotFound(f"{slug!r} is not related to this course")


async def _flush(session: AsyncSession, duplicate: str) -> None:
    try:
        await session.flush()
    except IntegrityError:
        raise Conflict(duplicate, code="duplicate") from None


# -- FAQs ----------------------------------------------------------------------------------------


def _faqs(course: Course) -> Select[Faq]:
    return select(Faq).where(Faq.course_id == course.id, Faq.deleted_at.is_(None))


async def list_faqs(
    session: AsyncSession, user: User, course_uuid: uuid.UUID, params: PageParams
) -> tuple[list[Faq], PageMeta]:
    course = await course_for(session, user, course_uuid, Access.CONTENT)
    return await paginate(session, _faqs(course).order_by(Faq.order, Faq.id), params)


async def add_faq(
    session: AsyncSession, user: User, course_uuid: uuid.UUID, data: FaqCreate
) -> Faq:
    course = await course_for(session, user, course_uuid, Access.CONTENT)
    order = data.order
    if order is None:
        last = await session.scalar(
            select(func.max(Faq.order)).where(Faq.course_id == course.id, Faq.deleted_at.is_(None))
        )
        order = 0 if last is None else last + 1
    faq = Faq(
        course_id=course.id,
        question=data.question,
        answer=data.answer,
        category=data.category,
        is_published=data.is_published,
        order=order,
    )
    session.add(faq)
    await session.flush()
    return faq


async def _faq(session: AsyncSession, course: Course, faq_id: int) -> Faq:
    faq = await session.scalar(_faqs(course).where(Faq.id == faq_id))
    if faq is None:
        raise NotFound("no such FAQ in this course")
    return faq


async def update_faq(
    session: AsyncSession, user: User, course_uuid: uuid.UUID, faq_id: int, data: FaqUpdate
) -> Faq:
    course = await course_for(session, user, course_uuid, Access.CONTENT)
    faq = await _faq(session, course, faq_id)
    for name, value in data.changes().items():
        setattr(faq, name, value)
    await session.flush()
    return faq


async def delete_faq(
    session: AsyncSession, user: User, course_uuid: uuid.UUID, faq_id: int
) -> None:
    course = await course_for(session, user, course_uuid, Access.CONTENT)
    faq = await _faq(session, course, faq_id)
    faq.deleted_at = utcnow()
    await session.flush()


async def reorder_faqs(
    session: AsyncSession, user: User, course_uuid: uuid.UUID, data: FaqReorder
) -> list[Faq]:
    """Number the course's FAQs 0, 1, 2 ... in the order given (one UPDATE)."""
    course = await course_for(session, user, course_uuid, Access.CONTENT)
    current = set(await session.scalars(_faqs(course).with_only_columns(Faq.id)))
    if set(data.ids) != current:
        raise InvalidInput("send every FAQ of this course exactly once (and no other)", field="ids")
    await session.execute(
        update(Faq)
        .where(Faq.id.in_(data.ids))
        .values(order=case({faq_id: index for index, faq_id in enumerate(data.ids)}, value=Faq.id))
        .execution_options(synchronize_session=False)
    )
    rows = await session.scalars(
        _faqs(course).order_by(Faq.order, Faq.id).execution_options(populate_existing=True)
    )
    return list(rows)
