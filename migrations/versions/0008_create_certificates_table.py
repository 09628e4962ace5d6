"""Certificate templates and certificates

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 15:30:03.281349
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "certificate_templates",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column(
            "orientation",
            sa.Enum(
                "landscape",
                "portrait",
                name="certificate_template_orientation",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            server_default="landscape",
            nullable=False,
        ),
        sa.Column(
            "size",
            sa.Enum(
                "A4",
                "Letter",
                name="certificate_template_size",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            server_default="A4",
            nullable=False,
        ),
        sa.Column("background_image", sa.String(length=1024), nullable=True),
        sa.Column("background_color", sa.String(length=32), nullable=True),
        sa.Column("html_content", sa.Text(), nullable=True),
        sa.Column("styles", sa.Text(), nullable=True),
        sa.Column(
            "elements", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=True
        ),
        sa.Column("is_default", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("is_active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificate_templates")),
    )
    with op.batch_alter_table("certificate_templates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_certificate_templates_deleted_at"), ["deleted_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_certificate_templates_is_active"), ["is_active"], unique=False
        )

    op.create_table(
        "certificates",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("certificate_number", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "course_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "enrollment_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "template_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("student_name", sa.String(length=255), nullable=False),
        sa.Column("course_title", sa.String(length=255), nullable=False),
        sa.Column("instructor_name", sa.String(length=255), nullable=True),
        sa.Column("completion_date", sa.Date(), nullable=False),
        sa.Column("issue_date", sa.Date(), nullable=False),
        sa.Column("expiry_date", sa.Date(), nullable=True),
        sa.Column("verification_url", sa.String(length=2048), nullable=True),
        sa.Column("qr_code", sa.String(length=1024), nullable=True),
        sa.Column("pdf_path", sa.String(length=1024), nullable=True),
        sa.Column("image_path", sa.String(length=1024), nullable=True),
        sa.Column("course_duration_hours", sa.BigInteger(), nullable=True),
        sa.Column("final_score", sa.BigInteger(), nullable=True),
        sa.Column("grade", sa.String(length=32), nullable=True),
        sa.Column("is_valid", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_certificates_course_id_courses"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["enrollment_id"],
            ["enrollments.id"],
            name=op.f("fk_certificates_enrollment_id_enrollments"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["certificate_templates.id"],
            name=op.f("fk_certificates_template_id_certificate_templates"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_certificates_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificates")),
        sa.UniqueConstraint("certificate_number", name=op.f("uq_certificates_certificate_number")),
        sa.UniqueConstraint("user_id", "course_id", name=op.f("uq_certificates_user_id_course_id")),
        sa.UniqueConstraint("uuid", name=op.f("uq_certificates_uuid")),
    )
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_certificates_course_id"), ["course_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_certificates_deleted_at"), ["deleted_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_certificates_enrollment_id"), ["enrollment_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_certificates_expiry_date"), ["expiry_date"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_certificates_template_id"), ["template_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_certificates_template_id"))
        batch_op.drop_index(batch_op.f("ix_certificates_expiry_date"))
        batch_op.drop_index(batch_op.f("ix_certificates_enrollment_id"))
        batch_op.drop_index(batch_op.f("ix_certificates_deleted_at"))
        batch_op.drop_index(batch_op.f("ix_certificates_course_id"))

    op.drop_table("certificates")
    with op.batch_alter_table("certificate_templates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_certificate_templates_is_active"))
        batch_op.drop_index(batch_op.f("ix_certificate_templates_deleted_at"))

    op.drop_table("certificate_templates")
