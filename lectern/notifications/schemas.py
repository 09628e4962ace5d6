"""Bodies of the notification routes."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import Field

from lectern.kit.schemas import Output, PageMeta


class NotificationOut(Output):
    uuid: UUID
    type: str = Field(description="Its kind: qa_replies, certificate_issued, new_reviews ...")
    title: str
    message: str | None
    action_url: str | None
    action_text: str | None
    notifiable_type: str | None
    notifiable_id: int | None
    data: dict[str, Any] | None
    read_at: datetime | None
    created_at: datetime


class NotificationPage(Output):
    items: list[NotificationOut]
    meta: PageMeta
    unread_count: int = Field(description="All my unread notifications, on any page.")


class MarkedOut(Output):
    marked: int
