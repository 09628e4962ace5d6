"""Bodies of the cart's routes."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from lectern.kit.schemas import Input, Output

# Why a line in the cart cannot be bought as it stands (checkout refuses it).
Unbuyable = Literal[
    "course_unavailable",
    "course_free",
    "not_for_sale",
    "own_course",
    "already_owned",
    "currency_mismatch",  # a guest's line merged in, in another currency than the cart's
    # A seat in a live class:
    "class_unavailable",  # cancelled, started, over
    "class_free",  # free for the course's learners: register instead
    "not_enrolled",  # seats are for the course's learners
    "already_registered",
    "class_full",
]


class CartItemIn(Input):
    course: uuid.UUID | None = Field(None, description="The course to buy (its uuid).")
    live_class: uuid.UUID | None = Field(
        None, description="Or a seat in a priced live class of a course I take (its uuid)."
    )

    @model_validator(mode="after")
    def _one(self) -> CartItemIn:
        if (self.course is None) == (self.live_class is None):
            raise ValueError("name a course or a live class")
        return self


class CartCourseOut(Output):
    uuid: uuid.UUID
    slug: str
    title: str
    thumbnail: str | None
    instructor_name: str


class CartLiveClassOut(Output):
    uuid: uuid.UUID
    title: str
    scheduled_at: datetime


class CartItemOut(Output):
    id: int
    item_type: Literal["course", "live_class"]
    course: CartCourseOut
    live_class: CartLiveClassOut | None = Field(
        None, description="For a seat in a live class: the class (of `course`)."
    )
    price: Decimal | None = Field(description="What the course costs now (null: not for sale).")
    price_when_added: Decimal
    currency: str
    purchasable: bool
    reason: Unbuyable | None = Field(description="Why it cannot be bought now, if it cannot.")


class CartCouponOut(Output):
    code: str
    name: str


class CouponProblemOut(Output):
    code: str = Field(description="Why the coupon takes nothing off now (coupon_expired …).")
    detail: str


class CartOut(Output):
    items: list[CartItemOut]
    currency: str | None = Field(description="The cart's one currency (null while empty).")
    subtotal: Decimal = Field(description="The current prices of the lines that can be bought.")
    coupon: CartCouponOut | None = Field(description="The coupon applied, if any.")
    discount: Decimal = Field(description="What the coupon takes off now.")
    coupon_problem: CouponProblemOut | None = Field(
        description="Why the applied coupon takes nothing off now, if it does not."
    )
    total: Decimal = Field(description="subtotal less discount (before tax).")
    count: int


class CouponCodeIn(Input):
    code: Annotated[
        str, StringConstraints(min_length=3, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")
    ]
