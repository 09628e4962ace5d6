"""Lectern's words in each person's language: every message the code and the mail templates
say has its French and Spanish translation with the same places; a French learner reads
their notification, its e-mail and a live class's time in French; a language without a
catalog reads in English."""

from __future__ import annotations

import re
import string
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from babel.messages.pofile import read_po
from sqlalchemy.ext.asyncio import AsyncSession

from lectern import jobs
from lectern.kit.i18n import LOCALES, Text, moment
from lectern.mail.sending import render
from lectern.notifications import service as notifications
from lectern.notifications import unsubscribe
from lectern.notifications.kinds import _ALL, DIGEST, KINDS
from lectern.notifications.pages import TITLE
from tests.assignments.test_grading import mails
from tests.factories import create_user

ROOT = Path(__file__).resolve().parents[1] / "lectern"


def said_in_code() -> set[str]:
    """The English messages: ``Text("…")`` and ``translate(language, "…")`` in the code,
    ``t("…")`` in the templates, what the kinds of notification are called, the digests'
    cadences, the unsubscribe pages' title."""
    found: set[str] = set()
    for path in ROOT.rglob("*.py"):
        for call in re.finditer(r'Text\(\s*((?:"[^"]*"\s*)+)', path.read_text()):
            found.add("".join(re.findall(r'"([^"]*)"', call.group(1))))
        found.update(re.findall(r'translate\(\s*\w+,\s*"([^"]*)"', path.read_text()))
    for folder in ("mail/templates", "notifications/templates"):
        for path in (ROOT / folder).iterdir():
            found.update(re.findall(r't\("([^"]*)"', path.read_text()))
    found.update(kind.described for kind in (*_ALL, DIGEST))
    return found | {"daily", "weekly", TITLE}


def places(message: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(message) if name}


@pytest.mark.parametrize("language", ["fr", "es"])
def test_every_message_is_translated_with_the_same_places(language: str) -> None:
    with (LOCALES / language / "LC_MESSAGES" / "lectern.po").open("rb") as source:
        catalog = read_po(source)
    translated = {message.id: message.string for message in catalog if message.id}
    missing = sorted(said_in_code() - translated.keys())
    assert missing == []
    for english, words in translated.items():
        assert words, english
        assert places(words) == places(english), english


async def test_a_french_learner_reads_french(db: AsyncSession, mail_dir: Path) -> None:
    learner = await create_user(db, language="fr-FR")
    other = await create_user(db, language="de")

    for user in (learner, other):
        await notifications.notify(
            db,
            user.id,
            "new_lessons",
            title=Text("New in {course}", course="Compilers"),
            message=Text("A new lesson: {lesson}.", lesson="Parsing"),
        )
    await jobs.dispatch_pending(db)
    sent = {message["To"]: message for message in await mails(mail_dir)}

    french = sent[learner.email]
    assert french["Subject"] == "Nouveau dans Compilers"
    text = french.get_body(("plain",)).get_content()
    assert "Bonjour" in text
    assert "Une nouvelle leçon : Parsing." in text
    assert "Ne plus recevoir ces e-mails" in text
    assert sent[other.email]["Subject"] == "New in Compilers"


def test_a_time_is_written_as_the_language_writes_it() -> None:
    when = datetime(2026, 12, 10, 17, 0, tzinfo=UTC)

    assert moment(when, "Europe/Paris", "fr") == "jeudi 10 décembre 2026, 18:00 (Europe/Paris)"
    assert moment(when, "America/New_York", "en") == (
        "Thursday 10 December 2026, 12:00 (America/New_York)"
    )
    assert moment(when, "Nowhere/Else", "xx").endswith("17:00 (UTC)")


GRADED = {
    "name": "Ada",
    "course": "Compilers",
    "quiz": "Parsing",
    "assignment": "Lexer",
    "points": "3",
    "total": "4",
    "percentage": "75",
    "passed": True,
    "returned": False,
    "late_penalty": "10",
    "feedback": "Good work",
    "link": "https://lectern.test/x",
    "reason": "feedback on your work",
    "unsubscribe_url": "https://lectern.test/unsubscribe/x",
}


@pytest.mark.parametrize(
    ("language", "quiz", "assignment"),
    [
        ("en", "Your quiz was graded: Parsing", "after a late penalty of 10 %"),
        ("fr", "Votre quiz a été noté : Parsing", "après une pénalité de retard de 10 %"),
        ("es", "Tu cuestionario fue calificado: Parsing", "penalización por retraso del 10 %"),
    ],
)
def test_the_graded_work_mails_speak_the_language(
    language: str, quiz: str, assignment: str
) -> None:
    quiz_mail = render("quiz_graded", {**GRADED, "to": "ada@x.test"}, language=language)
    work_mail = render("assignment_graded", {**GRADED, "to": "ada@x.test"}, language=language)

    assert quiz_mail["Subject"] == quiz
    assert assignment in work_mail.get_body(("plain",)).get_content()
    assert assignment in work_mail.get_body(("html",)).get_content()


async def test_the_unsubscribe_pages_speak_the_link_owner_language(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await create_user(db, language="es")
    link = unsubscribe.link(user.id, KINDS["announcements"])
    path = link[link.index("/unsubscribe/") :]

    page = await client.get(path)
    done = await client.post(path)

    assert "¿Dejar de recibir correos de notificaciones de anuncios?" in page.text
    assert "Hecho: no más correos de notificaciones de anuncios." in done.text
