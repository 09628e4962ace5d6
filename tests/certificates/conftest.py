"""Certificates are rendered into the file storage: a folder per test."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _files(files: Path) -> Path:
    return files
