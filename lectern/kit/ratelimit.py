"""Rate limits (the `limits` library): memory for one process, Redis for many.

A rate may combine limits, all of which apply: ``"40/10minutes;200/day"`` lets a burst of 40
through and caps the day at 200.
"""

from __future__ import annotations

import math
import time

from fastapi import Request
from limits import parse_many
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
        """Count one attempt at ``name`` by ``identifiers``; over any limit of ``rate`` it is
        a 429 (with the seconds until that limit lets one through)."""
        if not self.enabled:
            return
        for limit in parse_many(rate):
            if not await self._strategy.hit(limit, name, *identifiers):
                stats = await self._strategy.get_window_stats(limit, name, *identifiers)
                raise TooManyRequests(max(1, math.ceil(stats.reset_time - time.time())))


def rate_limiter(request: Request) -> RateLimiter:
    limiter: RateLimiter = request.app.state.rate_limiter
    return limiter


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def limit(request: Request, name: str, which: str, *keys: str, per_ip: bool = True) -> None:
    """Count one attempt at ``name`` per client IP (unless not ``per_ip``) and per each of
    ``keys`` (429 over the configured rate ``which``, a field of RateLimitSettings)."""
    limiter = rate_limiter(request)
    rate: str = getattr(limiter.settings, which)
    if per_ip:
        await limiter.hit(name, rate, "ip", client_ip(request))
    for key in keys:
        await limiter.hit(name, rate, "key", key)
