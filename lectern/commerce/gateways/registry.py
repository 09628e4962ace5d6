"""The gateways this site takes payments through (``LECTERN_PAYMENT_GATEWAYS``)."""

from __future__ import annotations

from lectern.commerce.gateways.base import Gateway
from lectern.commerce.gateways.manual import ManualGateway
from lectern.commerce.gateways.sandbox import SandboxGateway
from lectern.commerce.gateways.stripe_gateway import StripeGateway
from lectern.config import payment_settings
from lectern.errors import InvalidInput, NotFound

_ALL: dict[str, Gateway] = {
    gateway.name: gateway for gateway in (SandboxGateway(), StripeGateway(), ManualGateway())
}


def enabled() -> list[str]:
    return list(payment_settings().payment_gateways)


def chosen(name: str | None) -> Gateway:
    """The gateway a buyer picked at checkout (the site's first one when they did not)."""
    names = enabled()
    if name is None:
        return _ALL[names[0]]
    if name not in names:
        raise InvalidInput(
            f"this site takes payments through {', '.join(names)}",
            code="gateway_unavailable",
            field="body.gateway",
        )
    return _ALL[name]


def serving(name: str) -> Gateway:
    """The gateway of an order or a webhook: 404 unless the site uses it."""
    if name not in enabled():
        raise NotFound("no such payment gateway here", code="gateway_unavailable")
    return _ALL[name]
