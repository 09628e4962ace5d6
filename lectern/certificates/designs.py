"""Certificate templates that admins author, and how a certificate's HTML is made.

A template is a page size and orientation, a background (a colour, an image from the media
library), and ``html_content`` + ``styles``: Jinja2 rendered in a sandbox (no attribute of
Python objects, no import, nothing but the values below) with every value escaped. A
template is checked when saved, by rendering it with sample values: a syntax error or an
unknown variable is a 422 naming the field. The default template (``is_default``) is frozen
on each certificate at issue; without one, the template that ships with Lectern is used.
Documents fetch nothing (kit.documents): images are embedded.
"""

from __future__ import annotations

import base64
import mimetypes
from decimal import Decimal
from typing import Any

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.errors import InvalidInput, NotFound
from lectern.kit import documents
from lectern.kit.types import utcnow
from lectern.models import CertificateTemplate, Media, MediaType

# What a template may show (the names the sandbox knows), with sample values for previews.
SAMPLE: dict[str, Any] = {
    "site_name": "Lectern Academy",
    "student_name": "Ada Lovelace",
    "course_title": "Building APIs with FastAPI",
    "instructor_name": "Grace Hopper",
    "instructor_names": ["Grace Hopper", "Alan Kay"],
    "completion_date": "6 December 2026",
    "issue_date": "6 December 2026",
    "expiry_date": "6 December 2028",
    "hours": Decimal("12.50"),
    "score": Decimal("92.50"),
    "grade": "A",
    "certificate_number": "LC-SAMP-LE23-4567",
    "number": "LC-SAMP-LE23-4567",
    "verification_url": "https://example.com/certificates/LC-SAMP-LE23-4567",
    "qr_image": "data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmci"
    "IHdpZHRoPSIxIiBoZWlnaHQ9IjEiLz4=",
    "qr": "",
}
SAMPLE["qr"] = SAMPLE["qr_image"]
VARIABLES = tuple(SAMPLE)

_sandbox = ImmutableSandboxedEnvironment(autoescape=True, undefined=StrictUndefined)

_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><style>
@page {{ size: {size} {orientation}; margin: 0; }}
html, body {{ margin: 0; }}
body {{ font-family: "DejaVu Serif", "Noto Serif CJK JP", serif; {background} }}
{styles}
</style></head><body>{body}</body></html>"""


def render_body(html_content: str, values: dict[str, Any]) -> str:
    return _sandbox.from_string(html_content).render(values)


def check(html_content: str | None, styles: str | None) -> None:
    """422 unless the template renders with the sample values."""
    for field, text in (("html_content", html_content), ("styles", styles)):
        if text is None:
            continue
        try:
            render_body(text, SAMPLE)
        except TemplateError as error:
            raise InvalidInput(f"the template does not render: {error}", field=field) from error


async def _background(template: CertificateTemplate) -> str:
    parts = []
    if template.background_color:
        parts.append(f"background-color: {template.background_color};")
    if template.background_image:
        image = await documents.read(template.background_image)
        mime = mimetypes.guess_type(template.background_image)[0] or "image/png"
        encoded = base64.b64encode(image).decode("ascii")
        parts.append(
            f'background-image: url("data:{mime};base64,{encoded}"); '
            "background-size: cover; background-position: center;"
        )
    return " ".join(parts)


async def html_of(template: CertificateTemplate, values: dict[str, Any]) -> str:
    """The whole page of a certificate drawn with ``template``."""
    styles = render_body(template.styles or "", values).replace("</", "<\\/")
    return _PAGE.format(
        size=template.size.value,
        orientation=template.orientation.value,
        background=await _background(template),
        styles=styles,
        body=render_body(template.html_content or "", values),
    )


# -- admins' templates -----------------------------------------------------------------------


async def default_template_id(session: AsyncSession) -> int | None:
    return await session.scalar(
        select(CertificateTemplate.id).where(
            CertificateTemplate.is_default.is_(True),
            CertificateTemplate.is_active.is_(True),
            CertificateTemplate.deleted_at.is_(None),
        )
    )


async def get(session: AsyncSession, template_id: int) -> CertificateTemplate:
    template = await session.get(CertificateTemplate, template_id)
    if template is None or template.deleted_at is not None:
        raise NotFound("no such certificate template")
    return template


async def background_path(session: AsyncSession, media_uuid: Any) -> str:
    """The stored file of a media-library image (422 for anything else)."""
    path = await session.scalar(
        select(Media.file_path).where(
            Media.uuid == media_uuid, Media.type == MediaType.IMAGE, Media.deleted_at.is_(None)
        )
    )
    if path is None:
        raise InvalidInput("no image in the media library has this uuid", field="background_media")
    return path


async def save(
    session: AsyncSession, template: CertificateTemplate, changes: dict[str, Any]
) -> CertificateTemplate:
    """Apply ``changes`` (the background as a media uuid) after checking the template."""
    if "background_media" in changes:
        media = changes.pop("background_media")
        changes["background_image"] = (
            None if media is None else await background_path(session, media)
        )
    for name, value in changes.items():
        setattr(template, name, value)
    check(template.html_content, template.styles)
    if template.id is None:
        session.add(template)
    template.updated_at = utcnow()
    await session.flush()
    if changes.get("is_default"):
        # One default: this one.
        await session.execute(
            update(CertificateTemplate)
            .where(CertificateTemplate.id != template.id, CertificateTemplate.is_default.is_(True))
            .values(is_default=False, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )
    return template
