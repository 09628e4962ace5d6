"""Countries: the ISO 3166-1 alpha-2 codes of billing addresses and tax rates (``pycountry``'s
table of the standard)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

import pycountry
from pydantic import AfterValidator, Field


def is_country(code: str) -> bool:
    """Whether ``code`` (two capital letters) is a country ISO 3166-1 knows."""
    return len(code) == 2 and code.isupper() and pycountry.countries.get(alpha_2=code) is not None


def _known(code: str) -> str:
    if not is_country(code):
        raise ValueError(f"{code!r} is not an ISO 3166-1 alpha-2 country code")
    return code


# A request field naming a country: two capital letters that ISO 3166-1 knows.
CountryCode = Annotated[
    str,
    Field(min_length=2, max_length=2, pattern=r"^[A-Z]{2}$", examples=["DE"]),
    AfterValidator(_known),
]


def percentages_problem(value: Any) -> str | None:
    """Why ``value`` is not an object of country codes to percentages (0-100, at most four
    decimals: 8.875 is fine), or None when it is; tax rates are kept so."""
    if not isinstance(value, dict):
        return 'must be an object of country codes to percentages, such as {"DE": 19}'
    for country, rate in value.items():
        if not is_country(country):
            return f"{country!r} is not an ISO 3166-1 alpha-2 country code"
        if isinstance(rate, bool) or not isinstance(rate, int | float | str):
            return f"the rate of {country} must be a number"
        try:
            percent = Decimal(str(rate))
        except InvalidOperation:
            return f"the rate of {country} must be a number"
        if not percent.is_finite() or not Decimal(0) <= percent <= Decimal(100):
            return f"the rate of {country} must be a percentage from 0 to 100"
        if percent != percent.quantize(Decimal("0.0001")):
            return f"the rate of {country} has more than four decimals"
    return None
