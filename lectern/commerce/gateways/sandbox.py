"""The sandbox gateway: payments that only pretend, for a school being tried out or tested.

The buyer is sent to a page Lectern serves, whose buttons say how the payment went. Each
press becomes a webhook event signed the way Stripe signs its own (an HMAC-SHA256 of
``"{timestamp}.{body}"`` in a ``t=…,v1=…`` header, five minutes' tolerance) and goes through
the same reading and settlement as a real gateway's. Settings refuse the sandbox when Lectern
runs in production.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
import uuid
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Literal

from lectern.commerce.gateways.base import BadEvent, GatewayEvent, PaymentStart, in_minor_units
from lectern.config import auth_settings, payment_settings
from lectern.kit.links import app_link
from lectern.models import Order, OrderItem

SIGNATURE_HEADER = "Lectern-Signature"
TOLERANCE_SECONDS = 300
Outcome = Literal["succeeded", "failed"]
TYPES: dict[str, Literal["paid", "failed"]] = {
    "payment.succeeded": "paid",
    "payment.failed": "failed",
}


def secret() -> bytes:
    """The signing key: the configured one, or one derived from the JWT keys (so every
    process of one site agrees on it without another setting)."""
    configured = payment_settings().sandbox_webhook_secret
    if configured:
        return configured.encode()
    _, keys = auth_settings().signing_keys()
    material = "".join(keys[kid] for kid in sorted(keys)).encode()
    return hmac.new(material, b"lectern sandbox webhooks", hashlib.sha256).digest()


def sign(body: bytes, timestamp: int | None = None, key: bytes | None = None) -> str:
    """The signature header for ``body``."""
    stamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(key or secret(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={stamp},v1={digest}"


def event_body(order: Order, outcome: Outcome, *, amount: int | None = None) -> bytes:
    """The event a press of the pay page's button reports: the order's own amount unless
    ``amount`` (minor units) says otherwise."""
    event = {
        "id": f"evt_sbx_{secrets.token_hex(12)}",
        "type": "payment.succeeded" if outcome == "succeeded" else "payment.failed",
        "created": int(time.time()),
        "data": {
            "order": str(order.uuid),
            "payment": order.transaction_id,
            "amount": in_minor_units(order.total, order.currency) if amount is None else amount,
            "currency": order.currency,
        },
    }
    return json.dumps(event, separators=(",", ":")).encode()


class SandboxGateway:
    name = "sandbox"

    async def start(self, order: Order, items: list[OrderItem]) -> PaymentStart:
        return PaymentStart(
            url=app_link("sandbox_payment", order=order.uuid),
            reference=f"sbx_pay_{secrets.token_hex(12)}",
        )

    def read_event(self, body: bytes, headers: Mapping[str, str]) -> GatewayEvent:
        _verify(body, headers.get(SIGNATURE_HEADER, ""))
        try:
            event = json.loads(body)
            data = event["data"]
            kind = TYPES[event["type"]]
            return GatewayEvent(
                gateway=self.name,
                event_id=_text(event["id"]),
                type=event["type"],
                kind=kind,
                order=uuid.UUID(_text(data["order"])),
                payment=data.get("payment"),
                amount=_whole(data["amount"]),
                currency=_text(data["currency"]),
                payload=event,
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise BadEvent("the event is not one the sandbox sends", code="unknown_event") from exc

    async def refund(self, order: Order, amount: Decimal) -> str:
        return f"sbx_re_{secrets.token_hex(12)}"

    async def look_up(self, order: Order) -> GatewayEvent | None:
        return None  # its events come from its own pay page, never late


def _verify(body: bytes, header: str) -> None:
    parts: dict[str, list[str]] = {}
    for item in header.split(","):
        name, _, value = item.strip().partition("=")
        parts.setdefault(name, []).append(value)
    try:
        stamp = int(parts["t"][0])
    except (KeyError, ValueError) as exc:
        raise BadEvent("the event carries no valid signature", code="bad_signature") from exc
    expected = sign(body, stamp)[len(f"t={stamp},v1=") :]
    if not any(hmac.compare_digest(expected, given) for given in parts.get("v1", [])):
        raise BadEvent("the event's signature does not match", code="bad_signature")
    if abs(time.time() - stamp) > TOLERANCE_SECONDS:
        raise BadEvent("the event was signed too long ago (a replay?)", code="signature_too_old")


def _text(value: Any) -> str:
    if not isinstance(value, str) or not 0 < len(value) <= 255:
        raise ValueError("not a short text")
    return value


def _whole(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError("not a whole amount")
    return value
