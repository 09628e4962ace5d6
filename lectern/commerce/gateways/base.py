"""What every payment gateway does for Lectern, in its own protocol.

A gateway starts the payment of an order (a page to send the buyer to, and its own reference
for the payment), reads the events it reports (webhooks: signature checked, turned into a
``GatewayEvent``), and pays money back. What an event does to an order is decided in one
place, the settlement (``commerce.payments.settlement``), whatever gateway reported it.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal, Protocol

from lectern.commerce.money import unit_of
from lectern.errors import InvalidInput
from lectern.models import Order, OrderItem

# What an event means for an order, whatever the gateway calls it; "noted" changes nothing
# (a checkout completed whose bank transfer is still on its way, say).
EventKind = Literal["paid", "failed", "expired", "refunded", "noted"]


@dataclass(frozen=True)
class PaymentStart:
    """Where to send the buyer to pay (None: they pay outside, a bank transfer), and the
    gateway's reference for the payment."""

    url: str | None
    reference: str | None


@dataclass(frozen=True)
class GatewayEvent:
    gateway: str
    event_id: str
    type: str  # the gateway's own name for it
    kind: EventKind
    order: uuid.UUID
    payment: str | None  # the gateway's id of the payment (the order's transaction_id)
    amount: int | None  # in the currency's minor units, as gateways count
    currency: str | None
    payload: dict[str, Any] = field(default_factory=dict)


class BadEvent(InvalidInput):
    """A webhook that is not a genuine, fresh event of ours: nothing of it is kept."""

    status = 400
    code = "bad_event"


class Gateway(Protocol):
    name: str

    async def start(self, order: Order, items: list[OrderItem]) -> PaymentStart:
        """Open the payment of ``order`` (pending, total above zero) of ``items``."""
        ...

    def read_event(self, body: bytes, headers: Mapping[str, str]) -> GatewayEvent:
        """The event a webhook carries; BadEvent when it is not signed by the gateway, too
        old, or not one Lectern handles."""
        ...

    async def refund(self, order: Order, amount: Decimal) -> str:
        """Pay ``amount`` of ``order`` back; the gateway's reference of the refund."""
        ...

    async def look_up(self, order: Order) -> GatewayEvent | None:
        """What the gateway knows of the pending ``order``'s payment now, as an event (for
        the reconciling job: a webhook that never came), or None when nothing happened."""
        ...


def in_minor_units(amount: Decimal, currency: str) -> int:
    """12.34 USD → 1234; 500 JPY → 500."""
    return int(amount / unit_of(currency))
