"""Categories and tags (spec module 1, Categories & Tags; migration step 1)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lectern.kit.types import JSONType
from lectern.models.base import Base, IdMixin, SoftDeleteMixin, TimestampMixin, fk, flag


class Category(IdMixin, TimestampMixin, SoftDeleteMixin, Base):
    """A node of the category tree; a course points at a category and a subcategory."""

    __tablename__ = "categories"
    # Children of one parent, listed in their display order.
    __table_args__ = (Index(None, "parent_id", "order"),)

    # SET NULL: hard-deleting a parent promotes its subcategories to top level instead of
    # silently deleting a subtree that courses still point at (removal is normally soft).
    parent_id: Mapped[int | None] = fk(
        "categories.id", ondelete="SET NULL", nullable=True, index=False
    )
    name: Mapped[str] = mapped_column(String(255))
    slug: Mapped[str] = mapped_column(String(255), unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    # An icon name (e.g. of an icon font) or a small image's path.
    icon: Mapped[str | None] = mapped_column(String(1024))
    image: Mapped[str | None] = mapped_column(String(1024))
    # A CSS colour, e.g. "#1e90ff".
    color: Mapped[str | None] = mapped_column(String(32))
    is_featured: Mapped[bool] = flag(False, index=True)
    is_active: Mapped[bool] = flag(True, index=True)
    order: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    meta: Mapped[dict[str, Any] | None] = mapped_column(JSONType)

    parent: Mapped[Category | None] = relationship(
        back_populates="children", remote_side="Category.id", lazy="raise"
    )
    # Not owned: the database sets the children's parent_id to NULL (passive_deletes).
    children: Mapped[list[Category]] = relationship(
        back_populates="parent", order_by="Category.order", lazy="raise", passive_deletes=True
    )


class Tag(IdMixin, TimestampMixin, Base):
    __tablename__ = "tags"

    name: Mapped[str] = mapped_column(String(255))
    slug: Mapped[str] = mapped_column(String(255), unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    is_active: Mapped[bool] = flag(True, index=True)
