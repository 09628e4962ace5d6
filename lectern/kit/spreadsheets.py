"""CSV exports a spreadsheet opens safely: cells that it would run as a formula start with a
quote, and rows are written out in batches as they stream."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterable, AsyncIterator, Iterable
from typing import Any

from fastapi.responses import StreamingResponse

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BATCH = 200


def csv_cell(value: Any) -> str:
    """A CSV cell that a spreadsheet shows as text: a leading formula character gets a quote."""
    if value is None:
        return ""
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


async def _lines(header: list[str], rows: AsyncIterable[Iterable[Any]]) -> AsyncIterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([csv_cell(cell) for cell in header])
    count = 0
    async for row in rows:
        writer.writerow([csv_cell(cell) for cell in row])
        count += 1
        if count % BATCH == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_download(
    file_name: str, header: list[str], rows: AsyncIterable[Iterable[Any]]
) -> StreamingResponse:
    """``rows`` streamed as a CSV attachment named ``file_name``."""
    return StreamingResponse(
        _lines(header, rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{file_name}"'},
    )


async def each(rows: Iterable[Iterable[Any]]) -> AsyncIterator[Iterable[Any]]:
    """Rows already in memory, as the stream ``csv_download`` takes."""
    for row in rows:
        yield row
