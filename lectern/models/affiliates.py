"""The affiliate system: affiliates, referrals and payouts (spec §16, migration step 16)."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import Index, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lectern.kit.types import JSONType, UTCDateTime, utcnow
from lectern.models.base import (
    Base,
    IdMixin,
    SoftDeleteMixin,
    TimestampMixin,
    UuidMixin,
    choice,
    counter,
    fk,
    money,
    percent,
)

if TYPE_CHECKING:
    from lectern.models.users import User


class AffiliateStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    SUSPENDED = "suspended"
    REJECTED = "rejected"


class AffiliateReferralStatus(enum.StrEnum):
    CLICKED = "clicked"
    REGISTERED = "registered"
    CONVERTED = "converted"
    EXPIRED = "expired"


class AffiliatePayoutStatus(enum.StrEnum):
    PENDING = "pending"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"


class Affiliate(IdMixin, UuidMixin, TimestampMixin, SoftDeleteMixin, Base):
    __tablename__ = "affiliates"

    # One affiliate account per user.
    user_id: Mapped[int] = fk("users.id", ondelete="CASCADE", index=False, unique=True)
    affiliate_code: Mapped[str] = mapped_column(String(64), unique=True)
    referral_link: Mapped[str | None] = mapped_column(String(2048))
    commission_rate: Mapped[Decimal] = percent("20")
    # How long a click is attributed to the affiliate.
    cookie_days: Mapped[int] = mapped_column(Integer, default=30, server_default="30")
    total_clicks: Mapped[int] = counter()
    total_referrals: Mapped[int] = counter()
    total_conversions: Mapped[int] = counter()
    total_earnings: Mapped[Decimal] = money()
    pending_earnings: Mapped[Decimal] = money()
    paid_earnings: Mapped[Decimal] = money()
    status: Mapped[AffiliateStatus] = choice(AffiliateStatus, AffiliateStatus.PENDING, index=True)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # paypal/bank_transfer/stripe/wise/payoneer, as payout_methods.type; no value set in
    # constraints.md for this column.
    payment_method: Mapped[str | None] = mapped_column(String(32))
    payment_details: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    minimum_payout: Mapped[Decimal] = money("50")

    user: Mapped[User] = relationship(lazy="raise")
    # Referrals and payouts are money records (RESTRICT): the database refuses to delete an
    # affiliate that has any, so the ORM must not try to null their keys either.
    referrals: Mapped[list[AffiliateReferral]] = relationship(
        back_populates="affiliate", lazy="raise", passive_deletes="all"
    )
    payouts: Mapped[list[AffiliatePayout]] = relationship(
        back_populates="affiliate", lazy="raise", passive_deletes="all"
    )


class AffiliateReferral(IdMixin, TimestampMixin, Base):
    """One tracked click, followed through registration to a converted order."""

    __tablename__ = "affiliate_referrals"
    __table_args__ = (Index(None, "affiliate_id", "status"),)

    # RESTRICT: converted referrals are the commission ledger (like instructor_earnings); an
    # affiliate with referrals is soft-deleted, never hard-deleted.
    affiliate_id: Mapped[int] = fk("affiliates.id", ondelete="RESTRICT", index=False)
    referred_user_id: Mapped[int | None] = fk("users.id", ondelete="SET NULL", nullable=True)
    # An order converts at most one referral: a commission is never paid twice.
    order_id: Mapped[int | None] = fk(
        "orders.id", ondelete="SET NULL", nullable=True, index=False, unique=True
    )
    ip_address: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(500))
    landing_page: Mapped[str | None] = mapped_column(String(2048))
    status: Mapped[AffiliateReferralStatus] = choice(
        AffiliateReferralStatus, AffiliateReferralStatus.CLICKED, index=True
    )
    # Set on conversion (null while the referral is only a click or a registration).
    order_amount: Mapped[Decimal | None] = money(None, nullable=True)
    commission_amount: Mapped[Decimal | None] = money(None, nullable=True)
    # The affiliate's rate at conversion time (a snapshot: the affiliate's rate may change).
    commission_rate: Mapped[Decimal | None] = percent(None, nullable=True)
    clicked_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, server_default=func.current_timestamp()
    )
    registered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    converted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # End of attribution: clicked_at + the affiliate's cookie_days.
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    affiliate: Mapped[Affiliate] = relationship(back_populates="referrals", lazy="raise")


class AffiliatePayout(IdMixin, UuidMixin, TimestampMixin, Base):
    __tablename__ = "affiliate_payouts"

    # RESTRICT: a payout is a money record and must survive.
    affiliate_id: Mapped[int] = fk("affiliates.id", ondelete="RESTRICT")
    amount: Mapped[Decimal] = money()
    currency: Mapped[str] = mapped_column(String(3), default="USD", server_default="USD")
    # As affiliates.payment_method (plain string, no value set in constraints.md).
    payment_method: Mapped[str | None] = mapped_column(String(32))
    payment_details: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    transaction_id: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[AffiliatePayoutStatus] = choice(
        AffiliatePayoutStatus, AffiliatePayoutStatus.PENDING, index=True
    )
    notes: Mapped[str | None] = mapped_column(Text)
    processed_by: Mapped[int | None] = fk("users.id", ondelete="SET NULL", nullable=True)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    affiliate: Mapped[Affiliate] = relationship(back_populates="payouts", lazy="raise")
