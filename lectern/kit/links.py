"""Links to Lectern's pages, as e-mails carry them: the app's address (``LECTERN_APP_URL``)
plus the page's path, named here once.

The account pages (verify-email, reset-password) and the sandbox's pay page are served by
Lectern itself; the learner pages are the web app's.
"""

from __future__ import annotations

from typing import Literal
from urllib.parse import quote, urlencode

from lectern.config import app_settings

Page = Literal[
    "home",
    "verify_email",
    "reset_password",
    "lesson",
    "quiz",
    "assignment",
    "sandbox_payment",
    "certificate",
    "discussion",
    "credential",
    "credential_issuer",
    "credential_status",
    "unsubscribe",
    "live_class",
    "calendar_feed",
]

PATHS: dict[Page, str] = {
    "home": "/",
    "verify_email": "/verify-email",
    "reset_password": "/reset-password",
    "lesson": "/learn/{course}/lessons/{lesson}",
    "quiz": "/learn/{course}/quizzes/{quiz}",
    "assignment": "/learn/{course}/assignments/{assignment}",
    "sandbox_payment": "/payments/sandbox/{order}",
    # The public verification page of a certificate (its QR code opens it).
    "certificate": "/certificates/{number}",
    "discussion": "/discussions/{discussion}",
    # Open Badges: a certificate's credential, the issuer's profile, a status list.
    "credential": "/api/v1/certificates/{number}/credential",
    "credential_issuer": "/api/v1/credentials/issuer",
    "credential_status": "/api/v1/credentials/status/{list}",
    # One click turns a kind of e-mail off (served by Lectern: no session needed).
    "unsubscribe": "/unsubscribe/{token}",
    # A live class in the web app; a user's calendar feed (signed: no session needed).
    "live_class": "/learn/{course}/live-classes/{live_class}",
    "calendar_feed": "/api/v1/calendar/{token}.ics",
}


def app_url() -> str:
    """Where people reach Lectern, without a trailing slash."""
    return app_settings().app_url.rstrip("/")


def app_link(page: Page, query: dict[str, str] | None = None, **parts: object) -> str:
    """The absolute link to ``page``, its path parts filled in (escaped) and ``query`` added."""
    path = PATHS[page].format(**{name: quote(str(value), safe="") for name, value in parts.items()})
    return f"{app_url()}{path}" + (f"?{urlencode(query)}" if query else "")
