"""Users and the tables authentication needs (migration step 0)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lectern.kit.types import JSONType, UTCDateTime
from lectern.models.base import (
    Base,
    IdMixin,
    SoftDeleteMixin,
    TimestampMixin,
    UuidMixin,
    choice,
    fk,
    flag,
)


class UserRole(enum.StrEnum):
    STUDENT = "student"
    INSTRUCTOR = "instructor"
    ADMIN = "admin"


class UserStatus(enum.StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"
    SUSPENDED = "suspended"
    BLOCKED = "blocked"
    PENDING = "pending"


class OneTimeTokenPurpose(enum.StrEnum):
    EMAIL_VERIFICATION = "email_verification"
    PASSWORD_RESET = "password_reset"  # noqa: S105 - a purpose, not a secret


class User(IdMixin, UuidMixin, TimestampMixin, SoftDeleteMixin, Base):
    __tablename__ = "users"

    name: Mapped[str] = mapped_column(String(120))
    # Stored lower-cased by the service layer, so uniqueness is case-insensitive.
    username: Mapped[str] = mapped_column(String(50), unique=True)
    email: Mapped[str] = mapped_column(String(255), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[UserRole] = choice(UserRole, UserRole.STUDENT, index=True)
    status: Mapped[UserStatus] = choice(UserStatus, UserStatus.ACTIVE, index=True)
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # TOTP: the secret is set when enrolment starts, enabled_at once a code confirms it.
    two_factor_secret: Mapped[str | None] = mapped_column(String(255))
    two_factor_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Hashes of the unused recovery codes.
    two_factor_recovery_codes: Mapped[list[str] | None] = mapped_column(JSONType)
    # The time step of the last code accepted: a code is good once (migration 0027).
    two_factor_last_step: Mapped[int | None] = mapped_column(BigInteger)
    language: Mapped[str] = mapped_column(String(12), default="en", server_default="en")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_ip: Mapped[str | None] = mapped_column(String(45))
    # Access tokens issued before this moment are refused ("sign out everywhere",
    # password changes and resets); refresh tokens are revoked in their own table.
    tokens_valid_after: Mapped[datetime | None] = mapped_column(UTCDateTime)

    refresh_tokens: Mapped[list[RefreshToken]] = relationship(
        back_populates="user", lazy="raise", passive_deletes=True
    )


class RefreshToken(IdMixin, TimestampMixin, Base):
    """A refresh token, stored as a hash. Tokens of one login form a family that rotates."""

    __tablename__ = "refresh_tokens"
    __table_args__ = (Index(None, "user_id", "revoked_at"),)

    user_id: Mapped[int] = fk("users.id", ondelete="CASCADE", index=False)
    token_hash: Mapped[str] = mapped_column(String(128), unique=True)
    family_id: Mapped[str] = mapped_column(String(64), index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ip_address: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(500))

    user: Mapped[User] = relationship(back_populates="refresh_tokens", lazy="raise")


class OneTimeToken(IdMixin, TimestampMixin, Base):
    """A single-use, expiring token (e-mail verification, password reset), stored as a hash."""

    __tablename__ = "one_time_tokens"
    __table_args__ = (Index(None, "user_id", "purpose"),)

    user_id: Mapped[int] = fk("users.id", ondelete="CASCADE", index=False)
    purpose: Mapped[OneTimeTokenPurpose] = choice(OneTimeTokenPurpose)
    token_hash: Mapped[str] = mapped_column(String(128), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    data: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    is_revoked: Mapped[bool] = flag(False)
