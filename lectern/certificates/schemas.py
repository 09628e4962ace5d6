"""Bodies of the certificate routes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal
from uuid import UUID

from pydantic import Field

from lectern.kit.schemas import Input, Output

Status = Literal["valid", "revoked", "expired"]


class VerificationOut(Output):
    """What anyone holding the number may see: nothing personal but the holder's name."""

    certificate_number: str
    status: Status
    holder_name: str
    course_uuid: UUID
    course_title: str
    issue_date: date
    expiry_date: date | None


class CertificateOut(Output):
    uuid: UUID
    certificate_number: str
    status: Status
    course_title: str
    instructor_name: str | None
    completion_date: date
    issue_date: date
    expiry_date: date | None
    course_duration_hours: Decimal | None
    verification_url: str | None = Field(description="The public page that verifies it.")
    linkedin_url: str = Field(description='LinkedIn\'s "Add to profile" link, filled in.')


class RevocationIn(Input):
    reason: str = Field(min_length=1, max_length=1000)
