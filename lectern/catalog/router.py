"""HTTP routes of the browse domain: the public catalog and course pages (no login needed).

``/courses/facets`` is a literal segment: it shadows a course whose slug is "facets", so
the authoring side should keep that slug out of use.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Query, Request, Response

from lectern.catalog import queries, schemas, service
from lectern.db import SessionDep
from lectern.errors import problem_responses
from lectern.kit.prebuilt import from_rows
from lectern.kit.query import query_model, query_parameters
from lectern.kit.ratelimit import client_ip
from lectern.kit.routing import ApiRouter
from lectern.kit.schemas import Page, PageParams, page_params
from lectern.security.dependencies import OptionalUser

router = ApiRouter(prefix="/courses", tags=["courses"])


@router.get(
    "",
    response_model=Page[schemas.CourseCard],
    summary="Browse and search the published courses",
    description=(
        "Published, approved courses matching the filters; with `q`, a full-text search over"
        " title, subtitle, description and tags (recorded in the search history).\n\n"
        f"A search covers its first {queries.SEARCH_WINDOW:,} matches in the order asked for"
        f" (for relevance: the {queries.SEARCH_WINDOW:,} most popular matches, ranked);"
        f" `meta.total` counts at most {queries.SEARCH_WINDOW:,} and the pages end there."
        " A very common word is narrowed with more words or filters."
    ),
    responses=problem_responses(401, 422),
    openapi_extra=query_parameters(schemas.CatalogQuery),
)
async def list_courses(
    session: SessionDep,
    user: OptionalUser,
    query: Annotated[schemas.CatalogQuery, Depends(query_model(schemas.CatalogQuery))],
    params: PageParams = Depends(page_params),
) -> Response:
    return from_rows(await service.list_courses(session, query, params, user))


@router.get(
    "/facets",
    response_model=schemas.FacetsOut,
    summary="Counts per category, level and price type for a catalog filter",
    responses=problem_responses(422),
)
async def facets(
    session: SessionDep, filters: Annotated[schemas.CatalogFilters, Query()]
) -> schemas.FacetsOut:
    """How many courses of the filter (the same parameters as the list) fall in each
    category, level and price type."""
    return await service.facets(session, filters)


@router.get(
    "/{slug}",
    response_model=schemas.CoursePage,
    summary="A course's public page",
    responses=problem_responses(401, 404, 422),
)
async def course_page(
    request: Request,
    session: SessionDep,
    user: OptionalUser,
    slug: Annotated[str, Path(max_length=255)],
) -> Response:
    """Everything a visitor sees: the course, its curriculum outline (content only for free
    previews), instructors, rating summary and FAQs. The view is recorded (once per visitor
    per day)."""
    visit = service.Visit(
        user=user,
        ip_address=client_ip(request),
        user_agent=request.headers.get("user-agent"),
        referrer=request.headers.get("referer"),
    )
    return from_rows(await service.course_page(session, slug, visit))
