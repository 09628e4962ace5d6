"""Bodies of the support routes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import Field, StringConstraints

from lectern.kit.schemas import Input, Output, Patch

Category = Literal["technical", "billing", "course_content", "refund", "other"]
Priority = Literal["low", "medium", "high", "urgent"]
Status = Literal["open", "in_progress", "waiting", "resolved", "closed"]
Text = Annotated[str, StringConstraints(min_length=1, max_length=10_000)]


class TicketIn(Input):
    subject: Annotated[str, StringConstraints(min_length=3, max_length=255)]
    message: Text
    category: Category = "other"
    priority: Literal["low", "medium", "high"] = Field(
        "medium", description="`urgent` is the staff's to set."
    )
    course: UUID | None = Field(None, description="A course of mine it is about (uuid).")
    order: UUID | None = Field(None, description="An order of mine it is about (uuid).")


class TicketMessageIn(Input):
    message: Text


class StaffTicketMessageIn(TicketMessageIn):
    internal: bool = Field(False, description="An internal note: the user never sees it.")


class TicketUpdate(Patch):
    not_null = ("status", "priority", "category")

    status: Status | None = None
    priority: Priority | None = None
    category: Category | None = None
    assignee: UUID | None = Field(None, description="An admin's uuid; null unassigns.")


class RatingIn(Input):
    rating: int = Field(ge=1, le=5)
    feedback: Annotated[str, StringConstraints(max_length=2000)] | None = None


class TicketMessageOut(Output):
    id: int
    message: str
    by_staff: bool
    author_name: str | None
    is_internal_note: bool
    created_at: datetime


class TicketOut(Output):
    uuid: UUID
    ticket_number: str
    subject: str
    message: str
    category: Category
    priority: Priority
    status: Status
    course_uuid: UUID | None
    order_number: str | None
    first_response_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    satisfaction_rating: int | None
    created_at: datetime
    updated_at: datetime


class TicketDetail(TicketOut):
    replies: list[TicketMessageOut]


class StaffTicketOut(TicketOut):
    requester_name: str
    requester_email: str
    assignee_name: str | None
