"""Fixtures of the authentication tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _mail_to_a_folder(mail_dir: Path) -> None:
    """Mail of tests that don't read it goes to a temporary folder, not ./storage
    (the `mailbox` fixture, when a test asks for it, switches to SMTP)."""
