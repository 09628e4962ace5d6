"""The front door and the API's documentation pages, which load with no CDN."""

from __future__ import annotations

import re

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories.platform import create_setting


async def test_the_front_door_says_what_this_is_and_links_the_docs(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await create_setting(db, "site.name", "Riverside <Academy>")
    await create_setting(db, "site.description", "Courses for the whole valley.")

    page = await client.get("/")

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "<h1>Riverside &lt;Academy&gt;</h1>" in page.text  # escaped
    assert "Courses for the whole valley." in page.text
    for link in ("/api/docs", "/api/redoc", "/api/openapi.json"):
        assert f'href="{link}"' in page.text
    assert "script-src" not in page.headers["content-security-policy"]  # no script at all
    style = await client.get("/assets/pages.css")
    assert style.status_code == 200
    assert style.headers["content-type"].startswith("text/css")


async def test_the_docs_load_their_assets_from_lectern(client: httpx.AsyncClient) -> None:
    swagger = await client.get("/api/docs")
    redoc = await client.get("/api/redoc")

    for page in (swagger, redoc):
        assert page.status_code == 200
        assert "cdn" not in page.text.lower()
        assert "googleapis" not in page.text
        assets = re.findall(r'(?:src|href)="(/api/docs/assets/[^"]+)"', page.text)
        assert assets, page.text
        for asset in assets:
            answer = await client.get(asset)
            assert answer.status_code == 200, asset
            assert len(answer.content) > 1000
        assert "default-src 'self'" in page.headers["content-security-policy"]
    assert "/api/docs/assets/swagger-ui-bundle.js" in swagger.text
    assert "/api/docs/assets/redoc.standalone.js" in redoc.text
    assert "'/api/docs/oauth2-redirect'" in swagger.text
    redirect = await client.get("/api/docs/oauth2-redirect")
    assert redirect.status_code == 200
    assert "oauth2" in redirect.text.lower()


async def test_pages_are_not_in_the_api_document(client: httpx.AsyncClient) -> None:
    paths = (await client.get("/api/openapi.json")).json()["paths"]

    assert not {"/", "/verify-email", "/reset-password", "/api/docs"} & set(paths)
