"""HTTP routes of invoices: the PDFs of an order's invoice and of a refund's credit note."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import Path
from fastapi.responses import Response

from lectern.db import SessionDep
from lectern.errors import problem_responses
from lectern.invoices import documents, service
from lectern.kit.routing import ApiRouter
from lectern.security.dependencies import CurrentUser

router = ApiRouter(prefix="", tags=["invoices"])

PDF: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/pdf": {}}, "description": "The PDF."}
}


def _pdf(content: bytes, name: str) -> Response:
    return Response(
        content,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{name}.pdf"',
            "Cache-Control": "private, max-age=3600",
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.get(
    "/orders/{order_uuid}/invoice.pdf",
    summary="The invoice of an order (the buyer's, or any for admins)",
    description="Numbered without gaps per year when the order was paid, rendered once and "
    "served as it was from then on. 404 `no_invoice` for an order not paid, or that cost "
    "nothing.",
    response_class=Response,
    responses={**PDF, **problem_responses(401, 404, 422)},
)
async def invoice(
    session: SessionDep,
    user: CurrentUser,
    order_uuid: Annotated[uuid.UUID, Path(description="The order's uuid.")],
) -> Response:
    order = await service.invoiced_order(session, user, order_uuid)
    pdf = await documents.invoice_pdf(session, order)
    return _pdf(pdf, order.invoice_number or "invoice")


@router.get(
    "/refunds/{refund_uuid}/credit-note.pdf",
    summary="The credit note of a refund (the buyer's, or any for admins)",
    description="Issued when the refund was paid back, with its own gapless numbers, citing "
    "the order's invoice. 404 `no_credit_note` before that.",
    response_class=Response,
    responses={**PDF, **problem_responses(401, 404, 422)},
)
async def credit_note(
    session: SessionDep,
    user: CurrentUser,
    refund_uuid: Annotated[uuid.UUID, Path(description="The refund's uuid.")],
) -> Response:
    note = await service.credit_note_of(session, user, refund_uuid)
    return _pdf(await documents.credit_note_pdf(session, note), note.number)
