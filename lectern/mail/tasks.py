"""The e-mail job: render a template and deliver it."""

from __future__ import annotations

import logging
from typing import Any

from lectern.db import unit_of_work
from lectern.jobs import broker
from lectern.mail.sending import deliver, render
from lectern.platform.service import get_value

log = logging.getLogger("lectern.mail")

# The platform settings every message shows: the site's name and where to write for help.
SITE_SETTINGS = {"site_name": "site.name", "support_email": "site.support_email"}


@broker.task(task_name="lectern.mail.send")
async def send_email(to: str, template: str, context: dict[str, Any]) -> None:
    """Send ``template`` to ``to``. Context values must be JSON-serialisable; the site's
    name and support address (platform settings) join every message's context."""
    await deliver(render(template, {**await _site(), **context, "to": to}))


async def _site() -> dict[str, Any]:
    """The site settings as they are now; none when the database cannot tell (the message
    goes anyway, with the templates' defaults)."""
    try:
        async with unit_of_work() as session:
            found = {name: await get_value(session, key) for name, key in SITE_SETTINGS.items()}
    except Exception:  # a message is not held back for its footer
        log.warning("the site's settings could not be read for an e-mail", exc_info=True)
        return {}
    return {name: value for name, value in found.items() if value}
