"""Certificate templates and issued certificates (spec module 8, migration step 8)."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lectern.kit.types import ExactDecimal, JSONType, UTCDateTime
from lectern.models.base import (
    Base,
    IdMixin,
    SoftDeleteMixin,
    TimestampMixin,
    UuidMixin,
    choice,
    fk,
    flag,
    score,
)


class CertificateTemplateOrientation(enum.StrEnum):
    LANDSCAPE = "landscape"
    PORTRAIT = "portrait"


class CertificateTemplateSize(enum.StrEnum):
    A4 = "A4"
    LETTER = "Letter"


class CertificateTemplate(IdMixin, TimestampMixin, SoftDeleteMixin, Base):
    __tablename__ = "certificate_templates"

    name: Mapped[str] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)
    orientation: Mapped[CertificateTemplateOrientation] = choice(
        CertificateTemplateOrientation, CertificateTemplateOrientation.LANDSCAPE
    )
    size: Mapped[CertificateTemplateSize] = choice(
        CertificateTemplateSize, CertificateTemplateSize.A4
    )
    background_image: Mapped[str | None] = mapped_column(String(1024))
    # A CSS colour: a name or #rrggbb.
    background_color: Mapped[str | None] = mapped_column(String(32))
    html_content: Mapped[str | None] = mapped_column(Text)
    # CSS applied to html_content.
    styles: Mapped[str | None] = mapped_column(Text)
    # Positioned elements (name, course title, date, QR code ...) of a visual layout.
    elements: Mapped[list[Any] | None] = mapped_column(JSONType)
    is_default: Mapped[bool] = flag(False)
    is_active: Mapped[bool] = flag(True, index=True)


class Certificate(IdMixin, UuidMixin, TimestampMixin, SoftDeleteMixin, Base):
    """An issued certificate. Names and titles are copied at issue so it reads the same later."""

    __tablename__ = "certificates"
    __table_args__ = (UniqueConstraint("user_id", "course_id"),)

    # Public, printed on the certificate and used to verify it.
    certificate_number: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = fk("users.id", ondelete="CASCADE", index=False)
    # RESTRICT: an issued certificate must stay verifiable; retire a course by soft-deleting it.
    course_id: Mapped[int] = fk("courses.id", ondelete="RESTRICT")
    # SET NULL: the certificate survives its enrollment (e.g. an enrollment removed later).
    enrollment_id: Mapped[int | None] = fk("enrollments.id", ondelete="SET NULL", nullable=True)
    # SET NULL: deleting a template must not revoke the certificates printed with it.
    template_id: Mapped[int | None] = fk(
        "certificate_templates.id", ondelete="SET NULL", nullable=True
    )

    student_name: Mapped[str] = mapped_column(String(255))
    course_title: Mapped[str] = mapped_column(String(255))
    instructor_name: Mapped[str | None] = mapped_column(String(255))
    completion_date: Mapped[date] = mapped_column(Date)
    issue_date: Mapped[date] = mapped_column(Date)
    expiry_date: Mapped[date | None] = mapped_column(Date, index=True)

    verification_url: Mapped[str | None] = mapped_column(String(2048))
    # Path of the QR-code image that links to verification_url.
    qr_code: Mapped[str | None] = mapped_column(String(1024))
    pdf_path: Mapped[str | None] = mapped_column(String(1024))
    image_path: Mapped[str | None] = mapped_column(String(1024))

    course_duration_hours: Mapped[Decimal | None] = mapped_column(ExactDecimal(2))
    final_score: Mapped[Decimal | None] = score(None, nullable=True)
    # A letter or label such as "A" or "Distinction".
    grade: Mapped[str | None] = mapped_column(String(32))
    is_valid: Mapped[bool] = flag(True)
    notes: Mapped[str | None] = mapped_column(Text)

    template: Mapped[CertificateTemplate | None] = relationship(lazy="raise")


class CredentialKey(IdMixin, TimestampMixin, Base):
    """A key that signs the platform's Open Badges credentials. The newest one not retired
    signs; every key stays published, so credentials signed before a rotation still verify.
    The private half is sealed (lectern.kit.sealing), never stored in clear."""

    __tablename__ = "credential_keys"

    kid: Mapped[str] = mapped_column(String(64), unique=True)
    algorithm: Mapped[str] = mapped_column(String(16))
    public_jwk: Mapped[dict[str, Any]] = mapped_column(JSONType)
    private_key_sealed: Mapped[str] = mapped_column(Text)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CertificateReissue(IdMixin, TimestampMixin, Base):
    """A number a certificate had before it was reissued (a name corrected, an admin's
    reissue): it verifies as revoked, and the credentials made under it show revoked too.
    The row's id is the status-list bit of the credential of the issue that replaced it."""

    __tablename__ = "certificate_reissues"

    certificate_id: Mapped[int] = fk("certificates.id", ondelete="CASCADE")
    old_number: Mapped[str] = mapped_column(String(64), unique=True)
    old_student_name: Mapped[str] = mapped_column(String(255))
    reason: Mapped[str] = mapped_column(String(500))
