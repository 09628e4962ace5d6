"""Authoring coupons (the platform's, by admins; instructors' own, for their courses) and
reading them back.

Courses are named by uuid in the API and kept by id (the spec's JSON columns); a coupon's
code is unique, kept in capitals, and a used coupon is never deleted, only switched off
(soft delete).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.commerce.coupons.schemas import CouponIn, CouponOut
from lectern.errors import Conflict, InvalidInput, NotFound
from lectern.kit.pagination import paginate
from lectern.kit.schemas import PageMeta, PageParams
from lectern.kit.sql import insert_ignore
from lectern.kit.types import utcnow
from lectern.models import Category, Coupon, Course, User


async def _course_ids(session: AsyncSession, uuids: list[uuid.UUID], field: str) -> list[int]:
    if not uuids:
        return []
    found = dict(
        (await session.execute(select(Course.uuid, Course.id).where(Course.uuid.in_(uuids)))).all()
    )
    missing = [str(value) for value in uuids if value not in found]
    if missing:
        raise InvalidInput(
            f"no such course: {', '.join(missing)}", field=field, code="course_not_found"
        )
    return [found[value] for value in dict.fromkeys(uuids)]


async def _category_ids(session: AsyncSession, ids: list[int]) -> list[int]:
    if not ids:
        return []
    found = set(await session.scalars(select(Category.id).where(Category.id.in_(ids))))
    missing = sorted(set(ids) - found)
    if missing:
        raise InvalidInput(
            f"no such category: {', '.join(map(str, missing))}",
            field="applicable_categories",
            code="category_not_found",
        )
    return list(dict.fromkeys(ids))


async def _values(session: AsyncSession, body: CouponIn) -> dict[str, Any]:
    values = body.model_dump(
        exclude={"applicable_courses", "excluded_courses", "applicable_categories"}
    )
    values["applicable_courses"] = await _course_ids(
        session, body.applicable_courses, "applicable_courses"
    )
    values["excluded_courses"] = await _course_ids(
        session, body.excluded_courses, "excluded_courses"
    )
    values["applicable_categories"] = await _category_ids(session, body.applicable_categories)
    return values


async def create_coupon(
    session: AsyncSession, author: User, body: CouponIn, *, instructor_id: int | None = None
) -> Coupon:
    """A platform coupon, or ``instructor_id``'s; 409 ``coupon_code_taken`` when the code is
    in use (by any coupon, switched off or not: a code names one coupon for good)."""
    values = await _values(session, body)
    now = utcnow()
    inserted = await insert_ignore(
        session,
        Coupon,
        {
            **values,
            "created_by": author.id,
            "instructor_id": instructor_id,
            "used_count": 0,
            "created_at": now,
            "updated_at": now,
        },
        ["code"],
    )
    if not inserted:
        raise Conflict(f"the code {body.code} is taken", code="coupon_code_taken")
    coupon = await session.scalar(select(Coupon).where(Coupon.code == body.code))
    assert coupon is not None
    return coupon


def _owned_by(instructor_id: int | None) -> Any:
    if instructor_id is None:
        return Coupon.instructor_id.is_(None)
    return Coupon.instructor_id == instructor_id


async def coupon_of(session: AsyncSession, coupon_id: int, instructor_id: int | None) -> Coupon:
    """A platform coupon (``instructor_id`` None) or that instructor's; 404 for any other."""
    coupon = await session.scalar(
        select(Coupon).where(
            Coupon.id == coupon_id, _owned_by(instructor_id), Coupon.deleted_at.is_(None)
        )
    )
    if coupon is None:
        raise NotFound("no such coupon")
    return coupon


async def replace_coupon(session: AsyncSession, coupon: Coupon, body: CouponIn) -> Coupon:
    """New terms for a coupon (its uses so far stay counted); the code may change to a free one."""
    if body.code != coupon.code and await session.scalar(
        select(Coupon.id).where(Coupon.code == body.code)
    ):
        raise Conflict(f"the code {body.code} is taken", code="coupon_code_taken")
    for name, value in (await _values(session, body)).items():
        setattr(coupon, name, value)
    await session.flush()
    return coupon


async def delete_coupon(session: AsyncSession, coupon: Coupon) -> None:
    """Soft delete: orders that used it keep pointing at it; its code stays taken."""
    coupon.deleted_at = utcnow()
    coupon.is_active = False
    await session.flush()


async def list_coupons(
    session: AsyncSession,
    params: PageParams,
    *,
    instructor_id: int | None,
    q: str | None,
    active: bool | None,
) -> tuple[list[Coupon], PageMeta]:
    """The platform's coupons (``instructor_id`` None) or that instructor's, newest first."""
    statement = select(Coupon).where(_owned_by(instructor_id), Coupon.deleted_at.is_(None))
    if q:
        statement = statement.where(Coupon.code.contains(q.upper(), autoescape=True))
    if active is not None:
        statement = statement.where(Coupon.is_active.is_(active))
    return await paginate(session, statement.order_by(Coupon.id.desc()), params)


async def shown(session: AsyncSession, coupons: Sequence[Coupon]) -> list[CouponOut]:
    """The coupons with their courses named by uuid (one statement for them all)."""
    ids: set[int] = set()
    for coupon in coupons:
        ids.update(coupon.applicable_courses or [], coupon.excluded_courses or [])
    uuids = (
        dict(
            (await session.execute(select(Course.id, Course.uuid).where(Course.id.in_(ids)))).all()
        )
        if ids
        else {}
    )

    def named(values: Iterable[int] | None) -> list[uuid.UUID]:
        return [uuids[value] for value in values or [] if value in uuids]

    def out(coupon: Coupon) -> CouponOut:
        data = {name: getattr(coupon, name) for name in CouponOut.model_fields}
        data["applicable_courses"] = named(coupon.applicable_courses)
        data["excluded_courses"] = named(coupon.excluded_courses)
        data["applicable_categories"] = coupon.applicable_categories or []
        return CouponOut.model_validate(data)

    return [out(coupon) for coupon in coupons]
