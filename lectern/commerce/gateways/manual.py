"""The manual gateway: the buyer pays outside Lectern (a bank transfer quoting the order
number) and an admin records the payment, which is then settled like any gateway's event."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from decimal import Decimal

from lectern.commerce.gateways.base import BadEvent, GatewayEvent, PaymentStart, in_minor_units
from lectern.models import Order, OrderItem


class ManualGateway:
    name = "manual"

    async def start(self, order: Order, items: list[OrderItem]) -> PaymentStart:
        return PaymentStart(url=None, reference=None)

    def read_event(self, body: bytes, headers: Mapping[str, str]) -> GatewayEvent:
        raise BadEvent("payments by transfer are recorded by an admin, not by webhook")

    async def refund(self, order: Order, amount: Decimal) -> str:
        # The money goes back the way it came, by hand; the reference ties the two together.
        return f"manual_re_{secrets.token_hex(8)}"

    async def look_up(self, order: Order) -> GatewayEvent | None:
        return None  # an admin records the transfer


def recorded_payment(order: Order, reference: str) -> GatewayEvent:
    """An admin's record that ``order`` was paid in full: one per order, so two admins
    recording it at once record it once."""
    return GatewayEvent(
        gateway=ManualGateway.name,
        event_id=f"paid:{order.uuid}",
        type="transfer.received",
        kind="paid",
        order=order.uuid,
        payment=reference,
        amount=in_minor_units(order.total, order.currency),
        currency=order.currency,
        payload={"reference": reference},
    )
