"""Query parameters read into a model in one pydantic call (lectern.kit.query) answer and
document exactly as FastAPI's ``Annotated[Model, Query()]`` does."""

from __future__ import annotations

from typing import Annotated, Any

import httpx
from fastapi import Depends, FastAPI, Query

from lectern.catalog.schemas import CatalogQuery
from lectern.errors import install_error_handlers
from lectern.kit.query import query_model, query_parameters


def apps() -> tuple[FastAPI, FastAPI]:
    fastapis, ours = FastAPI(), FastAPI()
    for app in (fastapis, ours):
        install_error_handlers(app)

    @fastapis.get("/courses")
    async def by_fastapi(query: Annotated[CatalogQuery, Query()]) -> dict[str, Any]:
        return query.model_dump(mode="json")

    @ours.get("/courses", openapi_extra=query_parameters(CatalogQuery))
    async def by_lectern(
        query: Annotated[CatalogQuery, Depends(query_model(CatalogQuery))],
    ) -> dict[str, Any]:
        return query.model_dump(mode="json")

    return fastapis, ours


async def answers(app: FastAPI, params: Any) -> tuple[int, Any]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://lectern.test") as client:
        response = await client.get("/courses", params=params)
    return response.status_code, response.json()


async def test_the_same_values_and_the_same_refusals() -> None:
    fastapis, ours = apps()
    cases: list[Any] = [
        {},
        {"q": "python", "tags": ["a", "b"], "level": "beginner", "min_price": "10.5"},
        [("tags", "a"), ("tags", "b"), ("page", "2"), ("unknown", "x")],
        {"level": "expert"},  # not a level
        {"min_price": "20", "max_price": "10"},  # the model's own rule
        {"sort": "relevance"},  # relevance needs q
        {"q": "x" * 201},
        {"min_duration": "soon"},
    ]
    for params in cases:
        theirs, mine = await answers(fastapis, params), await answers(ours, params)
        assert mine == theirs, params
    assert (await answers(ours, {"level": "expert"}))[0] == 422
    assert (await answers(ours, {"tags": ["a", "b"]}))[1]["tags"] == ["a", "b"]


def test_the_same_parameters_in_the_openapi_document() -> None:
    fastapis, ours = apps()

    def parameters(app: FastAPI) -> dict[str, Any]:
        listed = app.openapi()["paths"]["/courses"]["get"]["parameters"]
        return {parameter["name"]: parameter for parameter in listed}

    assert parameters(ours) == parameters(fastapis)
