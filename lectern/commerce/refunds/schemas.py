"""Bodies of the refund routes."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from uuid import UUID

from pydantic import Field

from lectern.kit.schemas import Input, Output
from lectern.models import RefundStatus


class RefundRequestIn(Input):
    items: list[UUID] | None = Field(
        None,
        min_length=1,
        max_length=50,
        description="The courses (uuids) to refund; every one left in the order if left out.",
    )
    reason: str = Field(min_length=1, max_length=2000)


class DecisionIn(Input):
    notes: str | None = Field(None, min_length=1, max_length=2000)


class RejectionIn(Input):
    reason: str = Field(min_length=1, max_length=2000, description="Told to the buyer.")


class RefundItemOut(Output):
    course_uuid: UUID
    course_title: str
    amount: Decimal


class RefundOut(Output):
    uuid: UUID
    order_uuid: UUID
    order_number: str
    status: RefundStatus
    amount: Decimal
    currency: str
    reason: str | None
    admin_notes: str | None
    transaction_id: str | None
    created_at: datetime
    processed_at: datetime | None
    items: list[RefundItemOut] = Field(default_factory=list)
