"""Where a request comes from: what sign-ins, sessions and the activity log record of it."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import HTTPConnection

# The columns that keep them (users.last_login_ip, refresh_tokens, activity_log ...).
MAX_IP = 45
MAX_USER_AGENT = 500


@dataclass(frozen=True, slots=True)
class Client:
    """The client's address and user agent (None when unknown), cut to what is stored."""

    ip: str | None = None
    user_agent: str | None = None

    @classmethod
    def of(cls, connection: HTTPConnection) -> Client:
        agent = connection.headers.get("user-agent")
        return cls(
            ip=connection.client.host[:MAX_IP] if connection.client else None,
            user_agent=agent[:MAX_USER_AGENT] if agent else None,
        )
