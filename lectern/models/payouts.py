"""Instructor payouts, earnings, payout methods and withdrawals (spec §18-19, migration step 18)."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import Date, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lectern.kit.types import JSONType, UTCDateTime
from lectern.models.base import (
    Base,
    IdMixin,
    TimestampMixin,
    UuidMixin,
    choice,
    counter,
    fk,
    flag,
    money,
    percent,
)

if TYPE_CHECKING:
    from lectern.models.users import User


class InstructorPayoutStatus(enum.StrEnum):
    PENDING = "pending"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"


class InstructorEarningStatus(enum.StrEnum):
    PENDING = "pending"
    CLEARED = "cleared"
    PAID = "paid"
    REFUNDED = "refunded"


class PayoutMethodType(enum.StrEnum):
    PAYPAL = "paypal"
    BANK_TRANSFER = "bank_transfer"
    STRIPE = "stripe"
    WISE = "wise"
    PAYONEER = "payoneer"


class WithdrawalStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    PROCESSING = "processing"
    COMPLETED = "completed"


class InstructorPayout(IdMixin, UuidMixin, TimestampMixin, Base):
    """A payment to an instructor, settling the earnings that point at it."""

    __tablename__ = "instructor_payouts"

    # RESTRICT: a payout is a money record and must survive.
    instructor_id: Mapped[int] = fk("users.id", ondelete="RESTRICT")
    amount: Mapped[Decimal] = money()
    currency: Mapped[str] = mapped_column(String(3), default="USD", server_default="USD")
    # The sales period settled (null for a payout not tied to a period).
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    total_orders: Mapped[int] = counter()
    gross_amount: Mapped[Decimal] = money()
    platform_fee: Mapped[Decimal] = money()
    tax_withheld: Mapped[Decimal] = money()
    net_amount: Mapped[Decimal] = money()
    # paypal/bank_transfer/stripe/wise/payoneer (see PayoutMethodType); no value set in
    # constraints.md for this column.
    payment_method: Mapped[str | None] = mapped_column(String(32))
    payment_details: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    transaction_id: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[InstructorPayoutStatus] = choice(
        InstructorPayoutStatus, InstructorPayoutStatus.PENDING, index=True
    )
    notes: Mapped[str | None] = mapped_column(Text)
    processed_by: Mapped[int | None] = fk("users.id", ondelete="SET NULL", nullable=True)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # Two FKs to users: name the one for the instructor.
    instructor: Mapped[User] = relationship(foreign_keys=[instructor_id], lazy="raise")
    # Not owned: deleting a payout sets the earnings' payout_id to null (SET NULL).
    earnings: Mapped[list[InstructorEarning]] = relationship(
        back_populates="payout", lazy="raise", passive_deletes=True
    )


class InstructorEarning(IdMixin, TimestampMixin, Base):
    """An instructor's share of one order item."""

    __tablename__ = "instructor_earnings"
    __table_args__ = (
        Index(None, "instructor_id", "status"),
        # One earning per instructor and order line: recording a sale twice is a no-op.
        UniqueConstraint("order_item_id", "instructor_id"),
    )

    # RESTRICT on every reference: an earning is a money record.
    instructor_id: Mapped[int] = fk("users.id", ondelete="RESTRICT", index=False)
    course_id: Mapped[int] = fk("courses.id", ondelete="RESTRICT")
    order_id: Mapped[int] = fk("orders.id", ondelete="RESTRICT")
    order_item_id: Mapped[int] = fk("order_items.id", ondelete="RESTRICT", index=False)
    order_amount: Mapped[Decimal] = money()
    # The instructor's share at the time of sale, copied from the profile (or the
    # co-instructor's revenue share): no default, the service always sets it.
    commission_rate: Mapped[Decimal] = percent(None)
    instructor_amount: Mapped[Decimal] = money()
    platform_amount: Mapped[Decimal] = money()
    payout_id: Mapped[int | None] = fk("instructor_payouts.id", ondelete="SET NULL", nullable=True)
    status: Mapped[InstructorEarningStatus] = choice(
        InstructorEarningStatus, InstructorEarningStatus.PENDING, index=True
    )

    payout: Mapped[InstructorPayout | None] = relationship(back_populates="earnings", lazy="raise")


class PayoutMethod(IdMixin, TimestampMixin, Base):
    """A user's saved way of being paid (PayPal account, bank account ...)."""

    __tablename__ = "payout_methods"

    user_id: Mapped[int] = fk("users.id", ondelete="CASCADE")
    type: Mapped[PayoutMethodType] = choice(PayoutMethodType, PayoutMethodType.PAYPAL)
    # A label chosen by the user ("Main PayPal").
    name: Mapped[str | None] = mapped_column(String(255))
    paypal_email: Mapped[str | None] = mapped_column(String(255))
    bank_name: Mapped[str | None] = mapped_column(String(255))
    bank_account_name: Mapped[str | None] = mapped_column(String(255))
    bank_account_number: Mapped[str | None] = mapped_column(String(64))
    bank_routing_number: Mapped[str | None] = mapped_column(String(64))
    bank_swift_code: Mapped[str | None] = mapped_column(String(32))
    bank_iban: Mapped[str | None] = mapped_column(String(64))
    # ISO 3166-1 alpha-2 code.
    bank_country: Mapped[str | None] = mapped_column(String(2))
    # Provider-specific fields (Stripe account id, Wise recipient ...).
    details: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    is_default: Mapped[bool] = flag(False)
    is_verified: Mapped[bool] = flag(False)

    # Not owned: deleting a method sets the requests' payout_method_id to null (SET NULL).
    withdrawal_requests: Mapped[list[WithdrawalRequest]] = relationship(
        back_populates="payout_method", lazy="raise", passive_deletes=True
    )


class WithdrawalRequest(IdMixin, UuidMixin, TimestampMixin, Base):
    """A user's request to be paid out their available balance."""

    __tablename__ = "withdrawal_requests"

    # RESTRICT: a withdrawal is a money record and must survive.
    user_id: Mapped[int] = fk("users.id", ondelete="RESTRICT")
    payout_method_id: Mapped[int | None] = fk(
        "payout_methods.id", ondelete="SET NULL", nullable=True
    )
    amount: Mapped[Decimal] = money()
    currency: Mapped[str] = mapped_column(String(3), default="USD", server_default="USD")
    status: Mapped[WithdrawalStatus] = choice(
        WithdrawalStatus, WithdrawalStatus.PENDING, index=True
    )
    # The requester's note; admin_notes are internal.
    notes: Mapped[str | None] = mapped_column(Text)
    admin_notes: Mapped[str | None] = mapped_column(Text)
    transaction_id: Mapped[str | None] = mapped_column(String(255))
    processed_by: Mapped[int | None] = fk("users.id", ondelete="SET NULL", nullable=True)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    payout_method: Mapped[PayoutMethod | None] = relationship(
        back_populates="withdrawal_requests", lazy="raise"
    )
