"""HTTP routes of the instructors domain.

Paths: the applicant and instructor work on ``/instructors/me``; administrators address a
profile by its user's uuid (``/instructors/{user_uuid}/approve``); the public page is
``/instructors/{username}``. Literal segments under ``/instructors/`` would shadow a
username, so the admin list is the collection itself (``GET /instructors``) and the
application lives under ``me`` (usernames have at least three characters).
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Path, Query

from lectern.db import SessionDep
from lectern.errors import problem_responses
from lectern.instructors import schemas, service
from lectern.instructors.policy import Action
from lectern.instructors.schemas import (
    AdminProfileOut,
    ApplicationIn,
    ApplicationRejectionIn,
    CommissionRateIn,
    ListSort,
    OwnProfileOut,
    ProfileUpdate,
    PublicInstructorOut,
    SuspensionIn,
)
from lectern.kit.routing import ApiRouter
from lectern.kit.schemas import Page, PageParams, page_params
from lectern.models import InstructorProfileStatus
from lectern.security.dependencies import AdminActor, CurrentAdmin, CurrentUser

router = ApiRouter(prefix="/instructors", tags=["instructors"])

UserUuid = Annotated[
    uuid.UUID, Path(description="The uuid of the instructor's (or applicant's) user account.")
]


def _own(view: service.ProfileView) -> OwnProfileOut:
    return schemas.own_out(view.profile, avatar=view.avatar, rejection_reason=view.rejection_reason)


def _admin(view: service.ProfileView) -> AdminProfileOut:
    return schemas.admin_out(
        view.profile, avatar=view.avatar, rejection_reason=view.rejection_reason
    )


# -- administrators: the list ------------------------------------------------------------


@router.get(
    "",
    response_model=Page[AdminProfileOut],
    summary="List instructor profiles and applications (admin)",
    responses=problem_responses(401, 403),
)
async def list_profiles(
    session: SessionDep,
    admin: CurrentAdmin,
    params: PageParams = Depends(page_params),
    status: InstructorProfileStatus | None = Query(
        None, description="Only profiles in this status (pending = applications to review)."
    ),
    q: str | None = Query(
        None, min_length=1, max_length=100, description="Part of the username, name or e-mail."
    ),
    sort: ListSort = Query("-created_at", description="A field, '-' for descending."),
    include_deleted: bool = Query(False, description="Include removed profiles and users."),
) -> Page[AdminProfileOut]:
    views, meta = await service.list_profiles(
        session, params, status=status, search=q, sort=sort, include_deleted=include_deleted
    )
    return Page[AdminProfileOut](items=[_admin(view) for view in views], meta=meta)


# -- the applicant and instructor --------------------------------------------------------


@router.post(
    "/me/application",
    status_code=201,
    response_model=OwnProfileOut,
    summary="Apply to teach",
    description="Creates a pending profile. After a rejection the same call re-applies "
    "(the profile goes back to pending with the new content).",
    responses=problem_responses(401, 409),
)
async def apply(session: SessionDep, user: CurrentUser, body: ApplicationIn) -> OwnProfileOut:
    return _own(await service.apply(session, user, body))


@router.get(
    "/me",
    response_model=OwnProfileOut,
    summary="My instructor profile",
    responses=problem_responses(401, 404),
)
async def get_own(session: SessionDep, user: CurrentUser) -> OwnProfileOut:
    return _own(await service.get_own(session, user))


@router.patch(
    "/me",
    response_model=OwnProfileOut,
    summary="Edit my instructor profile",
    description="Only the fields sent change. Status, commission rate, statistics and "
    "earnings are not editable. A suspended profile cannot be edited (403).",
    responses=problem_responses(401, 403, 404),
)
async def update_own(session: SessionDep, user: CurrentUser, body: ProfileUpdate) -> OwnProfileOut:
    return _own(await service.update_own(session, user, body))


# -- administrators: decisions -----------------------------------------------------------


@router.post(
    "/{user_uuid}/approve",
    response_model=AdminProfileOut,
    summary="Approve an application (admin)",
    description="The profile becomes approved and its user an instructor (admins keep their role).",
    responses=problem_responses(401, 403, 404, 409),
)
async def approve(
    user_uuid: UserUuid,
    session: SessionDep,
    admin: AdminActor,
) -> AdminProfileOut:
    return _admin(await service.decide(session, admin, user_uuid, Action.APPROVE))


@router.post(
    "/{user_uuid}/reject",
    response_model=AdminProfileOut,
    summary="Reject an application (admin)",
    description="The reason is kept in the activity log and shown to the applicant, "
    "who may apply again.",
    responses=problem_responses(401, 403, 404, 409),
)
async def reject(
    user_uuid: UserUuid,
    session: SessionDep,
    admin: AdminActor,
    body: ApplicationRejectionIn,
) -> AdminProfileOut:
    return _admin(
        await service.decide(session, admin, user_uuid, Action.REJECT, reason=body.reason)
    )


@router.post(
    "/{user_uuid}/suspend",
    response_model=AdminProfileOut,
    summary="Suspend an instructor (admin)",
    description="The profile becomes suspended (no public page) and its user a student "
    "again, so they can no longer act as an instructor.",
    responses=problem_responses(401, 403, 404, 409),
)
async def suspend(
    user_uuid: UserUuid,
    session: SessionDep,
    admin: AdminActor,
    body: SuspensionIn | None = None,
) -> AdminProfileOut:
    reason = body.reason if body is not None else None
    return _admin(await service.decide(session, admin, user_uuid, Action.SUSPEND, reason=reason))


@router.post(
    "/{user_uuid}/reinstate",
    response_model=AdminProfileOut,
    summary="Reinstate a suspended instructor (admin)",
    responses=problem_responses(401, 403, 404, 409),
)
async def reinstate(
    user_uuid: UserUuid,
    session: SessionDep,
    admin: AdminActor,
) -> AdminProfileOut:
    return _admin(await service.decide(session, admin, user_uuid, Action.REINSTATE))


@router.put(
    "/{user_uuid}/commission-rate",
    response_model=AdminProfileOut,
    summary="Set an instructor's commission rate (admin)",
    description="The instructor's share of a sale, in percent (0-100, two decimal places).",
    responses=problem_responses(401, 403, 404),
)
async def set_commission_rate(
    user_uuid: UserUuid,
    session: SessionDep,
    admin: AdminActor,
    body: CommissionRateIn,
) -> AdminProfileOut:
    return _admin(
        await service.set_commission_rate(session, admin, user_uuid, body.commission_rate)
    )


# -- everyone (last: the username segment matches any literal) ---------------------------


@router.get(
    "/{username}",
    response_model=PublicInstructorOut,
    summary="An instructor's public page",
    description="Approved instructors with active accounts only; anyone else is a 404.",
    responses=problem_responses(404),
)
async def get_public(
    session: SessionDep, username: str = Path(min_length=1, max_length=50)
) -> PublicInstructorOut:
    view = await service.get_public(session, username)
    return schemas.public_out(view.profile, avatar=view.avatar)
