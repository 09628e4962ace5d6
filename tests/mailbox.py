"""An aiosmtpd handler that keeps what it receives, for tests that read their mail."""

from __future__ import annotations

import asyncio
import re
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from lectern import jobs


class Mailbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        return "250 OK"

    async def wait(self, count: int = 1, timeout: float = 5.0) -> list[EmailMessage]:
        """Wait for the app's jobs, then for ``count`` messages to have arrived."""
        await jobs.wait_for_jobs()
        async with asyncio.timeout(timeout):
            while len(self.messages) < count:
                await asyncio.sleep(0.01)
        return self.messages

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in str(m["To"])]


def body_text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def links(message: EmailMessage) -> list[str]:
    """The links in the message's text, above the footer (after the "-- " line)."""
    text = body_text(message).replace("\r\n", "\n").split("\n-- \n")[0]
    return re.findall(r"https?://\S+", text)
