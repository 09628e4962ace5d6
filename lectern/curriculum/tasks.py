"""Background jobs of the curriculum: removing stored files once their row is gone."""

from __future__ import annotations

from lectern.jobs import broker
from lectern.kit.storage import storage


@broker.task(task_name="lectern.curriculum.delete_file")
async def delete_stored_file(key: str) -> None:
    """Remove ``key`` from storage; a key already gone is fine (safe to run twice)."""
    await storage().delete(key)
