"""Links in e-mails: the app's address (LECTERN_APP_URL) plus the page's path."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from lectern.config import app_settings
from lectern.kit.links import app_link


@pytest.fixture
def app_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("LECTERN_APP_URL", "https://learn.example.org/")
    app_settings.cache_clear()
    yield
    app_settings.cache_clear()


@pytest.mark.usefixtures("app_url")
def test_a_link_is_the_app_url_and_the_page_path() -> None:
    course, quiz = uuid.uuid4(), uuid.uuid4()

    assert app_link("home") == "https://learn.example.org/"
    assert app_link("quiz", course=course, quiz=quiz) == (
        f"https://learn.example.org/learn/{course}/quizzes/{quiz}"
    )


@pytest.mark.usefixtures("app_url")
def test_query_and_path_parts_are_escaped() -> None:
    assert app_link("verify_email", {"token": "a+b/c d"}) == (
        "https://learn.example.org/verify-email?token=a%2Bb%2Fc+d"
    )
    assert app_link("quiz", course="../admin", quiz="x?y") == (
        "https://learn.example.org/learn/..%2Fadmin/quizzes/x%3Fy"
    )
