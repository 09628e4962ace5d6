"""Bodies of the messaging routes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from fastapi import UploadFile
from pydantic import Field, StringConstraints

from lectern.kit.attachments import FileOut
from lectern.kit.schemas import Input, Output, PageMeta, UploadForm

Content = Annotated[str, StringConstraints(min_length=1, max_length=5000)]


class ConversationIn(Input):
    recipient: UUID = Field(description="The user (uuid) written to.")
    course: UUID | None = Field(
        None, description="The course it is about: a course inquiry when I do not take it."
    )
    subject: Annotated[str, StringConstraints(min_length=1, max_length=255)] | None = None
    message: Content


class SupportQuestionIn(Input):
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
    attachments: list[FileOut] = Field(default_factory=list)
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


class MessageUpload(UploadForm):
    """A message with files (multipart): the text is optional when files come."""

    content: str | None = Field(None, max_length=5000)
    files: list[UploadFile] = Field(description="Files (repeatable, at most 10).")


class ReportIn(Input):
    reason: Annotated[str, StringConstraints(min_length=3, max_length=500)]
    block: bool = Field(False, description="Also block the sender.")


class ReportOut(Output):
    id: int
    reason: str
    created_at: datetime
    message_uuid: UUID
    message: str = Field(description="The reported message's text.")
    sender: Person | None
    reporter: Person
    resolution: Literal["dismissed", "removed"] | None
    resolved_at: datetime | None


class ResolutionIn(Input):
    resolution: Literal["dismissed", "removed"] = Field(
        description="`removed` takes the message down for everyone; `dismissed` leaves it."
    )


class MessagingSettings(Input):
    accepts_messages: bool = Field(
        description="Off: no one but admins starts a conversation with me (those under way go on)."
    )


class MessagingSettingsOut(Output):
    accepts_messages: bool
