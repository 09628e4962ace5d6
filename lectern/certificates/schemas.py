"""Bodies of the certificate routes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

from fastapi import Path
from pydantic import Field

from lectern.kit.schemas import Input, Output

Status = Literal["valid", "revoked", "expired"]

Number = Annotated[
    str,
    Path(
        min_length=17,
        max_length=17,
        pattern=r"^[Ll][Cc]-[2-9A-Za-z]{4}-[2-9A-Za-z]{4}-[2-9A-Za-z]{4}$",
        description="The number printed on the certificate (LC-XXXX-XXXX-XXXX).",
    ),
]


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
    credential_url: str = Field(description="Its Open Badges 3.0 credential (a VC-JWT).")


class RevocationIn(Input):
    reason: str = Field(min_length=1, max_length=1000)
