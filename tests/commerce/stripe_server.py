"""A stand-in for Stripe's API on loopback, for the Stripe gateway's tests: real HTTP, the
calls Stripe's library makes (Checkout Sessions, refunds) answered as Stripe answers them, and
webhook events signed as Stripe signs them (HMAC-SHA256 of "{t}.{payload}", ``t=…,v1=…``)."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

SECRET_KEY = "sk_test_lectern"
WEBHOOK_SECRET = "whsec_lectern_test"


def _nest(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Stripe's form encoding (line_items[0][price_data][currency]=usd) as nested values."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        parts = re.findall(r"[^\[\]]+", key)
        node: Any = root
        for part, following in zip(parts, [*parts[1:], None], strict=True):
            if following is None:
                node[part] = value
            else:
                node = node.setdefault(part, {})
    return root


def _as_list(value: Any) -> list[Any]:
    return [value[key] for key in sorted(value, key=int)] if isinstance(value, dict) else []


class FakeStripe:
    def __init__(self) -> None:
        self.sessions: dict[str, dict[str, Any]] = {}
        self.refunds: list[dict[str, Any]] = []
        self.idempotent: dict[str, dict[str, Any]] = {}
        self.requests: list[tuple[str, str]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _answer(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Request-Id", f"req_{secrets.token_hex(6)}")
                self.end_headers()
                self.wfile.write(data)

            def _authorised(self) -> bool:
                if self.headers.get("Authorization") == f"Bearer {SECRET_KEY}":
                    return True
                self._answer(
                    401, {"error": {"type": "invalid_request_error", "message": "Invalid API Key"}}
                )
                return False

            def do_GET(self) -> None:
                fake.requests.append(("GET", self.path))
                if not self._authorised():
                    return
                found = re.fullmatch(r"/v1/checkout/sessions/([\w]+)", self.path)
                if found and found.group(1) in fake.sessions:
                    self._answer(200, fake.sessions[found.group(1)])
                else:
                    self._answer(
                        404,
                        {"error": {"type": "invalid_request_error", "message": "No such session"}},
                    )

            def do_POST(self) -> None:
                fake.requests.append(("POST", self.path))
                if not self._authorised():
                    return
                length = int(self.headers.get("Content-Length") or 0)
                form = _nest(parse_qsl(self.rfile.read(length).decode()))
                key = self.headers.get("Idempotency-Key")
                if key and key in fake.idempotent:
                    self._answer(200, fake.idempotent[key])
                    return
                if self.path == "/v1/checkout/sessions":
                    answer = fake.create_session(form)
                elif self.path == "/v1/refunds":
                    answer = fake.create_refund(form)
                else:
                    self._answer(
                        404,
                        {
                            "error": {
                                "type": "invalid_request_error",
                                "message": "Unrecognized request URL",
                            }
                        },
                    )
                    return
                if key:
                    fake.idempotent[key] = answer
                self._answer(200, answer)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> FakeStripe:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    # -- what Stripe does --------------------------------------------------------------------

    def create_session(self, form: dict[str, Any]) -> dict[str, Any]:
        lines = _as_list(form.get("line_items", {}))
        session_id = f"cs_test_{secrets.token_hex(12)}"
        session = {
            "id": session_id,
            "object": "checkout.session",
            "url": f"https://checkout.stripe.test/c/pay/{session_id}",
            "mode": form.get("mode"),
            "status": "open",
            "payment_status": "unpaid",
            "amount_total": sum(
                int(line["price_data"]["unit_amount"]) * int(line.get("quantity", 1))
                for line in lines
            ),
            "currency": lines[0]["price_data"]["currency"] if lines else None,
            "client_reference_id": form.get("client_reference_id"),
            "customer_email": form.get("customer_email"),
            "metadata": form.get("metadata", {}),
            "payment_intent": None,
            "expires_at": int(form.get("expires_at", 0)),
            "line_items_sent": lines,
        }
        self.sessions[session_id] = session
        return session

    def create_refund(self, form: dict[str, Any]) -> dict[str, Any]:
        refund = {
            "id": f"re_test_{secrets.token_hex(12)}",
            "object": "refund",
            "amount": int(form["amount"]),
            "payment_intent": form.get("payment_intent"),
            "metadata": form.get("metadata", {}),
            "status": "succeeded",
        }
        self.refunds.append(refund)
        return refund

    def complete(self, session_id: str, *, paid: bool = True) -> dict[str, Any]:
        """The buyer finished the session's payment page (paid now, or by a debit later)."""
        session = self.sessions[session_id]
        session.update(
            status="complete",
            payment_status="paid" if paid else "unpaid",
            payment_intent=f"pi_test_{secrets.token_hex(12)}",
        )
        return dict(session)

    def charge(self, session: dict[str, Any], refunded: int) -> dict[str, Any]:
        return {
            "id": f"ch_test_{secrets.token_hex(12)}",
            "object": "charge",
            "amount": session["amount_total"],
            "amount_refunded": refunded,
            "currency": session["currency"],
            "payment_intent": session["payment_intent"],
            "metadata": session["metadata"],
            "refunded": refunded >= session["amount_total"],
        }


def event(type_: str, obj: dict[str, Any]) -> bytes:
    return json.dumps(
        {
            "id": f"evt_test_{secrets.token_hex(12)}",
            "object": "event",
            "api_version": "2025-01-27.acacia",
            "created": int(time.time()),
            "livemode": False,
            "pending_webhooks": 1,
            "type": type_,
            "data": {"object": obj},
        }
    ).encode()


def signature(payload: bytes, *, secret: str = WEBHOOK_SECRET, at: int | None = None) -> str:
    stamp = int(time.time()) if at is None else at
    digest = hmac.new(secret.encode(), f"{stamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={stamp},v1={digest}"
