"""The facts commerce publishes (see lectern.events)."""

from __future__ import annotations

from dataclasses import dataclass

from lectern.events import Event


@dataclass(frozen=True)
class OrderPaid(Event):
    """An order was paid (or cost nothing) and its courses granted: receipts, affiliates,
    notifications and earnings react."""

    order_id: int
    user_id: int
    total: str  # a decimal string, in the order's currency
    currency: str


@dataclass(frozen=True)
class OrderRefunded(Event):
    """Some or all of a paid order was refunded: its access ended, its earnings reversed."""

    order_id: int
    refund_id: int
    amount: str  # a decimal string, in the order's currency
    currency: str
