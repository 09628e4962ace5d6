"""Splitting money exactly: parts in a currency's minor units that add up to the whole.

`allocate` shares an amount out in proportion to weights by the largest-remainder method:
each part gets its proportional share rounded down to the minor unit, and the units left over
go one each to the parts with the largest remainders (ties to the earlier part), so the parts
always add up to the amount, to the cent.
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal

from lectern.kit.currencies import minor_units


def unit_of(currency: str) -> Decimal:
    """The currency's smallest amount: 0.01 USD, 1 JPY, 0.001 KWD."""
    return Decimal(1).scaleb(-minor_units(currency))


def allocate(amount: Decimal, weights: list[Decimal], unit: Decimal) -> list[Decimal]:
    """``amount`` (a whole number of ``unit``) shared in proportion to ``weights`` (not all
    zero); parts add up to ``amount`` exactly."""
    if not weights:
        return []
    total_weight = sum(weights, Decimal(0))
    if total_weight <= 0:
        raise ValueError("the weights must add up to more than zero")
    units = int(amount / unit)
    if Decimal(units) * unit != amount:
        raise ValueError(f"{amount} is not a whole number of {unit}")
    exact = [Decimal(units) * weight / total_weight for weight in weights]
    parts = [int(share.to_integral_value(ROUND_FLOOR)) for share in exact]
    left = units - sum(parts)
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(exact[i] - parts[i]), i))
    for index in by_remainder[:left]:
        parts[index] += 1
    return [Decimal(part) * unit for part in parts]
