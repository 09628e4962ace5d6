"""ASGI middleware: request ids, access logs, security headers, a request-size limit."""

from __future__ import annotations

import logging
import re
import secrets
import time
from typing import Any

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lectern.errors import database_failure, problem, unexpected_problem
from lectern.logs import request_id_var

access_log = logging.getLogger("lectern.access")
error_log = logging.getLogger("lectern.errors")

# An incoming X-Request-ID is kept when it looks like an id, so traces join up across
# services; anything else is replaced.
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,128}$")
_REQUEST_ID = b"x-request-id"
_HTTP1 = ("1.0", "1.1")


class RequestContextMiddleware:
    """Gives every request an id (X-Request-ID), logs it, and refuses NUL bytes in URLs."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = _header(scope, _REQUEST_ID)
        request_id = incoming if incoming and _SAFE_ID.match(incoming) else secrets.token_hex(16)
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500
        answered = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, answered
            if message["type"] == "http.response.start":
                status = message["status"]
                answered = True
                headers = [h for h in message.get("headers", ()) if h[0].lower() != _REQUEST_ID]
                headers.append((_REQUEST_ID, request_id.encode()))
                message["headers"] = headers
            await send(message)

        try:
            raw = scope.get("raw_path") or scope["path"].encode()
            if b"%00" in raw or b"\x00" in raw or b"%00" in scope.get("query_string", b""):
                response = problem(400, "bad_request", "NUL characters are not allowed in URLs")
                await response(scope, receive, send_with_id)
                return
            await self.app(scope, receive, send_with_id)
        except Exception as exc:
            # Whatever escaped the handlers still gets a problem document with this request's
            # id, unless the response had begun: then the server can only close it.
            if answered:
                raise
            await _answer_failure(exc)(scope, receive, send_with_id)
        finally:
            if access_log.isEnabledFor(logging.INFO):
                access_log.info(
                    "%s %s %s",
                    scope["method"],
                    scope["path"],
                    status,
                    extra={
                        "method": scope["method"],
                        "path": scope["path"],
                        "status": status,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    },
                )
            request_id_var.reset(token)


def _answer_failure(exc: Exception) -> JSONResponse:
    failure = database_failure(exc)
    if failure is None:
        error_log.error("unhandled error", exc_info=exc)
        return unexpected_problem()
    error_log.warning("database unavailable: %s", type(exc).__name__, exc_info=exc)
    return problem(
        failure.status, failure.code, failure.detail, headers=failure.headers, extra=failure.extra
    )


class SecurityHeadersMiddleware:
    """Headers that make browsers treat API responses as data, never as a page to frame."""

    def __init__(self, app: ASGIApp, *, hsts: bool) -> None:
        self.app = app
        self.headers = {
            "X-Content-Type-Options": "nosniff",
            "X-Frame-Options": "DENY",
            "Referrer-Policy": "no-referrer",
            "Cross-Origin-Opener-Policy": "same-origin",
            "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
        }
        if hsts:
            self.headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
        # JSON needs nothing; a page sets its own policy.
        self.headers["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'"
        # Encoded once: every response carries them, unless it set its own.
        self._raw = [
            (name.lower().encode(), value.encode()) for name, value in self.headers.items()
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message["headers"] = list(message.get("headers", ()))
                present = {name.lower() for name, _ in headers}
                headers.extend([header for header in self._raw if header[0] not in present])
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodySizeLimitMiddleware:
    """Refuses bodies over the limit with 413, by Content-Length or while streaming.

    File uploads (multipart/form-data) have a larger ceiling; each upload endpoint then
    applies the limit of its own kind of file.
    """

    def __init__(self, app: ASGIApp, *, max_bytes: int, upload_max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.upload_max_bytes = upload_max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _header(scope, b"content-length")
        if (
            declared is None
            and scope.get("http_version") in _HTTP1
            and _header(scope, b"transfer-encoding") is None
        ):
            # HTTP/1 without a length or chunks: the request has no body (RFC 9112, 6.3).
            await self.app(scope, receive, send)
            return
        content_type = _header(scope, b"content-type") or ""
        limit = (
            self.upload_max_bytes
            if content_type.startswith("multipart/form-data")
            else self.max_bytes
        )
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await self._refuse(scope, receive, send, limit)
            return
        if declared is not None:
            await self.app(scope, receive, send)
            return
        # No length announced (chunked): read up to the limit, then hand the body on.
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            body += message.get("body", b"")
            if len(body) > limit:
                await self._refuse(scope, receive, send, limit)
                return
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        response = problem(
            413,
            "payload_too_large",
            f"the request body is larger than {limit} bytes",
        )
        await response(scope, receive, send)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            decoded: Any = value.decode("latin-1")
            return str(decoded)
    return None
