"""HTTP routes of the users domain.

The caller's own account, profile and notification preferences under /users/me; public
profiles under /users/{uuid}/profile; everything else is for admins.
"""

from __future__ import annotations

import uuid

from fastapi import Depends, Query, Response

from lectern.db import SessionDep
from lectern.errors import problem_responses
from lectern.kit.routing import ApiRouter
from lectern.kit.schemas import Page, PageParams, page_params
from lectern.models import UserRole, UserStatus
from lectern.security.dependencies import AdminActor, CurrentAdmin, CurrentUser, OptionalUser
from lectern.users import moderation, preferences, profiles, service
from lectern.users.schemas import (
    AccountUpdateIn,
    AdminUserDetailOut,
    AdminUserOut,
    DeletedFilter,
    MeOut,
    NotificationPreferencesOut,
    NotificationPreferencesUpdateIn,
    ProfileOut,
    ProfileUpdateIn,
    PublicProfileOut,
    RoleIn,
    SuspendIn,
    UserSort,
)

router = ApiRouter(prefix="/users", tags=["users"])

ADMIN_ERRORS = problem_responses(401, 403, 404, 409)


# -- the caller's own account --------------------------------------------------------------


@router.get("/me", response_model=MeOut, responses=problem_responses(401), summary="My account")
async def get_me(user: CurrentUser) -> MeOut:
    """The signed-in user's account."""
    return MeOut.of(user)


@router.patch(
    "/me",
    response_model=MeOut,
    responses=problem_responses(401),
    summary="Change my name, language or time zone",
)
async def update_me(body: AccountUpdateIn, user: CurrentUser, session: SessionDep) -> MeOut:
    """Change your name, language or time zone (not your role, status or e-mail)."""
    await service.update_account(session, user, body.model_dump(exclude_unset=True))
    return MeOut.of(user)


@router.get(
    "/me/profile", response_model=ProfileOut, responses=problem_responses(401), summary="My profile"
)
async def get_my_profile(user: CurrentUser, session: SessionDep) -> ProfileOut:
    """Your whole profile, private fields included (empty until your first edit)."""
    return ProfileOut.of(await profiles.get_profile(session, user))


@router.patch(
    "/me/profile",
    response_model=ProfileOut,
    responses=problem_responses(401),
    summary="Change my profile",
)
async def update_my_profile(
    body: ProfileUpdateIn, user: CurrentUser, session: SessionDep
) -> ProfileOut:
    """Set the fields you send (``null`` clears one); the profile is created on the first edit."""
    profile = await profiles.update_profile(session, user, body.model_dump(exclude_unset=True))
    return ProfileOut.of(profile)


@router.get(
    "/me/notification-preferences",
    response_model=NotificationPreferencesOut,
    responses=problem_responses(401),
    summary="My notification preferences",
)
async def get_my_notification_preferences(
    user: CurrentUser, session: SessionDep
) -> NotificationPreferencesOut:
    return NotificationPreferencesOut.of(await preferences.get_preferences(session, user))


@router.patch(
    "/me/notification-preferences",
    response_model=NotificationPreferencesOut,
    responses=problem_responses(401),
    summary="Change my notification preferences",
)
async def update_my_notification_preferences(
    body: NotificationPreferencesUpdateIn, user: CurrentUser, session: SessionDep
) -> NotificationPreferencesOut:
    """Switch notifications on or off, choose the e-mail cadence and quiet hours for push;
    fields not sent stay as they are."""
    changes = body.changes()
    return NotificationPreferencesOut.of(
        await preferences.update_preferences(session, user, changes)
    )


# -- administration ------------------------------------------------------------------------


@router.get(
    "",
    response_model=Page[AdminUserOut],
    responses=problem_responses(401, 403),
    summary="List, search and filter accounts (admins)",
)
async def list_users(
    admin: CurrentAdmin,
    session: SessionDep,
    params: PageParams = Depends(page_params),
    q: str | None = Query(
        None,
        min_length=1,
        max_length=100,
        description="Part of a name, e-mail or username.",
    ),
    role: UserRole | None = None,
    status: UserStatus | None = None,
    verified: bool | None = Query(None, description="Whether the e-mail address is verified."),
    deleted: DeletedFilter = Query(
        "exclude", description="Soft-deleted accounts: exclude, include or only them."
    ),
    sort: UserSort = Query("-created_at", description="A field; a leading '-' sorts descending."),
) -> Page[AdminUserOut]:
    """Admins: list, search and filter accounts."""
    filters = moderation.UserFilters(
        q=q, role=role, status=status, verified=verified, deleted=deleted, sort=sort
    )
    users, meta = await moderation.list_users(session, filters, params)
    return Page[AdminUserOut](items=[AdminUserOut.of(user) for user in users], meta=meta)


@router.get(
    "/{user_uuid}",
    response_model=AdminUserDetailOut,
    responses=problem_responses(401, 403, 404),
    summary="One account with its profile (admins)",
)
async def get_user(
    user_uuid: uuid.UUID, admin: CurrentAdmin, session: SessionDep
) -> AdminUserDetailOut:
    """Admins: one account with its whole profile (deleted accounts too)."""
    user, profile = await moderation.get_user_with_profile(session, user_uuid)
    return AdminUserDetailOut.detail(user, profile)


@router.get(
    "/{user_uuid}/profile",
    response_model=PublicProfileOut,
    responses=problem_responses(401, 404),
    summary="A user's public profile",
)
async def get_public_profile(
    user_uuid: uuid.UUID, viewer: OptionalUser, session: SessionDep
) -> PublicProfileOut:
    """Anyone: a user's public profile. Suspended, blocked and deleted accounts are a 404."""
    user, profile = await profiles.get_visible_profile(session, viewer, user_uuid)
    return PublicProfileOut.of(user, profile)


@router.post(
    "/{user_uuid}/suspend",
    response_model=AdminUserOut,
    responses=ADMIN_ERRORS,
    summary="Suspend an account (admins)",
)
async def suspend_user(
    user_uuid: uuid.UUID,
    body: SuspendIn,
    admin: AdminActor,
    session: SessionDep,
) -> AdminUserOut:
    """Admins: suspend an account. Its sessions end at once (tokens refused, refresh tokens
    revoked). 403 for your own account, 409 if it is already suspended, blocked or deleted."""
    user = await moderation.suspend(session, admin, user_uuid, reason=body.reason)
    return AdminUserOut.of(user)


@router.post(
    "/{user_uuid}/restore",
    response_model=AdminUserOut,
    responses=ADMIN_ERRORS,
    summary="Make an account active again (admins)",
)
async def restore_user(
    user_uuid: uuid.UUID, admin: AdminActor, session: SessionDep
) -> AdminUserOut:
    """Admins: make a suspended, blocked or inactive account active again (409 otherwise)."""
    return AdminUserOut.of(await moderation.restore(session, admin, user_uuid))


@router.patch(
    "/{user_uuid}/role",
    response_model=AdminUserOut,
    responses=ADMIN_ERRORS,
    summary="Change an account's role (admins)",
)
async def change_user_role(
    user_uuid: uuid.UUID,
    body: RoleIn,
    admin: AdminActor,
    session: SessionDep,
) -> AdminUserOut:
    """Admins: make an account a student, instructor or admin (not your own: 403)."""
    user = await moderation.change_role(session, admin, user_uuid, role=body.role)
    return AdminUserOut.of(user)


@router.delete(
    "/{user_uuid}",
    status_code=204,
    response_class=Response,
    responses=ADMIN_ERRORS,
    summary="Soft-delete an account (admins)",
)
async def delete_user(user_uuid: uuid.UUID, admin: AdminActor, session: SessionDep) -> Response:
    """Admins: soft-delete an account and end its sessions (not your own: 403)."""
    await moderation.soft_delete(session, admin, user_uuid)
    return Response(status_code=204)


@router.post(
    "/{user_uuid}/undelete",
    response_model=AdminUserOut,
    responses=ADMIN_ERRORS,
    summary="Bring back a soft-deleted account (admins)",
)
async def undelete_user(
    user_uuid: uuid.UUID, admin: AdminActor, session: SessionDep
) -> AdminUserOut:
    """Admins: bring back a soft-deleted account (409 if it is not deleted)."""
    return AdminUserOut.of(await moderation.undelete(session, admin, user_uuid))
