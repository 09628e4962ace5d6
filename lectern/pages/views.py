"""Rendering a page: its template, its status, and the headers every page carries."""

from __future__ import annotations

from importlib.resources import files
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import ChoiceLoader, Environment, PackageLoader, StrictUndefined, select_autoescape
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.pages import csrf
from lectern.platform.service import get_value


def page_templates(package: str | None = None) -> Environment:
    """The pages' templates; with ``package``, that domain's own ``templates`` first (its
    pages extend the same ``_page.html``)."""
    own = [PackageLoader(package, "templates")] if package else []
    return Environment(
        loader=ChoiceLoader([*own, PackageLoader("lectern.pages", "templates")]),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
    )


_templates = page_templates()

STYLESHEET = (files("lectern.pages") / "static" / "pages.css").read_text(encoding="utf-8")
# Plain pages: our stylesheet, forms that post here, nothing else (no script at all).
POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)


async def site_name(session: AsyncSession) -> str:
    name = await get_value(session, "site.name", "Lectern")
    return str(name) if name else "Lectern"


async def render(
    session: AsyncSession,
    request: Request,
    template: str,
    *,
    status: int = 200,
    form: bool = False,
    templates: Environment = _templates,
    **context: Any,
) -> HTMLResponse:
    """The page ``template``; a ``form`` page gets a CSRF token in its context and cookie."""
    token = csrf.token_for(request) if form else ""
    html = templates.get_template(f"{template}.html").render(
        site_name=await site_name(session), csrf_field=csrf.FIELD, csrf_token=token, **context
    )
    response = HTMLResponse(html, status_code=status)
    response.headers["Content-Security-Policy"] = POLICY
    # A page may hold a one-time token: never kept by a cache.
    response.headers["Cache-Control"] = "no-store"
    if form:
        csrf.set_cookie(response, token)
    return response
