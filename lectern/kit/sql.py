"""Small SQL helpers shared by the domains."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, Result


def rowcount(result: Result[Any]) -> int:
    """Rows a conditional UPDATE matched (the session types its result as ``Result``)."""
    return cast(CursorResult[Any], result).rowcount
