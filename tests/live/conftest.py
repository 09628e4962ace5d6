"""The discussions' school (a course, its staff, two learners and a stranger) and the
commerce tests' seller, buyer and course serve here too; a helper schedules a class."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from lectern.kit.types import utcnow
from tests.commerce.conftest import buyer, course, seller
from tests.conftest import bearer
from tests.discussions.conftest import School, school

__all__ = ["CLASSES", "STUDIO", "buyer", "course", "schedule", "school", "seller"]

STUDIO = "/api/v1/studio"
CLASSES = "/api/v1/live-classes"


async def schedule(
    client: httpx.AsyncClient, school: School, *, in_hours: float = 48, **body: Any
) -> dict[str, Any]:
    """A class of the school's course, scheduled by its teacher (the studio's view of it)."""
    body.setdefault("title", "Office hours")
    body.setdefault("scheduled_at", (utcnow() + timedelta(hours=in_hours)).isoformat())
    body.setdefault("timezone", "Europe/Paris")
    body.setdefault("meeting_url", "https://zoom.us/j/123456789")
    body.setdefault("meeting_password", "s3cret")
    made = await client.post(
        f"{STUDIO}/courses/{school.course.uuid}/live-classes",
        json=body,
        headers=bearer(school.teacher),
    )
    assert made.status_code == 201, made.text
    return dict(made.json())
