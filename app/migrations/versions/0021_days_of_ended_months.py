"""Kept days of ended months: dropped once, because the code before this revision stopped marking
a day an hour after its month ended (its days were then dropped too, at the next count). Ended
months are now summed from their kept days, so a day kept by that code and written to since
without a mark must not be read as current. The days are counted again when next needed; months,
the open month's days and every generation stay.

Revision ID: 0021_days_of_ended_months
Revises: 0020_audio_job_claimed_by
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0021_days_of_ended_months"
down_revision = "0020_audio_job_claimed_by"
branch_labels = None
depends_on = None


def upgrade() -> None:
    now = datetime.now(UTC)
    month = sa.bindparam(
        "month", datetime(now.year, now.month, 1, tzinfo=UTC), type_=sa.DateTime(timezone=True)
    )
    ended = "SELECT id FROM figure_snapshot WHERE span = 'day' AND starts_at < :month"
    op.execute(sa.text(f"DELETE FROM stored_figure WHERE snapshot_id IN ({ended})").bindparams(month))  # noqa: S608
    op.execute(
        sa.text("DELETE FROM figure_snapshot WHERE span = 'day' AND starts_at < :month").bindparams(month)
    )


def downgrade() -> None:
    pass  # nothing to put back: the days are counted again when needed
