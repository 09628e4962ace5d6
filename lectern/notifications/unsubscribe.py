"""One-click unsubscribe links (RFC 8058): a token naming a user and a kind of notification,
signed (HMAC-SHA256 with a key derived from the platform's sealing secret), so that the
link works with no session and cannot be made for someone else."""

from __future__ import annotations

import base64
import hashlib
import hmac

from lectern.kit.links import app_link
from lectern.kit.sealing import derived_key
from lectern.notifications.kinds import DIGEST, KINDS, Kind


def _mac(payload: str) -> str:
    digest = hmac.new(derived_key(b"lectern unsubscribe"), payload.encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()[:18]).decode("ascii")


def token_for(user_id: int, kind: Kind) -> str:
    payload = f"{user_id}.{kind.name}"
    return f"{payload}.{_mac(payload)}"


def read(token: str) -> tuple[int, Kind] | None:
    """The user and kind a token names, or None for a token not made here."""
    parts = token.split(".")
    kinds = {**KINDS, DIGEST.name: DIGEST}
    if len(parts) != 3 or not parts[0].isdigit() or parts[1] not in kinds:
        return None
    payload = f"{parts[0]}.{parts[1]}"
    if not hmac.compare_digest(parts[2], _mac(payload)):
        return None
    return int(parts[0]), kinds[parts[1]]


def link(user_id: int, kind: Kind) -> str:
    return app_link("unsubscribe", token=token_for(user_id, kind))


def headers(user_id: int, kind: Kind) -> dict[str, str]:
    """The headers that let a mail client unsubscribe in one click (RFC 2369, RFC 8058)."""
    return {
        "List-Unsubscribe": f"<{link(user_id, kind)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
