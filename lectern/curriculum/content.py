"""Checking what authors paste or upload: embed codes, URLs and WebVTT files (HTML:
lectern.kit.html)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import nh3

# Embeds: an iframe and the few attributes a player needs; its src only over https.
_EMBED_TAGS = {"iframe"}
_EMBED_ATTRIBUTES = {"iframe": {"src", "width", "height", "allow", "allowfullscreen", "title"}}
_HTTPS_SRC = re.compile(r'<iframe\b[^>]*\bsrc="https://', re.IGNORECASE)


def is_http_url(value: str) -> bool:
    """An absolute http(s) URL with a host."""
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme.lower() in {"http", "https"} and bool(parts.hostname)


def _embed_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "src" and not value.strip().lower().startswith("https://"):
        return None  # relative, protocol-relative, http: and javascript: sources go
    return value


def sanitize_embed(value: str) -> str:
    """An embed code reduced to iframes with https sources; everything else is stripped."""
    return nh3.clean(
        value,
        tags=_EMBED_TAGS,
        attributes=_EMBED_ATTRIBUTES,
        url_schemes={"https"},
        attribute_filter=_embed_attribute,
        link_rel=None,
    ).strip()


def has_https_iframe(value: str) -> bool:
    return _HTTPS_SRC.search(value) is not None


# -- WebVTT -----------------------------------------------------------------------------------

_TIMESTAMP = r"(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})"
_TIMING = re.compile(rf"^{_TIMESTAMP}[ \t]+-->[ \t]+{_TIMESTAMP}(?:[ \t].*)?$")


class WebVTTError(ValueError):
    pass


@dataclass(frozen=True)
class Cue:
    start_ms: int
    end_ms: int


def _millis(hours: str | None, minutes: str, seconds: str, millis: str) -> int:
    return ((int(hours or 0) * 60 + int(minutes)) * 60 + int(seconds)) * 1000 + int(millis)


def parse_webvtt(content: bytes) -> list[Cue]:
    """The cues of a WebVTT file; WebVTTError when it is not one (UTF-8, a "WEBVTT" header,
    valid cue timings, at least one cue)."""
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise WebVTTError("the file is not UTF-8 text") from exc
    text = text.removeprefix("\ufeff")
    if "\x00" in text:
        raise WebVTTError("the file contains NUL characters")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    header = lines[0]
    if not header.startswith("WEBVTT") or header[6:7] not in {"", " ", "\t"}:
        raise WebVTTError('a WebVTT file starts with "WEBVTT"')
    cues: list[Cue] = []
    for number, line in enumerate(lines[1:], start=2):
        if "-->" not in line:
            continue
        match = _TIMING.match(line.strip())
        if match is None:
            raise WebVTTError(f"line {number}: invalid cue timing {line.strip()[:60]!r}")
        groups = match.groups()
        start, end = _millis(*groups[:4]), _millis(*groups[4:])
        if end <= start:
            raise WebVTTError(f"line {number}: a cue must end after it starts")
        cues.append(Cue(start, end))
    if not cues:
        raise WebVTTError("the file has no cues")
    return cues
