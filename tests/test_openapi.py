"""The OpenAPI document serves client generators: every schema has a name of its own, every
operation a summary written for it, every upload says it is multipart. (CI also generates a
Python and a TypeScript client and fails on any warning: .ci/clients/check.)"""

from __future__ import annotations

import collections
from typing import Any

import pytest
from fastapi import FastAPI


@pytest.fixture(scope="module")
def document(shared_app: FastAPI) -> dict[str, Any]:
    return shared_app.openapi()


def test_every_schema_has_a_name_and_a_title_of_its_own(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    titles = collections.Counter(schema.get("title", name) for name, schema in schemas.items())
    assert [title for title, count in titles.items() if count > 1] == []
    # Names made up by the framework (module paths, Body_<operation>) mean a clash or an
    # unnamed form.
    assert [name for name in schemas if "__" in name or name.startswith("Body_")] == []


def test_every_operation_has_a_summary_of_its_own(document: dict[str, Any]) -> None:
    defaulted = [
        f"{method.upper()} {path}"
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if operation.get("summary", "").lower().replace(" ", "_")
        == operation["operationId"].split("_api_")[0]
    ]
    assert defaulted == []


def test_uploads_are_multipart(document: dict[str, Any]) -> None:
    forms = [
        (path, list(operation["requestBody"]["content"]))
        for path, operations in document["paths"].items()
        for operation in operations.values()
        if "requestBody" in operation
        and "application/json" not in operation["requestBody"]["content"]
    ]
    assert forms
    assert {tuple(types) for _, types in forms} == {("multipart/form-data",)}


def test_routes_of_the_signed_in_user_name_the_bearer_scheme(document: dict[str, Any]) -> None:
    assert document["components"]["securitySchemes"] == {
        "BearerToken": {
            "type": "http",
            "scheme": "bearer",
            "description": "An access token from /api/v1/auth/login.",
        }
    }
    bearer = [{"BearerToken": []}]
    assert document["paths"]["/api/v1/auth/me"]["get"]["security"] == bearer  # signed in
    assert document["paths"]["/api/v1/cart"]["get"]["security"] == bearer  # or a guest
    assert document["paths"]["/api/v1/auth/login"]["post"].get("security") is None
