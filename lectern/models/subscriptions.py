"""Subscription plans, subscriptions and subscription invoices (migration step 12)."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import Date, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lectern.kit.types import JSONType, UTCDateTime
from lectern.models.base import (
    Base,
    IdMixin,
    SoftDeleteMixin,
    TimestampMixin,
    UuidMixin,
    choice,
    fk,
    flag,
    money,
)

if TYPE_CHECKING:
    from lectern.models.users import User


class SubscriptionPlanBillingPeriod(enum.StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    YEARLY = "yearly"
    LIFETIME = "lifetime"


class SubscriptionStatus(enum.StrEnum):
    ACTIVE = "active"
    TRIALING = "trialing"
    PAST_DUE = "past_due"
    PAUSED = "paused"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class SubscriptionInvoiceStatus(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    PAID = "paid"
    VOID = "void"
    UNCOLLECTIBLE = "uncollectible"


class SubscriptionPlan(IdMixin, TimestampMixin, SoftDeleteMixin, Base):
    __tablename__ = "subscription_plans"

    name: Mapped[str] = mapped_column(String(255))
    slug: Mapped[str] = mapped_column(String(255), unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    badge_text: Mapped[str | None] = mapped_column(String(50))
    badge_color: Mapped[str | None] = mapped_column(String(32))
    price: Mapped[Decimal] = money()
    currency: Mapped[str] = mapped_column(String(3), default="USD", server_default="USD")
    billing_period: Mapped[SubscriptionPlanBillingPeriod] = choice(
        SubscriptionPlanBillingPeriod, SubscriptionPlanBillingPeriod.MONTHLY
    )
    # Bills every billing_interval periods (2 + monthly = every two months).
    billing_interval: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    has_trial: Mapped[bool] = flag(False)
    trial_days: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    features: Mapped[list[Any] | None] = mapped_column(JSONType)
    access_all_courses: Mapped[bool] = flag(False)
    # Category / course ids.
    included_categories: Mapped[list[Any] | None] = mapped_column(JSONType)
    excluded_courses: Mapped[list[Any] | None] = mapped_column(JSONType)
    # NULL means unlimited.
    max_courses: Mapped[int | None] = mapped_column(Integer)
    download_resources: Mapped[bool] = flag(False)
    certificates: Mapped[bool] = flag(True)
    priority_support: Mapped[bool] = flag(False)
    is_popular: Mapped[bool] = flag(False)
    is_active: Mapped[bool] = flag(True, index=True)
    order: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    stripe_product_id: Mapped[str | None] = mapped_column(String(255))
    stripe_price_id: Mapped[str | None] = mapped_column(String(255))
    paypal_plan_id: Mapped[str | None] = mapped_column(String(255))

    subscriptions: Mapped[list[Subscription]] = relationship(
        # RESTRICT: a plan with subscribers is soft-deleted, never removed.
        back_populates="plan",
        lazy="raise",
        passive_deletes="all",
    )


class Subscription(IdMixin, UuidMixin, TimestampMixin, SoftDeleteMixin, Base):
    __tablename__ = "subscriptions"
    __table_args__ = (Index(None, "user_id", "status"),)

    # RESTRICT: subscriptions are billing records (users are soft-deleted).
    user_id: Mapped[int] = fk("users.id", ondelete="RESTRICT", index=False)
    plan_id: Mapped[int] = fk("subscription_plans.id", ondelete="RESTRICT")
    # The payment gateway's id for the subscription; webhooks look it up.
    subscription_id: Mapped[str | None] = mapped_column(String(255), index=True)
    status: Mapped[SubscriptionStatus] = choice(
        SubscriptionStatus, SubscriptionStatus.ACTIVE, index=True
    )
    # The price agreed at sign-up (the plan's price may change later).
    price: Mapped[Decimal] = money()
    currency: Mapped[str] = mapped_column(String(3), default="USD", server_default="USD")
    payment_method: Mapped[str | None] = mapped_column(String(50))
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    trial_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    current_period_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    current_period_end: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancellation_reason: Mapped[str | None] = mapped_column(Text)
    cancel_at_period_end: Mapped[bool] = flag(False)
    stripe_subscription_id: Mapped[str | None] = mapped_column(String(255), index=True)
    paypal_subscription_id: Mapped[str | None] = mapped_column(String(255), index=True)

    user: Mapped[User] = relationship("User", lazy="raise")
    plan: Mapped[SubscriptionPlan] = relationship(back_populates="subscriptions", lazy="raise")
    invoices: Mapped[list[SubscriptionInvoice]] = relationship(
        # RESTRICT: invoices are money records; leave the refusal to the database.
        back_populates="subscription",
        lazy="raise",
        passive_deletes="all",
    )


class SubscriptionInvoice(IdMixin, TimestampMixin, Base):
    __tablename__ = "subscription_invoices"
    # One invoice per subscription and billing period: a renewal job that runs twice
    # cannot bill twice.
    __table_args__ = (UniqueConstraint("subscription_id", "billing_period_start"),)

    invoice_number: Mapped[str] = mapped_column(String(64), unique=True)
    subscription_id: Mapped[int] = fk("subscriptions.id", ondelete="RESTRICT", index=False)
    user_id: Mapped[int] = fk("users.id", ondelete="RESTRICT")
    amount: Mapped[Decimal] = money()
    tax: Mapped[Decimal] = money()
    total: Mapped[Decimal] = money()
    currency: Mapped[str] = mapped_column(String(3), default="USD", server_default="USD")
    status: Mapped[SubscriptionInvoiceStatus] = choice(
        SubscriptionInvoiceStatus, SubscriptionInvoiceStatus.OPEN, index=True
    )
    billing_period_start: Mapped[date | None] = mapped_column(Date)
    billing_period_end: Mapped[date | None] = mapped_column(Date)
    due_date: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    payment_method: Mapped[str | None] = mapped_column(String(50))
    transaction_id: Mapped[str | None] = mapped_column(String(255))
    pdf_path: Mapped[str | None] = mapped_column(String(1024))

    subscription: Mapped[Subscription] = relationship(back_populates="invoices", lazy="raise")
