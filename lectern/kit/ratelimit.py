"""Rate limits (the `limits` library): memory for one process, Redis for many."""

from __future__ import annotations

import math
import time

from fastapi import Request
from limits import parse
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

from lectern.config import RateLimitSettings
from lectern.errors import TooManyRequests


class RateLimiter:
    def __init__(self, settings: RateLimitSettings) -> None:
        uri = settings.rate_limit_storage
        if not uri.startswith("async+"):
            uri = f"async+{uri}"
        self.settings = settings
        self.enabled = settings.rate_limit_enabled
        self._strategy = MovingWindowRateLimiter(storage_from_string(uri))

    async def hit(self, name: str, rate: str, *identifiers: str) -> None:
        """Count one attempt at ``name`` by ``identifiers``; over ``rate`` it is a 429."""
        if not self.enabled:
            return
        limit = parse(rate)
        if await self._strategy.hit(limit, name, *identifiers):
            return
        stats = await self._strategy.get_window_stats(limit, name, *identifiers)
        raise TooManyRequests(max(1, math.ceil(stats.reset_time - time.time())))


def rate_limiter(request: Request) -> RateLimiter:
    limiter: RateLimiter = request.app.state.rate_limiter
    return limiter


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"
