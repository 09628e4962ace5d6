"""The facts certificates publish (see lectern.events)."""

from __future__ import annotations

from dataclasses import dataclass

from lectern.events import Event


@dataclass(frozen=True)
class CertificateIssued(Event):
    """A learner earned a certificate: notifications tell them."""

    certificate_id: int
    user_id: int
    course_id: int


@dataclass(frozen=True)
class CertificateReissued(Event):
    """A certificate got a new number and the holder's current name (its old number is
    revoked): notifications tell the holder."""

    certificate_id: int
    user_id: int
    course_id: int
