"""Bodies of the coupon routes."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Self

from pydantic import Field, StringConstraints, model_validator

from lectern.kit.currencies import CurrencyCode
from lectern.kit.schemas import Input, Instant, Output
from lectern.models import CouponType

Code = Annotated[
    str,
    StringConstraints(min_length=3, max_length=40, pattern=r"^[A-Za-z0-9_-]+$", to_upper=True),
]
Amount = Annotated[Decimal, Field(ge=0, le=Decimal("1000000000"), decimal_places=2)]
Limit = Annotated[int, Field(ge=1, le=10_000_000)]
Ids = Annotated[list[uuid.UUID], Field(max_length=500)]


class CouponIn(Input):
    """A coupon. `discount_value` is a percent (0-100] for `percentage`, an amount in
    `currency` for `fixed`, and ignored for `free`. A fixed amount, a `max_discount` or a
    `min_order_value` is money: the coupon then names its `currency`."""

    code: Code = Field(description="What buyers type; letters are kept in capitals.")
    name: Annotated[str, StringConstraints(min_length=1, max_length=255)]
    description: Annotated[str, StringConstraints(max_length=2000)] | None = None
    type: CouponType = CouponType.PERCENTAGE
    discount_value: Amount = Decimal(0)
    max_discount: Amount | None = None
    min_order_value: Amount = Decimal(0)
    currency: CurrencyCode | None = None
    usage_limit: Limit | None = None
    per_user_limit: Limit | None = None
    starts_at: Instant | None = None
    expires_at: Instant | None = None
    is_active: bool = True
    applicable_courses: Ids = Field(default_factory=list, description="Course uuids.")
    applicable_categories: Annotated[list[int], Field(max_length=200)] = Field(
        default_factory=list, description="Category ids (a course's category or subcategory)."
    )
    excluded_courses: Ids = Field(default_factory=list, description="Course uuids.")
    first_purchase_only: bool = False

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.type == CouponType.PERCENTAGE and not 0 < self.discount_value <= 100:
            raise ValueError(
                "a percentage coupon's discount_value is a percent above 0, at most 100"
            )
        if self.type == CouponType.FIXED and self.discount_value <= 0:
            raise ValueError("a fixed coupon's discount_value is an amount above 0")
        if self.max_discount is not None and self.type != CouponType.PERCENTAGE:
            raise ValueError("max_discount caps percentage coupons only")
        money = self.type == CouponType.FIXED or self.max_discount or self.min_order_value
        if money and self.currency is None:
            raise ValueError(
                "a coupon with an amount (fixed, max_discount, min_order_value) names its currency"
            )
        if self.starts_at and self.expires_at and self.starts_at >= self.expires_at:
            raise ValueError("starts_at must be before expires_at")
        return self


class StudioCouponIn(CouponIn):
    """An instructor's coupon: for courses they own, named in `applicable_courses` (at least
    one); its discount comes out of their share."""

    @model_validator(mode="after")
    def _own_courses_only(self) -> Self:
        if not self.applicable_courses:
            raise ValueError("an instructor's coupon names its courses in applicable_courses")
        if self.applicable_categories:
            raise ValueError("an instructor's coupon names courses, not categories")
        return self


class CouponOut(Output):
    id: int
    code: str
    name: str
    description: str | None
    type: CouponType
    discount_value: Decimal
    max_discount: Decimal | None
    min_order_value: Decimal
    currency: str | None
    usage_limit: int | None
    per_user_limit: int | None
    used_count: int
    starts_at: datetime | None
    expires_at: datetime | None
    is_active: bool
    applicable_courses: list[uuid.UUID]
    applicable_categories: list[int]
    excluded_courses: list[uuid.UUID]
    first_purchase_only: bool
    instructor_id: int | None = Field(description="Set on an instructor's coupon.")
    created_at: datetime
