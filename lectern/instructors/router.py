"""HTTP routes of the instructors domain."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/instructors", tags=["instructors"])
