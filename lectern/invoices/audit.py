"""The invoices' rules of the money audit: invoice and credit-note numbers run 1, 2, 3 … in
each year with no gap (and their series' counter agrees), and credit notes credit what their
refund paid back, never more than the order's total."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.invoices.service import CREDIT_NOTE, INVOICE
from lectern.models import CreditNote, NumberSequence, Order, Refund


async def problems(session: AsyncSession) -> list[str]:
    invoices = await session.scalars(
        select(Order.invoice_number).where(Order.invoice_number.is_not(None))
    )
    notes = await session.scalars(select(CreditNote.number))
    counters = {
        (row.series, row.year): row.last_number
        for row in await session.execute(
            select(NumberSequence.series, NumberSequence.year, NumberSequence.last_number)
        )
    }
    found = _gaps(INVOICE, [n for n in invoices if n], counters)
    found += _gaps(CREDIT_NOTE, list(notes), counters)
    return found + await _credit_notes(session)


def _gaps(series: str, numbers: list[str], counters: dict[tuple[str, int], int]) -> list[str]:
    by_year: defaultdict[int, list[int]] = defaultdict(list)
    for number in numbers:
        _, year_text, sequence = number.split("-")
        by_year[int(year_text)].append(int(sequence))
    found = []
    for (name, year), last in sorted(counters.items()):
        if name == series and year not in by_year and last:
            found.append(f"{series} {year}: the counter is at {last} but no document has a number")
    for year, taken in sorted(by_year.items()):
        missing = sorted(set(range(1, max(taken) + 1)) - set(taken))
        if missing:
            shown = ", ".join(f"{series}-{year}-{n:06d}" for n in missing[:10])
            found.append(f"{series} {year}: numbers missing: {shown}")
        if counters.get((series, year)) != max(taken):
            found.append(
                f"{series} {year}: the counter is at {counters.get((series, year))}, the last "
                f"number given is {max(taken)}"
            )
    return found


async def _credit_notes(session: AsyncSession) -> list[str]:
    rows = await session.execute(
        select(CreditNote.number, CreditNote.amount, Refund.amount.label("refunded"))
        .join(Refund, Refund.id == CreditNote.refund_id)
        .where(CreditNote.amount != Refund.amount)
    )
    found = [
        f"credit note {row.number}: credits {row.amount}, its refund paid back {row.refunded}"
        for row in rows
    ]
    credited = (
        select(CreditNote.order_id, func.sum(CreditNote.amount).label("amount"))
        .group_by(CreditNote.order_id)
        .subquery()
    )
    over = await session.execute(
        select(Order.order_number, Order.total, credited.c.amount)
        .join(credited, credited.c.order_id == Order.id)
        .where(credited.c.amount > Order.total)
    )
    return found + [
        f"order {row.order_number}: credit notes of {row.amount} exceed its total {row.total}"
        for row in over
    ]
