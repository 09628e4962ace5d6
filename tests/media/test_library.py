"""Listing, reading, describing, deleting and downloading media: owner-scoped."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.kit.types import utcnow
from lectern.models import ActivityLog, Media, MediaType, User
from tests.conftest import bearer
from tests.factories.media import create_media
from tests.media.conftest import BASE, PDF, QueryCounter, image, stored_files, upload


async def reload(db: AsyncSession, media: Media) -> Media:
    await db.refresh(media)
    return media


# -- listing -----------------------------------------------------------------------------------


async def test_i_list_only_my_media_newest_first(
    client: httpx.AsyncClient, db: AsyncSession, author: User, other_author: User
) -> None:
    now = utcnow()
    old = await create_media(db, author, name="Old", created_at=now - timedelta(days=2))
    new = await create_media(db, author, name="New", created_at=now - timedelta(days=1))
    await create_media(db, other_author, name="Theirs")
    await create_media(db, author, name="Gone", deleted_at=now)

    response = await client.get(BASE, headers=bearer(author))
    assert response.status_code == 200, response.text
    body = response.json()
    assert [m["uuid"] for m in body["items"]] == [str(new.uuid), str(old.uuid)]
    assert body["meta"] == {"total": 2, "page": 1, "per_page": 20, "pages": 1}

    by_name = await client.get(BASE, params={"sort": "name"}, headers=bearer(author))
    assert [m["name"] for m in by_name.json()["items"]] == ["New", "Old"]


async def test_filter_by_type_search_by_name_and_paginate(
    client: httpx.AsyncClient, db: AsyncSession, author: User
) -> None:
    await create_media(db, author, name="Cover photo")
    await create_media(db, author, name="Syllabus", type=MediaType.DOCUMENT, mime_type="x/y")
    await create_media(db, author, name="100% done")
    headers = bearer(author)

    docs = await client.get(BASE, params={"type": "document"}, headers=headers)
    assert [m["name"] for m in docs.json()["items"]] == ["Syllabus"]
    found = await client.get(BASE, params={"q": "PHOTO"}, headers=headers)
    assert [m["name"] for m in found.json()["items"]] == ["Cover photo"]
    percent = await client.get(BASE, params={"q": "0%"}, headers=headers)  # % is literal
    assert [m["name"] for m in percent.json()["items"]] == ["100% done"]
    page = await client.get(BASE, params={"per_page": 2, "page": 2}, headers=headers)
    assert len(page.json()["items"]) == 1
    assert page.json()["meta"]["pages"] == 2


async def test_listing_runs_a_fixed_number_of_queries(
    client: httpx.AsyncClient, db: AsyncSession, author: User, queries: QueryCounter
) -> None:
    counts = []
    for extra in (1, 10):
        for _ in range(extra):
            await create_media(db, author)
        queries.statements.clear()
        assert (await client.get(BASE, headers=bearer(author))).status_code == 200
        counts.append(queries.count)
    assert counts[0] == counts[1]


async def test_an_admin_lists_another_users_media(
    client: httpx.AsyncClient, db: AsyncSession, admin: User, author: User
) -> None:
    mine = await create_media(db, admin)
    theirs = await create_media(db, author)

    own = await client.get(BASE, headers=bearer(admin))
    assert [m["uuid"] for m in own.json()["items"]] == [str(mine.uuid)]
    other = await client.get(BASE, params={"user": str(author.uuid)}, headers=bearer(admin))
    assert [m["uuid"] for m in other.json()["items"]] == [str(theirs.uuid)]
    unknown = await client.get(
        BASE, params={"user": "00000000-0000-4000-8000-000000000000"}, headers=bearer(admin)
    )
    assert unknown.status_code == 404


async def test_others_may_not_list_someone_elses_media(
    client: httpx.AsyncClient, db: AsyncSession, author: User, other_author: User
) -> None:
    await create_media(db, other_author)
    response = await client.get(
        BASE, params={"user": str(other_author.uuid)}, headers=bearer(author)
    )
    assert response.status_code == 403
    own = await client.get(BASE, params={"user": str(author.uuid)}, headers=bearer(author))
    assert own.status_code == 200
    assert own.json()["items"] == []


@pytest.mark.parametrize(
    "params",
    [{"type": "spreadsheet"}, {"sort": "file_path"}, {"user": "nope"}, {"per_page": 101}],
)
async def test_bad_list_parameters(
    client: httpx.AsyncClient, author: User, params: dict[str, Any]
) -> None:
    assert (await client.get(BASE, params=params, headers=bearer(author))).status_code == 422


async def test_every_route_needs_a_token(client: httpx.AsyncClient, db: AsyncSession) -> None:
    media = await create_media(db, None)
    url = f"{BASE}/{media.uuid}"
    assert (await client.get(BASE)).status_code == 401
    assert (await client.get(url)).status_code == 401
    assert (await client.patch(url, json={"name": "x"})).status_code == 401
    assert (await client.delete(url)).status_code == 401
    assert (await client.get(f"{url}/file")).status_code == 401
    assert (await reload(db, media)).deleted_at is None


# -- one item ----------------------------------------------------------------------------------


async def test_i_read_my_item_but_not_others(
    client: httpx.AsyncClient, db: AsyncSession, author: User, other_author: User, admin: User
) -> None:
    media = await create_media(db, author, alt_text="Alt")
    url = f"{BASE}/{media.uuid}"

    mine = await client.get(url, headers=bearer(author))
    assert mine.status_code == 200
    assert mine.json()["alt_text"] == "Alt"
    assert "file_path" not in mine.json()
    assert (await client.get(url, headers=bearer(other_author))).status_code == 404
    assert (await client.get(url, headers=bearer(admin))).status_code == 200
    missing = f"{BASE}/00000000-0000-4000-8000-000000000000"
    assert (await client.get(missing, headers=bearer(author))).status_code == 404
    assert (await client.get(f"{BASE}/not-a-uuid", headers=bearer(author))).status_code == 422


async def test_i_rename_and_describe_my_item(
    client: httpx.AsyncClient, db: AsyncSession, author: User
) -> None:
    media = await create_media(db, author, name="Old", alt_text="Old alt", caption="Old cap")
    url = f"{BASE}/{media.uuid}"

    response = await client.patch(
        url, json={"name": "  New  ", "caption": "New cap"}, headers=bearer(author)
    )
    assert response.status_code == 200, response.text
    assert response.json()["name"] == "New"
    media = await reload(db, media)
    assert (media.name, media.alt_text, media.caption) == ("New", "Old alt", "New cap")

    cleared = await client.patch(url, json={"alt_text": None}, headers=bearer(author))
    assert cleared.status_code == 200
    assert (await reload(db, media)).alt_text is None


@pytest.mark.parametrize(
    "body",
    [
        {"name": None},
        {"name": ""},
        {"name": "x" * 256},
        {"alt_text": "x" * 501},
        {"name": "a\u0000b"},
        {"name": 5},
        {"mime_type": "text/html"},
        {"file_path": "../../etc/passwd"},
        {"user_id": 1},
        {"type": "video"},
    ],
)
async def test_bad_updates_are_refused_and_change_nothing(
    client: httpx.AsyncClient, db: AsyncSession, author: User, body: dict[str, Any]
) -> None:
    media = await create_media(db, author, name="Keep")
    response = await client.patch(f"{BASE}/{media.uuid}", json=body, headers=bearer(author))
    assert response.status_code == 422, response.text
    media = await reload(db, media)
    assert (media.name, media.mime_type, media.type) == ("Keep", "image/png", MediaType.IMAGE)
    assert media.file_path.startswith("media/")


async def test_i_may_not_change_or_delete_others_items(
    client: httpx.AsyncClient, db: AsyncSession, author: User, other_author: User
) -> None:
    media = await create_media(db, other_author, name="Theirs")
    url = f"{BASE}/{media.uuid}"
    assert (
        await client.patch(url, json={"name": "Mine"}, headers=bearer(author))
    ).status_code == 404
    assert (await client.delete(url, headers=bearer(author))).status_code == 404
    media = await reload(db, media)
    assert (media.name, media.deleted_at) == ("Theirs", None)


async def test_an_admin_changing_someone_elses_item_is_logged(
    client: httpx.AsyncClient, db: AsyncSession, admin: User, author: User
) -> None:
    media = await create_media(db, author)
    url = f"{BASE}/{media.uuid}"
    assert (
        await client.patch(url, json={"name": "Moderated"}, headers=bearer(admin))
    ).status_code == 200
    assert (await client.delete(url, headers=bearer(admin))).status_code == 204

    events = list(
        await db.scalars(
            select(ActivityLog.event)
            .where(ActivityLog.subject_type == "media", ActivityLog.subject_id == media.id)
            .order_by(ActivityLog.id)
        )
    )
    assert events == ["media.updated", "media.deleted"]


async def test_deleting_hides_the_item_and_keeps_the_file(
    client: httpx.AsyncClient, db: AsyncSession, author: User, files_dir: Path
) -> None:
    created = (await upload(client, author, image())).json()
    url = f"{BASE}/{created['uuid']}"

    response = await client.delete(url, headers=bearer(author))
    assert response.status_code == 204
    assert response.content == b""
    row = await db.scalar(
        select(Media)
        .where(Media.uuid == uuid.UUID(created["uuid"]))
        .execution_options(populate_existing=True)
    )
    assert row is not None
    assert row.deleted_at is not None
    assert (await client.get(url, headers=bearer(author))).status_code == 404
    assert (await client.get(f"{url}/file", headers=bearer(author))).status_code == 404
    assert (await client.delete(url, headers=bearer(author))).status_code == 404
    assert (await client.get(BASE, headers=bearer(author))).json()["items"] == []
    assert len(stored_files(files_dir)) == 1  # kept until a purge


# -- the file ------------------------------------------------------------------------------


async def test_i_download_my_file_with_its_sniffed_type(
    client: httpx.AsyncClient, author: User, other_author: User, admin: User
) -> None:
    content = image()
    created = (await upload(client, author, content, "Café menu.png", "text/plain")).json()
    url = f"{BASE}/{created['uuid']}/file"

    response = await client.get(url, headers=bearer(author))
    assert response.status_code == 200
    assert response.content == content
    assert response.headers["content-type"] == "image/png"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-disposition"] == (
        "inline; filename=\"Caf_ menu.png\"; filename*=UTF-8''Caf%C3%A9%20menu.png"
    )
    assert (await client.get(url, headers=bearer(other_author))).status_code == 404
    assert (await client.get(url, headers=bearer(admin))).content == content


async def test_documents_are_offered_as_downloads(client: httpx.AsyncClient, author: User) -> None:
    created = (await upload(client, author, PDF, "syllabus.pdf")).json()
    response = await client.get(f"{BASE}/{created['uuid']}/file", headers=bearer(author))
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith('attachment; filename="syllabus.pdf"')


async def test_a_file_missing_from_storage_is_a_404(
    client: httpx.AsyncClient, db: AsyncSession, author: User
) -> None:
    media = await create_media(db, author)  # its path points at nothing
    response = await client.get(f"{BASE}/{media.uuid}/file", headers=bearer(author))
    assert response.status_code == 404
    assert response.json()["type"].endswith("/file_missing")
