"""Tax on an order, from the platform's settings: a rate per billing country
(``tax.rates``, percent), and whether prices already include it (``tax.prices_include_tax``).

- Prices **exclusive** of tax: the tax is the rate on what the buyer pays after the discount,
  rounded half up to the currency's minor unit, and is added to the total.
- Prices **inclusive** of tax: the total is what the buyer pays after the discount, and the
  tax is the part of it the rate accounts for (total - total / (1 + rate)), rounded alike.

Either way an order's items together are worth ``total - tax_amount`` before tax; each
item's share of it (``item_nets``) is what the revenue split divides.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from lectern.commerce.money import allocate, unit_of
from lectern.platform.service import get_value

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class TaxRule:
    rate: Decimal  # percent
    inclusive: bool


@dataclass(frozen=True)
class Taxed:
    tax: Decimal
    total: Decimal


async def rule_for(session: AsyncSession, country: str | None) -> TaxRule:
    rates = await get_value(session, "tax.rates", {})
    inclusive = bool(await get_value(session, "tax.prices_include_tax", False))
    rate = rates.get(country) if country and isinstance(rates, dict) else None
    return TaxRule(Decimal(str(rate)) if rate is not None else Decimal(0), inclusive)


def apply(rule: TaxRule, net: Decimal, currency: str) -> Taxed:
    """The tax on ``net`` (what the buyer pays after the discount), and the total."""
    unit = unit_of(currency)
    if rule.rate == 0 or net == 0:
        return Taxed(net * 0, net)
    if rule.inclusive:
        tax = (net - net * HUNDRED / (HUNDRED + rule.rate)).quantize(unit, ROUND_HALF_UP)
        return Taxed(tax, net)
    tax = (net * rule.rate / HUNDRED).quantize(unit, ROUND_HALF_UP)
    return Taxed(tax, net + tax)


def item_nets(
    total: Decimal, tax: Decimal, final_prices: list[Decimal], currency: str
) -> list[Decimal]:
    """Each item's worth before tax: ``total - tax`` shared by the items' prices after
    discount (largest remainder, to the minor unit). Items of a free order are worth 0."""
    net = total - tax
    if not final_prices:
        return []
    if sum(final_prices, Decimal(0)) == 0:
        return [net * 0 for _ in final_prices]
    return allocate(net, final_prices, unit_of(currency))
