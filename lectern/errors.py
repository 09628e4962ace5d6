"""Errors that carry their own meaning, so callers (HTTP or CLI) can report them plainly."""

from __future__ import annotations


class LecternError(Exception):
    """An error with an HTTP status, a stable machine code and a human sentence."""

    status: int = 400
    code: str = "bad_request"

    def __init__(self, detail: str, *, status: int | None = None, code: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        if status is not None:
            self.status = status
        if code is not None:
            self.code = code


class ConfigurationError(LecternError):
    """The deployment is misconfigured (a bad database URL, say)."""

    status = 500
    code = "configuration_error"


class DatabaseUnavailableError(LecternError):
    """The database could not be reached."""

    status = 503
    code = "database_unavailable"
