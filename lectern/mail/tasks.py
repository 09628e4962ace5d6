"""The e-mail job: render a template and deliver it."""

from __future__ import annotations

import logging
from typing import Any

from lectern.db import unit_of_work
from lectern.jobs import broker
from lectern.mail import suppression
from lectern.mail.sending import deliver, render
from lectern.platform.service import get_value

log = logging.getLogger("lectern.mail")

# The platform settings every message shows: the site's name and where to write for help.
SITE_SETTINGS = {"site_name": "site.name", "support_email": "site.support_email"}


@broker.task(task_name="lectern.mail.send")
async def send_email(
    to: str,
    template: str,
    context: dict[str, Any],
    headers: dict[str, str] | None = None,
    calendar: str | None = None,
    language: str = "en",
) -> None:
    """Send ``template`` to ``to``, unless the address is suppressed for it (a bounce, a
    complaint: ``suppression``). Context values must be JSON-serialisable; the site's name
    and support address (platform settings) join every message's context."""
    site, blocked = await _site_and_suppression(to, template)
    if blocked:
        log.info("mail %s to a suppressed address not sent", template)
        return
    context = {**site, **context, "to": to}
    await deliver(render(template, context, headers=headers, calendar=calendar, language=language))


async def _site_and_suppression(to: str, template: str) -> tuple[dict[str, Any], bool]:
    """The site settings as they are now, and whether the address is suppressed for this
    message; when the database cannot tell, no settings (the templates' defaults) and not
    suppressed: a message is not held back for its footer."""
    try:
        async with unit_of_work() as session:
            found = {name: await get_value(session, key) for name, key in SITE_SETTINGS.items()}
            blocked = await suppression.blocks(session, to, template)
    except Exception:
        log.warning("the site's settings could not be read for an e-mail", exc_info=True)
        return {}, False
    return {name: value for name, value in found.items() if value}, blocked
