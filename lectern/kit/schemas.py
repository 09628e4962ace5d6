"""Shared API schemas: strict input models, update bodies, pages of results."""

from __future__ import annotations

from typing import Any, ClassVar, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator

T = TypeVar("T")


def _reject_nul(value: Any) -> Any:
    # PostgreSQL cannot store NUL in text, and no legitimate input contains one.
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("must not contain NUL characters")
    elif isinstance(value, dict):
        for key, item in value.items():
            _reject_nul(key)
            _reject_nul(item)
    elif isinstance(value, list | tuple | set):
        for item in value:
            _reject_nul(item)
    return value


class Input(BaseModel):
    """Base of every request body: unknown fields are refused (no mass assignment),
    strings are trimmed, NUL characters refused."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        return _reject_nul(value)


class Patch(Input):
    """A PATCH body: a field left out stays as it is; ``null`` clears a nullable field. The
    fields a subclass names in ``not_null`` refuse null instead (a 422 naming the field)."""

    not_null: ClassVar[tuple[str, ...]] = ()

    @field_validator("*", mode="before")
    @classmethod
    def _refuse_null(cls, value: Any, info: ValidationInfo) -> Any:
        # Runs only on the fields the client sent: one left out keeps its default.
        if value is None and info.field_name in cls.not_null:
            raise ValueError("may not be null")
        return value

    def changes(self) -> dict[str, Any]:
        """The fields the request set, with their values."""
        return {name: getattr(self, name) for name in self.model_fields_set}


class Output(BaseModel):
    """Base of every response body, read from ORM objects."""

    model_config = ConfigDict(from_attributes=True)


class PageMeta(BaseModel):
    total: int
    page: int
    per_page: int
    pages: int


class Page(BaseModel, Generic[T]):
    items: list[T]
    meta: PageMeta


class PageParams(BaseModel):
    page: int
    per_page: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    def meta(self, total: int) -> PageMeta:
        return PageMeta(
            total=total,
            page=self.page,
            per_page=self.per_page,
            pages=(total + self.per_page - 1) // self.per_page,
        )


# Dependencies are ``async def`` even when they await nothing: FastAPI runs a plain ``def``
# dependency in a worker thread, a hand-off that costs more than the function itself.
async def page_params(
    page: int = Query(1, ge=1, le=100_000, description="Page number, from 1."),
    per_page: int = Query(20, ge=1, le=100, description="Items per page, at most 100."),
) -> PageParams:
    return PageParams(page=page, per_page=per_page)
