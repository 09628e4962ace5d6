"""Mail providers' bounce and complaint webhooks, read into ``MailEvent``s: one interface,
a reader per provider (Postmark's), and a generic one any provider can be bridged to."""

from __future__ import annotations

from typing import Any, Protocol

from lectern.mail.suppression import MailEvent
from lectern.models import EmailSuppressionReason


class EventReader(Protocol):
    name: str

    def read(self, payload: dict[str, Any]) -> list[MailEvent]: ...


class Generic:
    """``{"type": "bounce" | "complaint", "email": ..., "permanent": true, "detail": ...}``;
    a bounce that is not permanent changes nothing."""

    name = "generic"

    def read(self, payload: dict[str, Any]) -> list[MailEvent]:
        kind, email = payload.get("type"), payload.get("email")
        if not isinstance(email, str) or "@" not in email:
            return []
        detail = payload.get("detail") if isinstance(payload.get("detail"), str) else None
        if kind == "complaint":
            return [MailEvent(email, EmailSuppressionReason.COMPLAINT, detail)]
        if kind == "bounce" and payload.get("permanent", True) is True:
            return [MailEvent(email, EmailSuppressionReason.BOUNCE, detail)]
        return []


class Postmark:
    """Postmark's Bounce webhook (hard bounces: ``Type`` HardBounce, BadEmailAddress,
    ManuallyDeactivated) and SpamComplaint webhook."""

    name = "postmark"
    PERMANENT = frozenset({"HardBounce", "BadEmailAddress", "ManuallyDeactivated"})

    def read(self, payload: dict[str, Any]) -> list[MailEvent]:
        email = payload.get("Email")
        if not isinstance(email, str) or "@" not in email:
            return []
        detail = payload.get("Description") if isinstance(payload.get("Description"), str) else None
        if payload.get("RecordType") == "SpamComplaint":
            return [MailEvent(email, EmailSuppressionReason.COMPLAINT, detail)]
        if payload.get("RecordType") == "Bounce" and payload.get("Type") in self.PERMANENT:
            return [MailEvent(email, EmailSuppressionReason.BOUNCE, detail)]
        return []


READERS: dict[str, EventReader] = {reader.name: reader for reader in (Generic(), Postmark())}
