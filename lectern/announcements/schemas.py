"""Bodies of the announcement routes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import Field, StringConstraints

from lectern.kit.html import RichText
from lectern.kit.schemas import Input, Instant, Output

Kind = Literal["info", "warning", "success", "danger"]
Audience = Literal["all", "enrolled", "specific"]


class AnnouncementIn(Input):
    title: Annotated[str, StringConstraints(min_length=3, max_length=255)]
    content: Annotated[RichText, StringConstraints(min_length=1, max_length=20_000)]
    type: Kind = "info"
    audience: Audience = Field(
        "enrolled",
        description="A course's: `enrolled` (live enrollments), `all` (everyone who ever "
        "enrolled), `specific` (the `recipients`); the platform's: `all` users.",
    )
    recipients: Annotated[list[UUID], Field(max_length=1000)] = Field(
        default_factory=list, description="Users (uuids) of the course, with `specific`."
    )
    is_pinned: bool = False
    is_promotional: bool = Field(
        False,
        description="An offer: limited per instructor and month, e-mailed only to "
        "those who opted in to promotions.",
    )
    send_email: bool = False
    send_push: bool = Field(
        False, description="Also push it to the devices of those who take announcements by push."
    )
    published_at: Instant | None = Field(
        None, description="When it appears (and is delivered); now when left out."
    )
    expires_at: Instant | None = None


class AnnouncementOut(Output):
    uuid: UUID
    course_uuid: UUID | None
    title: str
    content: str
    type: Kind
    audience: Audience
    is_pinned: bool
    is_promotional: bool
    send_email: bool
    send_push: bool
    published_at: datetime | None
    expires_at: datetime | None
    delivered_at: datetime | None
    views_count: int
    created_at: datetime
    read: bool | None = Field(None, description="For the reader: whether they read it.")
