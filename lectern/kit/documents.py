"""PDF documents rendered once and kept (invoices, credit notes, certificates): HTML made
into a PDF with WeasyPrint, stored in the file storage, and the row pointed at it, so that
what was handed out once is what is handed out ever after."""

from __future__ import annotations

import asyncio
import io
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from lectern.kit.storage import storage


def html_to_pdf(html: str) -> bytes:
    # Imported here: WeasyPrint loads Pango when imported, which only documents need.
    from weasyprint import HTML  # type: ignore[import-untyped]
    from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]

    # Only data: URLs: documents embed their images, and a template an admin wrote cannot
    # make the server fetch an address.
    inline_only = URLFetcher(allowed_protocols={"data"})
    return bytes(HTML(string=html, url_fetcher=inline_only).write_pdf())


async def read(key: str) -> bytes:
    return b"".join([chunk async for chunk in storage().open(key)])


# PDFium is not thread-safe: one drawing at a time in the process (renders run in threads).
_pdfium = threading.Lock()


def pdf_to_png(pdf: bytes, width: int = 1200) -> bytes:
    """The PDF's first page as a PNG ``width`` pixels wide (PDFium draws it)."""
    import pypdfium2 as pdfium  # type: ignore[import-untyped]

    with _pdfium:
        document = pdfium.PdfDocument(pdf)
        try:
            page = document[0]
            image = page.render(scale=width / page.get_width()).to_pil()
            page.close()
        finally:
            document.close()
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


async def keep_once(
    session: AsyncSession, row: Any, column: str, key: str, make: Callable[[], bytes]
) -> bytes:
    """Make a document with ``make`` (in a thread), store it under ``key`` unless a maker
    got there first, and point ``row.<column>`` at it (a conditional update: the first
    wins)."""
    if await storage().exists(key):
        content = await read(key)
    else:
        content = await asyncio.to_thread(make)
        await storage().save(key, content)
    model = type(row)
    await session.execute(
        update(model)
        .where(model.id == row.id, getattr(model, column).is_(None))
        .values({column: key})
        .execution_options(synchronize_session=False)
    )
    set_committed_value(row, column, key)  # as the row now is, without writing it again
    return content


async def render_once(session: AsyncSession, row: Any, column: str, key: str, html: str) -> bytes:
    """Render ``html`` as a PDF and keep it (``keep_once``)."""
    return await keep_once(session, row, column, key, lambda: html_to_pdf(html))
