"""Shared API schemas: strict input models, update bodies, pages of results."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, ClassVar, Generic, TypeVar

from fastapi import Query
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    ValidationInfo,
    field_validator,
)

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


# The instants Lectern accepts: in UTC, between these. A moment at the calendar's very edge
# with an offset (9999-12-31T23:59:59-14:00) cannot even be converted to UTC.
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(9999, 12, 30, tzinfo=UTC)


def in_utc(value: datetime) -> datetime:
    """``value`` in UTC (a naive one taken as UTC), refused outside EARLIEST..LATEST."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    try:
        moment = value.astimezone(UTC)
    except OverflowError:
        moment = None
    if moment is None or not EARLIEST <= moment <= LATEST:
        raise ValueError("must be a time between 1900-01-01 and 9999-12-30 (UTC)")
    return moment


# Every datetime a request may send is one of these, so one rule bounds them all: a body's
# fields need an offset (``2026-05-01T09:00:00+02:00``); a query parameter without one is UTC.
Instant = Annotated[AwareDatetime, AfterValidator(in_utc)]
QueryInstant = Annotated[datetime, AfterValidator(in_utc)]


class Input(BaseModel):
    """Base of every request body: unknown fields are refused (no mass assignment),
    strings are trimmed, NUL characters refused."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    # Before any other validator: sanitising rich text would quietly drop what is refused.
    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        return _reject_nul(value)


class UploadForm(BaseModel):
    """Base of a multipart form (files and fields): unknown fields are refused; the route
    reads the text fields as sent (uploads are not trimmed like JSON bodies)."""

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)


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
    # FastAPI has checked both already: no second validation.
    return PageParams.model_construct(page=page, per_page=per_page)
