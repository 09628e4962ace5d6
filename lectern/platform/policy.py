"""Who may do what in the platform domain.

- Anyone, signed in or not, may read the settings marked public (site name, logo ...).
- Only administrators may read every setting, change settings, or read the activity log.
- Values of settings that look like secrets are not copied into the activity log.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import ColumnElement

from lectern.models import Setting
from lectern.security.dependencies import AdminActor, CurrentAdmin

# Dependencies: the caller as an administrator (401 without a token, 403 for anyone else).
SettingsManager = AdminActor
ActivityReader = CurrentAdmin

REDACTED = "[redacted]"
# A key segment naming a secret: "payment.stripe_secret_key", "email.smtp_password".
_SECRET_WORDS = re.compile(r"(^|[._])(secret|password|passwd|token|api_?key|private_?key)($|[._])")


def publicly_readable() -> ColumnElement[bool]:
    """The settings anyone may read."""
    return Setting.is_public.is_(True)


def is_secret_key(key: str) -> bool:
    return _SECRET_WORDS.search(key) is not None


def loggable_value(key: str, value: Any) -> Any:
    """What the activity log may record of a setting's value."""
    if value is None or not is_secret_key(key):
        return value
    return REDACTED
