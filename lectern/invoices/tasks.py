"""Background jobs of invoices: rendering a document once its number is committed."""

from __future__ import annotations

from lectern.db import unit_of_work
from lectern.invoices import documents
from lectern.jobs import broker
from lectern.models import CreditNote, Order


@broker.task(task_name="lectern.invoices.render_invoice")
async def render_invoice(order_id: int) -> None:
    """Render and store the order's invoice (nothing when it is stored already)."""
    async with unit_of_work() as session:
        order = await session.get(Order, order_id)
        if order is not None and order.invoice_number and not order.invoice_path:
            await documents.invoice_pdf(session, order)


@broker.task(task_name="lectern.invoices.render_credit_note")
async def render_credit_note(credit_note_id: int) -> None:
    async with unit_of_work() as session:
        note = await session.get(CreditNote, credit_note_id)
        if note is not None and not note.pdf_path:
            await documents.credit_note_pdf(session, note)
