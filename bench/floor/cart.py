"""The floor of the cart read (see bench.floor): a signed-in user's cart, priced now.

The token's user, the user's cart and its lines with their courses' (and classes') sale
columns and the buyer's standing: Lectern's own statements, compiled for PostgreSQL, run
without a transaction as Lectern's prebuilt reads. Whether each line can be bought is
Lectern's own pure function (``cart.service._line``, work Lectern does too), over the
rows with money made Decimal from its integer hundredths. The benchmark's carts hold no
coupon, so neither reads one.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import asyncpg
from pydantic_core import to_json

from bench.floor import Problem, Scope, args, claims_of, hundredths
from bench.floor.learning import TOKEN_USER
from lectern.commerce.cart import service
from lectern.config import AuthSettings

# The columns stored as integer hundredths, which Lectern reads as Decimal.
_MONEY = ("price", "class_price", "item_price")


async def cart(pool: asyncpg.Pool, auth: AuthSettings, scope: Scope) -> bytes:
    claims = claims_of(scope, auth)
    async with pool.acquire() as conn:
        user = await conn.fetchrow(TOKEN_USER, claims.subject)
        if user is None or user["status"] != "active":
            raise Problem(401, "the access token is not valid")
        found = await conn.fetchrow(*args(service._USER_CART, user_id=user["id"]))
        rows = (
            await conn.fetch(*args(service._CART_LINES, user_id=user["id"], cart_id=found["id"]))
            if found is not None
            else []
        )
    now = datetime.now(UTC)
    lines = []
    for row in rows:
        values = dict(row)
        for key in _MONEY:
            values[key] = hundredths(values[key])
        lines.append((values, service._line(SimpleNamespace(**values), user["id"], now)))
    currency = lines[0][1].course.currency if lines else None
    items = []
    subtotal = Decimal(0)
    for values, line in lines:
        reason = line.reason
        if line.course.currency != currency and reason is None:
            reason = "currency_mismatch"
        if reason is None and line.price is not None:
            subtotal += line.price
        items.append(_item(values, line.price, reason, line.live_class_id))
    return to_json(
        {
            "items": items,
            "currency": currency,
            "subtotal": subtotal,
            "coupon": None,
            "discount": Decimal(0),
            "coupon_problem": None,
            "total": subtotal,
            "count": len(items),
        }
    )


def _item(
    row: dict[str, Any], price: Decimal | None, reason: str | None, class_id: int | None
) -> dict[str, Any]:
    return {
        "id": row["item_id"],
        "item_type": row["item_item_type"],
        "course": {
            "uuid": row["uuid"],
            "slug": row["slug"],
            "title": row["title"],
            "thumbnail": row["thumbnail"],
            "instructor_name": row["instructor_name"],
        },
        "live_class": (
            {
                "uuid": row["live_class_uuid"],
                "title": row["class_title"],
                "scheduled_at": row["class_scheduled_at"],
            }
            if class_id is not None
            else None
        ),
        "price": price,
        "price_when_added": row["item_price"],
        "currency": row["currency"],
        "purchasable": reason is None,
        "reason": reason,
    }
