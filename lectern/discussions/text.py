"""What is written in a thread: Markdown rendered to safe HTML, mentions, and the spam rules.

Posts are stored as the Markdown their author typed (so that they can edit it) and rendered
when read: raw HTML in the source is shown as text, never as markup (markdown-it with HTML
off), and the result passes the same nh3 allow-list as every rich text field, so no script,
event handler or ``javascript:`` link survives. Code blocks keep their language class.
"""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt

_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table").enable("strikethrough")
_ATTRIBUTES = {**nh3.ALLOWED_ATTRIBUTES, "code": {"class"}}

# @username: the usernames users sign up with (letters, digits, ".", "_", "-").
_MENTION = re.compile(r"(?<![\w@.])@([A-Za-z0-9][A-Za-z0-9._-]{1,49})")
MAX_MENTIONS = 10
_LINK = re.compile(r"https?://|www\.", re.IGNORECASE)


def to_html(markdown: str) -> str:
    """The post as sanitised HTML."""
    return nh3.clean(_MARKDOWN.render(markdown), attributes=_ATTRIBUTES)


def mentions(markdown: str) -> list[str]:
    """The usernames mentioned, lower-cased, in order, at most ``MAX_MENTIONS``."""
    found: list[str] = []
    for name in _MENTION.findall(markdown):
        name = name.rstrip(".-").lower()
        if name not in found:
            found.append(name)
    return found[:MAX_MENTIONS]


def has_link(text: str) -> bool:
    return bool(_LINK.search(text))


def fingerprint(text: str) -> str:
    """The text as compared for repetition: case and spacing do not make it new."""
    return " ".join(text.lower().split())
