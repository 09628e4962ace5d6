"""Carts, coupons, orders and their items, refunds and coupon usages (migration step 11)."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lectern.kit.types import JSONType, UTCDateTime
from lectern.models.base import (
    Base,
    BigId,
    IdMixin,
    SoftDeleteMixin,
    TimestampMixin,
    UuidMixin,
    choice,
    counter,
    fk,
    flag,
    money,
)

if TYPE_CHECKING:
    from lectern.models.courses import Course
    from lectern.models.users import User


class CouponType(enum.StrEnum):
    PERCENTAGE = "percentage"
    FIXED = "fixed"
    FREE = "free"


class OrderStatus(enum.StrEnum):
    PENDING = "pending"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"
    PARTIALLY_REFUNDED = "partially_refunded"


class OrderPaymentStatus(enum.StrEnum):
    PENDING = "pending"
    PAID = "paid"
    FAILED = "failed"
    REFUNDED = "refunded"


class RefundStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    PROCESSED = "processed"


class Cart(IdMixin, TimestampMixin, Base):
    """A shopping cart: a signed-in user's (user_id) or a guest's (session_id); one each."""

    __tablename__ = "carts"
    __table_args__ = (UniqueConstraint("user_id"), UniqueConstraint("session_id"))

    user_id: Mapped[int | None] = fk("users.id", ondelete="CASCADE", nullable=True, index=False)
    # A guest's cart: the SHA-256 (hex) of the opaque token the guest holds, never the token.
    # The cart merges into the user's when the guest signs in.
    session_id: Mapped[str | None] = mapped_column(String(255))
    # The coupon the shopper applied; checkout checks it again.
    coupon_id: Mapped[int | None] = fk("coupons.id", ondelete="SET NULL", nullable=True)

    items: Mapped[list[CartItem]] = relationship(
        back_populates="cart",
        lazy="raise",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class ItemType(enum.StrEnum):
    COURSE = "course"
    LIVE_CLASS = "live_class"


class CartItem(IdMixin, TimestampMixin, Base):
    __tablename__ = "cart_items"
    __table_args__ = (UniqueConstraint("cart_id", "course_id"),)

    cart_id: Mapped[int] = fk("carts.id", ondelete="CASCADE", index=False)
    # A cart line is not a money record: it goes with a (hard-)deleted course.
    course_id: Mapped[int] = fk("courses.id", ondelete="CASCADE")
    # The price shown when the course was added; checkout re-prices.
    price: Mapped[Decimal] = money()
    # A course, or a seat in one of its live classes (course_id is then the class's course).
    item_type: Mapped[ItemType] = choice(ItemType, ItemType.COURSE)
    live_class_id: Mapped[int | None] = fk("live_classes.id", ondelete="CASCADE", nullable=True)

    cart: Mapped[Cart] = relationship(back_populates="items", lazy="raise")
    course: Mapped[Course] = relationship("Course", lazy="raise")


class Coupon(IdMixin, TimestampMixin, SoftDeleteMixin, Base):
    __tablename__ = "coupons"

    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)
    type: Mapped[CouponType] = choice(CouponType, CouponType.PERCENTAGE, index=True)
    # A percent (12.50) for percentage coupons, an amount for fixed ones, unused for free ones.
    discount_value: Mapped[Decimal] = money()
    # Cap on a percentage discount; NULL means no cap.
    max_discount: Mapped[Decimal | None] = money(None, nullable=True)
    # 0 means no minimum.
    min_order_value: Mapped[Decimal] = money()
    # NULL means unlimited.
    usage_limit: Mapped[int | None] = mapped_column(Integer)
    per_user_limit: Mapped[int | None] = mapped_column(Integer)
    used_count: Mapped[int] = counter()
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    is_active: Mapped[bool] = flag(True, index=True)
    # Course / category ids; NULL or empty means no restriction.
    applicable_courses: Mapped[list[Any] | None] = mapped_column(JSONType)
    applicable_categories: Mapped[list[Any] | None] = mapped_column(JSONType)
    excluded_courses: Mapped[list[Any] | None] = mapped_column(JSONType)
    first_purchase_only: Mapped[bool] = flag(False)
    created_by: Mapped[int | None] = fk("users.id", ondelete="SET NULL", nullable=True)
    # An instructor's coupon (for their own courses, paid out of their share); NULL for a
    # platform coupon (paid out of the platform's).
    instructor_id: Mapped[int | None] = fk("users.id", ondelete="CASCADE", nullable=True)
    # The currency of a fixed amount and of min_order_value; NULL when neither is an amount
    # (a percentage or free coupon without a minimum), which applies in any currency.
    currency: Mapped[str | None] = mapped_column(String(3))

    usages: Mapped[list[CouponUsage]] = relationship(
        # The database refuses to delete a used coupon (RESTRICT); coupons are soft-deleted.
        back_populates="coupon",
        lazy="raise",
        passive_deletes="all",
    )


class Order(IdMixin, UuidMixin, TimestampMixin, SoftDeleteMixin, Base):
    __tablename__ = "orders"
    __table_args__ = (Index(None, "user_id", "status"),)

    order_number: Mapped[str] = mapped_column(String(64), unique=True)
    # RESTRICT: orders are money records; a user who bought something cannot be hard-deleted.
    user_id: Mapped[int] = fk("users.id", ondelete="RESTRICT", index=False)
    subtotal: Mapped[Decimal] = money()
    discount_amount: Mapped[Decimal] = money()
    tax_amount: Mapped[Decimal] = money()
    total: Mapped[Decimal] = money()
    currency: Mapped[str] = mapped_column(String(3), default="USD", server_default="USD")
    # The order keeps coupon_code when the coupon row goes.
    coupon_id: Mapped[int | None] = fk("coupons.id", ondelete="SET NULL", nullable=True)
    coupon_code: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[OrderStatus] = choice(OrderStatus, OrderStatus.PENDING, index=True)
    payment_status: Mapped[OrderPaymentStatus] = choice(
        OrderPaymentStatus, OrderPaymentStatus.PENDING, index=True
    )
    payment_method: Mapped[str | None] = mapped_column(String(50))
    payment_gateway: Mapped[str | None] = mapped_column(String(50))
    # The gateway's id for the payment; payment webhooks look orders up by it.
    transaction_id: Mapped[str | None] = mapped_column(String(255), index=True)
    payment_details: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    billing_name: Mapped[str | None] = mapped_column(String(255))
    billing_email: Mapped[str | None] = mapped_column(String(255))
    billing_phone: Mapped[str | None] = mapped_column(String(50))
    billing_address: Mapped[str | None] = mapped_column(String(500))
    billing_city: Mapped[str | None] = mapped_column(String(120))
    billing_state: Mapped[str | None] = mapped_column(String(120))
    billing_country: Mapped[str | None] = mapped_column(String(100))
    billing_zip: Mapped[str | None] = mapped_column(String(20))
    invoice_number: Mapped[str | None] = mapped_column(String(64), unique=True)
    invoice_path: Mapped[str | None] = mapped_column(String(1024))
    notes: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User] = relationship("User", lazy="raise")
    items: Mapped[list[OrderItem]] = relationship(
        back_populates="order",
        lazy="raise",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    refunds: Mapped[list[Refund]] = relationship(
        # RESTRICT: an order with refunds cannot be deleted; leave it to the database.
        back_populates="order",
        lazy="raise",
        passive_deletes="all",
    )


class OrderItem(IdMixin, TimestampMixin, Base):
    __tablename__ = "order_items"

    # Orders are soft-deleted; should one ever be purged, its lines go with it.
    order_id: Mapped[int] = fk("orders.id", ondelete="CASCADE")
    # A course or instructor that was sold cannot be hard-deleted (RESTRICT).
    course_id: Mapped[int] = fk("courses.id", ondelete="RESTRICT")
    instructor_id: Mapped[int] = fk("users.id", ondelete="RESTRICT")
    # The title at the time of sale.
    course_title: Mapped[str] = mapped_column(String(255))
    price: Mapped[Decimal] = money()
    discount: Mapped[Decimal] = money()
    final_price: Mapped[Decimal] = money()
    # Set when the course was bought as part of a bundle. bundles are created after orders
    # (migration step 13 vs 11), so the constraint is deferred like the step-21 ones.
    bundle_id: Mapped[int | None] = mapped_column(
        BigId,
        ForeignKey("bundles.id", ondelete="SET NULL", use_alter=True),
        nullable=True,
        index=True,
    )
    instructor_share: Mapped[Decimal] = money()
    platform_share: Mapped[Decimal] = money()
    # A course, or a seat in one of its live classes (course_id is then the class's course).
    item_type: Mapped[ItemType] = choice(ItemType, ItemType.COURSE)
    live_class_id: Mapped[int | None] = fk("live_classes.id", ondelete="RESTRICT", nullable=True)

    order: Mapped[Order] = relationship(back_populates="items", lazy="raise")
    course: Mapped[Course] = relationship("Course", lazy="raise")


class Refund(IdMixin, UuidMixin, TimestampMixin, Base):
    __tablename__ = "refunds"

    order_id: Mapped[int] = fk("orders.id", ondelete="RESTRICT")
    user_id: Mapped[int] = fk("users.id", ondelete="RESTRICT")
    amount: Mapped[Decimal] = money()
    currency: Mapped[str] = mapped_column(String(3), default="USD", server_default="USD")
    reason: Mapped[str | None] = mapped_column(Text)
    status: Mapped[RefundStatus] = choice(RefundStatus, RefundStatus.PENDING, index=True)
    transaction_id: Mapped[str | None] = mapped_column(String(255))
    admin_notes: Mapped[str | None] = mapped_column(Text)
    processed_by: Mapped[int | None] = fk("users.id", ondelete="SET NULL", nullable=True)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    order: Mapped[Order] = relationship(back_populates="refunds", lazy="raise")
    items: Mapped[list[RefundItem]] = relationship(
        back_populates="refund", lazy="raise", cascade="all, delete-orphan", passive_deletes=True
    )


class RefundItem(IdMixin, TimestampMixin, Base):
    """An order item a refund pays back, and how much of the order's total that is (its
    price after discount, with its share of the tax)."""

    __tablename__ = "refund_items"
    __table_args__ = (UniqueConstraint("refund_id", "order_item_id"),)

    refund_id: Mapped[int] = fk("refunds.id", ondelete="CASCADE", index=False)
    # RESTRICT: a refunded item is a money record.
    order_item_id: Mapped[int] = fk("order_items.id", ondelete="RESTRICT")
    amount: Mapped[Decimal] = money()

    refund: Mapped[Refund] = relationship(back_populates="items", lazy="raise")


class CouponUsage(IdMixin, TimestampMixin, Base):
    """One use of a coupon by a user on an order (per-user limits count these rows)."""

    __tablename__ = "coupon_usages"
    __table_args__ = (
        Index(None, "coupon_id", "user_id"),
        # A coupon counts once per order, however often the payment webhook arrives.
        UniqueConstraint("order_id", "coupon_id"),
    )

    # RESTRICT: a coupon that was used is history (coupons are soft-deleted instead).
    coupon_id: Mapped[int] = fk("coupons.id", ondelete="RESTRICT", index=False)
    user_id: Mapped[int] = fk("users.id", ondelete="RESTRICT")
    # The usage belongs to its order: a purged order no longer counts against the limits.
    order_id: Mapped[int] = fk("orders.id", ondelete="CASCADE", index=False)
    discount_amount: Mapped[Decimal] = money()

    coupon: Mapped[Coupon] = relationship(back_populates="usages", lazy="raise")


class IdempotencyKey(IdMixin, TimestampMixin, Base):
    """A request sent with an Idempotency-Key: a retry with the same key and body gets the
    first answer instead of doing the work again (kept 24 hours)."""

    __tablename__ = "idempotency_keys"
    # created_at: the periodic clean-up finds the expired ones.
    __table_args__ = (UniqueConstraint("user_id", "scope", "key"), Index(None, "created_at"))

    user_id: Mapped[int] = fk("users.id", ondelete="CASCADE", index=False)
    # What the key was used for ("checkout"): the same key may serve two kinds of request.
    scope: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(255))
    # SHA-256 (hex) of the request body: the same key with another body is refused.
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None] = mapped_column(Integer)
    response: Mapped[dict[str, Any] | None] = mapped_column(JSONType)


class PaymentEventOutcome(enum.StrEnum):
    HANDLED = "handled"  # it changed the order (paid, failed, expired)
    IGNORED = "ignored"  # the order was past it already (a late or out-of-order event)
    REFUSED = "refused"  # it did not match the order (amount, currency, gateway): logged


class PaymentEvent(IdMixin, TimestampMixin, Base):
    """An event a payment gateway reported (a webhook, an admin's "paid by transfer"), kept
    once by (gateway, event id): a replay, a second delivery or two racing deliveries find it
    here and change nothing."""

    __tablename__ = "payment_events"
    __table_args__ = (UniqueConstraint("gateway", "event_id"),)

    gateway: Mapped[str] = mapped_column(String(32))
    event_id: Mapped[str] = mapped_column(String(255))
    # The gateway's own name for it ("checkout.session.completed").
    type: Mapped[str] = mapped_column(String(100))
    order_id: Mapped[int | None] = fk("orders.id", ondelete="SET NULL", nullable=True)
    outcome: Mapped[PaymentEventOutcome] = choice(PaymentEventOutcome, PaymentEventOutcome.HANDLED)
    # Why it was ignored or refused.
    note: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSONType)


class NumberSequence(IdMixin, TimestampMixin, Base):
    """The last number given in a series of documents in a year (invoices, credit notes):
    taken in the transaction that issues the document, so a rolled-back one leaves no gap."""

    __tablename__ = "number_sequences"
    __table_args__ = (UniqueConstraint("series", "year"),)

    series: Mapped[str] = mapped_column(String(16))
    year: Mapped[int] = mapped_column(Integer)
    last_number: Mapped[int] = mapped_column(Integer)


class CreditNote(IdMixin, UuidMixin, TimestampMixin, Base):
    """The document a refund issues: its own gapless number, citing the order's invoice."""

    __tablename__ = "credit_notes"
    __table_args__ = (UniqueConstraint("refund_id"),)

    number: Mapped[str] = mapped_column(String(32), unique=True)
    # One credit note per refund; both are money records (RESTRICT).
    refund_id: Mapped[int] = fk("refunds.id", ondelete="RESTRICT", index=False)
    order_id: Mapped[int] = fk("orders.id", ondelete="RESTRICT")
    invoice_number: Mapped[str] = mapped_column(String(64))
    amount: Mapped[Decimal] = money()
    currency: Mapped[str] = mapped_column(String(3))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The rendered PDF in the file storage, once rendered; never changed afterwards.
    pdf_path: Mapped[str | None] = mapped_column(String(1024))
