"""Figures kept for the ended days of the open month: a period's span (month or day) on
``figure_period`` and ``figure_snapshot``, in their unique keys. Every row stored so far is a
month's (the column's default); nothing else changes.

Revision ID: 0019_stored_days
Revises: 0018_stored_figures
"""

import sqlalchemy as sa
from alembic import op

revision = "0019_stored_days"
down_revision = "0018_stored_figures"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("figure_period") as batch:
        batch.add_column(sa.Column("span", sa.String(length=8), server_default="month", nullable=False))
        batch.drop_constraint("uq_figure_period_organisation_id", type_="unique")
        batch.create_unique_constraint(
            "uq_figure_period_organisation_id", ["organisation_id", "span", "starts_at"]
        )
    with op.batch_alter_table("figure_snapshot") as batch:
        batch.add_column(sa.Column("span", sa.String(length=8), server_default="month", nullable=False))
        batch.drop_constraint("uq_figure_snapshot_organisation_id", type_="unique")
        batch.create_unique_constraint(
            "uq_figure_snapshot_organisation_id", ["organisation_id", "span", "starts_at", "generation"]
        )


def downgrade() -> None:
    # A day's rows have no place in the month-only tables.
    op.execute(
        "DELETE FROM stored_figure WHERE snapshot_id IN (SELECT id FROM figure_snapshot WHERE span = 'day')"
    )
    op.execute("DELETE FROM figure_snapshot WHERE span = 'day'")
    op.execute("DELETE FROM figure_period WHERE span = 'day'")
    with op.batch_alter_table("figure_snapshot") as batch:
        batch.drop_constraint("uq_figure_snapshot_organisation_id", type_="unique")
        batch.create_unique_constraint(
            "uq_figure_snapshot_organisation_id", ["organisation_id", "starts_at", "generation"]
        )
        batch.drop_column("span")
    with op.batch_alter_table("figure_period") as batch:
        batch.drop_constraint("uq_figure_period_organisation_id", type_="unique")
        batch.create_unique_constraint("uq_figure_period_organisation_id", ["organisation_id", "starts_at"])
        batch.drop_column("span")
