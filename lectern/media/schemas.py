"""Request and response bodies of the media library."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal, Self

from fastapi import UploadFile
from pydantic import Field, computed_field, model_validator

from lectern.kit.schemas import Input, Output
from lectern.models import MediaType

MAX_NAME = 255
MAX_ALT_TEXT = 500
MAX_CAPTION = 5000

ListSort = Literal["-created_at", "created_at", "name", "-name", "size", "-size"]


class MediaUpload(Input):
    """The multipart form of an upload: the file and optional descriptions."""

    file: UploadFile = Field(description="The file; its type is read from its content.")
    name: str | None = Field(
        None,
        min_length=1,
        max_length=MAX_NAME,
        description="A display name; the uploaded file's name when omitted.",
    )
    alt_text: str | None = Field(None, max_length=MAX_ALT_TEXT)
    caption: str | None = Field(None, max_length=MAX_CAPTION)


class MediaUpdate(Input):
    """The editable descriptions of a media item; only the fields sent change."""

    name: str | None = Field(None, min_length=1, max_length=MAX_NAME)
    alt_text: str | None = Field(None, max_length=MAX_ALT_TEXT)
    caption: str | None = Field(None, max_length=MAX_CAPTION)

    @model_validator(mode="after")
    def _name_not_null(self) -> Self:
        if "name" in self.model_fields_set and self.name is None:
            raise ValueError("name cannot be null")
        return self


class MediaOut(Output):
    uuid: uuid.UUID
    name: str
    file_name: str
    mime_type: str | None
    size: int = Field(description="In bytes.")
    type: MediaType
    width: int | None = Field(description="In pixels, for images.")
    height: int | None = Field(description="In pixels, for images.")
    duration: int | None = Field(description="In seconds, for audio and video (when known).")
    alt_text: str | None
    caption: str | None
    created_at: datetime
    updated_at: datetime

    @computed_field  # type: ignore[prop-decorator]
    @property
    def file_url(self) -> str:
        """Where the file itself is downloaded (with the same credentials)."""
        return f"/api/v1/media/{self.uuid}/file"
