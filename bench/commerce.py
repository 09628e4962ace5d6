"""Benchmark of buying: checkout, then the payment webhook that settles each order.

Makes a throwaway PostgreSQL database, migrates it and seeds it with bulk inserts (an
instructor, paid courses, buyers each with a course in their cart), serves Lectern with
uvicorn (N workers, the sandbox gateway) on loopback, and drives from this process first one
checkout per buyer (POST /checkout: a pending order), then one signed sandbox webhook per
order (POST /payments/webhooks/sandbox: the order paid, the course granted, the earnings and
the invoice number written, the invoice rendered by a job). Every request carries its own
buyer's token or its own signed event, which a replaying load generator cannot express: the
driver is httpx, and the table gives the server's CPU time per request beside the rates.
After the run every order must be paid and the money audit must find the books balanced.

    python -m bench.commerce --server postgresql://postgres@127.0.0.1:5432 \\
        --workers 2 --concurrency 20 --buyers 2000

``--database-url`` runs on an existing (empty) database instead and leaves it in place.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

import httpx
import redis
from sqlalchemy import func, insert, select
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from bench.harness import AUTH, PASSWORD_HASH, Stats, database, drive, markdown, serve
from lectern.commerce import audit as commerce_audit
from lectern.commerce.gateways import sandbox
from lectern.commerce.gateways.base import in_minor_units
from lectern.earnings import audit as earnings_audit
from lectern.invoices import audit as invoices_audit
from lectern.models import (
    Cart,
    CartItem,
    Course,
    CoursePriceType,
    CourseStatus,
    InstructorProfile,
    InstructorProfileStatus,
    Order,
    OrderStatus,
    User,
    UserRole,
)
from lectern.security.tokens import issue_access_token

# The sandbox's webhook key, shared by the server (through the environment) and the driver.
WEBHOOK_KEY = secrets.token_urlsafe(32)


@dataclass(frozen=True)
class Options:
    buyers: int = 2000
    courses: int = 20
    concurrency: int = 20
    workers: int = 2
    server: str = "postgresql://postgres@127.0.0.1:5432"
    database_url: str | None = None  # an existing empty database (left in place)
    timeout: float = 30.0
    # Where the jobs a payment queues go (the receipt, the invoice's PDF): "redis" queues them
    # for workers this run does not start, so the figures are the requests' own (production's
    # shape); "inline" runs them in the API's processes after each response (the embedded
    # mode, without Redis), so they are in its CPU time.
    jobs: str = "redis"
    redis_url: str = "redis://127.0.0.1:6379/14"


@dataclass
class Report:
    options: Options
    checkout: Stats
    webhook: Stats
    paid: int

    def table(self) -> str:
        rows = []
        for name, stats in (("checkout", self.checkout), ("webhook", self.webhook)):
            cpu = stats.cpu_ms_per_request
            rows.append(
                [
                    name,
                    stats.requests,
                    stats.errors,
                    f"{stats.rps:.0f}",
                    f"{stats.percentile(0.50):.1f}",
                    f"{stats.percentile(0.99):.1f}",
                    f"{cpu:.2f}" if cpu is not None else "n/a",
                ]
            )
        header = ["request", "requests", "errors", "req/s", "p50 ms", "p99 ms", "CPU ms/req"]
        return markdown(header, rows, left=1)


async def seed(url: URL, options: Options) -> list[uuid.UUID]:
    """An instructor with paid courses, and the buyers, each with one course in their cart;
    the buyers' uuids. Bulk inserts: a few statements whatever the numbers."""
    engine = create_async_engine(url)
    now = datetime.now(UTC)
    tag = uuid.uuid4().hex[:8]
    try:
        async with engine.begin() as conn:
            author = await conn.scalar(
                insert(User)
                .values(
                    name="Bench Seller", username=f"seller{tag}", email=f"seller{tag}@example.test",
                    password_hash=PASSWORD_HASH, role=UserRole.INSTRUCTOR,
                )
                .returning(User.id)
            )  # fmt: skip
            await conn.execute(
                insert(InstructorProfile).values(
                    user_id=author, status=InstructorProfileStatus.APPROVED
                )
            )
            courses = (
                await conn.scalars(
                    insert(Course).returning(Course.id, sort_by_parameter_order=True),
                    [
                        {
                            "uuid": uuid.uuid4(), "instructor_id": author, "title": f"Course {n}",
                            "slug": f"bench-{tag}-{n}", "status": CourseStatus.PUBLISHED,
                            "is_published": True, "is_approved": True, "published_at": now,
                            "price_type": CoursePriceType.PAID,
                            "price": Decimal("19.99") + n, "currency": "USD",
                        }
                        for n in range(options.courses)
                    ],
                )
            ).all()  # fmt: skip
            buyers = [uuid.uuid4() for _ in range(options.buyers)]
            buyer_ids = (
                await conn.scalars(
                    insert(User).returning(User.id, sort_by_parameter_order=True),
                    [
                        {
                            "uuid": buyer, "name": f"Buyer {n}", "username": f"b{tag}{n}",
                            "email": f"b{tag}{n}@example.test", "password_hash": PASSWORD_HASH,
                            "role": UserRole.STUDENT,
                        }
                        for n, buyer in enumerate(buyers)
                    ],
                )
            ).all()  # fmt: skip
            carts = (
                await conn.scalars(
                    insert(Cart).returning(Cart.id, sort_by_parameter_order=True),
                    [{"user_id": buyer_id} for buyer_id in buyer_ids],
                )
            ).all()
            await conn.execute(
                insert(CartItem),
                [
                    {"cart_id": cart, "course_id": courses[n % len(courses)], "price": Decimal(0)}
                    for n, cart in enumerate(carts)
                ],
            )
    finally:
        await engine.dispose()
    return buyers


def signed_event(order: dict[str, object]) -> tuple[bytes, dict[str, str]]:
    """The sandbox's "payment succeeded" for ``order`` (as the checkout answered it)."""
    total = Decimal(str(order["total"]))
    body = json.dumps(
        {
            "id": f"evt_sbx_{secrets.token_hex(12)}",
            "type": "payment.succeeded",
            "created": int(time.time()),
            "data": {
                "order": order["uuid"],
                "payment": None,
                "amount": in_minor_units(total, str(order["currency"])),
                "currency": order["currency"],
            },
        }
    ).encode()
    signature = sandbox.sign(body, key=WEBHOOK_KEY.encode())
    return body, {"Content-Type": "application/json", sandbox.SIGNATURE_HEADER: signature}


async def books(url: URL) -> tuple[int, list[str]]:
    """How many orders are paid, and what the money audit finds."""
    engine = create_async_engine(url)
    try:
        async with AsyncSession(engine) as session:
            paid = await session.scalar(
                select(func.count()).where(Order.status == OrderStatus.COMPLETED)
            )
            problems = []
            for rules in (commerce_audit, earnings_audit, invoices_audit):
                problems += await rules.problems(session)
            return int(paid or 0), problems
    finally:
        await engine.dispose()


@contextmanager
def server_environment(options: Options) -> Iterator[None]:
    """The server's gateway and job settings, for the servers started inside (only them)."""
    wanted = {
        "LECTERN_SANDBOX_WEBHOOK_SECRET": WEBHOOK_KEY,
        "LECTERN_PAYMENT_GATEWAYS": '["sandbox"]',
        "LECTERN_REDIS_URL": options.redis_url if options.jobs == "redis" else "",
        "LECTERN_JOBS_QUEUE": f"lectern:bench:{uuid.uuid4().hex[:8]}",
    }
    previous = {name: os.environ.get(name) for name in wanted}
    os.environ.update(wanted)
    try:
        yield
    finally:
        if options.jobs == "redis":  # the jobs nobody ran go with their stream
            redis.Redis.from_url(options.redis_url).delete(wanted["LECTERN_JOBS_QUEUE"])
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


async def run(options: Options) -> Report:
    async with database(options.server, options.database_url) as url:
        buyers = await seed(url, options)
        tokens = [
            {"Authorization": f"Bearer {issue_access_token(buyer, 'student', AUTH)[0]}"}
            for buyer in buyers
        ]
        with server_environment(options):
            checkouts, webhooks = await _drive(url, options, tokens)
        paid, problems = await books(url)
        if problems:
            raise RuntimeError("the books do not balance:\n" + "\n".join(problems))
        return Report(options, checkouts, webhooks, paid)


async def _drive(url: URL, options: Options, tokens: list[dict[str, str]]) -> tuple[Stats, Stats]:
    """Every buyer checks out, then every order's payment is reported."""
    placed: list[dict[str, object]] = []
    async with serve(url, options.workers) as server:

        async def checkout(client: httpx.AsyncClient, task: int, n: int) -> httpx.Response:
            answer = await client.post("/api/v1/checkout", json={}, headers=tokens[n])
            if answer.status_code == 201:
                placed.append(answer.json())
            return answer

        before = server.cpu_seconds()
        checkouts = await drive(
            server.base_url, checkout, concurrency=options.concurrency,
            requests=len(tokens), ok=(201,), request_timeout=options.timeout,
        )  # fmt: skip
        checkouts.server_cpu_seconds = _spent(before, server.cpu_seconds())
        events = [signed_event(order) for order in placed]

        async def webhook(client: httpx.AsyncClient, task: int, n: int) -> httpx.Response:
            body, headers = events[n]
            return await client.post(
                "/api/v1/payments/webhooks/sandbox", content=body, headers=headers
            )

        before = server.cpu_seconds()
        webhooks = await drive(
            server.base_url, webhook, concurrency=options.concurrency,
            requests=len(events), request_timeout=options.timeout,
        )  # fmt: skip
        webhooks.server_cpu_seconds = _spent(before, server.cpu_seconds())
    return checkouts, webhooks


def _spent(before: float | None, after: float | None) -> float | None:
    return after - before if before is not None and after is not None else None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", default=Options.server, help="a PostgreSQL server URL")
    parser.add_argument("--database-url", default=None, help="use this empty database")
    parser.add_argument("--workers", type=int, default=Options.workers)
    parser.add_argument("--concurrency", type=int, default=Options.concurrency)
    parser.add_argument("--buyers", type=int, default=Options.buyers)
    parser.add_argument("--courses", type=int, default=Options.courses)
    parser.add_argument("--jobs", choices=["redis", "inline"], default=Options.jobs)
    parser.add_argument("--redis-url", default=Options.redis_url)
    args = parser.parse_args(argv)
    options = Options(
        buyers=args.buyers,
        courses=args.courses,
        concurrency=args.concurrency,
        workers=args.workers,
        server=args.server,
        database_url=args.database_url,
        jobs=args.jobs,
        redis_url=args.redis_url,
    )
    report = asyncio.run(run(options))
    print(report.table())
    print(f"\n{report.paid} of {options.buyers} orders paid; the books balance (money audit).")
    if report.checkout.errors or report.webhook.errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
