"""An organisation's own pictures (issue 12, item 2): a new table; nothing stored changes.

Revision ID: 0017_own_pictures
Revises: 0016_languages
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_own_pictures"
down_revision = "0016_languages"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "own_picture",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("alt_text", sa.String(length=150), nullable=False),
        sa.Column("digest", sa.String(length=16), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_own_picture_organisation_id_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user_account.id"], name=op.f("fk_own_picture_created_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_own_picture")),
        sa.UniqueConstraint("organisation_id", "name", name=op.f("uq_own_picture_organisation_id")),
    )
    op.create_index(op.f("ix_own_picture_organisation_id"), "own_picture", ["organisation_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_own_picture_organisation_id"), table_name="own_picture")
    op.drop_table("own_picture")
