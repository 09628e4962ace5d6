"""HTTP routes of the platform domain."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="", tags=["platform"])
