"""The facts users publish (see lectern.events)."""

from __future__ import annotations

from dataclasses import dataclass

from lectern.events import Event


@dataclass(frozen=True)
class NameChanged(Event):
    """A user corrected their name: documents made out to them are reissued."""

    user_id: int
    old_name: str
    new_name: str
