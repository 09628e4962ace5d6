"""Authoring courses: create, list, read, edit and delete, with the pricing and access rules.

Rules (the issue and the spec):
- slugs are unique among all courses (deleted ones keep theirs) and stable: made from the
  title on creation, changed only when a request sends ``slug``;
- a paid course has a price; a free or subscription-only course has none (NULL);
  ``compare_price`` needs a price and is above it;
- ``access_days`` is set when ``access_type`` is limited, and only then;
- the subcategory is a child of the (top-level) category;
- co-instructors edit content, not pricing; admins alone set the marketing flags.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.interfaces import LoaderOption

from lectern import events
from lectern.courses.events import CoursePriceChanged
from lectern.courses.policy import Access, course_for, editable_by, require_author
from lectern.courses.pricing import effective_price
from lectern.courses.schemas import (
    ADMIN_FIELDS,
    PRICING_FIELDS,
    CourseCreate,
    CourseOut,
    CourseUpdate,
    _CourseFields,
)
from lectern.errors import Conflict, Forbidden, InvalidInput
from lectern.kit.pagination import paginate
from lectern.kit.schemas import PageMeta, PageParams
from lectern.kit.slugs import make_slug
from lectern.kit.types import utcnow
from lectern.models import (
    Category,
    Course,
    CourseAccessType,
    CourseInstructor,
    CoursePriceType,
    CourseStatus,
    Enrollment,
    Tag,
    User,
    UserRole,
)
from lectern.platform.activity import ADMIN, log_activity
from lectern.platform.service import get_value
from lectern.platform.verification import require_verified

# The platform setting of the currency a new course is priced in unless it says.
DEFAULT_CURRENCY = "currency.default"

SORTS = {
    "created_at": Course.created_at,
    "updated_at": Course.updated_at,
    "title": Course.title,
    "submitted_at": Course.submitted_at,
}


def loaded() -> list[LoaderOption]:
    """What CourseOut shows, eager-loaded (one query per collection)."""
    return [
        joinedload(Course.instructor),
        joinedload(Course.category),
        joinedload(Course.subcategory),
        selectinload(Course.tags),
        selectinload(Course.co_instructors).joinedload(CourseInstructor.instructor),
    ]


async def reload(session: AsyncSession, course_id: int) -> Course:
    """The course with everything CourseOut shows, fresh from the database."""
    course = await session.scalar(
        select(Course)
        .where(Course.id == course_id)
        .options(*loaded())
        .execution_options(populate_existing=True)
    )
    assert course is not None
    return course


def course_out(course: Course) -> CourseOut:
    """The studio's view of a loaded course."""
    values = {
        name: getattr(course, name)
        for name in CourseOut.model_fields
        if name not in {"category", "subcategory", "tags", "instructor", "co_instructors"}
    }
    return CourseOut.model_validate(
        {
            **values,
            "category": course.category.slug if course.category is not None else None,
            "subcategory": course.subcategory.slug if course.subcategory is not None else None,
            "tags": course.tags,
            "instructor": course.instructor,
            "co_instructors": [
                {"user": link.instructor, "role": link.role, "revenue_share": link.revenue_share}
                for link in sorted(course.co_instructors, key=lambda link: link.id)
            ],
        }
    )


def log_if_admin(
    session: AsyncSession, user: User, course: Course, event: str, description: str, **props: Any
) -> None:
    """Admin actions go to the activity log (an owner's own actions do not)."""
    if user.role == UserRole.ADMIN:
        log_activity(
            session,
            log_name=ADMIN,
            event=event,
            description=description,
            causer=user,
            subject=course,
            properties={"course": str(course.uuid), "slug": course.slug, **props},
        )


# -- slugs, categories, tags --------------------------------------------------------------


# Slugs that would shadow a route of the public catalog (/courses/facets).
RESERVED_SLUGS = frozenset({"facets"})


async def _unique_slug(session: AsyncSession, title: str) -> str:
    """The title's slug, with -2, -3 ... appended while a course (even a deleted one) has it."""
    base = make_slug(title)
    # make_slug yields [a-z0-9-] only, so the pattern holds no LIKE wildcards.
    taken = (
        set(
            await session.scalars(
                select(Course.slug).where(or_(Course.slug == base, Course.slug.like(f"{base}-%")))
            )
        )
        | RESERVED_SLUGS
    )
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


async def _ensure_slug_free(session: AsyncSession, slug: str) -> None:
    if slug in RESERVED_SLUGS:
        raise InvalidInput(f"the slug {slug!r} is reserved", field="slug")
    if await session.scalar(select(Course.id).where(Course.slug == slug)) is not None:
        raise Conflict(f"the slug {slug!r} is taken by another course", code="slug_taken")


async def _flush(session: AsyncSession) -> None:
    """Flush; a unique-slug race lost to a concurrent request is a 409, not a 500."""
    try:
        await session.flush()
    except IntegrityError:
        raise Conflict("another course took this slug meanwhile", code="slug_taken") from None


async def _categories(
    session: AsyncSession, category: str | None, subcategory: str | None
) -> dict[str, Category]:
    """The active, not deleted categories named, by slug (one query)."""
    slugs = [slug for slug in (category, subcategory) if slug is not None]
    if not slugs:
        return {}
    rows = await session.scalars(
        select(Category).where(
            Category.slug.in_(slugs), Category.deleted_at.is_(None), Category.is_active
        )
    )
    return {row.slug: row for row in rows}


async def _tags(session: AsyncSession, slugs: list[str]) -> list[Tag]:
    if not slugs:
        return []
    tags = list(await session.scalars(select(Tag).where(Tag.slug.in_(slugs), Tag.is_active)))
    missing = sorted(set(slugs) - {tag.slug for tag in tags})
    if missing:
        raise InvalidInput(f"no such tags: {', '.join(missing)}", field="tags")
    return tags


async def _apply_categories(session: AsyncSession, course: Course, changes: dict[str, Any]) -> None:
    """Set category_id / subcategory_id from the slugs sent, checking the tree."""
    if "category" not in changes and "subcategory" not in changes:
        return
    found = await _categories(session, changes.get("category"), changes.get("subcategory"))
    if "category" in changes:
        slug = changes["category"]
        if slug is None:
            course.category_id = None
        else:
            category = found.get(slug)
            if category is None:
                raise InvalidInput(f"no category {slug!r}", field="category")
            if category.parent_id is not None:
                raise InvalidInput(
                    f"{slug!r} is a subcategory: send it as subcategory, with its parent as "
                    "category",
                    field="category",
                )
            course.category_id = category.id
    if "subcategory" in changes:
        slug = changes["subcategory"]
        if slug is None:
            course.subcategory_id = None
        else:
            sub = found.get(slug)
            if sub is None:
                raise InvalidInput(f"no category {slug!r}", field="subcategory")
            course.subcategory_id = sub.id
            if sub.parent_id is None or sub.parent_id != course.category_id:
                raise InvalidInput(
                    f"{slug!r} is not a subcategory of the course's category",
                    field="subcategory",
                )
    elif course.subcategory_id is not None:
        # The category changed and the subcategory was not sent: it must still fit.
        parent = await session.scalar(
            select(Category.parent_id).where(Category.id == course.subcategory_id)
        )
        if parent is None or parent != course.category_id:
            raise InvalidInput(
                "the course's subcategory is not a child of the new category: send "
                "subcategory too (null to clear it)",
                field="subcategory",
            )


# -- pricing and access -------------------------------------------------------------------


def price_problems(
    price_type: CoursePriceType, price: Decimal | None, compare_price: Decimal | None
) -> list[tuple[str, str]]:
    """(field, message) for each broken pricing rule."""
    problems: list[tuple[str, str]] = []
    if price_type == CoursePriceType.PAID:
        if price is None or price <= 0:
            problems.append(("price", "a paid course needs a price above zero"))
    else:
        if price is not None:
            problems.append(("price", f"a {price_type.value} course has no price (send null)"))
        if compare_price is not None:
            problems.append(("compare_price", f"a {price_type.value} course has no compare_price"))
    if compare_price is not None and price is not None and compare_price <= price:
        problems.append(("compare_price", "compare_price must be above price"))
    return problems


def access_problems(
    access_type: CourseAccessType, access_days: int | None
) -> list[tuple[str, str]]:
    if access_type == CourseAccessType.LIMITED and access_days is None:
        return [("access_days", "limited access needs access_days")]
    if access_type != CourseAccessType.LIMITED and access_days is not None:
        return [("access_days", "access_days is only for limited access (send null)")]
    return []


def _raise(problems: list[tuple[str, str]]) -> None:
    if problems:
        raise InvalidInput(
            "; ".join(message for _, message in problems),
            extra={
                "errors": [
                    {"loc": ["body", field], "msg": message, "type": "value_error"}
                    for field, message in problems
                ]
            },
        )


def _normalise(course: Course, changes: dict[str, Any]) -> None:
    """Switching away from paid (or limited) clears what no longer applies, unless sent."""
    if changes.get("price_type") not in (None, CoursePriceType.PAID):
        if "price" not in changes:
            course.price = None
        if "compare_price" not in changes:
            course.compare_price = None
    if (
        changes.get("access_type") not in (None, CourseAccessType.LIMITED)
        and "access_days" not in changes
    ):
        course.access_days = None


def _check(course: Course) -> None:
    _raise(
        price_problems(course.price_type, course.price, course.compare_price)
        + access_problems(course.access_type, course.access_days)
    )


# Plain columns a request may set (slug, categories and tags are handled apart).
_COLUMNS = frozenset(_CourseFields.model_fields) - {"category", "subcategory", "tags"} | {
    "title",
    "price_type",
    "level",
    "language",
    "drip_content",
    "has_certificate",
    "allow_qa",
    "allow_reviews",
    "allow_discussions",
    "access_type",
}


def _guard_fields(user: User, course: Course | None, changes: dict[str, Any]) -> None:
    if user.role == UserRole.ADMIN:
        return
    flags = sorted(ADMIN_FIELDS & {k for k, v in changes.items() if v is not None})
    if flags:
        raise Forbidden(f"only admins set {', '.join(flags)}", code="admin_only")
    if course is not None and course.instructor_id != user.id:
        pricing = sorted(PRICING_FIELDS & changes.keys())
        if pricing:
            raise Forbidden(
                f"co-instructors cannot change pricing ({', '.join(pricing)})",
                code="owner_only",
            )


# -- the operations -----------------------------------------------------------------------


async def create_course(session: AsyncSession, user: User, data: CourseCreate) -> Course:
    await require_author(session, user)
    await require_verified(session, user, "teach")
    changes = data.model_dump()
    _guard_fields(user, None, changes)
    course = Course(instructor_id=user.id, status=CourseStatus.DRAFT)
    for name in _COLUMNS:
        value = changes.get(name)
        if value is not None:
            setattr(course, name, value)
    if data.currency is None:
        course.currency = await get_value(session, DEFAULT_CURRENCY, "USD")
    _check(course)
    if data.slug is not None:
        await _ensure_slug_free(session, data.slug)
        course.slug = data.slug
    else:
        course.slug = await _unique_slug(session, data.title)
    await _apply_categories(
        session, course, {k: changes[k] for k in ("category", "subcategory") if changes[k]}
    )
    if data.tags:
        course.tags = await _tags(session, data.tags)
    session.add(course)
    await _flush(session)
    return await reload(session, course.id)


async def list_courses(
    session: AsyncSession,
    user: User,
    params: PageParams,
    *,
    status: CourseStatus | None,
    sort: str,
) -> tuple[list[Course], PageMeta]:
    """The courses the caller may edit (all of them for admins), paginated."""
    await require_author(session, user)
    statement: Select[Any] = select(Course).where(editable_by(user)).options(*loaded())
    if status is not None:
        statement = statement.where(Course.status == status)
    column = SORTS[sort.lstrip("-")]
    order = column.desc() if sort.startswith("-") else column.asc()
    statement = statement.order_by(order, Course.id.desc())
    return await paginate(session, statement, params)


async def get_course(session: AsyncSession, user: User, course_uuid: uuid.UUID) -> Course:
    course = await course_for(session, user, course_uuid, Access.CONTENT)
    return await reload(session, course.id)


async def update_course(
    session: AsyncSession, user: User, course_uuid: uuid.UUID, data: CourseUpdate
) -> Course:
    course = await course_for(session, user, course_uuid, Access.CONTENT)
    changes = data.changes()
    _guard_fields(user, course, changes)
    course = await reload(session, course.id)  # the tags collection, to replace it
    price_before = effective_price(course)
    for name in _COLUMNS & changes.keys():
        setattr(course, name, changes[name])
    _normalise(course, changes)
    _check(course)
    if "slug" in changes and changes["slug"] != course.slug:
        await _ensure_slug_free(session, changes["slug"])
        course.slug = changes["slug"]
    await _apply_categories(session, course, changes)
    if "tags" in changes:
        course.tags = await _tags(session, changes["tags"])
    await _flush(session)
    price_after = effective_price(course)
    if price_after != price_before:
        await events.publish(session, CoursePriceChanged(course.id, price_before, price_after))
    log_if_admin(
        session,
        user,
        course,
        "course.updated",
        f"Edited the course {course.title}",
        fields=sorted(changes),
    )
    return await reload(session, course.id)


async def delete_course(session: AsyncSession, user: User, course_uuid: uuid.UUID) -> None:
    """Soft delete; a course with enrolments cannot go (unpublish it instead)."""
    course = await course_for(session, user, course_uuid, Access.OWNER)
    enrolled = await session.scalar(
        select(Enrollment.id).where(Enrollment.course_id == course.id).limit(1)
    )
    if enrolled is not None:
        raise Conflict(
            "students are enrolled in this course: unpublish it instead", code="has_enrollments"
        )
    course.deleted_at = utcnow()
    course.is_published = False
    log_if_admin(session, user, course, "course.deleted", f"Deleted the course {course.title}")
    await session.flush()
