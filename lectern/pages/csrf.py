"""CSRF protection of the pages' forms: a double-submit token.

The form's GET sets a random token in a cookie (HttpOnly, SameSite=Strict) and in a hidden
field; its POST must bring both, equal. Another site can make a browser post the form but
can neither read the cookie nor send it along (SameSite), so its post is refused.
"""

from __future__ import annotations

import hmac
import re
import secrets

from fastapi import Request, Response

from lectern.kit.links import app_url

COOKIE = "lectern_csrf"
FIELD = "csrf_token"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")  # token_urlsafe(32)


def token_for(request: Request) -> str:
    """The browser's token (so forms open in two tabs both work), or a new one."""
    current = request.cookies.get(COOKIE, "")
    return current if _TOKEN.match(current) else secrets.token_urlsafe(32)


def set_cookie(response: Response, token: str) -> None:
    response.set_cookie(
        COOKIE,
        token,
        max_age=3600,
        path="/",
        secure=app_url().startswith("https://"),
        httponly=True,
        samesite="strict",
    )


def is_valid(request: Request, submitted: str) -> bool:
    """Whether the form's token matches the browser's cookie."""
    cookie = request.cookies.get(COOKIE, "")
    return bool(_TOKEN.match(cookie)) and hmac.compare_digest(cookie, submitted)
