"""Who acts: services take an Actor (or, before sign-in, a Client), never a Request."""

from __future__ import annotations

from dataclasses import dataclass, field

from lectern.kit.client import Client
from lectern.models import User


@dataclass(frozen=True, slots=True)
class Actor:
    """A signed-in user and the client they act from (for the activity log)."""

    user: User
    client: Client = field(default_factory=Client)
