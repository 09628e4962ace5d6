"""Request and response bodies of the catalog: categories and tags.

Categories and tags have no uuid: they are addressed by their slug, in URLs and in bodies
(a category's ``parent``, the list of a reorder). Their integer ids stay internal.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Annotated, Any

from pydantic import Field, field_validator

from lectern.kit.schemas import Input, Output, Patch

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
SLUG_MAX = 200
NAME_MAX = 255
DESCRIPTION_MAX = 5000
MEDIA_MAX = 1024
META_MAX_BYTES = 8192
ORDER_MAX = 100_000
# A CSS colour: #rgb, #rgba, #rrggbb, #rrggbbaa, or a named colour such as "teal".
COLOR_PATTERN = r"^(?:#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})|[a-zA-Z]{3,20})$"
# Schemes a browser would run or inline: never accepted in an icon or image reference.
_UNSAFE_SCHEME = re.compile(r"^\s*(?:javascript|vbscript|data|file):", re.IGNORECASE)

Slug = Annotated[str, Field(min_length=1, max_length=SLUG_MAX, pattern=SLUG_PATTERN)]
Name = Annotated[str, Field(min_length=1, max_length=NAME_MAX)]
Description = Annotated[str, Field(max_length=DESCRIPTION_MAX)]
Media = Annotated[str, Field(min_length=1, max_length=MEDIA_MAX)]
Color = Annotated[str, Field(max_length=32, pattern=COLOR_PATTERN)]
Order = Annotated[int, Field(ge=0, le=ORDER_MAX)]


def _check_media(value: str | None) -> str | None:
    if value is not None and _UNSAFE_SCHEME.match(value):
        raise ValueError("javascript:, vbscript:, data: and file: references are not accepted")
    return value


def _check_meta(value: dict[str, Any] | None) -> dict[str, Any] | None:
    if value is not None and len(json.dumps(value, separators=(",", ":"))) > META_MAX_BYTES:
        raise ValueError(f"meta must serialise to at most {META_MAX_BYTES} characters")
    return value


def _not_null(value: Any) -> Any:
    # Only runs on values the client sent: an omitted field keeps its default, None.
    if value is None:
        raise ValueError("may not be null")
    return value


# -- categories ---------------------------------------------------------------------------


class CategoryCreate(Input):
    name: Name
    slug: Slug | None = Field(
        None, description="Defaults to a unique slug made from the name (-2, -3 ... appended)."
    )
    description: Description | None = None
    icon: Media | None = None
    image: Media | None = None
    color: Color | None = None
    parent: Slug | None = Field(
        None, description="The slug of a top-level category; omitted or null: top level."
    )
    is_featured: bool = False
    is_active: bool = True
    order: Order | None = Field(
        None, description="Position among its siblings; defaults to after the last one."
    )
    meta: dict[str, Any] | None = Field(None, description="Free-form JSON, at most 8 KB.")

    _media = field_validator("icon", "image")(_check_media)
    _meta = field_validator("meta")(_check_meta)


class CategoryUpdate(Patch):
    """Only the fields sent change. ``parent: null`` moves the category to the top level;
    ``slug`` changes the slug (it never changes with the name)."""

    name: Name | None = None
    slug: Slug | None = None
    description: Description | None = None
    icon: Media | None = None
    image: Media | None = None
    color: Color | None = None
    parent: Slug | None = None
    is_featured: bool | None = None
    is_active: bool | None = None
    order: Order | None = None
    meta: dict[str, Any] | None = None

    _media = field_validator("icon", "image")(_check_media)
    _meta = field_validator("meta")(_check_meta)
    _required = field_validator("name", "slug", "is_featured", "is_active", "order")(_not_null)


class CategoryReorder(Input):
    """The complete list of a parent's (not deleted) subcategories, or of the top-level
    categories when ``parent`` is null, in their new order."""

    parent: Slug | None = None
    slugs: list[Slug] = Field(min_length=1, max_length=500)

    @field_validator("slugs")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("each slug may appear only once")
        return value


class CategoryOut(Output):
    slug: str
    name: str
    description: str | None
    icon: str | None
    image: str | None
    color: str | None
    parent: str | None = Field(description="The parent's slug; null at the top level.")
    is_featured: bool
    is_active: bool
    order: int
    meta: dict[str, Any] | None
    course_count: int = Field(
        description="Published, approved courses in this category or its subcategories."
    )
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None = Field(description="Only ever set for administrators.")


class CategoryNode(CategoryOut):
    children: list[CategoryNode]


class CategoryTree(Output):
    items: list[CategoryNode]


class CategoryList(Output):
    items: list[CategoryOut]


# -- tags -----------------------------------------------------------------------------------


class TagCreate(Input):
    name: Name
    slug: Slug | None = Field(None, description="Defaults to a unique slug made from the name.")
    description: Description | None = None


class TagUpdate(Patch):
    name: Name | None = None
    slug: Slug | None = None
    description: Description | None = None

    _required = field_validator("name", "slug")(_not_null)


class TagOut(Output):
    slug: str
    name: str
    description: str | None
    is_active: bool
    created_at: datetime
    updated_at: datetime
