"""HTTP routes of the platform domain: settings and the activity log."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import Depends, Path, Query, Response, status
from pydantic import JsonValue

from lectern.db import SessionDep
from lectern.errors import InvalidInput, problem_responses
from lectern.kit.routing import ApiRouter
from lectern.kit.schemas import Page, PageParams, QueryInstant, page_params
from lectern.models import SettingGroup
from lectern.platform import activity, policy
from lectern.platform import service as settings
from lectern.platform.schemas import (
    ActivityLogOut,
    SettingOut,
    SettingPatch,
    SettingPut,
)
from lectern.platform.setting_values import KEY_MAX_LENGTH, KEY_PATTERN

router = ApiRouter(prefix="", tags=["platform"])

# Names in paths and filters: letters, digits and _ . : - (no NUL, no spaces).
NAME_PATTERN = r"^[\w.:-]+$"

# Existing keys are looked up as they are; only PUT (which may create one) checks the format.
AnyKey = Annotated[
    str, Path(min_length=1, max_length=255, pattern=NAME_PATTERN, description="The key.")
]
NewKey = Annotated[
    str,
    Path(
        min_length=1,
        max_length=KEY_MAX_LENGTH,
        pattern=KEY_PATTERN,
        description="A lowercase identifier, dotted or underscored: site.name.",
        examples=["site.name"],
    ),
]

PUBLIC_CACHE = "public, max-age=60"


# -- settings ------------------------------------------------------------------------------


@router.get(
    "/settings/public",
    response_model=dict[str, JsonValue],
    summary="The public settings, as {key: value}",
)
async def read_public_settings(session: SessionDep, response: Response) -> dict[str, Any]:
    response.headers["Cache-Control"] = PUBLIC_CACHE
    return await settings.public_values(session)


@router.get(
    "/settings",
    response_model=Page[SettingOut],
    responses=problem_responses(401, 403),
    summary="All settings (admins)",
)
async def list_settings(
    session: SessionDep,
    _admin: policy.SettingsManager,
    params: PageParams = Depends(page_params),
    group: SettingGroup | None = Query(None, description="Only this group's settings."),
    is_public: bool | None = Query(None, description="Only public (or only private) ones."),
) -> Page[SettingOut]:
    rows, meta = await settings.list_settings(session, params, group=group, is_public=is_public)
    return Page[SettingOut](items=[SettingOut.of(row) for row in rows], meta=meta)


@router.get(
    "/settings/{key}",
    response_model=SettingOut,
    responses=problem_responses(401, 403, 404),
    summary="One setting (admins)",
)
async def read_setting(
    key: AnyKey, session: SessionDep, _admin: policy.SettingsManager
) -> SettingOut:
    return SettingOut.of(await settings.get(session, key))


@router.put(
    "/settings/{key}",
    response_model=SettingOut,
    responses={
        201: {"model": SettingOut, "description": "Created"},
        **problem_responses(401, 403, 409),
    },
    summary="Create or replace a setting (admins)",
)
async def put_setting(
    key: NewKey,
    body: SettingPut,
    session: SessionDep,
    admin: policy.SettingsManager,
    response: Response,
) -> SettingOut:
    setting, created = await settings.put(
        session,
        key,
        value=body.value,
        type=body.type,
        group=body.group,
        description=body.description,
        is_public=body.is_public,
        actor=admin,
    )
    if created:
        response.status_code = status.HTTP_201_CREATED
    return SettingOut.of(setting)


@router.patch(
    "/settings/{key}",
    response_model=SettingOut,
    responses=problem_responses(401, 403, 404),
    summary="Change a setting's value or other fields (admins)",
)
async def patch_setting(
    key: AnyKey,
    body: SettingPatch,
    session: SessionDep,
    admin: policy.SettingsManager,
) -> SettingOut:
    changes = body.model_dump(include=body.model_fields_set)
    setting = await settings.patch(session, key, changes, actor=admin)
    return SettingOut.of(setting)


@router.delete(
    "/settings/{key}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401, 403, 404),
    summary="Delete a setting (admins)",
)
async def delete_setting(
    key: AnyKey, session: SessionDep, admin: policy.SettingsManager
) -> Response:
    await settings.delete(session, key, actor=admin)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# -- activity log --------------------------------------------------------------------------


@router.get(
    "/activity-logs",
    response_model=Page[ActivityLogOut],
    responses=problem_responses(401, 403),
    summary="The activity log, newest first (admins)",
)
async def list_activity_logs(
    session: SessionDep,
    _admin: policy.ActivityReader,
    params: PageParams = Depends(page_params),
    log_name: str | None = Query(
        None, max_length=100, pattern=NAME_PATTERN, description="auth, admin ..."
    ),
    event: str | None = Query(
        None, max_length=64, pattern=NAME_PATTERN, description="setting_updated ..."
    ),
    user: UUID | None = Query(None, description="The causer's uuid."),
    subject_type: str | None = Query(
        None, max_length=100, pattern=NAME_PATTERN, description="A table name: users."
    ),
    subject_id: int | None = Query(None, ge=1, le=2**63 - 1, description="With subject_type."),
    since: QueryInstant | None = Query(
        None, alias="from", description="Entries at or after this ISO 8601 time (UTC if naive)."
    ),
    until: QueryInstant | None = Query(
        None, alias="to", description="Entries at or before this ISO 8601 time (UTC if naive)."
    ),
) -> Page[ActivityLogOut]:
    if subject_id is not None and subject_type is None:
        raise InvalidInput("subject_id needs subject_type", field="query.subject_type")
    if since is not None and until is not None and since > until:
        raise InvalidInput("'from' is after 'to'", field="query.from")
    rows, meta = await activity.list_entries(
        session,
        params,
        log_name=log_name,
        event=event,
        causer=user,
        subject_type=subject_type,
        subject_id=subject_id,
        since=since,
        until=until,
    )
    return Page[ActivityLogOut](items=[ActivityLogOut.of(row) for row in rows], meta=meta)
