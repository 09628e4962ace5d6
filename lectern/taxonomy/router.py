"""HTTP routes of the catalog domain: the category tree and tags.

Categories and tags are addressed by slug (they have no uuid). Anyone reads the public
taxonomy; administrators also read hidden rows with ``?include=all`` and make every change.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Query, Response

from lectern.db import SessionDep
from lectern.errors import problem_responses
from lectern.kit.routing import ApiRouter
from lectern.kit.schemas import Page, PageParams, page_params
from lectern.models import Category
from lectern.security.dependencies import AdminActor, OptionalUser
from lectern.taxonomy import policy, service
from lectern.taxonomy import tags as tag_service
from lectern.taxonomy.policy import Include
from lectern.taxonomy.schemas import (
    CategoryCreate,
    CategoryList,
    CategoryNode,
    CategoryOut,
    CategoryReorder,
    CategoryTree,
    CategoryUpdate,
    TagCreate,
    TagOut,
    TagUpdate,
)
from lectern.taxonomy.service import CategoryView
from lectern.taxonomy.tags import TagSort

router = ApiRouter(prefix="", tags=["catalog"])

SlugPath = Annotated[str, Path(min_length=1, max_length=255, description="The slug.")]
IncludeQuery = Annotated[
    Include,
    Query(description="`all` (administrators only): also inactive and deleted rows."),
]


def _fields(category: Category, parent_slug: str | None, course_count: int) -> dict[str, object]:
    return {
        "slug": category.slug,
        "name": category.name,
        "description": category.description,
        "icon": category.icon,
        "image": category.image,
        "color": category.color,
        "parent": parent_slug,
        "is_featured": category.is_featured,
        "is_active": category.is_active,
        "order": category.order,
        "meta": category.meta,
        "course_count": course_count,
        "created_at": category.created_at,
        "updated_at": category.updated_at,
        "deleted_at": category.deleted_at,
    }


def _node(view: CategoryView) -> CategoryNode:
    return CategoryNode.model_validate(
        {
            **_fields(view.category, view.parent_slug, view.course_count),
            "children": [_node(child) for child in view.children],
        }
    )


# -- categories -------------------------------------------------------------------------------


@router.get(
    "/categories",
    response_model=CategoryTree,
    summary="The category tree",
    responses=problem_responses(401, 403),
)
async def list_categories(
    session: SessionDep, user: OptionalUser, include: IncludeQuery = Include.ACTIVE
) -> CategoryTree:
    """Top-level categories with their subcategories nested, each level ordered by `order`
    then name. The public sees active, not deleted categories under a visible parent.
    Not paginated: the tree is small and shown whole."""
    hidden = policy.ensure_may_include(user, include)
    views = await service.category_tree(session, include_hidden=hidden)
    return CategoryTree(items=[_node(view) for view in views])


@router.post(
    "/categories",
    response_model=CategoryNode,
    status_code=201,
    summary="Create a category (admin)",
    responses=problem_responses(401, 403, 409),
)
async def create_category(
    body: CategoryCreate, session: SessionDep, admin: AdminActor
) -> CategoryNode:
    """`parent` is the slug of a top-level category (two levels only). The slug is made from
    the name unless given; a taken slug, or a sibling with the same name, is a 409."""
    view = await service.create_category(session, body, actor=admin)
    return _node(view)


@router.post(
    "/categories/reorder",
    response_model=CategoryList,
    summary="Reorder sibling categories (admin)",
    responses=problem_responses(401, 403),
)
async def reorder_categories(
    body: CategoryReorder, session: SessionDep, admin: AdminActor
) -> CategoryList:
    """`slugs` lists every not-deleted child of `parent` (or every top-level category when
    `parent` is null) exactly once; their `order` becomes 0..n-1 in that order."""
    views = await service.reorder_categories(session, body, actor=admin)
    return CategoryList(
        items=[
            CategoryOut.model_validate(_fields(view.category, view.parent_slug, view.course_count))
            for view in views
        ]
    )


@router.get(
    "/categories/{slug}",
    response_model=CategoryNode,
    summary="A category with its subcategories",
    responses=problem_responses(401, 403, 404),
)
async def get_category(
    slug: SlugPath, session: SessionDep, user: OptionalUser, include: IncludeQuery = Include.ACTIVE
) -> CategoryNode:
    hidden = policy.ensure_may_include(user, include)
    return _node(await service.get_category(session, slug, include_hidden=hidden))


@router.patch(
    "/categories/{slug}",
    response_model=CategoryNode,
    summary="Update a category (admin)",
    responses=problem_responses(401, 403, 404, 409),
)
async def update_category(
    slug: SlugPath,
    body: CategoryUpdate,
    session: SessionDep,
    admin: AdminActor,
) -> CategoryNode:
    """Only the fields sent change. A rename keeps the slug; send `slug` to change it.
    Moving (`parent`) must keep the tree acyclic and two levels deep (422)."""
    view = await service.update_category(session, slug, body, actor=admin)
    return _node(view)


@router.delete(
    "/categories/{slug}",
    status_code=204,
    response_class=Response,
    summary="Soft-delete a category (admin)",
    responses=problem_responses(401, 403, 404, 409),
)
async def delete_category(slug: SlugPath, session: SessionDep, admin: AdminActor) -> Response:
    """Refused (409) while the category has subcategories that are not deleted."""
    await service.delete_category(session, slug, actor=admin)
    return Response(status_code=204)


@router.post(
    "/categories/{slug}/restore",
    response_model=CategoryNode,
    summary="Restore a deleted category (admin)",
    responses=problem_responses(401, 403, 404, 409),
)
async def restore_category(slug: SlugPath, session: SessionDep, admin: AdminActor) -> CategoryNode:
    """Refused (409) when the category is not deleted or its parent is deleted."""
    view = await service.restore_category(session, slug, actor=admin)
    return _node(view)


# -- tags -------------------------------------------------------------------------------------


@router.get(
    "/tags",
    response_model=Page[TagOut],
    summary="Tags",
    responses=problem_responses(401, 403),
)
async def list_tags(
    session: SessionDep,
    user: OptionalUser,
    params: PageParams = Depends(page_params),
    q: Annotated[
        str | None, Query(min_length=1, max_length=100, description="Part of the tag's name.")
    ] = None,
    sort: TagSort = TagSort.NAME,
    include: IncludeQuery = Include.ACTIVE,
) -> Page[TagOut]:
    hidden = policy.ensure_may_include(user, include)
    tags, meta = await tag_service.list_tags(session, params, q=q, sort=sort, include_hidden=hidden)
    return Page[TagOut](items=[TagOut.model_validate(tag) for tag in tags], meta=meta)


@router.post(
    "/tags",
    response_model=TagOut,
    status_code=201,
    summary="Create a tag (admin)",
    responses=problem_responses(401, 403, 409),
)
async def create_tag(body: TagCreate, session: SessionDep, admin: AdminActor) -> TagOut:
    """A tag with the same name (in any case, active or not) is a 409."""
    tag = await tag_service.create_tag(session, body, actor=admin)
    return TagOut.model_validate(tag)


@router.get(
    "/tags/{slug}",
    response_model=TagOut,
    summary="A tag",
    responses=problem_responses(401, 403, 404),
)
async def get_tag(
    slug: SlugPath, session: SessionDep, user: OptionalUser, include: IncludeQuery = Include.ACTIVE
) -> TagOut:
    hidden = policy.ensure_may_include(user, include)
    return TagOut.model_validate(await tag_service.get_tag(session, slug, include_hidden=hidden))


@router.patch(
    "/tags/{slug}",
    response_model=TagOut,
    summary="Update a tag (admin)",
    responses=problem_responses(401, 403, 404, 409),
)
async def update_tag(
    slug: SlugPath, body: TagUpdate, session: SessionDep, admin: AdminActor
) -> TagOut:
    tag = await tag_service.update_tag(session, slug, body, actor=admin)
    return TagOut.model_validate(tag)


@router.delete(
    "/tags/{slug}",
    status_code=204,
    response_class=Response,
    summary="Delete (deactivate) a tag (admin)",
    responses=problem_responses(401, 403, 404, 409),
)
async def delete_tag(slug: SlugPath, session: SessionDep, admin: AdminActor) -> Response:
    """Tags have no deleted_at: deleting one deactivates it. It disappears from the public
    lists and lookups; its links to courses are kept, so a restore brings them back."""
    await tag_service.delete_tag(session, slug, actor=admin)
    return Response(status_code=204)


@router.post(
    "/tags/{slug}/restore",
    response_model=TagOut,
    summary="Restore (reactivate) a tag (admin)",
    responses=problem_responses(401, 403, 404, 409),
)
async def restore_tag(slug: SlugPath, session: SessionDep, admin: AdminActor) -> TagOut:
    tag = await tag_service.restore_tag(session, slug, actor=admin)
    return TagOut.model_validate(tag)
