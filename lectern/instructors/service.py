"""Instructor profiles: applications, the admin's decisions, own edits, public pages.

Flushes, never commits: the request's unit of work commits.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import contains_eager

from lectern.errors import Conflict, NotFound
from lectern.instructors import policy
from lectern.instructors.policy import Action
from lectern.instructors.schemas import ApplicationIn, ListSort, ProfileUpdate
from lectern.kit.schemas import PageMeta, PageParams
from lectern.kit.sql import rowcount
from lectern.models import (
    ActivityLog,
    InstructorProfile,
    InstructorProfileStatus,
    User,
    UserProfile,
)
from lectern.platform.activity import ADMIN, log_activity
from lectern.platform.verification import require_verified
from lectern.security.actor import Actor

EVENT_PREFIX = "instructor."
REJECTED_EVENT = EVENT_PREFIX + Action.REJECT.value
SUBJECT_TYPE = InstructorProfile.__tablename__

_SORTS = {
    "created_at": InstructorProfile.created_at,
    "updated_at": InstructorProfile.updated_at,
    "rating": InstructorProfile.rating,
    "total_students": InstructorProfile.total_students,
}


@dataclass(frozen=True)
class ProfileView:
    """A profile with its user loaded, the user's avatar and, if rejected, the reason."""

    profile: InstructorProfile
    avatar: str | None
    rejection_reason: str | None = None


# -- queries -----------------------------------------------------------------------------


def _with_user() -> Select[InstructorProfile, str | None]:
    """Profiles joined to their user (loaded on ``profile.user``) and the user's avatar."""
    return (
        select(InstructorProfile, UserProfile.avatar)
        .join(InstructorProfile.user)
        .outerjoin(UserProfile, UserProfile.user_id == User.id)
        .options(contains_eager(InstructorProfile.user))
    )


async def _one(
    session: AsyncSession, statement: Select[InstructorProfile, str | None]
) -> ProfileView | None:
    row = (await session.execute(statement)).first()
    return None if row is None else ProfileView(row[0], row[1])


async def _rejection_reasons(session: AsyncSession, profile_ids: list[int]) -> dict[int, str]:
    """The reason given with the latest rejection of each profile (one query)."""
    if not profile_ids:
        return {}
    latest = (
        select(func.max(ActivityLog.id))
        .where(
            ActivityLog.log_name == ADMIN,
            ActivityLog.event == REJECTED_EVENT,
            ActivityLog.subject_type == SUBJECT_TYPE,
            ActivityLog.subject_id.in_(profile_ids),
        )
        .group_by(ActivityLog.subject_id)
    )
    rows = await session.execute(
        select(ActivityLog.subject_id, ActivityLog.properties).where(ActivityLog.id.in_(latest))
    )
    reasons = {}
    for subject_id, properties in rows:
        reason = (properties or {}).get("reason")
        if subject_id is not None and isinstance(reason, str):
            reasons[subject_id] = reason
    return reasons


async def _with_reason(session: AsyncSession, view: ProfileView) -> ProfileView:
    if view.profile.status != InstructorProfileStatus.REJECTED:
        return view
    reasons = await _rejection_reasons(session, [view.profile.id])
    return ProfileView(view.profile, view.avatar, reasons.get(view.profile.id))


# -- the applicant and instructor --------------------------------------------------------


async def get_own(session: AsyncSession, user: User) -> ProfileView:
    view = await _one(
        session,
        _with_user().where(
            InstructorProfile.user_id == user.id, InstructorProfile.deleted_at.is_(None)
        ),
    )
    if view is None:
        raise NotFound("you have no instructor profile; apply first")
    return await _with_reason(session, view)


async def apply(session: AsyncSession, user: User, data: ApplicationIn) -> ProfileView:
    """Create a pending profile, or send a rejected one back to review with new content."""
    await require_verified(session, user, "teach")
    existing = await session.scalar(
        select(InstructorProfile).where(InstructorProfile.user_id == user.id)
    )
    policy.check_can_apply(existing)
    values = data.column_values()
    if existing is None:
        profile = InstructorProfile(user=user, status=InstructorProfileStatus.PENDING, **values)
        try:
            async with session.begin_nested():
                session.add(profile)
        except IntegrityError:
            # Another request created this user's profile in the meantime.
            raise Conflict(
                "your application is already waiting for review",
                code="instructor_application_exists",
            ) from None
    else:
        # Conditional: two concurrent re-applications cannot both succeed.
        result = await session.execute(
            update(InstructorProfile)
            .where(
                InstructorProfile.id == existing.id,
                InstructorProfile.status == InstructorProfileStatus.REJECTED,
                InstructorProfile.deleted_at.is_(None),
            )
            .values(status=InstructorProfileStatus.PENDING, **values)
            .execution_options(synchronize_session=False)
        )
        if rowcount(result) != 1:
            raise Conflict(
                "your application is already waiting for review",
                code="instructor_application_exists",
            )
        await session.refresh(existing)
    return await get_own(session, user)


async def update_own(session: AsyncSession, user: User, data: ProfileUpdate) -> ProfileView:
    view = await get_own(session, user)
    policy.check_can_edit(view.profile)
    for name, value in data.column_values().items():
        setattr(view.profile, name, value)
    await session.flush()
    return view


# -- everyone ----------------------------------------------------------------------------


async def get_public(session: AsyncSession, username: str) -> ProfileView:
    view = await _one(
        session,
        _with_user().where(User.username == username.lower(), *policy.public_criteria()),
    )
    if view is None:
        raise NotFound(f"no instructor named {username!r}")
    return view


# -- administrators ----------------------------------------------------------------------


async def list_profiles(
    session: AsyncSession,
    params: PageParams,
    *,
    status: InstructorProfileStatus | None = None,
    search: str | None = None,
    sort: ListSort = "-created_at",
    include_deleted: bool = False,
) -> tuple[list[ProfileView], PageMeta]:
    """A page of profiles (applications included) with their users: three queries at most."""
    statement = _with_user()
    if status is not None:
        statement = statement.where(InstructorProfile.status == status)
    if not include_deleted:
        statement = statement.where(
            InstructorProfile.deleted_at.is_(None), User.deleted_at.is_(None)
        )
    if search:
        needle = search.lower()
        statement = statement.where(
            or_(
                func.lower(User.username).contains(needle, autoescape=True),
                func.lower(User.name).contains(needle, autoescape=True),
                func.lower(User.email).contains(needle, autoescape=True),
            )
        )
    column = _SORTS[sort.removeprefix("-")]
    if sort.startswith("-"):
        statement = statement.order_by(column.desc(), InstructorProfile.id.desc())
    else:
        statement = statement.order_by(column.asc(), InstructorProfile.id.asc())

    total = await session.scalar(
        select(func.count()).select_from(statement.order_by(None).subquery())
    )
    rows = (await session.execute(statement.limit(params.per_page).offset(params.offset))).all()
    rejected = [row[0].id for row in rows if row[0].status == InstructorProfileStatus.REJECTED]
    reasons = await _rejection_reasons(session, rejected)
    views = [ProfileView(row[0], row[1], reasons.get(row[0].id)) for row in rows]
    return views, params.meta(int(total or 0))


async def _admin_lookup(session: AsyncSession, user_uuid: uuid.UUID) -> ProfileView:
    view = await _one(
        session,
        _with_user().where(
            User.uuid == user_uuid,
            User.deleted_at.is_(None),
            InstructorProfile.deleted_at.is_(None),
        ),
    )
    if view is None:
        raise NotFound("this user has no instructor profile")
    return view


async def decide(
    session: AsyncSession,
    actor: Actor,
    user_uuid: uuid.UUID,
    action: Action,
    *,
    reason: str | None = None,
) -> ProfileView:
    """Approve, reject, suspend or reinstate; the user's role follows, the log records it."""
    admin = actor.user
    view = await _admin_lookup(session, user_uuid)
    profile, user = view.profile, view.profile.user
    before = profile.status
    target = policy.check_transition(profile, action)
    # Conditional: of two admins deciding at once, only the first decision applies.
    result = await session.execute(
        update(InstructorProfile)
        .where(InstructorProfile.id == profile.id, InstructorProfile.status == before)
        .values(status=target)
        .execution_options(synchronize_session=False)
    )
    if rowcount(result) != 1:
        raise Conflict(
            "the profile changed while this request ran; try again",
            code="instructor_status_conflict",
        )
    role = policy.role_for(user.role, target)
    if role != user.role:
        await session.execute(
            update(User)
            .where(User.id == user.id, User.role == user.role)
            .values(role=role)
            .execution_options(synchronize_session=False)
        )
        await session.refresh(user, ["role", "updated_at"])
    await session.refresh(profile, ["status", "updated_at"])

    properties: dict[str, Any] = {
        "user_uuid": str(user.uuid),
        "username": user.username,
        "from_status": before.value,
        "to_status": target.value,
        "role": user.role.value,
    }
    if reason is not None:
        properties["reason"] = reason
    log_activity(
        session,
        log_name=ADMIN,
        event=EVENT_PREFIX + action.value,
        description=f"{action.value} the instructor profile of {user.username}",
        causer=admin,
        subject=profile,
        properties=properties,
        client=actor.client,
    )
    await session.flush()
    rejection_reason = reason if target == InstructorProfileStatus.REJECTED else None
    return ProfileView(profile, view.avatar, rejection_reason)


async def set_commission_rate(
    session: AsyncSession,
    actor: Actor,
    user_uuid: uuid.UUID,
    rate: Decimal,
) -> ProfileView:
    admin = actor.user
    view = await _with_reason(session, await _admin_lookup(session, user_uuid))
    profile = view.profile
    before = profile.commission_rate
    profile.commission_rate = rate.quantize(Decimal("0.01"))
    await session.flush()
    log_activity(
        session,
        log_name=ADMIN,
        event=EVENT_PREFIX + "commission_rate_changed",
        description=(
            f"set the commission rate of {profile.user.username} "
            f"from {before}% to {profile.commission_rate}%"
        ),
        causer=admin,
        subject=profile,
        properties={
            "user_uuid": str(profile.user.uuid),
            "username": profile.user.username,
            "from": str(before),
            "to": str(profile.commission_rate),
        },
        client=actor.client,
    )
    await session.flush()
    return view
