"""Rendering invoices and credit notes to PDF (WeasyPrint), once.

A document is rendered from what the database holds (the order and its items as sold, the
seller as the settings say) and stored in the file storage under a key made from its number;
the row then points at it (a conditional update: the first render wins) and it is served as
stored from then on, never rendered again.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.commerce.money import unit_of
from lectern.kit import documents
from lectern.models import CreditNote, Order, OrderItem, Refund, RefundItem
from lectern.platform.service import get_value

_templates = Environment(
    loader=PackageLoader("lectern.invoices", "templates"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
)

SELLER = {
    "name": ("invoices.seller_name", "Lectern"),
    "address": ("invoices.seller_address", ""),
    "tax_id": ("invoices.seller_tax_id", ""),
}


async def _seller(session: AsyncSession) -> dict[str, str]:
    return {
        name: str(await get_value(session, key, default) or "")
        for name, (key, default) in SELLER.items()
    }


def _buyer(order: Order) -> dict[str, Any]:
    lines = [
        order.billing_address,
        " ".join(p for p in (order.billing_zip, order.billing_city) if p),
        order.billing_state,
        order.billing_country,
    ]
    return {
        "name": order.billing_name or "",
        "email": order.billing_email or "",
        "address": [line for line in lines if line],
    }


def _money(amount: Decimal, currency: str) -> str:
    return f"{amount.quantize(unit_of(currency))} {currency}"


async def invoice_pdf(session: AsyncSession, order: Order) -> bytes:
    """The order's invoice as stored, rendered and stored first if it was not yet."""
    assert order.invoice_number is not None
    if order.invoice_path:
        return await documents.read(order.invoice_path)
    items = list(
        await session.scalars(
            select(OrderItem).where(OrderItem.order_id == order.id).order_by(OrderItem.id)
        )
    )
    html = _templates.get_template("invoice.html").render(
        number=order.invoice_number,
        issued=f"{order.paid_at:%Y-%m-%d}",
        order_number=order.order_number,
        seller=await _seller(session),
        buyer=_buyer(order),
        items=[
            {
                "title": item.course_title,
                "price": _money(item.price, order.currency),
                "discount": _money(item.discount, order.currency) if item.discount else "",
                "amount": _money(item.final_price, order.currency),
            }
            for item in items
        ],
        subtotal=_money(order.subtotal, order.currency),
        discount=_money(order.discount_amount, order.currency) if order.discount_amount else "",
        coupon=order.coupon_code or "",
        tax=_money(order.tax_amount, order.currency) if order.tax_amount else "",
        total=_money(order.total, order.currency),
        gateway=order.payment_gateway or "",
        reference=order.transaction_id or "",
    )
    key = f"invoices/{order.paid_at:%Y}/{order.invoice_number}.pdf"
    return await documents.render_once(session, order, "invoice_path", key, html)


async def credit_note_pdf(session: AsyncSession, note: CreditNote) -> bytes:
    if note.pdf_path:
        return await documents.read(note.pdf_path)
    order = await session.get_one(Order, note.order_id)
    refund = await session.get_one(Refund, note.refund_id)
    rows = await session.execute(
        select(OrderItem.course_title, RefundItem.amount)
        .join(OrderItem, OrderItem.id == RefundItem.order_item_id)
        .where(RefundItem.refund_id == refund.id)
        .order_by(RefundItem.id)
    )
    html = _templates.get_template("credit_note.html").render(
        number=note.number,
        issued=f"{note.issued_at:%Y-%m-%d}",
        invoice_number=note.invoice_number,
        order_number=order.order_number,
        seller=await _seller(session),
        buyer=_buyer(order),
        items=[
            {"title": row.course_title, "amount": _money(row.amount, note.currency)} for row in rows
        ],
        total=_money(note.amount, note.currency),
        reason=refund.reason or "",
    )
    key = f"credit-notes/{note.issued_at:%Y}/{note.number}.pdf"
    return await documents.render_once(session, note, "pdf_path", key, html)
