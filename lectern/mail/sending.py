"""Rendering and delivering messages. Delivery is by SMTP when a host is configured,
else the message is written as an .eml file into the mail folder (the embedded default)."""

from __future__ import annotations

import asyncio
import functools
import uuid
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Any

import aiosmtplib
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from lectern.config import MailSettings, mail_settings
from lectern.kit.i18n import translate
from lectern.kit.links import app_url

_templates = Environment(
    loader=PackageLoader("lectern.mail", "templates"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    enable_async=False,
)

# What a message says of the site when the platform settings do not tell.
SITE_DEFAULTS: dict[str, Any] = {"site_name": "Lectern", "support_email": ""}


def render(
    template: str,
    context: dict[str, Any],
    settings: MailSettings | None = None,
    headers: dict[str, str] | None = None,
    calendar: str | None = None,
    language: str = "en",
) -> EmailMessage:
    """The message for ``template`` (``<name>.subject.txt``, ``.txt``, ``.html``); the plain
    text ends with the site's footer, as the HTML layout does. ``headers`` are added as
    they are (List-Unsubscribe ...); ``calendar``, an iCalendar document, is attached as
    ``invite.ics`` with its METHOD, which mail clients offer to add or update. Templates say
    their own words with ``t`` in the recipient's ``language``."""
    settings = settings or mail_settings()
    context = {
        "site_url": app_url(),
        **SITE_DEFAULTS,
        **context,
        "t": functools.partial(translate, language),
    }
    subject = _templates.get_template(f"{template}.subject.txt").render(context).strip()
    text = _templates.get_template(f"{template}.txt").render(context).rstrip("\n")
    text += "\n\n" + _templates.get_template("_footer.txt").render(context)
    html = _templates.get_template(f"{template}.html").render(context)
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = context["to"]
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="lectern.local")
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    if calendar is not None:
        message.add_attachment(
            calendar,
            subtype="calendar",
            filename="invite.ics",
            params={"method": _calendar_method(calendar)},
        )
    return message


def _calendar_method(calendar: str) -> str:
    for line in calendar.splitlines():
        if line.startswith("METHOD:"):
            return line.removeprefix("METHOD:").strip()
    return "PUBLISH"


async def deliver(message: EmailMessage, settings: MailSettings | None = None) -> None:
    settings = settings or mail_settings()
    if settings.smtp_host:
        await aiosmtplib.send(
            message,
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            username=settings.smtp_username,
            password=settings.smtp_password,
            start_tls=settings.smtp_starttls,
            use_tls=settings.smtp_tls,
            timeout=30,
        )
        return
    await asyncio.to_thread(_write, settings.mail_dir, bytes(message))


def _write(folder: Path, content: bytes) -> None:
    # Written under a temporary name and renamed, so whoever watches the folder (a mail
    # viewer, a test) never reads a half-written message.
    folder.mkdir(parents=True, exist_ok=True)
    name = uuid.uuid4().hex
    partial = folder / f".{name}.part"
    partial.write_bytes(content)
    partial.replace(folder / f"{name}.eml")
