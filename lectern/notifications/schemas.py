"""Bodies of the notification routes."""

from __future__ import annotations

import base64
import binascii
import ipaddress
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlsplit
from uuid import UUID

from pydantic import AfterValidator, Field, StringConstraints, field_validator

from lectern.config import app_settings
from lectern.kit.schemas import Input, Output, PageMeta


class NotificationOut(Output):
    uuid: UUID
    type: str = Field(description="Its kind: qa_replies, certificate_issued, new_reviews ...")
    title: str
    message: str | None
    action_url: str | None
    action_text: str | None
    notifiable_type: str | None
    notifiable_id: int | None
    data: dict[str, Any] | None
    read_at: datetime | None
    created_at: datetime


class NotificationPage(Output):
    items: list[NotificationOut]
    meta: PageMeta
    unread_count: int = Field(description="All my unread notifications, on any page.")


class MarkedOut(Output):
    marked: int


def _base64url(length: int) -> Any:
    def check(value: str) -> str:
        try:
            decoded = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        except (binascii.Error, ValueError):
            raise ValueError("not base64url") from None
        if len(decoded) != length:
            raise ValueError(f"not {length} bytes")
        return value

    return AfterValidator(check)


class PushKeys(Input):
    p256dh: Annotated[str, StringConstraints(max_length=120), _base64url(65)] = Field(
        description="The browser's public key (P-256, uncompressed), base64url."
    )
    auth: Annotated[str, StringConstraints(max_length=40), _base64url(16)] = Field(
        description="The browser's authentication secret, base64url."
    )


class PushSubscriptionIn(Input):
    """A browser's ``PushSubscription`` as ``toJSON()`` gives it."""

    endpoint: Annotated[str, StringConstraints(min_length=12, max_length=2048)] = Field(
        description="The push service's URL for this browser (https)."
    )
    keys: PushKeys
    expiration_time: int | None = Field(
        None, alias="expirationTime", description="Ignored: the push service decides."
    )

    @field_validator("endpoint")
    @classmethod
    def _https(cls, value: str) -> str:
        """A push service's https URL, never one of this network's own machines (the server
        would post to it); a local push service passes in development only."""
        parts = urlsplit(value)
        local_too = app_settings().push_allow_http
        allowed = ("https", "http") if local_too else ("https",)
        if parts.scheme not in allowed or not parts.hostname:
            raise ValueError("a push service's https URL")
        if not local_too and _internal(parts.hostname):
            raise ValueError("a push service on the internet")
        return value


def _internal(host: str) -> bool:
    if host.lower() == "localhost" or host.lower().endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return not address.is_global


class PushDeviceOut(Output):
    endpoint: str
    user_agent: str | None
    created_at: datetime
    last_pushed_at: datetime | None


class PushKeyOut(Output):
    public_key: str = Field(
        description="The VAPID public key, base64url: the `applicationServerKey` to subscribe with."
    )
