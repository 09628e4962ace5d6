"""Meeting platforms. Today every platform takes the meeting its host made there and pasted
here (its URL, and the password and host link when it has them); a platform with an API (a
Zoom or Google integration that creates the meeting itself) becomes another ``Provider``
registered in ``PROVIDERS``, and nothing else changes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

from lectern.errors import InvalidInput
from lectern.models import LiveClassPlatform


@dataclass(frozen=True)
class Meeting:
    url: str
    meeting_id: str | None = None
    password: str | None = None
    host_url: str | None = None


class Provider(Protocol):
    def meeting(self, given: Meeting) -> Meeting:
        """The meeting to keep for a class, from what its host gave (or made on the
        platform); InvalidInput when it cannot be a meeting of this platform."""
        ...


@dataclass(frozen=True)
class PastedLink:
    """A meeting made by hand on the platform: its link must be an https one of the
    platform's own hosts (any host for ``custom``), so a learner is not sent elsewhere."""

    hosts: tuple[str, ...] = ()

    def meeting(self, given: Meeting) -> Meeting:
        for field, url in (("meeting_url", given.url), ("host_url", given.host_url)):
            if url is not None and not self._ours(url):
                where = " or ".join(self.hosts) if self.hosts else "a web address"
                raise InvalidInput(f"the link must be an https link on {where}", field=field)
        return given

    def _ours(self, url: str) -> bool:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if parts.scheme != "https" or not host:
            return False
        return not self.hosts or any(host == h or host.endswith("." + h) for h in self.hosts)


PROVIDERS: dict[LiveClassPlatform, Provider] = {
    LiveClassPlatform.ZOOM: PastedLink(("zoom.us", "zoom.com")),
    LiveClassPlatform.GOOGLE_MEET: PastedLink(("meet.google.com",)),
    LiveClassPlatform.YOUTUBE_LIVE: PastedLink(("youtube.com", "youtu.be")),
    LiveClassPlatform.VIMEO: PastedLink(("vimeo.com",)),
    LiveClassPlatform.CUSTOM: PastedLink(),
}
