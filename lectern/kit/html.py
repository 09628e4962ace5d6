"""Rich text: the fields that hold HTML, sanitised on write with one allow-list.

A web app renders these fields as HTML; every other text field of the API is plain text, to
be escaped where it is shown. The allow-list is nh3's default: formatting, lists, links,
images and tables stay; scripts, styles, event handlers (``onerror=``) and ``javascript:``
URLs go. Declaring a field ``RichText`` in a request body sanitises it
before anything stores it; the OpenAPI document marks it ``contentMediaType: text/html``.
"""

from __future__ import annotations

from typing import Annotated

import nh3
from pydantic import AfterValidator, Field

# Every field that holds HTML, as table.column (the tests check each one end to end).
RICH_TEXT_FIELDS = (
    "courses.description",
    "lessons.content",
    "assignments.instructions",
    "quizzes.instructions",
    "quiz_questions.explanation",
    "faqs.answer",
    "instructor_profiles.bio",
    "user_profiles.bio",
)


def sanitize_html(value: str) -> str:
    """``value`` with only the allow-list's tags and attributes."""
    return nh3.clean(value)


# A request field holding HTML; bound its length where it is used:
# ``Annotated[RichText, StringConstraints(max_length=50_000)]``.
RichText = Annotated[
    str,
    AfterValidator(sanitize_html),
    Field(json_schema_extra={"contentMediaType": "text/html"}),
]
