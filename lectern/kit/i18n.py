"""Lectern's words in each person's language.

The English text is the message id; the translations are gettext catalogs,
``lectern/locales/<language>/LC_MESSAGES/lectern.po``, read (with Babel) the first time a
language is asked for. A language without a catalog, or a message a catalog lacks, reads in
English. Places in a message are ``{named}`` and filled after translation, so a translation
may move them. Dates are written as the person's locale writes them, in their time zone.
"""

from __future__ import annotations

import gettext
import io
import zoneinfo
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from babel.core import Locale, UnknownLocaleError
from babel.dates import format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALES = Path(__file__).resolve().parents[1] / "locales"
SOURCE = "en"


def language_of(code: str | None) -> str:
    """The language part of a code (``fr-CA`` → ``fr``); English when there is none."""
    return (code or SOURCE).replace("_", "-").split("-")[0].lower() or SOURCE


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The catalog of ``language`` (its language part), or none: English."""
    catalog_path = LOCALES / language_of(language) / "LC_MESSAGES" / "lectern.po"
    if language_of(language) == SOURCE or not catalog_path.is_file():
        return gettext.NullTranslations()
    with catalog_path.open("rb") as source:
        catalog = read_po(source)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


class Text:
    """Words to show someone, in their language: the English message and the values of its
    places (a value may be a Text too, translated with it)."""

    __slots__ = ("message", "values")

    def __init__(self, message: str, **values: Any) -> None:
        self.message = message
        self.values = values

    def __repr__(self) -> str:
        return f"Text({self.message!r})"

    def say(self, language: str) -> str:
        filled = {
            name: value.say(language) if isinstance(value, Text) else value
            for name, value in self.values.items()
        }
        return translations(language).gettext(self.message).format(**filled)


def say(text: str | Text, language: str) -> str:
    """``text`` in ``language`` (plain text is said as it is)."""
    return text.say(language) if isinstance(text, Text) else text


def translate(language: str, message: str, **values: Any) -> str:
    """One message in ``language``: what the mail templates call ``t``."""
    return Text(message, **values).say(language)


def zone_or(name: str | None, fallback: str = "UTC") -> str:
    """``name`` when it is a time zone this machine knows, else ``fallback``."""
    try:
        zoneinfo.ZoneInfo(name or "")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return fallback
    return name or fallback


def moment(when: datetime, zone: str, language: str) -> str:
    """``when`` as the language writes a date and time, in ``zone``, the zone named after
    it: ``Thursday 10 December 2026, 18:00 (Europe/Paris)``."""
    try:
        locale = Locale.parse(language_of(language))
    except (UnknownLocaleError, ValueError):
        locale = Locale.parse(SOURCE)
    zone = zone_or(zone)
    written = format_datetime(
        when, "EEEE d MMMM y, HH:mm", tzinfo=zoneinfo.ZoneInfo(zone), locale=locale
    )
    return f"{written} ({zone})"
