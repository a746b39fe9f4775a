"""quote review: who confirmed a quote names nobody and tells of no harm; why a section is unwritten

Revision ID: 0006_quote_review
Revises: 0004
Create Date: 2026-12-02 09:00:00

Existing quotes keep their words and who picked them; their confirmation stays empty (NULL), so
they are held back from publication until a quality lead reviews them. Existing sections have no
reason yet (NULL). No data is lost either way.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_quote_review"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("picked_quote", schema=None) as batch_op:
        batch_op.add_column(sa.Column("confirmed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_picked_quote_confirmed_by_id_user_account"),
            "user_account",
            ["confirmed_by_id"],
            ["id"],
        )
    with op.batch_alter_table("section_entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unwritten_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("section_entry", schema=None) as batch_op:
        batch_op.drop_column("unwritten_reason")
    with op.batch_alter_table("picked_quote", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_picked_quote_confirmed_by_id_user_account"), type_="foreignkey"
        )
        batch_op.drop_column("confirmed_at")
        batch_op.drop_column("confirmed_by_id")
