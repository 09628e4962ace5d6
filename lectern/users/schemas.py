"""Request and response bodies of the users domain.

No response here carries password_hash, two_factor_secret, recovery codes or integer ids:
accounts are identified by ``uuid``.
"""

from __future__ import annotations

import re
import uuid
import zoneinfo
from datetime import date, datetime
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, StrictBool, StringConstraints, field_validator

from lectern.kit.html import RichText
from lectern.kit.schemas import Input, Output
from lectern.kit.types import utcnow
from lectern.models import (
    NotificationPreference,
    User,
    UserProfile,
    UserProfileGender,
    UserRole,
    UserStatus,
)
from lectern.users.policy import PUBLIC_PROFILE_FIELDS
from lectern.users.profiles import COMPLETION_FIELDS, missing_fields

LANGUAGE_PATTERN = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}$"
_HANDLE = re.compile(r"^@?[A-Za-z0-9_.-]{1,100}$")


def _timezone(value: str) -> str:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError("not an IANA time zone such as Europe/Paris or UTC") from None
    return value


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        raise ValueError("must be an http:// or https:// URL")
    if any(c.isspace() or ord(c) < 32 for c in value):
        raise ValueError("must not contain spaces or control characters")
    return value


def _link_or_handle(value: str) -> str:
    """A profile URL, or a bare handle such as @ada (never a javascript: or data: URL)."""
    if _HANDLE.fullmatch(value):
        return value
    return _http_url(value)


def _past_birth_date(value: date) -> date:
    if value < date(1900, 1, 1) or value >= utcnow().date():
        raise ValueError("must be a date in the past, after 1900-01-01")
    return value


def _unique(values: list[str]) -> list[str]:
    seen: set[str] = set()
    result = []
    for value in values:
        if value.casefold() not in seen:
            seen.add(value.casefold())
            result.append(value)
    return result


Name = Annotated[str, StringConstraints(min_length=1, max_length=120)]
Language = Annotated[str, StringConstraints(max_length=12, pattern=LANGUAGE_PATTERN)]
TimeZone = Annotated[str, StringConstraints(min_length=1, max_length=64), AfterValidator(_timezone)]
Url = Annotated[str, StringConstraints(min_length=1, max_length=1024), AfterValidator(_http_url)]
Social = Annotated[
    str, StringConstraints(min_length=1, max_length=1024), AfterValidator(_link_or_handle)
]
Short = Annotated[str, StringConstraints(min_length=1, max_length=100)]
Line = Annotated[str, StringConstraints(min_length=1, max_length=255)]
Tags = Annotated[list[Short], Field(max_length=50), AfterValidator(_unique)]


def _refuse_null(value: Any, field: str) -> Any:
    if value is None:
        raise ValueError(f"{field} cannot be null")
    return value


# -- the caller's own account --------------------------------------------------------------


class AccountUpdateIn(Input):
    """The account basics a user may change themself. Role, status and e-mail are not here:
    sending them is a 422 (unknown field)."""

    name: Name | None = None
    language: Language | None = None
    timezone: TimeZone | None = None

    @field_validator("name", "language", "timezone", mode="before")
    @classmethod
    def _not_null(cls, value: Any, info: Any) -> Any:
        return _refuse_null(value, info.field_name)


class MeOut(Output):
    uuid: uuid.UUID
    name: str
    username: str
    email: str
    role: UserRole
    status: UserStatus
    email_verified: bool
    email_verified_at: datetime | None
    two_factor_enabled: bool
    language: str
    timezone: str
    last_login_at: datetime | None
    created_at: datetime

    @classmethod
    def of(cls, user: User) -> MeOut:
        return cls(**_account_fields(user))


def _account_fields(user: User) -> dict[str, Any]:
    return {
        "uuid": user.uuid,
        "name": user.name,
        "username": user.username,
        "email": user.email,
        "role": user.role,
        "status": user.status,
        "email_verified": user.email_verified_at is not None,
        "email_verified_at": user.email_verified_at,
        "two_factor_enabled": user.two_factor_enabled_at is not None,
        "language": user.language,
        "timezone": user.timezone,
        "last_login_at": user.last_login_at,
        "created_at": user.created_at,
    }


# -- profiles ------------------------------------------------------------------------------


class ProfileUpdateIn(Input):
    """A partial update of the caller's profile: fields sent are set, ``null`` clears one."""

    first_name: Short | None = None
    last_name: Short | None = None
    avatar: Url | None = None
    cover_image: Url | None = None
    date_of_birth: Annotated[date, AfterValidator(_past_birth_date)] | None = None
    gender: UserProfileGender | None = None
    headline: Line | None = None
    bio: Annotated[RichText, StringConstraints(min_length=1, max_length=5000)] | None = None
    country: Short | None = None
    city: Short | None = None
    timezone: TimeZone | None = None
    language: Language | None = None
    website: Url | None = None
    twitter: Social | None = None
    linkedin: Social | None = None
    facebook: Social | None = None
    github: Social | None = None
    youtube: Social | None = None
    occupation: Line | None = None
    company: Line | None = None
    skills: Tags | None = None
    interests: Tags | None = None
    learning_goals: Annotated[list[Line], Field(max_length=20), AfterValidator(_unique)] | None = (
        None
    )


class PublicProfileOut(Output):
    """What anyone may see of a user (see ``policy.PUBLIC_PROFILE_FIELDS``)."""

    uuid: uuid.UUID
    username: str
    name: str
    member_since: datetime
    avatar: str | None = None
    cover_image: str | None = None
    headline: str | None = None
    bio: str | None = None
    country: str | None = None
    city: str | None = None
    website: str | None = None
    twitter: str | None = None
    linkedin: str | None = None
    facebook: str | None = None
    github: str | None = None
    youtube: str | None = None
    occupation: str | None = None
    company: str | None = None
    skills: list[str] = []
    interests: list[str] = []

    @classmethod
    def of(cls, user: User, profile: UserProfile | None) -> PublicProfileOut:
        values: dict[str, Any] = {}
        if profile is not None:
            values = {name: getattr(profile, name) for name in PUBLIC_PROFILE_FIELDS}
            values["skills"] = values["skills"] or []
            values["interests"] = values["interests"] or []
        return cls(
            uuid=user.uuid,
            username=user.username,
            name=user.name,
            member_since=user.created_at,
            **values,
        )


class ProfileOut(Output):
    """The whole profile, for its owner and admins."""

    first_name: str | None = None
    last_name: str | None = None
    avatar: str | None = None
    cover_image: str | None = None
    date_of_birth: date | None = None
    gender: UserProfileGender | None = None
    headline: str | None = None
    bio: str | None = None
    country: str | None = None
    city: str | None = None
    timezone: str | None = None
    language: str | None = None
    website: str | None = None
    twitter: str | None = None
    linkedin: str | None = None
    facebook: str | None = None
    github: str | None = None
    youtube: str | None = None
    occupation: str | None = None
    company: str | None = None
    skills: list[str] = []
    interests: list[str] = []
    learning_goals: list[str] = []
    profile_completed: bool = False
    completion: int = Field(0, ge=0, le=100, description="Percent of the key fields filled.")
    missing: list[str] = Field(
        default_factory=list, description="Key fields still empty (complete when none)."
    )

    @classmethod
    def of(cls, profile: UserProfile | None) -> ProfileOut:
        if profile is None:
            return cls(missing=list(COMPLETION_FIELDS))
        values = {
            name: getattr(profile, name) for name in cls.model_fields if hasattr(profile, name)
        }
        for name in ("skills", "interests", "learning_goals"):
            values[name] = values[name] or []
        missing = missing_fields(profile)
        filled = len(COMPLETION_FIELDS) - len(missing)
        values["completion"] = round(100 * filled / len(COMPLETION_FIELDS))
        values["missing"] = missing
        return cls(**values)


# -- notification preferences --------------------------------------------------------------

Cadence = Literal["instant", "daily", "weekly"]
Clock = Annotated[str, StringConstraints(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]


def _clock(minutes: int | None) -> str | None:
    return None if minutes is None else f"{minutes // 60:02d}:{minutes % 60:02d}"


class NotificationPreferencesOut(Output):
    email_course_updates: bool
    email_new_lessons: bool
    email_announcements: bool
    email_promotions: bool
    email_qa_replies: bool
    email_review_replies: bool
    email_assignment_feedback: bool
    email_certificate_issued: bool
    push_course_updates: bool
    push_new_lessons: bool
    push_announcements: bool
    push_promotions: bool
    push_qa_replies: bool
    instructor_new_enrollments: bool
    instructor_new_reviews: bool
    instructor_new_questions: bool
    instructor_payout_updates: bool
    email_cadence: Cadence = Field(
        description="`instant`, or a `daily` / `weekly` digest of what is still unread."
    )
    quiet_hours_start: str | None = Field(
        description="No push from this time (HH:MM, in my time zone) ..."
    )
    quiet_hours_end: str | None = Field(description="... until this one (may be past midnight).")

    @classmethod
    def of(cls, preferences: NotificationPreference) -> NotificationPreferencesOut:
        values = {name: getattr(preferences, name) for name in cls.model_fields}
        for name in ("quiet_hours_start", "quiet_hours_end"):
            values[name] = _clock(values[name])
        return cls(**values)


class NotificationPreferencesUpdateIn(Input):
    """Switch notifications on or off: JSON booleans only (not 1, "yes" or null)."""

    email_course_updates: StrictBool | None = None
    email_new_lessons: StrictBool | None = None
    email_announcements: StrictBool | None = None
    email_promotions: StrictBool | None = None
    email_qa_replies: StrictBool | None = None
    email_review_replies: StrictBool | None = None
    email_assignment_feedback: StrictBool | None = None
    email_certificate_issued: StrictBool | None = None
    push_course_updates: StrictBool | None = None
    push_new_lessons: StrictBool | None = None
    push_announcements: StrictBool | None = None
    push_promotions: StrictBool | None = None
    push_qa_replies: StrictBool | None = None
    instructor_new_enrollments: StrictBool | None = None
    instructor_new_reviews: StrictBool | None = None
    instructor_new_questions: StrictBool | None = None
    instructor_payout_updates: StrictBool | None = None
    email_cadence: Cadence | None = None
    quiet_hours_start: Clock | None = Field(None, description="HH:MM; null with the end: none.")
    quiet_hours_end: Clock | None = Field(None, description="HH:MM; null with the start: none.")

    @field_validator("*", mode="before")
    @classmethod
    def _not_null(cls, value: Any, info: Any) -> Any:
        if info.field_name in ("quiet_hours_start", "quiet_hours_end"):
            return value
        return _refuse_null(value, info.field_name)

    def changes(self) -> dict[str, Any]:
        """The fields sent, quiet hours as minutes after midnight."""
        found = self.model_dump(exclude_unset=True)
        for name in ("quiet_hours_start", "quiet_hours_end"):
            if found.get(name) is not None:
                hours, minutes = found[name].split(":")
                found[name] = int(hours) * 60 + int(minutes)
        return found


# -- administration ------------------------------------------------------------------------

UserSort = Literal[
    "created_at",
    "-created_at",
    "name",
    "-name",
    "email",
    "-email",
    "username",
    "-username",
    "last_login_at",
    "-last_login_at",
]
DeletedFilter = Literal["exclude", "include", "only"]


class AdminUserOut(MeOut):
    """An account as admins see it in lists."""

    updated_at: datetime
    deleted_at: datetime | None

    @classmethod
    def of(cls, user: User) -> AdminUserOut:
        return cls(**_account_fields(user), updated_at=user.updated_at, deleted_at=user.deleted_at)


class AdminUserDetailOut(AdminUserOut):
    """One account with its whole profile, for admins."""

    last_login_ip: str | None
    profile: ProfileOut

    @classmethod
    def detail(cls, user: User, profile: UserProfile | None) -> AdminUserDetailOut:
        return cls(
            **AdminUserOut.of(user).model_dump(),
            last_login_ip=user.last_login_ip,
            profile=ProfileOut.of(profile),
        )


class SuspendIn(Input):
    reason: Annotated[str, StringConstraints(min_length=1, max_length=1000)]


class RoleIn(Input):
    role: UserRole
