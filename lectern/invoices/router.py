"""HTTP routes of invoices: the PDFs of an order's invoice and of a refund's credit note."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Path
from fastapi.responses import Response

from lectern.db import SessionDep
from lectern.errors import problem_responses
from lectern.invoices import documents, service
from lectern.kit.downloads import PDF_RESPONSE, pdf_attachment
from lectern.kit.routing import ApiRouter
from lectern.security.dependencies import CurrentUser

router = ApiRouter(prefix="", tags=["invoices"])


@router.get(
    "/orders/{order_uuid}/invoice.pdf",
    summary="The invoice of an order (the buyer's, or any for admins)",
    description="Numbered without gaps per year when the order was paid, rendered once and "
    "served as it was from then on. 404 `no_invoice` for an order not paid, or that cost "
    "nothing.",
    response_class=Response,
    responses={**PDF_RESPONSE, **problem_responses(401, 404, 422)},
)
async def invoice(
    session: SessionDep,
    user: CurrentUser,
    order_uuid: Annotated[uuid.UUID, Path(description="The order's uuid.")],
) -> Response:
    order = await service.invoiced_order(session, user, order_uuid)
    pdf = await documents.invoice_pdf(session, order)
    return pdf_attachment(pdf, order.invoice_number or "invoice")


@router.get(
    "/refunds/{refund_uuid}/credit-note.pdf",
    summary="The credit note of a refund (the buyer's, or any for admins)",
    description="Issued when the refund was paid back, with its own gapless numbers, citing "
    "the order's invoice. 404 `no_credit_note` before that.",
    response_class=Response,
    responses={**PDF_RESPONSE, **problem_responses(401, 404, 422)},
)
async def credit_note(
    session: SessionDep,
    user: CurrentUser,
    refund_uuid: Annotated[uuid.UUID, Path(description="The refund's uuid.")],
) -> Response:
    note = await service.credit_note_of(session, user, refund_uuid)
    return pdf_attachment(await documents.credit_note_pdf(session, note), note.number)
