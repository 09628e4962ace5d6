"""The e-mail job: render a template and deliver it."""

from __future__ import annotations

from typing import Any

from lectern.jobs import broker
from lectern.mail.sending import deliver, render


@broker.task(task_name="lectern.mail.send")
async def send_email(to: str, template: str, context: dict[str, Any]) -> None:
    """Send ``template`` to ``to``. Context values must be JSON-serialisable."""
    await deliver(render(template, {**context, "to": to}))
