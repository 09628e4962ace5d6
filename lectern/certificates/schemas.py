"""Bodies of the certificate routes."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

from fastapi import Path
from pydantic import Field

from lectern.kit.schemas import Input, Output, Patch

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
    reissued: bool = Field(
        description="True when this number was replaced by a reissue (it is revoked)."
    )
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


class ReissueIn(Input):
    reason: str = Field(min_length=1, max_length=500)


Orientation = Literal["landscape", "portrait"]
PageSize = Literal["A4", "Letter"]
Colour = Annotated[
    str,
    Field(
        pattern=r"^(#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6}|[a-z]{3,20})$",
        description="A CSS colour: #rgb, #rrggbb or a name.",
    ),
]
TemplateHtml = Annotated[
    str,
    Field(
        max_length=100_000,
        description="Jinja2, rendered in a sandbox with these values: student_name, "
        "course_title, instructor_name, instructor_names, completion_date, issue_date, "
        "expiry_date, hours, score, grade, certificate_number, verification_url, qr_image "
        "(a data: URL for an img), site_name.",
    ),
]
TemplateCss = Annotated[str, Field(max_length=50_000, description="CSS (Jinja2 like the HTML).")]


class TemplateIn(Input):
    name: Annotated[str, Field(min_length=1, max_length=255)]
    description: Annotated[str, Field(max_length=2000)] | None = None
    orientation: Orientation = "landscape"
    size: PageSize = "A4"
    background_color: Colour | None = None
    background_media: UUID | None = Field(
        None, description="An image of the media library drawn behind the page."
    )
    html_content: TemplateHtml
    styles: TemplateCss | None = None
    is_default: bool = False
    is_active: bool = True


class TemplatePatch(Patch):
    not_null = ("name", "orientation", "size", "html_content", "is_default", "is_active")

    name: Annotated[str, Field(min_length=1, max_length=255)] | None = None
    description: Annotated[str, Field(max_length=2000)] | None = None
    orientation: Orientation | None = None
    size: PageSize | None = None
    background_color: Colour | None = None
    background_media: UUID | None = None
    html_content: TemplateHtml | None = None
    styles: TemplateCss | None = None
    is_default: bool | None = None
    is_active: bool | None = None


class TemplateOut(Output):
    id: int
    name: str
    description: str | None
    orientation: Orientation
    size: PageSize
    background_color: str | None
    has_background_image: bool
    html_content: str | None
    styles: str | None
    is_default: bool
    is_active: bool
    created_at: datetime
    updated_at: datetime
