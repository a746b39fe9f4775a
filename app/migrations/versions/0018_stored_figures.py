"""Figures kept for closed months (issue 15, item 3): three new tables, an index on when a
response was started (the open month is counted by that range) and one on a question's answers
by time (the latest written answers); nothing stored changes (the first read counts the months).

Revision ID: 0018_stored_figures
Revises: 0017_own_pictures
"""

import sqlalchemy as sa
from alembic import op

revision = "0018_stored_figures"
down_revision = "0017_own_pictures"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "figure_period",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_figure_period_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_figure_period")),
        sa.UniqueConstraint("organisation_id", "starts_at", name=op.f("uq_figure_period_organisation_id")),
    )
    op.create_table(
        "figure_snapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_figure_snapshot_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_figure_snapshot")),
        sa.UniqueConstraint(
            "organisation_id", "starts_at", "generation", name=op.f("uq_figure_snapshot_organisation_id")
        ),
    )
    op.create_table(
        "stored_figure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("how", sa.String(length=8), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=True),
        sa.Column("question_key", sa.String(length=80), nullable=False),
        sa.Column("value", sa.String(length=80), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["snapshot_id"],
            ["figure_snapshot.id"],
            name=op.f("fk_stored_figure_snapshot_id_figure_snapshot"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stored_figure")),
    )
    op.create_index(op.f("ix_stored_figure_snapshot_id"), "stored_figure", ["snapshot_id"], unique=False)
    op.create_index("ix_response_started_at", "response", ["started_at"], unique=False)
    op.create_index("ix_answer_question_key", "answer", ["question_key", "created_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_answer_question_key", table_name="answer")
    op.drop_index("ix_response_started_at", table_name="response")
    op.drop_index(op.f("ix_stored_figure_snapshot_id"), table_name="stored_figure")
    op.drop_table("stored_figure")
    op.drop_table("figure_snapshot")
    op.drop_table("figure_period")
