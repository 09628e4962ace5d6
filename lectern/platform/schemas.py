"""Request and response bodies of the platform domain: settings and the activity log."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import Field, JsonValue

from lectern.kit.schemas import Input, Output
from lectern.models import ActivityLog, Setting, SettingGroup, SettingType
from lectern.platform import setting_values

log = logging.getLogger("lectern.platform")

DESCRIPTION_MAX_LENGTH = 1_000


# -- settings ------------------------------------------------------------------------------


class SettingPut(Input):
    """A whole setting (PUT creates it or replaces every field)."""

    value: JsonValue = Field(
        description="The typed value: a string for string/file, an integer, true/false, "
        "any JSON for json; null for no value."
    )
    type: SettingType
    group: SettingGroup = SettingGroup.GENERAL
    description: str | None = Field(None, max_length=DESCRIPTION_MAX_LENGTH)
    is_public: bool = Field(False, description="Anyone may read it at /settings/public.")


class SettingPatch(Input):
    """Some fields of a setting; usually just the value. A value is checked against the
    setting's type (the new one when the type changes too)."""

    value: JsonValue = None
    type: SettingType | None = None
    group: SettingGroup | None = None
    description: str | None = Field(None, max_length=DESCRIPTION_MAX_LENGTH)
    is_public: bool | None = None


class SettingOut(Output):
    key: str
    value: JsonValue
    type: SettingType
    group: SettingGroup
    description: str | None
    is_public: bool
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, setting: Setting) -> SettingOut:
        return cls(
            key=setting.key,
            value=readable_value(setting),
            type=setting.type,
            group=setting.group,
            description=setting.description,
            is_public=setting.is_public,
            created_at=setting.created_at,
            updated_at=setting.updated_at,
        )


def readable_value(setting: Setting) -> Any:
    """The typed value; a row written around the API whose text doesn't fit its type is
    shown as its raw text (and logged), rather than failing the whole response."""
    try:
        return setting_values.decode(setting.value, setting.type)
    except setting_values.SettingValueError as exc:
        log.warning("setting %r cannot be read: %s", setting.key, exc)
        return setting.value


# -- activity log --------------------------------------------------------------------------


class CauserOut(Output):
    uuid: UUID
    name: str
    email: str


class ActivityLogOut(Output):
    id: int
    log_name: str | None
    event: str | None
    description: str
    subject_type: str | None
    subject_id: int | None
    causer_type: str | None
    causer: CauserOut | None
    properties: dict[str, Any] | None
    ip_address: str | None
    user_agent: str | None
    created_at: datetime

    @classmethod
    def of(cls, entry: ActivityLog) -> ActivityLogOut:
        return cls(
            id=entry.id,
            log_name=entry.log_name,
            event=entry.event,
            description=entry.description,
            subject_type=entry.subject_type,
            subject_id=entry.subject_id,
            causer_type=entry.causer_type,
            causer=CauserOut.model_validate(entry.user) if entry.user is not None else None,
            properties=entry.properties,
            ip_address=entry.ip_address,
            user_agent=entry.user_agent,
            created_at=entry.created_at,
        )
