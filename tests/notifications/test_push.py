"""Web Push: browsers subscribe with the platform's VAPID key; a notification of a kind the
user takes by push reaches their devices through a push service (here a local one that
speaks the protocol: the payload is decrypted with the browser's keys and the VAPID token
verified), a subscription the service says is gone is forgotten, and pushes wait out quiet
hours to come as one."""

from __future__ import annotations

import base64
import json
import os
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import http_ece
import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from lectern import jobs
from lectern.config import app_settings
from lectern.kit.types import utcnow
from lectern.models import NotificationPreference, PushSubscription, User
from lectern.notifications import push
from lectern.notifications import service as notifications
from tests.conftest import bearer
from tests.factories import create_user
from tests.factories.users import create_admin
from tests.notifications.test_stream import serving

URL = "/api/v1/notifications/push/subscriptions"


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


class Browser:
    """A browser's side of a subscription: its keys, to read what it is sent."""

    def __init__(self) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)
        public = self.key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        self.p256dh = b64(public)

    def subscription(self, endpoint: str) -> dict[str, Any]:
        return {"endpoint": endpoint, "keys": {"p256dh": self.p256dh, "auth": b64(self.auth)}}

    def read(self, body: bytes) -> dict[str, Any]:
        plain = http_ece.decrypt(body, private_key=self.key, auth_secret=self.auth)
        return dict(json.loads(plain))


class PushService:
    """A push service on a real port: it keeps what it is sent; endpoints under /gone and
    /missing answer 410 and 404."""

    def __init__(self) -> None:
        self.received: list[tuple[str, dict[str, str], bytes]] = []

        async def take(request: Request) -> Response:
            body = await request.body()
            self.received.append((request.url.path, dict(request.headers), body))
            path = request.url.path
            status = (
                410 if path.startswith("/gone") else 404 if path.startswith("/missing") else 201
            )
            return Response(status_code=status)

        self.app = Starlette(routes=[Route("/{rest:path}", take, methods=["POST"])])


@pytest.fixture
async def push_service(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[tuple[PushService, str]]:
    monkeypatch.setattr(app_settings(), "push_allow_http", True)
    service = PushService()
    async with serving(service.app) as base:  # type: ignore[arg-type]
        yield service, base


async def subscribe(client: httpx.AsyncClient, user: User, browser: Browser, endpoint: str) -> None:
    answer = await client.put(URL, json=browser.subscription(endpoint), headers=bearer(user))
    assert answer.status_code == 204, answer.text


async def tell(
    db: AsyncSession, user: User, kind: str = "course_updates", title: str = "Hi"
) -> None:
    await notifications.notify(db, user.id, kind, title=title, message="Something happened")
    await jobs.dispatch_pending(db)
    await jobs.wait_for_jobs()


async def test_a_notification_reaches_the_device_encrypted_and_signed(
    client: httpx.AsyncClient, db: AsyncSession, push_service: tuple[PushService, str]
) -> None:
    service, base = push_service
    user = await create_user(db)
    browser = Browser()
    key = await client.get("/api/v1/notifications/push/key", headers=bearer(user))
    await subscribe(client, user, browser, f"{base}/push/abc")

    await tell(db, user, title="Your course was approved")

    [(path, headers, body)] = service.received
    assert path == "/push/abc"
    assert headers["content-encoding"] == "aes128gcm"
    assert headers["ttl"] == str(push.TTL_SECONDS)
    payload = browser.read(body)
    assert (payload["title"], payload["body"]) == ("Your course was approved", "Something happened")
    scheme, _, params = headers["authorization"].partition(" ")
    fields = dict(part.strip().split("=", 1) for part in params.split(","))
    assert scheme == "vapid"
    assert fields["k"] == key.json()["public_key"]
    raw = base64.urlsafe_b64decode(fields["k"] + "=" * (-len(fields["k"]) % 4))
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    claims = jwt.decode(fields["t"], public, algorithms=["ES256"], audience=base)
    assert claims["sub"].startswith("mailto:")
    [device] = await db.scalars(select(PushSubscription))
    assert device.last_pushed_at is not None


async def test_a_subscription_the_service_says_is_gone_is_forgotten(
    client: httpx.AsyncClient, db: AsyncSession, push_service: tuple[PushService, str]
) -> None:
    _, base = push_service
    user = await create_user(db)
    for endpoint in ("gone/1", "missing/2", "push/3"):
        await subscribe(client, user, Browser(), f"{base}/{endpoint}")

    await tell(db, user)

    left = await db.scalars(select(PushSubscription.endpoint))
    assert list(left) == [f"{base}/push/3"]


async def test_no_push_when_turned_off_or_for_a_kind_without_push(
    client: httpx.AsyncClient, db: AsyncSession, push_service: tuple[PushService, str]
) -> None:
    service, base = push_service
    user = await create_user(db)
    await subscribe(client, user, Browser(), f"{base}/push/x")
    await client.patch(
        "/api/v1/users/me/notification-preferences",
        json={"push_course_updates": False},
        headers=bearer(user),
    )

    await tell(db, user, "course_updates")
    await tell(db, user, "certificate_issued")
    await tell(db, user, "qa_replies")

    assert len(service.received) == 1  # the Q&A answer


async def test_pushes_wait_out_quiet_hours_and_come_as_one(
    client: httpx.AsyncClient, db: AsyncSession, push_service: tuple[PushService, str]
) -> None:
    service, base = push_service
    user = await create_user(db, timezone="UTC")
    browser = Browser()
    await subscribe(client, user, browser, f"{base}/push/q")
    now = utcnow()
    start = (now - timedelta(hours=1)).strftime("%H:%M")
    end = (now + timedelta(hours=1)).strftime("%H:%M")
    await client.patch(
        "/api/v1/users/me/notification-preferences",
        json={"quiet_hours_start": start, "quiet_hours_end": end},
        headers=bearer(user),
    )

    await tell(db, user, title="First")
    await tell(db, user, title="Second")
    still_quiet = await push.release_held(db)
    held = await db.scalar(select(NotificationPreference.push_held_since))
    await client.patch(
        "/api/v1/users/me/notification-preferences",
        json={"quiet_hours_start": end, "quiet_hours_end": start},
        headers=bearer(user),
    )
    released = await push.release_held(db)
    await jobs.wait_for_jobs()

    assert (still_quiet, released) == (0, 1)
    assert held is not None
    [(_, _, body)] = service.received
    assert browser.read(body)["body"] == "2 new notifications"
    assert await db.scalar(select(NotificationPreference.push_held_since)) is None


async def test_subscriptions_are_checked_and_belong_to_one_user(
    client: httpx.AsyncClient, db: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    ada, alan = await create_user(db), await create_user(db)
    browser = Browser()
    endpoint = "https://push.example.com/send/abc"
    await subscribe(client, ada, browser, endpoint)
    await subscribe(client, alan, browser, endpoint)  # the browser, signed in as another
    plain_http = await client.put(
        URL, json=browser.subscription("http://push.example.com/x"), headers=bearer(ada)
    )
    internal = [
        await client.put(URL, json=browser.subscription(endpoint), headers=bearer(ada))
        for endpoint in ("https://127.0.0.1/x", "https://10.1.2.3/x", "https://localhost/x")
    ]
    short_key = await client.put(
        URL,
        json={"endpoint": endpoint, "keys": {"p256dh": b64(b"x" * 10), "auth": b64(browser.auth)}},
        headers=bearer(ada),
    )
    theirs = await client.get(URL, headers=bearer(alan))
    mine = await client.get(URL, headers=bearer(ada))
    removed = await client.delete(URL, params={"endpoint": endpoint}, headers=bearer(alan))
    again = await client.delete(URL, params={"endpoint": endpoint}, headers=bearer(alan))

    assert plain_http.status_code == 422
    assert [answer.status_code for answer in internal] == [422, 422, 422]
    assert short_key.status_code == 422
    assert [device["endpoint"] for device in theirs.json()] == [endpoint]
    assert mine.json() == []
    assert (removed.status_code, again.status_code) == (204, 404)


async def test_an_announcement_is_pushed_only_when_its_author_asks(
    client: httpx.AsyncClient, db: AsyncSession, push_service: tuple[PushService, str]
) -> None:
    service, base = push_service
    admin = await create_admin(db)
    user = await create_user(db)
    browser = Browser()
    await subscribe(client, user, browser, f"{base}/push/a")

    for title, pushed in (("Quietly", False), ("Loudly", True)):
        answer = await client.post(
            "/api/v1/admin/announcements",
            json={"title": title, "content": "<p>News</p>", "audience": "all", "send_push": pushed},
            headers=bearer(admin),
        )
        assert answer.status_code == 201, answer.text
        await jobs.dispatch_pending(db)
        await jobs.wait_for_jobs()

    assert [browser.read(body)["title"] for _, _, body in service.received] == ["Loudly"]
