"""Currencies: the ISO 4217 codes money may be in (the ``iso4217`` package's table of the
standard), with their minor units (2 for USD, 0 for JPY, 3 for KWD).

Funds, precious metals and testing codes (XAU, XDR, XXX …) have no minor units and are not
money a course is sold in.
"""

from __future__ import annotations

from typing import Annotated

from iso4217 import Currency
from pydantic import AfterValidator, Field


def money_currency(code: str) -> Currency | None:
    """The currency of ``code`` (upper case), if money may be in it."""
    try:
        currency = Currency(code)
    except ValueError:
        return None
    return currency if currency.exponent is not None else None


def minor_units(code: str) -> int:
    """Digits after the decimal point of ``code``'s amounts (2 for USD, 0 for JPY)."""
    currency = money_currency(code)
    if currency is None or currency.exponent is None:
        raise ValueError(f"{code!r} is not a currency money is kept in")
    return currency.exponent


def _known(code: str) -> str:
    if money_currency(code) is None:
        raise ValueError(f"{code!r} is not an ISO 4217 currency code")
    return code


# A request field naming a currency: three capital letters that ISO 4217 knows.
CurrencyCode = Annotated[
    str,
    Field(pattern=r"^[A-Z]{3}$", examples=["USD", "EUR", "JPY"]),
    AfterValidator(_known),
]
