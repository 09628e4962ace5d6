"""Bodies of the messaging routes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import Field, StringConstraints

from lectern.kit.schemas import Input, Output, PageMeta

Content = Annotated[str, StringConstraints(min_length=1, max_length=5000)]


class ConversationIn(Input):
    recipient: UUID = Field(description="The user (uuid) written to.")
    course: UUID | None = Field(
        None, description="The course it is about: a course inquiry when I do not take it."
    )
    subject: Annotated[str, StringConstraints(min_length=1, max_length=255)] | None = None
    message: Content


class MessageIn(Input):
    content: Content


class ParticipationIn(Input):
    muted: bool


class Person(Output):
    uuid: UUID
    name: str


class MessageOut(Output):
    uuid: UUID
    sender: Person | None
    content: str
    is_system_message: bool
    created_at: datetime


class ConversationOut(Output):
    uuid: UUID
    type: Literal["direct", "support", "course_inquiry"]
    subject: str | None
    course_uuid: UUID | None
    others: list[Person]
    last_message_at: datetime | None
    last_message: str | None
    unread_count: int
    is_muted: bool
    is_closed: bool


class Inbox(Output):
    items: list[ConversationOut]
    meta: PageMeta
    unread_total: int = Field(description="Unread messages in all my conversations.")
