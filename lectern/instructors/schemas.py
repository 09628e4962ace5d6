"""Request and response bodies of the instructors domain."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, StringConstraints, model_validator

from lectern.kit.html import RichText
from lectern.kit.schemas import Input, Output
from lectern.models import InstructorProfile, InstructorProfileStatus, User, UserRole, UserStatus

# -- building blocks ---------------------------------------------------------------------

SOCIAL_NETWORKS = ("website", "twitter", "linkedin", "youtube", "github", "facebook")
MAX_URL = 2048
MAX_EXPERTISE = 20
MAX_CERTIFICATIONS = 30
MAX_ACHIEVEMENTS = 30


def _http_url(value: str) -> str:
    """An absolute http(s) URL with a host, and nothing a browser would misread."""
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in value):
        raise ValueError("a URL must not contain spaces or control characters")
    try:
        parts = urlsplit(value)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        raise ValueError("not a valid URL") from None
    if parts.scheme.lower() not in ("http", "https") or not host:
        raise ValueError("must be an http:// or https:// URL with a host")
    if parts.username is not None or parts.password is not None:
        raise ValueError("a URL must not carry credentials")
    return value


def _unique(items: list[str]) -> list[str]:
    """The items without case-insensitive repeats, first spelling kept, order kept."""
    seen: set[str] = set()
    kept = []
    for item in items:
        if item.casefold() not in seen:
            seen.add(item.casefold())
            kept.append(item)
    return kept


HttpUrl = Annotated[str, Field(min_length=1, max_length=MAX_URL), AfterValidator(_http_url)]
Headline = Annotated[str, Field(min_length=1, max_length=255)]
Bio = Annotated[RichText, StringConstraints(min_length=1, max_length=10_000)]
ShortBio = Annotated[str, Field(max_length=500)]
Subject = Annotated[str, Field(min_length=1, max_length=100)]
Expertise = Annotated[
    list[Subject], Field(min_length=1, max_length=MAX_EXPERTISE), AfterValidator(_unique)
]
Year = Annotated[int, Field(ge=1900, le=2100)]
_CENT = Decimal("0.01")
# Rates, ratings and money go out with exactly two places ("70.00"), however they were set.
TwoPlaces = Annotated[Decimal, AfterValidator(lambda value: value.quantize(_CENT))]


class SocialLinksIn(Input):
    """Profile URLs by network; unknown networks are refused."""

    website: HttpUrl | None = None
    twitter: HttpUrl | None = None
    linkedin: HttpUrl | None = None
    youtube: HttpUrl | None = None
    github: HttpUrl | None = None
    facebook: HttpUrl | None = None


class CertificationIn(Input):
    name: str = Field(min_length=1, max_length=200)
    issuer: str | None = Field(default=None, max_length=200)
    year: Year | None = None
    url: HttpUrl | None = None


class AchievementIn(Input):
    title: str = Field(min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=1000)
    year: Year | None = None


Certifications = Annotated[list[CertificationIn], Field(max_length=MAX_CERTIFICATIONS)]
Achievements = Annotated[list[AchievementIn], Field(max_length=MAX_ACHIEVEMENTS)]


def _column_values(body: Input, fields: set[str]) -> dict[str, Any]:
    """The JSON-ready column values of ``fields`` of a profile body (None stays None)."""
    values: dict[str, Any] = {}
    for name in fields:
        value = getattr(body, name)
        if isinstance(value, SocialLinksIn):
            value = value.model_dump(exclude_none=True) or None
        elif isinstance(value, list) and name in ("certifications", "achievements"):
            value = [item.model_dump(exclude_none=True) for item in value] or None
        values[name] = value
    return values


# -- requests ----------------------------------------------------------------------------


class ApplicationIn(Input):
    """An application to teach. Re-applying after a rejection replaces the whole profile."""

    headline: Headline
    bio: Bio
    short_bio: ShortBio | None = None
    expertise: Expertise
    social_links: SocialLinksIn | None = None
    certifications: Certifications = Field(default_factory=list)
    achievements: Achievements = Field(default_factory=list)

    def column_values(self) -> dict[str, Any]:
        return _column_values(self, set(type(self).model_fields))


class ProfileUpdate(Input):
    """A partial edit of one's own profile: only the fields sent change.

    ``social_links``, ``certifications`` and ``achievements`` are replaced as a whole;
    ``null`` clears an optional field. Status, commission and statistics are not editable.
    """

    headline: Headline | None = None
    bio: Bio | None = None
    short_bio: ShortBio | None = None
    expertise: Expertise | None = None
    social_links: SocialLinksIn | None = None
    certifications: Certifications | None = None
    achievements: Achievements | None = None

    @model_validator(mode="after")
    def _required_stay_set(self) -> ProfileUpdate:
        for name in ("headline", "bio", "expertise"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be cleared")
        return self

    def column_values(self) -> dict[str, Any]:
        return _column_values(self, set(self.model_fields_set))


class ApplicationRejectionIn(Input):
    reason: str = Field(min_length=1, max_length=2000)


class SuspensionIn(Input):
    reason: str | None = Field(default=None, max_length=2000)


class CommissionRateIn(Input):
    commission_rate: Decimal = Field(
        ge=0, le=100, max_digits=5, decimal_places=2, description="Percent, 0-100, 2 places."
    )


ListSort = Literal[
    "created_at",
    "-created_at",
    "updated_at",
    "-updated_at",
    "rating",
    "-rating",
    "total_students",
    "-total_students",
]


# -- responses ---------------------------------------------------------------------------


class CertificationOut(Output):
    name: str
    issuer: str | None = None
    year: int | None = None
    url: str | None = None


class AchievementOut(Output):
    title: str
    description: str | None = None
    year: int | None = None


class InstructorUserOut(Output):
    """What anyone may see of the person: no e-mail, no role, no internal id."""

    uuid: uuid.UUID
    username: str
    name: str
    avatar: str | None = None


class InstructorAccountOut(InstructorUserOut):
    email: str
    role: UserRole
    status: UserStatus


class _ProfileContent(Output):
    headline: str | None
    bio: str | None
    short_bio: str | None
    expertise: list[str]
    social_links: dict[str, str]
    certifications: list[CertificationOut]
    achievements: list[AchievementOut]


class _PublicStats(Output):
    rating: TwoPlaces
    total_reviews: int
    total_students: int
    total_courses: int


class PublicInstructorOut(_ProfileContent, _PublicStats):
    """An approved instructor's public page."""

    user: InstructorUserOut


class OwnProfileOut(_ProfileContent, _PublicStats):
    """The instructor's own profile: their status, share of sales and earnings included."""

    user: InstructorUserOut
    status: InstructorProfileStatus
    rejection_reason: str | None = Field(
        default=None, description="Why the last application was rejected (status rejected)."
    )
    commission_rate: TwoPlaces
    total_earnings: TwoPlaces
    pending_earnings: TwoPlaces
    created_at: datetime
    updated_at: datetime


class AdminProfileOut(OwnProfileOut):
    """A profile as administrators see it."""

    user: InstructorAccountOut
    deleted_at: datetime | None


# -- shaping -----------------------------------------------------------------------------


def _content(profile: InstructorProfile) -> dict[str, Any]:
    """The profile's fields, with the JSON columns' NULLs as empty collections."""
    return {
        "headline": profile.headline,
        "bio": profile.bio,
        "short_bio": profile.short_bio,
        "expertise": profile.expertise or [],
        "social_links": profile.social_links or {},
        "certifications": profile.certifications or [],
        "achievements": profile.achievements or [],
        "rating": profile.rating,
        "total_reviews": profile.total_reviews,
        "total_students": profile.total_students,
        "total_courses": profile.total_courses,
    }


def _private(profile: InstructorProfile) -> dict[str, Any]:
    return {
        "status": profile.status,
        "commission_rate": profile.commission_rate,
        "total_earnings": profile.total_earnings,
        "pending_earnings": profile.pending_earnings,
        "created_at": profile.created_at,
        "updated_at": profile.updated_at,
    }


def _user(user: User, avatar: str | None) -> dict[str, Any]:
    return {"uuid": user.uuid, "username": user.username, "name": user.name, "avatar": avatar}


def public_out(profile: InstructorProfile, *, avatar: str | None) -> PublicInstructorOut:
    return PublicInstructorOut.model_validate(
        {**_content(profile), "user": _user(profile.user, avatar)}
    )


def own_out(
    profile: InstructorProfile, *, avatar: str | None, rejection_reason: str | None
) -> OwnProfileOut:
    return OwnProfileOut.model_validate(
        {
            **_content(profile),
            **_private(profile),
            "user": _user(profile.user, avatar),
            "rejection_reason": rejection_reason,
        }
    )


def admin_out(
    profile: InstructorProfile, *, avatar: str | None, rejection_reason: str | None
) -> AdminProfileOut:
    user = profile.user
    return AdminProfileOut.model_validate(
        {
            **_content(profile),
            **_private(profile),
            "user": {
                **_user(user, avatar),
                "email": user.email,
                "role": user.role,
                "status": user.status,
            },
            "rejection_reason": rejection_reason,
            "deleted_at": profile.deleted_at,
        }
    )
