"""Errors that carry their meaning, and their rendering as RFC 9457 problem details.

Domain code raises a LecternError subclass; the handlers here turn it, FastAPI's
validation errors, Starlette's HTTP errors and anything unexpected into
``application/problem+json`` without leaking internals.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

import asyncpg
import sqlalchemy.exc
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "https://lectern.dev/problems/"
# RFC 9457's members of every problem: an error's extra members may not replace them.
PROBLEM_MEMBERS = frozenset({"type", "title", "status", "detail", "instance"})

log = logging.getLogger("lectern.errors")


class FieldProblem(BaseModel):
    loc: list[str | int]
    msg: str
    type: str | None = None


class Problem(BaseModel):
    """An RFC 9457 problem document."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[FieldProblem] | None = None
    retry_after: int | None = None


class LecternError(Exception):
    """An error with an HTTP status, a stable machine code and a human sentence."""

    status: int = 400
    code: str = "bad_request"

    def __init__(
        self,
        detail: str,
        *,
        status: int | None = None,
        code: str | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
        keep_changes: bool = False,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        # A refusal whose side effects must stand (an enrollment found expired is marked
        # so): the request's unit of work commits before the error is answered.
        self.keep_changes = keep_changes
        if status is not None:
            self.status = status
        if code is not None:
            self.code = code
        self.headers = headers or {}
        self.extra = extra or {}
        if clash := PROBLEM_MEMBERS & self.extra.keys():
            raise ValueError(f"a problem's extra members may not replace {sorted(clash)}")


class ConfigurationError(LecternError):
    """The deployment is misconfigured (a bad database URL, say)."""

    status = 500
    code = "configuration_error"


class DatabaseUnavailableError(LecternError):
    status = 503
    code = "database_unavailable"


class InvalidInput(LecternError):
    """Input that is well-formed but breaks a rule (422)."""

    status = 422
    code = "invalid_input"

    def __init__(self, detail: str, *, field: str | None = None, **kwargs: Any) -> None:
        if field is not None:
            kwargs.setdefault("extra", {})["errors"] = [
                {"loc": field.split("."), "msg": detail, "type": "value_error"}
            ]
        super().__init__(detail, **kwargs)


class Unauthorized(LecternError):
    status = 401
    code = "unauthorized"

    def __init__(self, detail: str = "authentication required", **kwargs: Any) -> None:
        kwargs.setdefault("headers", {"WWW-Authenticate": 'Bearer realm="lectern"'})
        super().__init__(detail, **kwargs)


class Forbidden(LecternError):
    status = 403
    code = "forbidden"


class NotFound(LecternError):
    status = 404
    code = "not_found"


class Conflict(LecternError):
    status = 409
    code = "conflict"


class TooManyRequests(LecternError):
    status = 429
    code = "too_many_requests"

    def __init__(self, retry_after: int, detail: str = "too many requests") -> None:
        super().__init__(
            f"{detail}; try again in {retry_after} s",
            headers={"Retry-After": str(retry_after)},
            extra={"retry_after": retry_after},
        )


def problem(
    status: int,
    code: str,
    detail: str,
    *,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + code,
        "title": _title(status),
        "status": status,
        "detail": detail,
    }
    if extra:
        body.update(extra)
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_JSON)


def _title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


async def _lectern_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, LecternError)
    return problem(exc.status, exc.code, exc.detail, headers=exc.headers, extra=exc.extra)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [_field_error(error) for error in exc.errors()]
    where = ", ".join(".".join(str(p) for p in e["loc"]) for e in errors[:3])
    return problem(
        422,
        "validation_error",
        f"the request is not valid: {where}" if where else "the request is not valid",
        extra={"errors": errors},
    )


def _field_error(error: dict[str, Any]) -> dict[str, Any]:
    # Never echo the submitted value back (it may be a password).
    return {
        "loc": list(error.get("loc", ())),
        "msg": error.get("msg", ""),
        "type": error.get("type"),
    }


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "too_many_requests",
}


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else _title(exc.status_code)
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"no resource at {request.url.path}"
    if exc.status_code == 405:
        detail = f"{request.method} is not allowed on {request.url.path}"
    return problem(
        exc.status_code,
        _HTTP_CODES.get(exc.status_code, "http_error"),
        detail,
        headers=dict(exc.headers or {}),
    )


# Seconds a client is asked to wait when the database cannot take its request.
DATABASE_RETRY_AFTER = 2
# asyncpg's own errors of a connection that is gone or never came (some reach the app
# without SQLAlchemy's wrapping), and PostgreSQL's "too many connections" and "starting up".
_LOST_CONNECTION = (
    asyncpg.exceptions.InterfaceError,
    asyncpg.exceptions.InternalClientError,
    asyncpg.exceptions.ConnectionDoesNotExistError,
    asyncpg.exceptions.TooManyConnectionsError,
    asyncpg.exceptions.CannotConnectNowError,
    ConnectionError,
    TimeoutError,
)


def database_failure(exc: BaseException) -> LecternError | None:
    """The answer to a failure of the database, or None when ``exc`` is something else: a
    request the database cannot take now (no connection free in the pool, the server out of
    connections, a connection that broke) is a 503 to retry; any other database error a
    500, like any unexpected error."""
    if isinstance(exc, sqlalchemy.exc.TimeoutError):
        return _unavailable("the database is busy: no connection was free in time")
    original = exc.orig if isinstance(exc, sqlalchemy.exc.DBAPIError) else exc
    lost = isinstance(exc, sqlalchemy.exc.DBAPIError) and exc.connection_invalidated
    if lost or isinstance(original, _LOST_CONNECTION) or _is_lost(original):
        return _unavailable("the database could not be reached or dropped the connection")
    return None


# SQLite's words for a database another process holds too long, or a file it cannot open.
_SQLITE_UNAVAILABLE = ("database is locked", "unable to open database file")


def _is_lost(error: BaseException | None) -> bool:
    # The async adapter wraps asyncpg's error: look through its cause as well.
    cause = getattr(error, "__cause__", None)
    if cause is not None and isinstance(cause, _LOST_CONNECTION):
        return True
    return type(error).__name__ == "OperationalError" and any(
        words in str(error) for words in _SQLITE_UNAVAILABLE
    )


def _unavailable(detail: str) -> LecternError:
    return DatabaseUnavailableError(
        f"{detail}; try again in {DATABASE_RETRY_AFTER} s",
        headers={"Retry-After": str(DATABASE_RETRY_AFTER)},
        extra={"retry_after": DATABASE_RETRY_AFTER},
    )


async def _database_error(request: Request, exc: Exception) -> JSONResponse:
    answer = database_failure(exc)
    if answer is None:
        return await _unexpected(request, exc)
    log.warning("database unavailable: %s", type(exc).__name__, exc_info=exc)
    return await _lectern_error(request, answer)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error", exc_info=exc)
    return unexpected_problem()


def unexpected_problem() -> JSONResponse:
    return problem(500, "internal_error", "an unexpected error occurred; it has been logged")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(LecternError, _lectern_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    for database_error in (sqlalchemy.exc.SQLAlchemyError, *_LOST_CONNECTION):
        app.add_exception_handler(database_error, _database_error)
    app.add_exception_handler(Exception, _unexpected)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for the problem statuses a route documents."""
    return {status: {"model": Problem, "description": _title(status)} for status in statuses}
