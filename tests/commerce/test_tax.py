"""Tax at checkout: a rate per billing country from the settings, prices exclusive or
inclusive of it, rounded half up to the currency's minor unit."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.commerce import tax
from lectern.kit.countries import percentages_problem
from lectern.models import Course, SettingType, User
from tests.auth.helpers import assert_problem
from tests.commerce.conftest import on_sale
from tests.commerce.test_checkout import CHECKOUT, counts, shop
from tests.conftest import bearer
from tests.factories.instructors import create_admin
from tests.factories.platform import create_setting


async def rates(db: AsyncSession, inclusive: bool = False, **by_country: object) -> None:
    await create_setting(db, "tax.rates", by_country, SettingType.JSON)
    await create_setting(db, "tax.prices_include_tax", inclusive, SettingType.BOOLEAN)


async def test_tax_is_added_on_top_for_the_billing_country(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, course: Course
) -> None:
    await rates(db, DE=19, FR=20)
    await shop(client, buyer, course)
    billing = {"name": "Bea B.", "email": "bea@firma.example", "city": "Köln", "country": "DE"}

    placed = await client.post(CHECKOUT, json={"billing": billing}, headers=bearer(buyer))

    assert placed.status_code == 201, placed.text
    body = placed.json()
    # 49.99 x 19 % = 9.4981 → 9.50
    assert (body["subtotal"], body["tax_amount"], body["total"]) == ("49.99", "9.50", "59.49")
    assert (body["billing_name"], body["billing_email"], body["billing_country"]) == (
        "Bea B.",
        "bea@firma.example",
        "DE",
    )


async def test_tax_is_taken_out_of_prices_that_include_it(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, course: Course
) -> None:
    await rates(db, inclusive=True, DE=19)
    await shop(client, buyer, course)

    placed = await client.post(CHECKOUT, json={"billing": {"country": "DE"}}, headers=bearer(buyer))

    body = placed.json()
    # 49.99 - 49.99 / 1.19 = 7.9816… → 7.98; the buyer pays the price
    assert (body["tax_amount"], body["total"]) == ("7.98", "49.99")
    assert (body["billing_name"], body["billing_email"]) == (buyer.name, buyer.email)


async def test_a_country_without_a_rate_or_no_billing_pays_no_tax(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, course: Course
) -> None:
    await rates(db, DE=19)
    await shop(client, buyer, course)

    placed = await client.post(CHECKOUT, json={"billing": {"country": "US"}}, headers=bearer(buyer))

    assert (placed.json()["tax_amount"], placed.json()["total"]) == ("0.00", "49.99")


async def test_a_currency_without_decimals_is_taxed_in_whole_units(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, seller: User
) -> None:
    await rates(db, JP=10)
    course = await on_sale(db, seller, "1999", currency="JPY")
    await shop(client, buyer, course)

    placed = await client.post(CHECKOUT, json={"billing": {"country": "JP"}}, headers=bearer(buyer))

    assert (placed.json()["tax_amount"], placed.json()["total"]) == ("200", "2199")


@pytest.mark.parametrize(
    ("billing", "field"),
    [
        ({"country": "XX"}, "country"),
        ({"country": "de"}, "country"),
        ({"email": "not an address"}, "email"),
        ({"name": ""}, "name"),
        ({"vat_id": "DE123"}, "vat_id"),
    ],
)
async def test_a_bad_billing_address_is_a_422_and_places_nothing(
    client: httpx.AsyncClient,
    db: AsyncSession,
    buyer: User,
    course: Course,
    billing: dict[str, str],
    field: str,
) -> None:
    await shop(client, buyer, course)

    refused = await client.post(CHECKOUT, json={"billing": billing}, headers=bearer(buyer))

    problem = assert_problem(refused, 422, "validation_error")
    assert problem["errors"][0]["loc"][-1] == field
    assert await counts(db) == (0, 0, 0)


@pytest.mark.parametrize(
    "value",
    [[19], {"XX": 19}, {"DE": 101}, {"DE": -1}, {"DE": "many"}, {"DE": True}, {"DE": 8.12345}],
)
async def test_tax_rates_an_admin_sets_are_checked(
    client: httpx.AsyncClient, db: AsyncSession, value: object
) -> None:
    admin = await create_admin(db)

    refused = await client.put(
        "/api/v1/settings/tax.rates",
        json={"value": value, "type": "json", "group": "payment"},
        headers=bearer(admin),
    )

    assert refused.status_code == 422, refused.text


def test_rates_with_up_to_four_decimals_are_fine() -> None:
    assert percentages_problem({"US": 8.875, "DE": "19", "CH": 0}) is None


@given(
    cents=st.integers(min_value=1, max_value=10**9),
    rate=st.decimals(min_value=0, max_value=100, places=4),
    inclusive=st.booleans(),
)
def test_tax_and_net_always_make_up_the_total(cents: int, rate: Decimal, inclusive: bool) -> None:
    net = Decimal(cents) / 100
    taxed = tax.apply(tax.TaxRule(rate, inclusive), net, "USD")

    assert taxed.tax == taxed.tax.quantize(Decimal("0.01"))
    assert Decimal(0) <= taxed.tax <= taxed.total
    assert taxed.total == (net if inclusive else net + taxed.tax)
    # The tax is within half a cent of the exact figure.
    exact = net * rate / 100 if not inclusive else net - net * 100 / (100 + rate)
    assert abs(taxed.tax - exact) <= Decimal("0.005")
